// The drive step's written-out kernel agrees with the readable helpers it duplicates (servo-motor.ts,
// friction.ts, reducer.ts, encoder.ts), over seeded random inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDriveCommand, createDriveOutput, createDriveState, driveStep, DriveMode, lugreFriction, regularizedFriction, resetDriveJoint,
  rigidOutputTorque, currentStep, thermalStep, windingResistance, currentLimit, motorEncoderAngle, jointEncoderPosition, kinematicError,
} from '../../../robot/drive/index.ts';
import { currentLimitPhase, jointEncoderPhase, kinematicErrorPhase, motorEncoderPhase } from '../../../robot/drive/drive-kernel.ts';
import { oneJointDrive } from './fixtures.ts';

describe('drive kernel against the helpers', () => {
  for (const lugre of [false, true]) {
    it(`one rigid sub-step: current, temperature and joint torque as the helpers compute them (LuGre ${lugre})`, () => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = -40;
        d.reducer.forwardEfficiency = 0.85;
        d.reducer.backEfficiency = 0.7;
        d.motor.thermalCapacity = 20;
        d.motorFriction = { coulomb: 0.02, breakaway: 0.03, stribeckVelocity: 2, viscous: 1e-4, lugre, sigma0: 30, sigma1: 0.01, smoothingVelocity: 0.3 };
        d.jointFriction = { coulomb: 1, breakaway: 1.4, stribeckVelocity: 0.05, viscous: 0.2, lugre, sigma0: 1e4, sigma1: 3, smoothingVelocity: 0.01 };
      });
      const state = createDriveState(set);
      const reference = createDriveState(set);
      const command = createDriveCommand();
      command.mode = DriveMode.voltage;
      const out = createDriveOutput();
      const h = 1 / set.currentRate[0];
      fc.assert(fc.property(
        fc.double({ min: -1, max: 1, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -48, max: 48, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 290, max: 400, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
        (q, v, voltage, current, temperature, bristle) => {
          resetDriveJoint(set, state, 0, q, v);
          state.current[0] = current;
          state.temperature[0] = temperature;
          state.motorBristle[0] = state.jointBristle[0] = reference.motorBristle[0] = reference.jointBristle[0] = bristle;
          command.voltage = voltage;
          driveStep(set, state, 0, command, q, v, h, out);
          const omega = -40 * v;
          const R = windingResistance(set, 0, temperature);
          const next = currentStep(set, 0, current, voltage, omega, R, h);
          const mean = 0.5 * (current + next);
          expect(state.current[0]).toBeCloseTo(next, 9);
          expect(state.temperature[0]).toBeCloseTo(thermalStep(set, 0, temperature, R * mean * mean, h), 9);
          const motorFriction = lugre ? lugreFriction(set.motorFriction, 0, reference.motorBristle, omega, h) : regularizedFriction(set.motorFriction, 0, omega);
          const jointFriction = lugre ? lugreFriction(set.jointFriction, 0, reference.jointBristle, v, h) : regularizedFriction(set.jointFriction, 0, v);
          const tau = rigidOutputTorque(set, 0, set.torqueConstant[0] * mean - motorFriction, omega) - jointFriction;
          expect(out.tau).toBeCloseTo(tau, 7);
          expect(state.motorBristle[0]).toBeCloseTo(reference.motorBristle[0], 12);
        },
      ), { seed: 21, numRuns: 300 });
    });
  }

  it('the firmware readings (current limit, motor and joint encoders) and the tabulated kinematic error, exactly as the helpers', () => {
    const set = oneJointDrive((d) => {
      d.motor.maxTemperature = 400;
      d.motor.deratingBand = 30;
      d.encoder.motorCounts = 4096;
      d.encoder.jointCounts = 1 << 19;
      d.encoder.jointOffset = 0.37;
      d.reducer.kinematicError = [{ amplitude: 1e-4, order: 2, phase: 0.3 }, { amplitude: 3e-5, order: 5, phase: -1 }];
    });
    expect(set.errorTabulated[0]).toBe(1);
    const state = createDriveState(set);
    let derated = 0;
    fc.assert(fc.property(
      fc.double({ min: 250, max: 420, noNaN: true }), fc.double({ min: -2000, max: 2000, noNaN: true }), fc.double({ min: -7, max: 7, noNaN: true }),
      (temperature, motorAngle, q) => {
        state.temperature[0] = temperature;
        state.motorAngle[0] = motorAngle;
        state.jointPosition[0] = q;
        currentLimitPhase(set, state, 0);
        motorEncoderPhase(set, state, 0);
        jointEncoderPhase(set, state, 0);
        kinematicErrorPhase(set, state, 0);
        expect(state.kinematicError[0]).toBe(kinematicError(set, 0, motorAngle));
        const limit = currentLimit(set, 0, temperature);
        if (limit > set.continuousCurrent[0] && limit < set.peakCurrent[0]) derated++;
        expect(state.currentLimit[0]).toBe(limit);
        expect(state.motorEncoder[0]).toBe(motorEncoderAngle(set, 0, motorAngle));
        expect(state.jointEncoder[0]).toBe(jointEncoderPosition(set, 0, q));
      },
    ), { seed: 5, numRuns: 500 });
    expect(derated).toBeGreaterThan(10); // the derating band was crossed, not only its ends
  });
});
