// driveStep allocates nothing. Two measurements over 1e5 calls after a warm-up:
// - V8's sampling heap profiler (every allocation, also those a scavenge collects), counting the
//   bytes allocated under frames of robot/drive/, best of 3 rounds (a compile that finishes inside
//   a round lands in that round only): must stay under 0.5 byte a call;
// - heap growth between two points with no collection in between: bounded.
// A control step that allocates 64 bytes a call in a drive-like loop is caught by both, so the
// check can fail.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import { createDriveCommand, createDriveOutput, createDriveState, driveStep, driveStepAveraged, DriveMode, parseDriveFile, resetDriveState, stepDriveWithLoad, type DriveLoad } from '../../../robot/drive/index.ts';
import { sampleAllocations } from '../../support/heap.ts';
import { robotFile } from './fixtures.ts';

/** Sampled bytes per call in frames matching `where` over `calls` calls after 3 x 50 000 warm-up calls (best of 3 rounds); and the heap growth. */
const allocations = (fn: (i: number) => void, calls: number, where: RegExp) =>
  sampleAllocations(fn, { calls, where, warmup: { calls: 50_000, passes: 3 }, samplingInterval: 64, rounds: 3 });

const DRIVE = /robot\/drive\//;
const CALLS = 100_000;

describe('drive step allocation', () => {
  const model = buildModel(robotFile('servo-arm.urdf'));
  const set = parseDriveFile(robotFile('servo-arm.drive.yaml'), model);
  const state = createDriveState(set);
  resetDriveState(set, state, new Float64Array(set.nq));
  const rigidSet = parseDriveFile(robotFile('servo-arm.drive.yaml').replace('defaults:\n', 'defaults:\n  reducer: {rigid: true}\n'), model);
  const rigidState = createDriveState(rigidSet);
  resetDriveState(rigidSet, rigidState, new Float64Array(set.nq));
  const command = createDriveCommand();
  const out = createDriveOutput();

  it('driveStep (all six joints, rigid and compliant, position mode) allocates nothing over 1e5 calls', async () => {
    command.mode = DriveMode.position;
    const q = new Float64Array([0.01, 0.02, -0.01, 0.1, 0.05, 0.2]);
    const v = new Float64Array([0.1, -0.2, 0.05, 0.3, 0.2, -0.1]);
    const result = await allocations((i) => {
      const j = i % 6;
      command.position = 0.1 * Math.sin(i * 1e-3);
      if (i % 12 < 6) driveStep(set, state, j, command, q[j], v[j], 5e-5, out);
      else driveStep(rigidSet, rigidState, j, command, q[j], v[j], 5e-5, out);
    }, CALLS, DRIVE);
    expect([...rigidSet.rigid]).toEqual([1, 1, 1, 1, 1, 0]); // joint6 states its own stiffness
    expect(set.rigid.every((r) => r === 0)).toBe(true);
    expect(result.bytesPerCall).toBeLessThan(0.5);
    expect(result.growth).toBeLessThan(1 << 20);
    expect(Number.isFinite(out.tau)).toBe(true);
  });

  it('driveStep with a 1 ms step (20 sub-steps) and stepDriveWithLoad allocate nothing', async () => {
    command.mode = DriveMode.velocity;
    command.velocity = 0.1;
    const load: DriveLoad = { q: 0, v: 0, inertia: 0.05, externalTorque: -2 };
    const result = await allocations((i) => {
      if (i % 2 === 0) driveStep(set, state, 4, command, 0.01, 0.1, 1e-3, out);
      else stepDriveWithLoad(set, state, 4, command, load, 5e-5, out);
    }, CALLS, DRIVE);
    expect(result.bytesPerCall).toBeLessThan(0.5);
    expect(result.growth).toBeLessThan(1 << 20);
  });

  // Known residue: 0–1 B a call (sampled) in robot/drive/drive-averaged.ts, the goal is 0. The bound
  // stays far below one boxed double a call (16 B), so a real per-call allocation still fails it.
  it("driveStepAveraged (1 ms, rigid and compliant, position mode) allocates under 4 B a call (residue ~1 B, goal 0)", async () => {
    command.mode = DriveMode.position;
    const result = await allocations((i) => {
      command.position = 0.1 * Math.sin(i * 1e-3);
      if (i % 2 === 0) driveStepAveraged(set, state, 4, command, 0.01, 0.1, 1e-3, out);
      else driveStepAveraged(rigidSet, rigidState, 1, command, 0.02, -0.1, 1e-3, out);
    }, CALLS, DRIVE);
    expect(result.bytesPerCall).toBeLessThan(4);
    expect(result.growth).toBeLessThan(1 << 20);
    expect(Number.isFinite(out.tau)).toBe(true);
  });

  it('the same measurement catches a step that allocates 64 bytes a call (control)', async () => {
    let sink: Float64Array | undefined;
    // The profiler books what is inlined into the measuring loop to the loop's script, now
    // test/support/heap.ts (it was this file when the loop lived here): both are counted.
    const result = await allocations((i) => {
      driveStep(set, state, 0, command, 0, 0, 5e-5, out);
      const scratch = new Float64Array(4);
      scratch[0] = out.tau + i;
      sink = scratch;
    }, CALLS, /allocation\.test\.ts|support\/heap\.ts/);
    expect(result.bytesPerCall).toBeGreaterThan(32);
    expect(sink).toBeDefined();
  });
});
