// F/T sensing: tool weight compensation and payload identification from static poses.
import { describe, expect, it } from 'vitest';
import { identifyPayload, WrenchCompensator, type StaticWrenchSample } from '../../perception/wrench.ts';

function rotation(roll: number, pitch: number, yaw: number): number[] {
  const cr = Math.cos(roll), sr = Math.sin(roll), cp = Math.cos(pitch), sp = Math.sin(pitch), cy = Math.cos(yaw), sy = Math.sin(yaw);
  return [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr, sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr, -sp, cp * sr, cp * cr];
}

/** What an ideal sensor reads for a payload (mass, com) at orientation R plus bias. */
function reading(R: number[], mass: number, com: number[], bias: number[], noise = () => 0): StaticWrenchSample {
  const g = [0, 0, -9.81];
  const w = [0, 1, 2].map((i) => mass * (R[i] * g[0] + R[3 + i] * g[1] + R[6 + i] * g[2]));
  const t = [com[1] * w[2] - com[2] * w[1], com[2] * w[0] - com[0] * w[2], com[0] * w[1] - com[1] * w[0]];
  return { R_WS: R, force: w.map((v, i) => v + bias[i] + noise()), torque: t.map((v, i) => v + bias[3 + i] + noise() * 0.01) };
}

describe('payload identification', () => {
  it('finds mass within 2 % and the COM within a millimetre from six noisy poses', () => {
    let seed = 7;
    const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 0.1; // ±0.05 N
    const mass = 2.35, com = [0.01, -0.02, 0.08], bias = [1.2, -0.4, 3.1, 0.05, -0.02, 0.01];
    const poses = [[0, 0, 0], [Math.PI / 2, 0, 0], [0, Math.PI / 2, 0], [Math.PI, 0, 0.3], [-Math.PI / 2, 0.2, 1], [0.3, -Math.PI / 2, 0]];
    const estimate = identifyPayload(poses.map(([r, p, y]) => reading(rotation(r, p, y), mass, com, bias, noise)));
    console.log(JSON.stringify({ figure: 'payload-identification', mass_error_percent: (100 * Math.abs(estimate.mass - mass)) / mass, com_error_m: Math.hypot(...[0, 1, 2].map((i) => estimate.com[i] - com[i])) }));
    expect(Math.abs(estimate.mass - mass) / mass).toBeLessThan(0.02);
    for (let i = 0; i < 3; i++) expect(estimate.com[i]).toBeCloseTo(com[i], 3);
    expect(estimate.forceBias[2]).toBeCloseTo(bias[2], 1);
  });

  it('refuses poses that cannot separate the parameters', () => {
    const same = [0, 1, 2].map(() => reading(rotation(0, 0, 0), 1, [0, 0, 0.1], [0, 0, 0, 0, 0, 0]));
    expect(() => identifyPayload(same)).toThrow(/do not excite every parameter/);
    expect(() => identifyPayload(same.slice(0, 2))).toThrow(/at least 3/);
  });
});

describe('WrenchCompensator', () => {
  it('leaves only the external wrench after removing bias and the tool weight', () => {
    const mass = 1.5, com = [0, 0.03, 0.1], bias = [0.5, 0.2, -1, 0.01, 0.02, 0.03];
    const compensator = new WrenchCompensator();
    compensator.setPayload({ mass, com: Float64Array.from(com), forceBias: Float64Array.from(bias.slice(0, 3)), torqueBias: Float64Array.from(bias.slice(3)), forceResidual: 0, torqueResidual: 0 });
    const R = rotation(0.4, -0.7, 1.1);
    const raw = reading(R, mass, com, bias);
    const external = [3, 0, -2];
    const force = new Float64Array(3), torque = new Float64Array(3);
    compensator.compensate(Array.from(raw.force, (f, i) => f + external[i]), raw.torque, R, force, torque);
    expect(Array.from(force).map((v) => +v.toFixed(9))).toEqual(external);
    expect(Math.hypot(...torque)).toBeLessThan(1e-9);
  });
});
