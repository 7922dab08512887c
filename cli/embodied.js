#!/usr/bin/env node
// The `embodied` command: registers tsx's loader in this process and runs cli/main.ts, so that a
// checkout works after `npm ci` and signals (Ctrl-C) reach the command itself.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';

// A larger inlining budget for V8's optimizing compiler, set before any hot code is compiled (the
// flags are process-wide, workers included). The drive step's phases (firmware, winding, reducer,
// friction) are written as separate functions and together exceed the default budget (920 bytes
// of bytecode inlined into one function, 460 per callee), so each sub-step made several real
// calls. Measured with `embodied bench`: drive/step 84-95 ns against 103-113 ns (6 runs each),
// sim/step-ur5e 6.5-7.9 µs against 6.7-8.1 µs. A library user's process keeps V8's defaults.
setFlagsFromString('--max-inlined-bytecode-size-cumulative=8000');
setFlagsFromString('--max-inlined-bytecode-size=2000');
register();
const { main } = await import('./main.ts');
await main();
