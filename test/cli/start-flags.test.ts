// `embodied start` refuses a bad loop flag before it starts anything, naming flag, value and choices.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const start = (...args: string[]) => spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), 'start', '--sim-port', '0', '--web-port', '0', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });

describe('embodied start flags', () => {
  it('refuses an unknown command interface and a bad rate, and starts nothing', () => {
    const command = start('--command', 'torque');
    expect(command.status).not.toBe(0);
    expect(command.stderr).toMatch(/--command = "torque": expected position, velocity, effort, motor-current/);
    expect(command.stderr).not.toMatch(/listening|http:\/\//);
    const rate = start('--rate', '-5');
    expect(rate.status).not.toBe(0);
    expect(rate.stderr).toMatch(/--rate = "-5"/);
  }, 60_000);
});
