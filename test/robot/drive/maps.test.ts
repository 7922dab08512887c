// Maps for the controller: drive-derived joint limits (min with the URDF's), armature, efficiency-
// aware torque maps against their inverse, backlash compensation (off by default), encoders.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  armatureOf, compensateBacklash, jointEncoderPosition, jointEncoderReading, jointLimitsFromDrive, jointToMotorTorque, motorEncoderAngle,
  motorToJointTorque, noLoadSpeed, quantizeAngle, simulationArmatureOf,
} from '../../../robot/drive/index.ts';
import { compliant, oneJointDrive, oneJointModel } from './fixtures.ts';

describe('jointLimitsFromDrive', () => {
  const model = oneJointModel(); // URDF: velocity 5 rad/s, effort 300 N m

  it('derives speed from min(no-load, rated)/|N| and effort from I·Kt·|N|·η_f, each capped by the URDF', () => {
    const set = oneJointDrive((d) => {
      d.reducer.ratio = -100;
      d.reducer.forwardEfficiency = 0.8;
      d.motor.torqueConstant = d.motor.backEmfConstant = 0.1; // no-load 480 rad/s -> 4.8 rad/s at the joint
      d.motor.peakCurrent = 10;
      d.motor.continuousCurrent = 3;
      d.motor.rotorInertia = 2e-5;
    });
    const limits = jointLimitsFromDrive(set, model);
    expect(noLoadSpeed(set, 0)).toBeCloseTo(480, 12);
    expect(limits.velocity[0]).toBeCloseTo(4.8, 12);
    expect(limits.effort[0]).toBeCloseTo(10 * 0.1 * 100 * 0.8, 12);
    expect(limits.continuousEffort[0]).toBeCloseTo(3 * 0.1 * 100 * 0.8, 12);
    // Inertia-matched hint: effort / (2·armature); with a given load inertia: effort / (armature + load).
    expect(limits.acceleration[0]).toBeCloseTo(80 / (2 * 0.2), 9);
    expect(jointLimitsFromDrive(set, model, [0.3]).acceleration[0]).toBeCloseTo(80 / 0.5, 9);

    const rated = oneJointDrive((d) => {
      d.reducer.ratio = 10;
      d.motor.ratedSpeed = 30;
      d.motor.peakCurrent = 1000;
      d.motor.continuousCurrent = 1000;
    });
    const capped = jointLimitsFromDrive(rated, model);
    expect(capped.velocity[0]).toBeCloseTo(3, 12); // rated 30 rad/s / 10 < URDF 5
    expect(capped.effort[0]).toBe(300); // 1000 A · 0.1 · 10 = 1000 N m > URDF 300
  });

  it('armatureOf is N²·(J_rotor + J_gear_input); the simulator gets it only for rigid drives', () => {
    const rigid = oneJointDrive((d) => {
      d.reducer.ratio = -50;
      d.motor.rotorInertia = 3e-5;
      d.reducer.inputInertia = 1e-5;
    });
    expect(armatureOf(rigid)[0]).toBeCloseTo(2500 * 4e-5, 15);
    expect(simulationArmatureOf(rigid)[0]).toBeCloseTo(0.1, 15);
    const flexible = oneJointDrive((d) => compliant(d, 1e4));
    expect(simulationArmatureOf(flexible)[0]).toBe(0);
    expect(armatureOf(flexible)[0]).toBeGreaterThan(0);
  });
});

describe('torque maps with losses', () => {
  const set = oneJointDrive((d) => {
    d.reducer.ratio = 80;
    d.reducer.forwardEfficiency = 0.7;
    d.reducer.backEfficiency = 0.5;
    d.motorFriction.coulomb = d.motorFriction.breakaway = 0.01;
    d.motorFriction.viscous = 1e-4;
    d.jointFriction.coulomb = d.jointFriction.breakaway = 2;
    d.jointFriction.viscous = 0.5;
  });

  it('jointToMotorTorque and motorToJointTorque invert each other away from the direction change', () => {
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.boolean(), (tau, speed, negative) => {
      const v = negative ? -speed : speed;
      const motor = jointToMotorTorque(set, 0, tau, v, true);
      expect(motorToJointTorque(set, 0, motor, v, true)).toBeCloseTo(tau, 8);
    }), { seed: 11 });
  });

  it('needs more motor torque than ideal when driving, less when back-driven', () => {
    expect(jointToMotorTorque(set, 0, 40, 1, true)).toBeCloseTo((40 + 2 + 0.5) / (80 * 0.7) + 0.01 + 1e-4 * 80, 12);
    expect(jointToMotorTorque(set, 0, 40, -1, true)).toBeCloseTo(((40 - 2 - 0.5) * 0.5) / 80 - 0.01 - 1e-4 * 80, 12);
    expect(jointToMotorTorque(set, 0, 40, 1, false)).toBe(0.5);
  });
});

describe('backlash compensation and encoders', () => {
  it('compensation is off by default and adds ±b in the mesh-torque direction when on', () => {
    const off = oneJointDrive((d) => {
      compliant(d, 1e5);
      d.reducer.backlash = 1e-3;
    });
    expect(compensateBacklash(off, 0, 0.5, 1)).toBe(0.5);
    const on = oneJointDrive((d) => {
      compliant(d, 1e5);
      d.reducer.backlash = 1e-3;
      d.firmware.backlashCompensation = true;
    });
    expect(compensateBacklash(on, 0, 0.5, 1)).toBeCloseTo(0.501, 15);
    expect(compensateBacklash(on, 0, 0.5, -3)).toBeCloseTo(0.499, 15);
    expect(compensateBacklash(on, 0, 0.5, 0)).toBe(0.5);
  });

  it('quantizes to whole counts, within one count below the true angle', () => {
    const set = oneJointDrive((d) => {
      d.encoder.motorCounts = 4096;
      d.encoder.jointCounts = 1 << 19;
      d.encoder.jointOffset = 0.25;
      d.firmware.positionFeedback = 'joint';
    });
    const count = (2 * Math.PI) / 4096;
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (theta) => {
      const reading = motorEncoderAngle(set, 0, theta);
      expect(theta - reading).toBeGreaterThanOrEqual(-1e-12);
      expect(theta - reading).toBeLessThan(count + 1e-12);
      expect(Math.abs(reading / count - Math.round(reading / count))).toBeLessThan(1e-6);
      const q = theta / 50;
      expect(Math.abs(jointEncoderPosition(set, 0, q) - q)).toBeLessThan((2 * Math.PI) / (1 << 19) + 1e-12);
      expect(jointEncoderReading(set, 0, q)).toBeCloseTo(quantizeAngle(q + 0.25, 1 << 19), 12);
    }), { seed: 12 });
    expect(quantizeAngle(1.234, 0)).toBe(1.234);
  });
});
