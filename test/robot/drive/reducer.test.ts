// Reducer elements against closed-form facts: the CSF-style piecewise stiffness curve (through the
// drive step itself), the backlash hysteresis loop of width 2b in a slow triangle sweep, the Dahl
// hysteresis loop width, and the kinematic error's period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createDriveCommand, createDriveOutput, createDriveState, driveStep, DriveMode, hysteresisStep, kinematicError, parseDriveFile,
  resetDriveJoint, springEnergy, stepDriveWithLoad, stiffnessDeflection, stiffnessTorque, type DriveLoad,
} from '../../../robot/drive/index.ts';
import { compliant, oneJointDrive, oneJointModel } from './fixtures.ts';

/** Deflection for a torque as a CSF data sheet states it: T/K1, T1/K1 + (T-T1)/K2, T1/K1 + (T2-T1)/K2 + (T-T2)/K3. */
function dataSheetDeflection(T: number, K: number[], T1: number, T2: number): number {
  const t = Math.abs(T);
  const x = t <= T1 ? t / K[0] : t <= T2 ? T1 / K[0] + (t - T1) / K[1] : T1 / K[0] + (T2 - T1) / K[1] + (t - T2) / K[2];
  return Math.sign(T) * x;
}

describe('piecewise torsional stiffness (harmonic preset)', () => {
  const model = oneJointModel();
  const set = parseDriveFile(`
joints:
  j:
    reducer: {preset: harmonic, ratio: 100, damping: 0, hysteresisLoss: "0 arcmin", kinematicError: []}
    motor: {thermalCapacity: 0}
`, model);
  const K = [set.stiffness1[0], set.stiffness2[0], set.stiffness3[0]];
  const T1 = set.breakTorque1[0], T2 = set.breakTorque2[0];

  it('has the preset catalog values K1 < K2 < K3 and T1 < T2', () => {
    expect(K).toEqual([1.3e4, 1.8e4, 2.3e4]);
    expect([T1, T2]).toEqual([7, 25]);
  });

  it('the drive step delivers T for the data-sheet deflection of T, over the whole curve', () => {
    const state = createDriveState(set);
    const command = createDriveCommand();
    command.mode = DriveMode.voltage;
    command.voltage = 0;
    const out = createDriveOutput();
    fc.assert(fc.property(fc.double({ min: -60, max: 60, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (T, q) => {
      resetDriveJoint(set, state, 0, q);
      state.motorAngle[0] = 100 * (q + dataSheetDeflection(T, K, T1, T2)) + set.offset[0];
      driveStep(set, state, 0, command, q, 0, 1e-9, out);
      expect(out.tau).toBeCloseTo(T, 6);
    }), { seed: 7, numRuns: 500 });
  });

  it('is continuous at the breakpoints with slopes K1, K2, K3, and its energy integrates it', () => {
    const d1 = T1 / K[0], d2 = d1 + (T2 - T1) / K[1];
    expect(stiffnessTorque(set, 0, d1)).toBeCloseTo(T1, 12);
    expect(stiffnessTorque(set, 0, d2)).toBeCloseTo(T2, 12);
    const e = 1e-7;
    for (const [x, k] of [[d1 / 2, K[0]], [(d1 + d2) / 2, K[1]], [2 * d2, K[2]], [-2 * d2, K[2]]]) {
      expect((stiffnessTorque(set, 0, x + e) - stiffnessTorque(set, 0, x - e)) / (2 * e)).toBeCloseTo(k, 3);
      expect((springEnergy(set, 0, x + e) - springEnergy(set, 0, x - e)) / (2 * e)).toBeCloseTo(stiffnessTorque(set, 0, x), 4);
    }
    fc.assert(fc.property(fc.double({ min: -80, max: 80, noNaN: true }), (T) => {
      expect(stiffnessTorque(set, 0, stiffnessDeflection(set, 0, T))).toBeCloseTo(T, 9);
    }), { seed: 8 });
  });

  it('hysteresis (Dahl) makes a loop of full width hysteresisLoss at zero torque', () => {
    const loss = 1 * (Math.PI / 180 / 60); // 1 arcmin
    const withHysteresis = parseDriveFile(`joints: {j: {reducer: {preset: harmonic, ratio: 100, hysteresisLoss: "1 arcmin"}}}`, model);
    // Quasi-static sweep of the deflection: δ from -A to A and back, h small, rate constant.
    const A = 5 * loss, rate = 1e-3, h = 1e-3;
    let H = 0;
    let up = NaN, down = NaN;
    for (const direction of [1, -1, 1, -1]) {
      for (let x = -direction * A; direction * x < A; x += direction * rate * h) {
        H = hysteresisStep(withHysteresis, 0, H, direction * rate, h);
        // Torque on each branch extrapolated to exactly zero deflection (the sweep grid misses 0).
        const torque = stiffnessTorque(withHysteresis, 0, x) + H - withHysteresis.stiffness1[0] * x;
        if (Math.abs(x) < rate * h) direction > 0 ? (up = torque) : (down = torque);
      }
    }
    // At zero deflection the two branches differ by 2·H_max = K1·loss: a loop of width `loss` in angle.
    expect((up - down) / withHysteresis.stiffness1[0]).toBeCloseTo(loss, 6);
  });

  it('kinematic error is periodic at its order per input revolution', () => {
    const harmonic = parseDriveFile(`joints: {j: {reducer: {preset: harmonic, ratio: 100}}}`, model);
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (theta) => {
      expect(kinematicError(harmonic, 0, theta + Math.PI)).toBeCloseTo(kinematicError(harmonic, 0, theta), 12);
      expect(Math.abs(kinematicError(harmonic, 0, theta))).toBeLessThanOrEqual(0.5 * (Math.PI / 180 / 60) + 1e-15);
    }), { seed: 9 });
  });

  it('kinematic error of whole orders is tabulated within 4.7e-6·A·n² of the sum of sines; other orders are the sines exactly', () => {
    const drive = (orders: number[]) => parseDriveFile(`joints: {j: {reducer: {preset: harmonic, ratio: 100, kinematicError: [${
      orders.map((n, h) => `{amplitude: "${h + 1} arcmin", order: ${n}, phase: "${30 * h} deg"}`).join(', ')}]}}}`, model);
    const sines = (set: ReturnType<typeof drive>, theta: number) => {
      let e = 0;
      for (let h = 0; h < 4; h++) e += set.errorAmplitude[h] * Math.sin(set.errorOrder[h] * theta + set.errorPhase[h]);
      return e;
    };
    const whole = drive([1, 2, 3]);
    const fractional = drive([1, 2.5]);
    expect([whole.errorTabulated[0], fractional.errorTabulated[0]]).toEqual([1, 0]);
    // Bound: Σ A_h·n_h²·(2π/1024)²/8 with A = 1, 2, 3 arcmin and n = 1, 2, 3.
    const bound = ((1 + 2 * 4 + 3 * 9) * (Math.PI / 180 / 60) * (2 * Math.PI / 1024) ** 2) / 8;
    fc.assert(fc.property(fc.double({ min: -2e4, max: 2e4, noNaN: true }), (theta) => {
      expect(Math.abs(kinematicError(whole, 0, theta) - sines(whole, theta))).toBeLessThanOrEqual(bound);
      expect(kinematicError(fractional, 0, theta)).toBe(sines(fractional, theta));
    }), { seed: 4, numRuns: 2000 });
    // Far beyond the table's integer range (|θ|·1024/2π ≥ 2^30) the sines are used.
    expect(kinematicError(whole, 0, 1e7)).toBe(sines(whole, 1e7));
  });
});

describe('backlash', () => {
  it('a slow triangle sweep of the motor traces a loop of width 2b (+ 2·friction/K) in joint vs motor position', () => {
    const b = 5e-4, K = 1e5, friction = 0.5, N = 50;
    const set = oneJointDrive((d) => {
      d.reducer.ratio = N;
      compliant(d, K, 50);
      d.reducer.backlash = b;
      d.jointFriction.coulomb = d.jointFriction.breakaway = friction;
      d.jointFriction.smoothingVelocity = 0.005;
    });
    const state = createDriveState(set);
    resetDriveJoint(set, state, 0, 0);
    const command = createDriveCommand();
    command.mode = DriveMode.position;
    const out = createDriveOutput();
    const load: DriveLoad = { q: 0, v: 0, inertia: 0.02, externalTorque: 0 };
    const amplitude = 0.05, period = 4;
    let upSum = 0, upCount = 0, downSum = 0, downCount = 0;
    for (let k = 0; k < 3 * period * 1000; k++) {
      const t = k * 1e-3;
      const phase = (t % period) / period;
      command.position = amplitude * (phase < 0.5 ? -1 + 4 * phase : 3 - 4 * phase);
      command.velocity = (phase < 0.5 ? 4 : -4) * amplitude / period;
      stepDriveWithLoad(set, state, 0, command, load, 1e-3, out);
      const motorSide = (state.motorAngle[0] - set.offset[0]) / N;
      if (t > period && Math.abs(command.position) < amplitude / 2) {
        if (phase < 0.5) (upSum += motorSide - load.q), upCount++;
        else (downSum += motorSide - load.q), downCount++;
      }
    }
    const width = upSum / upCount - downSum / downCount;
    expect(width).toBeGreaterThan(2 * b);
    expect(width).toBeLessThan(2 * b + (2 * friction) / K + 0.02 * b);
    expect(width).toBeCloseTo(2 * b + (2 * friction) / K, 5);
  });

  it('transmits no torque inside the gap', () => {
    const set = oneJointDrive((d) => {
      compliant(d, 1e5, 50);
      d.reducer.backlash = 1e-3;
      d.reducer.ratio = 10;
    });
    const state = createDriveState(set);
    const command = createDriveCommand();
    command.mode = DriveMode.voltage;
    command.voltage = 0;
    const out = createDriveOutput();
    for (const deflection of [-0.99e-3, -0.5e-3, 0, 0.5e-3, 0.99e-3]) {
      resetDriveJoint(set, state, 0, 0.3);
      state.motorAngle[0] = 10 * (0.3 + deflection);
      state.motorVelocity[0] = 3; // closing the gap fast: still no contact, so no damping torque either
      driveStep(set, state, 0, command, 0.3, 0, 1e-9, out);
      expect(out.tau).toBe(0);
    }
    resetDriveJoint(set, state, 0, 0.3);
    state.motorAngle[0] = 10 * (0.3 + 1.5e-3);
    driveStep(set, state, 0, command, 0.3, 0, 1e-9, out);
    expect(out.tau).toBeCloseTo(1e5 * 0.5e-3, 6);
  });
});

