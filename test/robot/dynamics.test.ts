// Dynamics: RNEA, CRBA and ABA cross-checked against each other, against closed forms for planar
// arms, and across equivalent URDFs (rotated inertial frames, fixed-joint payloads, armature).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { buildModel, withArmature, type RobotModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { aba, coriolis, crba, gravityTorques, jointFriction, rnea } from '../../robot/dynamics.ts';
import { rotationFromRpy } from '../../robot/se3.ts';
import { fixtureModel, maxDifference, mulberry32, planarUrdf, randomConfiguration, randomVector } from './helpers.ts';

const builtin = (name: string) => buildModel(readFileSync(new URL(`../../robot/robots/${name}.urdf`, import.meta.url), 'utf8'));

/** Solves A·x = b (n×n row-major) by Gaussian elimination with partial pivoting (reference only). */
function solveDense(A: Float64Array, b: Float64Array): Float64Array {
  const n = b.length, M = Float64Array.from(A), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    for (let k = 0; k < n; k++) [M[c * n + k], M[p * n + k]] = [M[p * n + k], M[c * n + k]];
    [x[c], x[p]] = [x[p], x[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}

const models: [string, () => RobotModel][] = [
  ['ur5e', () => builtin('ur5e')],
  ['panda', () => builtin('panda')],
  ['servo-arm', () => builtin('servo-arm')],
  ['panda-like tree with a mimic finger (ABA through CRBA)', () => fixtureModel('panda-like.urdf')],
  ['ur5e-like with rotated inertials and armature', () => withArmature(fixtureModel('ur5e-like.urdf'), [0.3, 0.3, 0.2, 0.05, 0.05, 0.05])],
];

describe('dynamics identities', () => {
  for (const [name, make] of models) {
    it(`RNEA = M·qdd + C + G, ABA inverts RNEA, CRBA is symmetric positive definite: ${name}`, () => {
      const model = make();
      const data = createData(model);
      const nv = model.nv;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const next = mulberry32(seed);
          const q = randomConfiguration(model, next), v = randomVector(nv, next, 2), a = randomVector(nv, next, 5);
          const gravity = randomVector(3, next, 10);
          const tau = Float64Array.from(rnea(model, data, q, v, a, gravity));
          const M = Float64Array.from(crba(model, data, q));
          const c = Float64Array.from(coriolis(model, data, q, v));
          const g = Float64Array.from(gravityTorques(model, data, q, gravity));
          const sum = new Float64Array(nv);
          for (let i = 0; i < nv; i++) {
            sum[i] = c[i] + g[i];
            for (let j = 0; j < nv; j++) sum[i] += M[i * nv + j] * a[j];
          }
          expect(maxDifference(tau, sum)).toBeLessThan(1e-9 * (1 + Math.max(...tau.map(Math.abs))));
          // Symmetric, and positive definite: a Cholesky factorisation succeeds.
          for (let i = 0; i < nv; i++) for (let j = 0; j < nv; j++) expect(M[i * nv + j]).toBeCloseTo(M[j * nv + i], 12);
          const L = Float64Array.from(M);
          for (let j = 0; j < nv; j++) {
            let d = L[j * nv + j];
            for (let k = 0; k < j; k++) d -= L[j * nv + k] ** 2;
            expect(d).toBeGreaterThan(0);
            L[j * nv + j] = Math.sqrt(d);
            for (let i = j + 1; i < nv; i++) {
              let s = L[i * nv + j];
              for (let k = 0; k < j; k++) s -= L[i * nv + k] * L[j * nv + k];
              L[i * nv + j] = s / L[j * nv + j];
            }
          }
          // ABA: qdd solving M·qdd = tau − C − G, for tau from RNEA (gets a back) and for random tau.
          expect(maxDifference(aba(model, data, q, v, tau, gravity), a)).toBeLessThan(1e-8);
          const torque = randomVector(nv, next, 20);
          const rhs = torque.map((t, i) => t - c[i] - g[i]);
          expect(maxDifference(aba(model, data, q, v, torque, gravity), solveDense(M, rhs))).toBeLessThan(1e-8);
        }),
        { numRuns: 40, seed: 7 },
      );
    });
  }
});

describe('closed forms', () => {
  it('matches the one-link pendulum: tau = (I + m·lc²)·qdd + m·g·lc·cos q', () => {
    const model = buildModel(planarUrdf(1, [2], [0.35], [0.1]));
    const data = createData(model);
    const gravity = new Float64Array([0, -9.81, 0]);
    for (const q of [-2, -0.3, 0, 1.1, 2.9]) {
      const tau = rnea(model, data, [q], [1.7], [-0.8], gravity)[0];
      expect(tau).toBeCloseTo((0.1 + 2 * 0.35 ** 2) * -0.8 + 2 * 9.81 * 0.35 * Math.cos(q), 12);
      expect(aba(model, data, [q], [1.7], [3], gravity)[0]).toBeCloseTo((3 - 2 * 9.81 * 0.35 * Math.cos(q)) / (0.1 + 2 * 0.35 ** 2), 12);
    }
  });

  it('matches the textbook two-link planar arm (M, C·qd, g)', () => {
    const m1 = 2, m2 = 1.5, l1 = 0.7, lc1 = 0.35, lc2 = 0.2, I1 = 0.1, I2 = 0.05, g0 = 9.81;
    const model = buildModel(planarUrdf(2, [m1, m2], [lc1, lc2], [I1, I2]));
    const data = createData(model);
    const gravity = new Float64Array([0, -g0, 0]);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 4, maxLength: 4 }), ([q1, q2, v1, v2]) => {
        const M = crba(model, data, [q1, q2]);
        const c2 = Math.cos(q2), s2 = Math.sin(q2);
        expect(M[0]).toBeCloseTo(I1 + I2 + m1 * lc1 ** 2 + m2 * (l1 ** 2 + lc2 ** 2 + 2 * l1 * lc2 * c2), 12);
        expect(M[1]).toBeCloseTo(I2 + m2 * (lc2 ** 2 + l1 * lc2 * c2), 12);
        expect(M[3]).toBeCloseTo(I2 + m2 * lc2 ** 2, 12);
        const h = m2 * l1 * lc2 * s2;
        const c = coriolis(model, data, [q1, q2], [v1, v2]);
        expect(c[0]).toBeCloseTo(-h * (2 * v1 * v2 + v2 * v2), 12);
        expect(c[1]).toBeCloseTo(h * v1 * v1, 12);
        const g = gravityTorques(model, data, [q1, q2], gravity);
        expect(g[0]).toBeCloseTo((m1 * lc1 + m2 * l1) * g0 * Math.cos(q1) + m2 * lc2 * g0 * Math.cos(q1 + q2), 12);
        expect(g[1]).toBeCloseTo(m2 * lc2 * g0 * Math.cos(q1 + q2), 12);
      }),
      { numRuns: 100, seed: 3 },
    );
  });
});

describe('equivalent descriptions give identical dynamics', () => {
  /** One arm link with the given inertial block, two joints so that all inertia components matter. */
  const arm = (inertial: string, extra = '') => `<robot name="r"><link name="base"/>
    <link name="a"><inertial><origin xyz="0.1 0 0.2"/><mass value="1"/><inertia ixx="0.01" ixy="0" ixz="0" iyy="0.01" iyz="0" izz="0.01"/></inertial></link>
    <link name="b">${inertial}</link>${extra}
    <joint name="j1" type="revolute"><parent link="base"/><child link="a"/><axis xyz="0 0 1"/><limit lower="-3" upper="3" effort="1" velocity="1"/></joint>
    <joint name="j2" type="revolute"><parent link="a"/><child link="b"/><origin xyz="0 0.1 0.3" rpy="0.2 0.1 0"/><axis xyz="1 0 0"/><limit lower="-3" upper="3" effort="1" velocity="1"/></joint></robot>`;

  function expectSameDynamics(first: RobotModel, second: RobotModel): void {
    const d1 = createData(first), d2 = createData(second);
    const next = mulberry32(17);
    for (let k = 0; k < 20; k++) {
      const q = randomConfiguration(first, next), v = randomVector(2, next, 2), a = randomVector(2, next, 3);
      expect(maxDifference(rnea(first, d1, q, v, a), rnea(second, d2, q, v, a))).toBeLessThan(1e-12);
      expect(maxDifference(crba(first, d1, q), crba(second, d2, q))).toBeLessThan(1e-12);
      expect(maxDifference(aba(first, d1, q, v, a), aba(second, d2, q, v, a))).toBeLessThan(1e-10);
    }
  }

  it('a rotated inertial frame equals the same body with its inertia pre-rotated into link axes', () => {
    const rpy = [0.7, -0.4, 1.3];
    const R = new Float64Array(9);
    rotationFromRpy(rpy[0], rpy[1], rpy[2], R, 0);
    const diag = [0.02, 0.05, 0.03];
    const I = (r: number, c: number) => R[3 * r] * diag[0] * R[3 * c] + R[3 * r + 1] * diag[1] * R[3 * c + 1] + R[3 * r + 2] * diag[2] * R[3 * c + 2];
    const rotated = buildModel(arm(`<inertial><origin xyz="0.05 0.02 0.1" rpy="${rpy.join(' ')}"/><mass value="2"/>
      <inertia ixx="${diag[0]}" ixy="0" ixz="0" iyy="${diag[1]}" iyz="0" izz="${diag[2]}"/></inertial>`));
    const preRotated = buildModel(arm(`<inertial><origin xyz="0.05 0.02 0.1" rpy="0 0 0"/><mass value="2"/>
      <inertia ixx="${I(0, 0)}" ixy="${I(0, 1)}" ixz="${I(0, 2)}" iyy="${I(1, 1)}" iyz="${I(1, 2)}" izz="${I(2, 2)}"/></inertial>`));
    // A wrongly rotated tensor (Rᵀ·I·R instead of R·I·Rᵀ) must differ, or this test could not fail.
    const J = (r: number, c: number) => R[r] * diag[0] * R[c] + R[3 + r] * diag[1] * R[3 + c] + R[6 + r] * diag[2] * R[6 + c];
    const wrong = buildModel(arm(`<inertial><origin xyz="0.05 0.02 0.1" rpy="0 0 0"/><mass value="2"/>
      <inertia ixx="${J(0, 0)}" ixy="${J(0, 1)}" ixz="${J(0, 2)}" iyy="${J(1, 1)}" iyz="${J(1, 2)}" izz="${J(2, 2)}"/></inertial>`));
    expectSameDynamics(rotated, preRotated);
    const q = [0.4, -1.2], v = [1, 2], a = [0.5, -0.5];
    expect(maxDifference(rnea(rotated, createData(rotated), q, v, a), rnea(wrong, createData(wrong), q, v, a))).toBeGreaterThan(1e-4);
  });

  it('a payload on a fixed joint equals the lumped body (mass, COM and parallel-axis inertia)', () => {
    // Body b: 1 kg at (0, 0, 0.1), diag(0.01, 0.02, 0.03); payload: 0.5 kg at (0.2, 0, 0.1) in b, diag(0.001, 0.002, 0.003).
    const withPayload = buildModel(arm(`<inertial><origin xyz="0 0 0.1"/><mass value="1"/><inertia ixx="0.01" ixy="0" ixz="0" iyy="0.02" iyz="0" izz="0.03"/></inertial>`,
      `<link name="payload"><inertial><origin xyz="0 0 0.1"/><mass value="0.5"/><inertia ixx="0.001" ixy="0" ixz="0" iyy="0.002" iyz="0" izz="0.003"/></inertial></link>
       <joint name="mount" type="fixed"><parent link="b"/><child link="payload"/><origin xyz="0.2 0 0"/></joint>`));
    // Combined: m = 1.5, COM x = 0.5·0.2/1.5; each part's inertia shifted to the common COM (offsets only along x).
    const cx = (0.5 * 0.2) / 1.5, d1 = cx, d2 = 0.2 - cx;
    const lumped = buildModel(arm(`<inertial><origin xyz="${cx} 0 0.1"/><mass value="1.5"/>
      <inertia ixx="${0.011}" ixy="0" ixz="0" iyy="${0.022 + 1 * d1 * d1 + 0.5 * d2 * d2}" iyz="0" izz="${0.033 + 1 * d1 * d1 + 0.5 * d2 * d2}"/></inertial>`));
    expectSameDynamics(withPayload, lumped);
  });

  it('adds armature to the mass-matrix diagonal and armature·qdd to RNEA', () => {
    const plain = builtin('panda');
    const armature = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7];
    const geared = withArmature(plain, armature);
    const dp = createData(plain), dg = createData(geared);
    const q = randomConfiguration(plain, mulberry32(2)), v = randomVector(7, mulberry32(3)), a = randomVector(7, mulberry32(4));
    const M0 = Float64Array.from(crba(plain, dp, q)), M1 = crba(geared, dg, q);
    const t0 = Float64Array.from(rnea(plain, dp, q, v, a)), t1 = rnea(geared, dg, q, v, a);
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) expect(M1[i * 7 + j] - M0[i * 7 + j]).toBeCloseTo(i === j ? armature[i] : 0, 12);
      expect(t1[i] - t0[i]).toBeCloseTo(armature[i] * a[i], 12);
    }
  });
});

describe('jointFriction', () => {
  it('is damping·v + friction·sign(v) from the URDF <dynamics>', () => {
    const model = fixtureModel('ur5e-like.urdf'); // damping 0.5, friction 1 on the first three joints
    const out = jointFriction(model, new Float64Array(6), [2, -1, 0, 3, 3, 3], new Float64Array(6));
    expect(Array.from(out)).toEqual([0.5 * 2 + 1, -0.5 - 1, 0, 0, 0, 0]);
  });
});
