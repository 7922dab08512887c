// drive/step: one reducer + servo-motor step for one joint (servo-arm's wrist pitch: harmonic
// reducer, compliant, position mode, all losses on). `drive/step` is one current-loop period
// (50 µs, the unit the 100 ns target is about); `drive/step-1ms` a 1 ms physics step (20
// sub-steps); `drive/step-rigid` one period of a rigid drive (base joint, planetary).
// `drive/step-averaged*`: the 'averaged' fidelity (current loop as its closed-loop response): one
// velocity-loop period (250 µs), a 1 ms step, and a 1 ms step of the rigid base drive.
import { readFileSync } from 'node:fs';
import { bench, timeCalls, type BenchResult } from './harness.ts';
import { buildModel } from '../robot/model.ts';
import { createDriveCommand, createDriveOutput, createDriveState, driveStep, driveStepAveraged, driveStepStaged, DriveMode, parseDriveFile, resetDriveState } from '../robot/drive/index.ts';

bench('drive', (options) => {
  const robots = new URL('../robot/robots/', import.meta.url);
  const model = buildModel(readFileSync(new URL('servo-arm.urdf', robots), 'utf8'));
  const set = parseDriveFile(readFileSync(new URL('servo-arm.drive.yaml', robots), 'utf8'), model);
  const state = createDriveState(set);
  resetDriveState(set, state, new Float64Array(set.nq));
  const command = createDriveCommand();
  command.mode = DriveMode.position;
  const out = createDriveOutput();
  const results: BenchResult[] = [];
  const run = (name: string, joint: number, dt: number, rigid: boolean) => {
    if (!options.wanted(name)) return;
    resetDriveState(set, state, new Float64Array(set.nq));
    // The joint position in a typed slot, staged as a simulator stages it: a closure variable
    // holding a changing double would box it on every write (a heap allocation per call, timed).
    const q = new Float64Array(1);
    results.push(timeCalls(name, (i) => {
      // A slow triangle command (no Math.sin in the timed loop).
      command.position = (i & 0xffff) * 3e-6;
      state.jointPosition[joint] = q[0];
      state.jointVelocity[joint] = 0.01;
      state.subStep[joint] = dt;
      driveStepStaged(set, state, joint, command, out);
      q[0] = 0.999 * q[0] + 1e-6;
    }, { ...options, batch: dt > 1e-4 ? 10 : 200 }, { dt_s: dt, subSteps: Math.round(dt * set.currentRate[joint]), rigid }));
  };
  // The wrist pitch (joint index 4) is compliant; make the rigid case from joint index 0 of a rigid copy.
  run('drive/step', 4, 1 / set.currentRate[4], false);
  run('drive/step-1ms', 4, 1e-3, false);
  const rigidText = readFileSync(new URL('servo-arm.drive.yaml', robots), 'utf8').replace('joint1:                                   # base yaw, 80:1 planetary, 750 W class motor\n    reducer: {preset: planetary,', 'joint1:\n    reducer: {preset: planetary, rigid: true,');
  const rigidSet = parseDriveFile(rigidText, model);
  const rigidState = createDriveState(rigidSet);
  resetDriveState(rigidSet, rigidState, new Float64Array(set.nq));
  if (options.wanted('drive/step-rigid')) results.push(timeCalls('drive/step-rigid', (i) => {
    command.position = (i & 0xffff) * 3e-6;
    driveStep(rigidSet, rigidState, 0, command, 0, 0.01, 5e-5, out);
  }, { ...options, batch: 200 }, { dt_s: 5e-5, subSteps: 1, rigid: true }));
  const runAveraged = (name: string, driveSet: typeof set, driveState: typeof state, joint: number, dt: number) => {
    if (!options.wanted(name)) return;
    resetDriveState(driveSet, driveState, new Float64Array(set.nq));
    results.push(timeCalls(name, (i) => {
      command.position = (i & 0xffff) * 3e-6;
      driveStepAveraged(driveSet, driveState, joint, command, 0, 0.01, dt, out);
    }, { ...options, batch: 50 }, { dt_s: dt, periods: Math.round((dt * driveSet.currentRate[joint]) / driveSet.velocityDivider[joint]), fidelity: 'averaged' }));
  };
  runAveraged('drive/step-averaged', rigidSet, rigidState, 0, set.velocityDivider[0] / set.currentRate[0]);
  runAveraged('drive/step-averaged-1ms', rigidSet, rigidState, 0, 1e-3);
  runAveraged('drive/step-averaged-compliant-1ms', set, state, 4, 1e-3);
  return results;
}, ['drive/step', 'drive/step-1ms', 'drive/step-rigid', 'drive/step-averaged', 'drive/step-averaged-1ms', 'drive/step-averaged-compliant-1ms']);
