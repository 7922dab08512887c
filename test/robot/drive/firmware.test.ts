// Drive firmware: cascaded position -> velocity -> current loops at their own rates, current
// limits and anti-windup, and sub-stepping that gives the same result however the step is cut.
import { describe, expect, it } from 'vitest';
import { createDriveCommand, createDriveOutput, createDriveState, driveStep, DriveMode, resetDriveJoint, stepDriveWithLoad, type DriveLoad } from '../../../robot/drive/index.ts';
import { compliant, oneJointDrive } from './fixtures.ts';

describe('drive firmware', () => {
  for (const coupling of ['rigid', 'compliant'] as const) {
    it(`position mode settles on a step to within one encoder count of the joint (${coupling})`, () => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = 50;
        d.encoder.motorCounts = 4096;
        d.firmware.inertiaRatio = 4;
        if (coupling === 'compliant') compliant(d, 2e4, 10);
      });
      const state = createDriveState(set);
      resetDriveJoint(set, state, 0, 0);
      const command = createDriveCommand();
      command.mode = DriveMode.position;
      command.position = 0.1;
      const out = createDriveOutput();
      const load: DriveLoad = { q: 0, v: 0, inertia: 0.02, externalTorque: -3 };
      let meanVelocity = 0;
      for (let k = 0; k < 1500; k++) {
        stepDriveWithLoad(set, state, 0, command, load, 1e-3, out);
        if (k >= 1300) meanVelocity += load.v / 200;
      }
      const count = (2 * Math.PI) / 4096 / 50;
      // Motor-side feedback: the motor angle is right; a compliant joint sags by load/K under it.
      const sag = coupling === 'compliant' ? 3 / 2e4 : 0;
      expect(Math.abs(load.q + sag - 0.1)).toBeLessThan(count + 1e-6);
      // At rest on average: a 12-bit encoder leaves some velocity-loop dither.
      expect(Math.abs(meanVelocity)).toBeLessThan(1e-3);
    });
  }

  it('updates the current reference only on velocity-loop ticks (4 kHz inside a 20 kHz current loop)', () => {
    const set = oneJointDrive();
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0);
    const command = createDriveCommand();
    command.mode = DriveMode.velocity;
    command.velocity = 1;
    const out = createDriveOutput();
    const load: DriveLoad = { q: 0, v: 0, inertia: 1e-3, externalTorque: 0 };
    let previous = state.currentReference[0];
    let changes = 0;
    for (let k = 1; k <= 200; k++) {
      stepDriveWithLoad(set, state, 0, command, load, 5e-5, out);
      if (state.currentReference[0] !== previous) {
        expect(k % set.velocityDivider[0]).toBe(0);
        changes++;
      }
      previous = state.currentReference[0];
    }
    expect(set.velocityDivider[0]).toBe(5);
    expect(changes).toBeGreaterThan(30);
  });

  it('clamps the current to the peak limit and keeps the velocity integrator within it (anti-windup)', () => {
    const set = oneJointDrive((d) => {
      d.motor.peakCurrent = 4;
      d.motor.continuousCurrent = 2;
    });
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0);
    const command = createDriveCommand();
    command.mode = DriveMode.velocity;
    command.velocity = 50; // unreachable against the held load below
    const out = createDriveOutput();
    const load: DriveLoad = { q: 0, v: 0, inertia: 0.1, externalTorque: -1 };
    let peak = 0;
    for (let k = 0; k < 500; k++) {
      stepDriveWithLoad(set, state, 0, command, load, 1e-3, out);
      peak = Math.max(peak, Math.abs(state.currentReference[0]), Math.abs(state.velocityIntegral[0]));
    }
    expect(peak).toBeLessThanOrEqual(4);
    expect(out.current).toBeCloseTo(4, 3);
    command.mode = DriveMode.torque;
    command.effort = 1e3;
    driveStep(set, state, 0, command, load.q, load.v, 1e-3, out);
    expect(state.currentReference[0]).toBe(4);
  });

  it('gives the same state whether a 1 ms step is taken at once or as 20 calls of 50 µs', () => {
    const make = () => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = 30;
        compliant(d, 1e4, 5);
        d.reducer.backlash = 1e-4;
        d.encoder.motorCounts = 8192;
      });
      const state = createDriveState(set);
      resetDriveJoint(set, state, 0, 0.2);
      return { set, state };
    };
    const a = make(), b = make();
    const command = createDriveCommand();
    command.mode = DriveMode.position;
    command.position = 0.3;
    const outA = createDriveOutput(), outB = createDriveOutput();
    for (let step = 0; step < 50; step++) {
      driveStep(a.set, a.state, 0, command, 0.2, 0, 1e-3, outA);
      let tau = 0;
      for (let k = 0; k < 20; k++) {
        driveStep(b.set, b.state, 0, command, 0.2, 0, 5e-5, outB);
        tau += outB.tau;
      }
      expect(outA.tau).toBeCloseTo(tau / 20, 9);
    }
    expect(a.state.motorAngle[0]).toBe(b.state.motorAngle[0]);
    expect(a.state.current[0]).toBe(b.state.current[0]);
    expect(a.state.tick[0]).toBe(1000);
  });
});

describe('resetDriveJoint with a load torque', () => {
  it('starts a compliant drive with the mesh already carrying the torque (no jolt on the first step)', () => {
    const set = oneJointDrive((d) => {
      d.reducer.ratio = 40;
      compliant(d, 3e4, 0);
      d.reducer.backlash = 2e-4;
    });
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0.5, 0, -12);
    const command = createDriveCommand();
    command.mode = DriveMode.voltage;
    command.voltage = 0;
    const out = createDriveOutput();
    driveStep(set, state, 0, command, 0.5, 0, 1e-9, out);
    expect(out.tau).toBeCloseTo(-12, 6);
  });
});
