#!/usr/bin/env node
// The `embodied` command: registers tsx's loader in this process and runs cli/main.ts, so that a
// checkout works after `npm ci` and signals (Ctrl-C) reach the command itself.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
await main();
