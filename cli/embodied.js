#!/usr/bin/env node
// The `embodied` command: registers tsx's loader in this process and runs cli/main.ts, so that a
// checkout works after `npm ci` and signals (Ctrl-C) reach the command itself.
import { setFlagsFromString } from 'node:v8';
import { register } from 'tsx/esm/api';
import { V8_FLAGS } from './v8-flags.js';

for (const flag of V8_FLAGS) setFlagsFromString(flag);
register();
const { main } = await import('./main.ts');
await main();
