// Momentum observer on a plant made from the robot core's forward dynamics (ABA).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MomentumObserver } from '../../perception/momentum-observer.ts';
import { buildModel, type RobotModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { aba, crba, gravityTorques } from '../../robot/dynamics.ts';
import { measureHeapGrowth } from '../support/heap.ts';

const step = { dt: 0.001 };
const load = (name: string) => buildModel(readFileSync(new URL(`../../robot/robots/${name}.urdf`, import.meta.url), 'utf8'));

/**
 * Runs the plant for `seconds` at 1 kHz under gravity compensation + PD tracking of a sine, with
 * an optional external torque pulse on `joint` from `pulseStart` on; feeds the observer each tick.
 */
function run(model: RobotModel, observer: MomentumObserver, seconds: number, pulse?: { joint: number; start: number; torque: number }) {
  const nv = model.nv, dt = 0.001;
  const plant = createData(model), control = createData(model);
  const q = new Float64Array(nv), v = new Float64Array(nv), tau = new Float64Array(nv), total = new Float64Array(nv), zero = new Float64Array(nv);
  for (let k = 0; k < nv; k++) q[k] = Math.max(model.lowerLimit[k] + 0.2, Math.min(model.upperLimit[k] - 0.2, 0.3));
  const start = Float64Array.from(q);
  // PD gains scaled by each joint's own inertia: 20 rad/s bandwidth, critically damped.
  crba(model, control, q);
  const kp = Float64Array.from({ length: nv }, (_, k) => 400 * control.M[k * nv + k]);
  const kd = Float64Array.from({ length: nv }, (_, k) => 40 * control.M[k * nv + k]);
  let detectedAt = Number.NaN, falseAlarm = false, peakResidualError = 0;
  for (let i = 0; i < seconds / dt; i++) {
    const t = i * dt;
    gravityTorques(model, control, q);
    for (let k = 0; k < nv; k++) {
      const reference = start[k] + 0.5 * Math.sin(2 * Math.PI * 0.5 * t);
      const referenceVelocity = 0.5 * 2 * Math.PI * 0.5 * Math.cos(2 * Math.PI * 0.5 * t);
      tau[k] = control.g[k] + kp[k] * (reference - q[k]) + kd[k] * (referenceVelocity - v[k]);
    }
    total.set(tau);
    const external = pulse && t >= pulse.start ? pulse.torque : 0;
    if (pulse) total[pulse.joint] += external;
    observer.update(q, v, tau, zero, step);
    if (pulse && t > pulse.start + 0.2) peakResidualError = Math.max(peakResidualError, Math.abs(observer.residual[pulse.joint] - external));
    if (observer.collision) {
      if (!pulse || t < pulse.start) falseAlarm = true;
      else if (Number.isNaN(detectedAt)) detectedAt = t - pulse.start;
    }
    aba(model, plant, q, v, total);
    for (let k = 0; k < nv; k++) {
      v[k] += plant.qdd[k] * dt;
      q[k] += v[k] * dt;
    }
  }
  return { detectedAt, falseAlarm, peakResidualError };
}

describe('MomentumObserver', () => {
  it('raises no false alarm while the arm tracks a full-range motion without contact', () => {
    const model = load('panda');
    const observer = new MomentumObserver(model, { gain: 100, threshold: 3 });
    const result = run(model, observer, 4);
    expect(result.falseAlarm).toBe(false);
    expect(observer.collisions).toBe(0);
  });

  it('detects a 10 N·m impact on the elbow within 20 ms and estimates its torque', () => {
    const model = load('panda');
    const observer = new MomentumObserver(model, { gain: 100, threshold: 3 });
    const result = run(model, observer, 2, { joint: 3, start: 1.0, torque: 10 });
    console.log(JSON.stringify({ figure: 'collision-detection', delay_ms: result.detectedAt * 1e3, residual_error_nm: result.peakResidualError }));
    expect(result.falseAlarm).toBe(false);
    expect(result.detectedAt).toBeLessThan(0.02);
    expect(observer.collisionJoint).toBe(3);
    expect(result.peakResidualError).toBeLessThan(0.5);
  });

  it('clears the collision once every residual falls below the release threshold', () => {
    const model = load('ur5e');
    const observer = new MomentumObserver(model, { gain: 100, threshold: 3, release: 1 });
    const q = new Float64Array(model.nv), v = new Float64Array(model.nv), zero = new Float64Array(model.nv);
    const data = createData(model);
    gravityTorques(model, data, q);
    const tau = Float64Array.from(data.g);
    observer.update(q, v, tau, zero, step);
    tau[1] += 20; // the arm is held still while its motors push: a contact holds it
    for (let i = 0; i < 100; i++) observer.update(q, v, tau, zero, step);
    expect(observer.collision).toBe(true);
    tau[1] -= 20;
    for (let i = 0; i < 200; i++) observer.update(q, v, tau, zero, step);
    expect(observer.collision).toBe(false);
    expect(() => new MomentumObserver(model, { threshold: [1, 1, 1, 1, 1, 0] })).toThrow(/threshold\[5\]/);
  });

  it('allocates nothing per update', () => {
    const model = load('panda');
    const observer = new MomentumObserver(model, { threshold: 1e9 });
    const q = new Float64Array(model.nv), v = new Float64Array(model.nv).fill(0.1), tau = new Float64Array(model.nv);
    // Best of up to 4 rounds, not 2: under the CLI's V8 flags the optimizing compiler inlines
    // update's whole call tree (crba, both RNEA passes, detect) into the closure and into the
    // probe's loop, and each such compile puts ~250 kB of code and metadata on the heap. The first
    // two rounds hold one or two (the loop is compiled on stack, bails out at its exit, and is
    // compiled again); a later round reads 256 B. A boxed double per call would read 1.6 MB in
    // every round.
    const { bytes } = measureHeapGrowth((i) => {
      q[0] = i * 1e-5;
      observer.update(q, v, tau, tau, step);
    }, { calls: 100_000, warmup: { calls: 10_000 }, rounds: 4, stopBelow: 16 * 1024, sampleEvery: 1000 });
    expect(bytes).toBeLessThan(200 * 1024); // < 2 B per call: one boxed double per call would be 16 B
  });
});
