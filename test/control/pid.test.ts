// PID: each feature checked against the law it implements, and the gains wire format.
import { describe, expect, it } from 'vitest';
import { Pid } from '../../control/pid.ts';
import { decodeGains, encodeGains, decodeLabeled } from '../../control/wire.ts';
import { applyGainsUpdate } from '../../control/gains.ts';
import { CascadeController, PositionForwardController } from '../../control/joint-controllers.ts';
import { ComputedTorqueController } from '../../control/model-based.ts';
import { panda } from './plant.ts';

describe('Pid', () => {
  it('P + I + D + feedforward match the textbook sum on the first updates', () => {
    const pid = new Pid({ kp: 2, ki: 3, kd: 0.5, c: 1 });
    const dt = 0.01;
    // First update: D primed (0), I updated after the output (I = ki·e·dt).
    expect(pid.update(1, 0, 0.25, dt)).toBeCloseTo(2 * 1 + 0 + 0 + 0.25, 12);
    expect(pid.integral).toBeCloseTo(3 * 1 * dt, 12);
    // Second: measurement moved 0.1 -> error 0.9, derivative of (r − y) = −0.1/dt.
    expect(pid.update(1, 0.1, 0, dt)).toBeCloseTo(2 * 0.9 + 3 * dt + 0.5 * (-0.1 / dt), 10);
  });

  it('derivative on measurement (c = 0) gives no kick on a setpoint step; c = 1 does', () => {
    const onMeasurement = new Pid({ kp: 0, kd: 1, c: 0 });
    const onError = new Pid({ kp: 0, kd: 1, c: 1 });
    for (const pid of [onMeasurement, onError]) pid.update(0, 0, 0, 0.01);
    expect(onMeasurement.update(1, 0, 0, 0.01)).toBe(0);
    expect(onError.update(1, 0, 0, 0.01)).toBeCloseTo(100, 9);
  });

  it('the derivative filter is a first-order low-pass of time constant tf', () => {
    const dt = 0.001;
    const tf = 0.05;
    const pid = new Pid({ kp: 0, kd: 1, c: 0, tf });
    pid.update(0, 0, 0, dt);
    // A ramp y = −t has derivative of −y equal to 1: the filtered D rises as 1 − (tf/(tf+dt))^n.
    let n = 0;
    for (; n < 50; n++) pid.update(0, -(n + 1) * dt, 0, dt);
    expect(pid.derivative).toBeCloseTo(1 - (tf / (tf + dt)) ** 50, 9);
    expect(pid.derivative).toBeLessThan(1);
  });

  it('setpoint weighting b scales only the setpoint in the proportional term', () => {
    const pid = new Pid({ kp: 4, b: 0.25 });
    expect(pid.update(2, 0.5, 0, 0.01)).toBeCloseTo(4 * (0.25 * 2 - 0.5), 12);
  });

  it('output limits saturate, and clamping stops the integral from winding up', () => {
    const pid = new Pid({ kp: 1, ki: 10, outputMin: -1, outputMax: 1, antiWindup: 'clamping' });
    for (let i = 0; i < 1000; i++) expect(pid.update(5, 0, 0, 0.01)).toBe(1);
    // The unsaturated P alone (5) already exceeds the limit: the integral never grew.
    expect(pid.integral).toBe(0);
    // When the error reverses, the output leaves saturation at once.
    expect(pid.update(0, 0.5, 0, 0.01)).toBeCloseTo(-0.5, 9);
  });

  it('back-calculation bleeds the integral toward the saturation limit', () => {
    const free = new Pid({ kp: 0.1, ki: 10, outputMax: 1, antiWindup: 'back-calculation', kaw: 0 });
    const tracked = new Pid({ kp: 0.1, ki: 10, outputMax: 1, antiWindup: 'back-calculation', kaw: 50 });
    for (let i = 0; i < 500; i++) {
      free.update(1, 0, 0, 0.01);
      tracked.update(1, 0, 0, 0.01);
    }
    expect(free.integral).toBeGreaterThan(40); // winds up: ki·e·t = 50
    // Equilibrium of dI = ki·e + kaw·(u − v) = 0 with u = 1: v − 1 = ki/kaw, so I = 1 + 0.2 − 0.1.
    expect(tracked.integral).toBeCloseTo(1 + 10 / 50 - 0.1, 2);
  });

  it('a gain change is bumpless: the next output for the same input is unchanged', () => {
    const pid = new Pid({ kp: 2, ki: 1 });
    for (let i = 0; i < 100; i++) pid.update(1, 0.6, 0, 0.01);
    const before = pid.update(1, 0.6, 0, 0.01);
    pid.setGains({ kp: 8 });
    // Integral moved by the proportional change: same output (to within one integration step).
    expect(pid.update(1, 0.6, 0, 0.01) - before).toBeCloseTo(1 * 0.4 * 0.01, 9);
    expect(pid.gains.kp).toBe(8);
  });

  it('non-finite inputs hold the last output; bad gains throw naming the field', () => {
    const pid = new Pid({ kp: 1 });
    const u = pid.update(1, 0, 0, 0.01);
    expect(pid.update(Number.NaN, 0, 0, 0.01)).toBe(u);
    expect(pid.update(1, Number.POSITIVE_INFINITY, 0, 0.01)).toBe(u);
    expect(() => pid.setGains({ kp: -1 })).toThrow(/kp = -1/);
    expect(() => pid.setGains({ outputMin: 2, outputMax: 1 })).toThrow(/outputMin 2 > outputMax 1/);
    expect(pid.gains.kp).toBe(1);
  });
});

describe('gains wire format', () => {
  it('round-trips every field through a labelled Float64MultiArray', () => {
    const gains = { kp: 120, ki: 10.5, kd: 2, b: 0.8, c: 0, tf: 0.002, outputMin: -40, outputMax: 40, integralMin: -5, integralMax: 5, kaw: 3, antiWindup: 'back-calculation' as const };
    const message = encodeGains('panda_joint2', 'velocity', gains);
    expect(message.layout.dim[0].label).toBe('gains/panda_joint2/velocity:kp,ki,kd,b,c,tf,outputMin,outputMax,integralMin,integralMax,kaw,antiWindup');
    const decoded = decodeGains(JSON.parse(JSON.stringify(message)) as unknown);
    expect(decoded).toEqual({ joint: 'panda_joint2', loop: 'velocity', gains });
  });

  it('rejects bad input with a message naming the field, the value and what was expected', () => {
    const ok = encodeGains('j1', 'position', { kp: 1 });
    expect(() => decodeGains(null)).toThrow(/message = null, expected a std_msgs\/Float64MultiArray/);
    expect(() => decodeGains({ ...ok, layout: { dim: [], data_offset: 0 } })).toThrow(/layout.dim = \[\], expected exactly one dimension/);
    expect(() => decodeGains({ ...ok, data: [1, 2] })).toThrow(/data = \[1,2\], expected an array of 1 numbers/);
    expect(() => decodeGains({ ...ok, data: ['x'] })).toThrow(/data\[0\] \(kp\) = "x", expected a number/);
    expect(() => decodeGains(encodeGains('j1', 'position', { kp: 1 }) && { layout: { dim: [{ label: 'gains/j1/position:kq', size: 1, stride: 1 }], data_offset: 0 }, data: [1] })).toThrow(/gain field = "kq", expected one of kp/);
    expect(() => decodeGains({ layout: { dim: [{ label: 'tune/j1:kp', size: 1, stride: 1 }], data_offset: 0 }, data: [1] })).toThrow(/expected "gains\/<joint>\/<loop>/);
    expect(() => decodeGains({ layout: { dim: [{ label: 'gains/j1/position:antiWindup', size: 1, stride: 1 }], data_offset: 0 }, data: [2] })).toThrow(/antiWindup = 2, expected 0 \(clamping\) or 1/);
    expect(() => decodeLabeled({ layout: { dim: [{ label: 'no-colon', size: 1, stride: 1 }], data_offset: 0 }, data: [1] })).toThrow(/label = "no-colon"/);
  });

  it('applies decoded updates to the running controller and refuses what it does not have', () => {
    const model = panda();
    const names = model.jointNames;
    const cascade = new CascadeController(model.nq, { output: 'effort' });
    expect(applyGainsUpdate(cascade, names, decodeGains(encodeGains(names[2], 'velocity', { kp: 7, ki: 3 })))).toBe('');
    expect(cascade.pid(2, 'velocity').gains.kp).toBe(7);
    expect(cascade.pid(2, 'velocity').gains.ki).toBe(3);
    expect(applyGainsUpdate(cascade, names, { joint: names[0], loop: 'torque', gains: { kp: 1 } })).toMatch(/loop = "torque", expected position or velocity/);
    expect(applyGainsUpdate(cascade, names, { joint: 'elbow', loop: 'position', gains: { kp: 1 } })).toMatch(/joint = "elbow"/);
    expect(applyGainsUpdate(cascade, names, { joint: names[0], loop: 'position', gains: { kp: -2 } })).toMatch(/kp = -2/);
    const ct = new ComputedTorqueController(model, { kp: 100 });
    expect(applyGainsUpdate(ct, names, decodeGains(encodeGains(names[4], 'computed-torque', { kp: 400, kd: 40 })))).toBe('');
    expect(ct.kp[4]).toBe(400);
    expect(ct.kd[4]).toBe(40);
    expect(ct.kp[3]).toBe(100);
    expect(applyGainsUpdate(ct, names, { joint: names[4], loop: 'computed-torque', gains: { ki: 1 } })).toMatch(/ki is not a computed-torque gain/);
    expect(applyGainsUpdate(new PositionForwardController(), names, { joint: names[0], loop: 'position', gains: { kp: 1 } })).toMatch(/has no live gains/);
  });
});
