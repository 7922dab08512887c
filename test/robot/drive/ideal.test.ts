// All losses off -> the ideal transmission exactly: tau = N·Kt·i, motor angle N·q + offset, motor
// speed N·v, no loss terms, and the maps with and without losses agree to the bit.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDriveCommand, createDriveOutput, createDriveState, currentForJointTorque, driveStep, DriveMode, jointToMotorPosition,
  jointToMotorTorque, jointToMotorVelocity, motorToJointPosition, motorToJointTorque, motorToJointVelocity, resetDriveJoint,
} from '../../../robot/drive/index.ts';
import { oneJointDrive } from './fixtures.ts';

/** a === b (so +0 equals -0, unlike toBe), with both values in the message. */
function exactly(a: number, b: number): void {
  expect(a === b, `${a} !== ${b}`).toBe(true);
}

describe('lossless rigid drive', () => {
  const set = oneJointDrive((d) => {
    d.reducer.ratio = -37.5;
    d.reducer.offset = 0.7;
  });

  it('delivers exactly N·Kt·i with the motor exactly at N·q + offset, and no losses', () => {
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0.2);
    const command = createDriveCommand();
    command.mode = DriveMode.torque;
    const out = createDriveOutput();
    const h = 1 / set.currentRate[0];
    fc.assert(fc.property(
      fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }),
      (q, v, tau) => {
        command.effort = tau;
        driveStep(set, state, 0, command, q, v, h, out);
        // One sub-step: tau is made by the mean current of that sub-step.
        exactly(out.tau, set.ratio[0] * (set.torqueConstant[0] * state.meanCurrent[0]));
        exactly(out.motorAngle, set.ratio[0] * q + set.offset[0]);
        exactly(out.motorVelocity, set.ratio[0] * v);
        exactly(out.tauFriction, 0);
        exactly(out.gearLoss + out.motorFrictionLoss + out.jointFrictionLoss + out.meshLoss, 0);
      },
    ), { seed: 3, numRuns: 300 });
  });

  it('maps with losses equal the ideal maps, and position/velocity maps invert each other', () => {
    fc.assert(fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), (x, v) => {
      exactly(jointToMotorTorque(set, 0, x, v, true), x / set.ratio[0]);
      exactly(motorToJointTorque(set, 0, x, v, true), set.ratio[0] * x);
      exactly(currentForJointTorque(set, 0, x, v, true), currentForJointTorque(set, 0, x, v, false));
      expect(motorToJointPosition(set, 0, jointToMotorPosition(set, 0, x))).toBeCloseTo(x, 12);
      expect(motorToJointVelocity(set, 0, jointToMotorVelocity(set, 0, v))).toBeCloseTo(v, 12);
    }), { seed: 4, numRuns: 300 });
  });
});
