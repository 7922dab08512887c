// Steady current for a held load moved slowly up and down: τ_L/(N·η_f·Kt) while the motor drives
// the load (forward drive), τ_L·η_b/(N·Kt) while the load drives the motor (back-drive); and a
// self-locking reducer (η_b ≤ 0) holds a load that back-drives a normal one.
import { describe, expect, it } from 'vitest';
import { createDriveCommand, createDriveOutput, createDriveState, DriveMode, resetDriveJoint, stepDriveWithLoad, type DriveLoad } from '../../../robot/drive/index.ts';
import { currentForJointTorque } from '../../../robot/drive/maps.ts';
import { compliant, oneJointDrive } from './fixtures.ts';

const N = 50, Kt = 0.1, forward = 0.8, back = 0.6, load = 20;

function steadyCurrent(coupling: 'rigid' | 'compliant', velocity: number): { current: number; velocity: number; predicted: number } {
  const set = oneJointDrive((d) => {
    d.reducer.ratio = N;
    d.reducer.forwardEfficiency = forward;
    d.reducer.backEfficiency = back;
    d.motor.torqueConstant = d.motor.backEmfConstant = Kt;
    d.firmware.inertiaRatio = 20;
    if (coupling === 'compliant') compliant(d, 2e4, 20);
  });
  const state = createDriveState(set);
  resetDriveJoint(set, state, 0, 0);
  const command = createDriveCommand();
  command.mode = DriveMode.velocity;
  command.velocity = velocity;
  const out = createDriveOutput();
  const joint: DriveLoad = { q: 0, v: 0, inertia: 0.5, externalTorque: -load };
  let sum = 0, count = 0;
  for (let k = 0; k < 3000; k++) {
    stepDriveWithLoad(set, state, 0, command, joint, 1e-3, out);
    if (k >= 2500) {
      sum += out.current;
      count++;
    }
  }
  return { current: sum / count, velocity: joint.v, predicted: currentForJointTorque(set, 0, load, velocity, true) };
}

describe('reducer efficiency under a held load', () => {
  for (const coupling of ['rigid', 'compliant'] as const) {
    it(`lifting draws τ_L/(N·η_f·Kt) (${coupling})`, () => {
      const result = steadyCurrent(coupling, 0.2);
      expect(result.velocity).toBeCloseTo(0.2, 3);
      expect(result.current / (load / (N * forward * Kt)) - 1).toBeLessThan(0.01);
      expect(result.current / (load / (N * forward * Kt)) - 1).toBeGreaterThan(-0.01);
      expect(result.predicted).toBeCloseTo(load / (N * forward * Kt), 9);
    });

    it(`lowering draws τ_L·η_b/(N·Kt) (${coupling})`, () => {
      const result = steadyCurrent(coupling, -0.2);
      expect(result.velocity).toBeCloseTo(-0.2, 3);
      expect(Math.abs(result.current / ((load * back) / (N * Kt)) - 1)).toBeLessThan(0.01);
      expect(result.predicted).toBeCloseTo((load * back) / (N * Kt), 9);
    });
  }

  it('a self-locking reducer (η_b = -0.3) holds a load that runs a back-drivable one (η_b = 0.6) away', () => {
    const fall = (backEfficiency: number) => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = N;
        d.reducer.forwardEfficiency = 0.4;
        d.reducer.backEfficiency = backEfficiency;
        d.reducer.efficiencyBand = 0.2;
        compliant(d, 2e4, 20);
      });
      const state = createDriveState(set);
      resetDriveJoint(set, state, 0, 0);
      const command = createDriveCommand();
      command.mode = DriveMode.current;
      command.current = 0;
      const out = createDriveOutput();
      const joint: DriveLoad = { q: 0, v: 0, inertia: 0.5, externalTorque: -load };
      for (let k = 0; k < 1000; k++) stepDriveWithLoad(set, state, 0, command, joint, 1e-3, out);
      return joint;
    };
    const locked = fall(-0.3);
    const free = fall(0.6);
    // The locked joint creeps at most at the efficiency band's speed on the joint side.
    expect(Math.abs(locked.v)).toBeLessThanOrEqual(0.2 / N);
    expect(Math.abs(locked.q)).toBeLessThan(0.005);
    expect(free.q).toBeLessThan(-1);
  });
});
