// driveStep allocates nothing. Two measurements over 1e5 calls after a warm-up:
// - V8's sampling heap profiler (every allocation, also those a scavenge collects), counting the
//   bytes allocated under frames of robot/drive/: must stay under 0.5 byte a call;
// - heap growth between two points with no collection in between: bounded.
// A control step that allocates 64 bytes a call in a drive-like loop is caught by both, so the
// check can fail.
import { Session } from 'node:inspector/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import { createDriveCommand, createDriveOutput, createDriveState, driveStep, driveStepAveraged, DriveMode, parseDriveFile, resetDriveState, stepDriveWithLoad, type DriveLoad } from '../../../robot/drive/index.ts';
import { robotFile } from './fixtures.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const session = new Session();

interface ProfileNode {
  callFrame: { url: string };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes allocated (sampled) in frames whose script URL matches `where`, over `calls` calls after a warm-up; and the heap growth. */
async function allocations(fn: (i: number) => void, calls: number, where: RegExp): Promise<{ perCall: number; growth: number }> {
  for (let r = 0; r < 3; r++) for (let i = 0; i < 50_000; i++) fn(i);
  gc();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 64, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) fn(i);
  const growth = process.memoryUsage().heapUsed - before;
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
  let bytes = 0;
  const walk = (node: ProfileNode) => {
    if (where.test(node.callFrame.url)) bytes += node.selfSize;
    node.children.forEach(walk);
  };
  walk(profile.head);
  return { perCall: bytes / calls, growth };
}

const DRIVE = /robot\/drive\//;
const CALLS = 100_000;

describe('drive step allocation', () => {
  beforeAll(async () => {
    session.connect();
    await session.post('HeapProfiler.enable');
  });
  afterAll(() => session.disconnect());

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
    expect(result.perCall).toBeLessThan(0.5);
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
    expect(result.perCall).toBeLessThan(0.5);
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
    expect(result.perCall).toBeLessThan(4);
    expect(result.growth).toBeLessThan(1 << 20);
    expect(Number.isFinite(out.tau)).toBe(true);
  });

  it('the same measurement catches a step that allocates 64 bytes a call (control)', async () => {
    let sink: Float64Array | undefined;
    const result = await allocations((i) => {
      driveStep(set, state, 0, command, 0, 0, 5e-5, out);
      const scratch = new Float64Array(4);
      scratch[0] = out.tau + i;
      sink = scratch;
    }, CALLS, /allocation\.test\.ts/);
    expect(result.perCall).toBeGreaterThan(32);
    expect(sink).toBeDefined();
  });
});
