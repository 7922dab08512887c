// driveStep allocates nothing: heap growth over 1e5 calls stays bounded, and the same measurement
// catches a step that allocates (the control case), so the check can fail.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import { createDriveCommand, createDriveOutput, createDriveState, driveStep, DriveMode, parseDriveFile, resetDriveState, stepDriveWithLoad, type DriveLoad } from '../../../robot/drive/index.ts';
import { robotFile } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap growth (bytes) over `calls` calls of fn after a warm-up, measured between full collections' baselines. */
function heapGrowth(fn: (i: number) => void, calls: number): number {
  for (let i = 0; i < 20000; i++) fn(i);
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) fn(i);
  const after = process.memoryUsage().heapUsed;
  return after - before;
}

const LIMIT = 256 * 1024;
let sink: unknown;

describe('drive step allocation', () => {
  const model = buildModel(robotFile('servo-arm.urdf'));
  const set = parseDriveFile(robotFile('servo-arm.drive.yaml'), model);
  const state = createDriveState(set);
  resetDriveState(set, state, new Float64Array(set.nq));
  const command = createDriveCommand();
  command.mode = DriveMode.position;
  const out = createDriveOutput();

  it('driveStep (every joint, position mode, 50 µs steps) grows the heap by less than 256 kB over 1e5 calls', () => {
    const growth = heapGrowth((i) => {
      command.position = 0.1 * Math.sin(i * 1e-3);
      driveStep(set, state, i % 6, command, 0.01, 0.02, 5e-5, out);
    }, 100_000);
    expect(growth).toBeLessThan(LIMIT);
    expect(Number.isFinite(out.tau)).toBe(true);
  });

  it('stepDriveWithLoad grows the heap by less than 256 kB over 1e5 calls', () => {
    const load: DriveLoad = { q: 0, v: 0, inertia: 0.05, externalTorque: -2 };
    command.mode = DriveMode.velocity;
    command.velocity = 0.1;
    const growth = heapGrowth(() => stepDriveWithLoad(set, state, 4, command, load, 5e-5, out), 100_000);
    expect(growth).toBeLessThan(LIMIT);
  });

  it('the same measurement catches a step that allocates 64 bytes a call (control)', () => {
    const kept: Float64Array[] = [];
    const growth = heapGrowth((i) => {
      driveStep(set, state, 0, command, 0, 0, 5e-5, out);
      const scratch = new Float64Array(8);
      scratch[0] = out.tau;
      if (i % 4 === 0) kept.push(scratch);
      sink = scratch;
    }, 100_000);
    expect(growth).toBeGreaterThan(LIMIT);
    expect(sink).toBeDefined();
  });
});
