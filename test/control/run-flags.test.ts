// `embodied run` flag validation for the estimator, collision and motor-current options: each
// refusal names the flag, the value and the choices (before any connection is tried).
import { describe, expect, it } from 'vitest';
import { runControl } from '../../cli/commands/run.ts';

const base = { url: 'ws://127.0.0.1:1', robot: 'servo-arm', command: 'position', effortController: 'cascade', rate: '1000', publishRate: '100', wait: 'atomics', overrun: 'skip', estimator: 'kalman' };

describe('embodied run flags', () => {
  it('refuses unknown estimator, collision and command values, naming the choices', async () => {
    await expect(runControl({ ...base, estimator: 'magic' })).rejects.toThrow(/--estimator = "magic", expected kalman or pass-through/);
    await expect(runControl({ ...base, collision: 'dodge' })).rejects.toThrow(/--collision = "dodge", expected off, stop, retreat/);
    await expect(runControl({ ...base, command: 'torque' })).rejects.toThrow(/--command = "torque", expected position, velocity, effort, motor-current/);
    await expect(runControl({ ...base, collisionThreshold: '-1' })).rejects.toThrow(/--collision-threshold = "-1"/);
  });

  it('refuses a collision reaction with the pass-through estimator (no observer)', async () => {
    await expect(runControl({ ...base, estimator: 'pass-through', collision: 'retreat' })).rejects.toThrow(/needs estimator = "kalman"/);
  });
});
