// Closed-form motor facts from a step of bus voltage: stall torque Kt·V/R, no-load speed V/Ke,
// current limits with thermal derating and the first-order thermal model's steady state.
import { describe, expect, it } from 'vitest';
import {
  createDriveCommand, createDriveOutput, createDriveState, currentLimit, driveStep, DriveMode, motorTorqueEnvelope, noLoadSpeed,
  resetDriveJoint, stallTorque, stepDriveWithLoad, windingResistance, type DriveLoad,
} from '../../../robot/drive/index.ts';
import { compliant, oneJointDrive } from './fixtures.ts';

describe('servo motor from a bus-voltage step', () => {
  for (const coupling of ['rigid', 'compliant'] as const) {
    it(`stalls at Kt·V/R through the ratio (${coupling})`, () => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = -20;
        d.motor.resistance = 0.8;
        d.motor.inductance = 2e-3;
        d.motor.torqueConstant = d.motor.backEmfConstant = 0.07;
        if (coupling === 'compliant') compliant(d, 5e4, 20);
      });
      const state = createDriveState(set);
      resetDriveJoint(set, state, 0, 0.3);
      const command = createDriveCommand();
      command.mode = DriveMode.voltage;
      command.voltage = 1e6; // clamped to the bus
      const out = createDriveOutput();
      // Held joint (v = 0). A compliant rotor winds the spring up until it stalls.
      for (let k = 0; k < 2000; k++) driveStep(set, state, 0, command, 0.3, 0, 1e-3, out);
      const R = windingResistance(set, 0, out.temperature);
      expect(out.voltage).toBe(48);
      expect(out.current).toBeCloseTo(48 / R, 6);
      expect(Math.abs(out.tau)).toBeCloseTo(20 * stallTorque(set, 0, out.temperature), 3);
      expect(Math.sign(out.tau)).toBe(-1);
      expect(Math.abs(out.motorVelocity)).toBeLessThan(1e-6);
    });

    it(`runs up to the no-load speed V/Ke (${coupling})`, () => {
      const set = oneJointDrive((d) => {
        d.reducer.ratio = 10;
        d.motor.torqueConstant = d.motor.backEmfConstant = 0.05;
        d.motor.rotorInertia = 2e-5;
        if (coupling === 'compliant') compliant(d, 2e3, 0.5);
      });
      const state = createDriveState(set);
      resetDriveJoint(set, state, 0, 0);
      const command = createDriveCommand();
      command.mode = DriveMode.voltage;
      command.voltage = 48;
      const out = createDriveOutput();
      const load: DriveLoad = { q: 0, v: 0, inertia: 1e-4, externalTorque: 0 };
      for (let k = 0; k < 3000; k++) stepDriveWithLoad(set, state, 0, command, load, 1e-3, out);
      expect(noLoadSpeed(set, 0)).toBeCloseTo(960, 9);
      expect(out.motorVelocity).toBeCloseTo(960, 2);
      expect(load.v * 10).toBeCloseTo(960, 2);
      expect(Math.abs(out.current)).toBeLessThan(1e-4);
    });
  }

  it('heats the winding to T_amb + R_th·R(T)·i² and raises R by 0.393 %/K (copper)', () => {
    const set = oneJointDrive((d) => {
      d.motor.thermalCapacity = 50;
      d.motor.thermalResistance = 2;
      d.motor.resistance = 1;
      d.motor.referenceTemperature = 293.15;
      d.motor.ambientTemperature = 293.15;
      d.firmware.currentRate = d.firmware.velocityRate = d.firmware.positionRate = 1000;
    });
    expect(windingResistance(set, 0, 303.15)).toBeCloseTo(1.0393, 12);
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0);
    const command = createDriveCommand();
    command.mode = DriveMode.current;
    command.current = 3;
    const out = createDriveOutput();
    // Time constant R_th·C = 100 s; run 1500 s at 10 ms steps (held joint).
    for (let k = 0; k < 150000; k++) driveStep(set, state, 0, command, 0, 0, 1e-2, out);
    expect(out.current).toBeCloseTo(3, 4);
    // Steady state: T - T_amb = R_th·R0·(1 + α(T - T_ref))·i²  =>  ΔT = 18 / (1 - 18·0.00393).
    const rise = (2 * 9) / (1 - 2 * 9 * 0.00393);
    expect(out.temperature - 293.15).toBeCloseTo(rise, 2);
  });

  it('follows the torque-speed envelope min(Kt·I_peak, Kt·(V - Ke·|ω|)/R) at full voltage', () => {
    const set = oneJointDrive((d) => {
      d.reducer.ratio = 10;
      d.motor.peakCurrent = 30;
      d.motor.torqueConstant = d.motor.backEmfConstant = 0.1;
    });
    const state = createDriveState(set);
    const command = createDriveCommand();
    command.mode = DriveMode.voltage;
    command.voltage = 48;
    const out = createDriveOutput();
    expect(motorTorqueEnvelope(set, 0, 0, 298.15)).toBeCloseTo(3, 12); // current-limited: 30 A · 0.1
    expect(motorTorqueEnvelope(set, 0, 480, 298.15)).toBe(0); // no-load speed
    for (const v of [10, 25, 40]) {
      resetDriveJoint(set, state, 0, 0, v);
      for (let k = 0; k < 100; k++) driveStep(set, state, 0, command, 0, v, 1e-3, out);
      const byVoltage = (0.1 * (48 - 0.1 * 10 * v)) / windingResistance(set, 0, out.temperature);
      expect(out.tau / 10).toBeCloseTo(byVoltage, 6);
      expect(motorTorqueEnvelope(set, 0, 10 * v, out.temperature)).toBeCloseTo(Math.min(3, byVoltage), 12);
    }
  });

  it('derates the current limit from peak to continuous across the band below the maximum temperature', () => {
    const set = oneJointDrive((d) => {
      d.motor.peakCurrent = 10;
      d.motor.continuousCurrent = 4;
      d.motor.maxTemperature = 400;
      d.motor.deratingBand = 20;
    });
    expect(currentLimit(set, 0, 300)).toBe(10);
    expect(currentLimit(set, 0, 380)).toBe(10);
    expect(currentLimit(set, 0, 390)).toBeCloseTo(7, 12);
    expect(currentLimit(set, 0, 400)).toBeCloseTo(4, 12);
    expect(currentLimit(set, 0, 401)).toBe(0);
  });
});
