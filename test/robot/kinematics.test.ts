// Forward kinematics and Jacobians: finite differences, closed forms, chains, trees and mimic joints.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { buildModel, linkIndex, type RobotModel } from '../../robot/model.ts';
import { createData, type RobotData } from '../../robot/data.ts';
import { bodyJacobian, chainForwardKinematics, forwardKinematics, jacobian, linkPose, linkVelocity } from '../../robot/kinematics.ts';
import { transformInverse, transformMultiply } from '../../robot/se3.ts';
import { fixtureModel, maxDifference, mulberry32, planarUrdf, randomConfiguration, randomVector } from './helpers.ts';

const builtin = (name: string, options = {}) => buildModel(readFileSync(new URL(`../../robot/robots/${name}.urdf`, import.meta.url), 'utf8'), options);

/** Jacobian (6·nv, rows vx vy vz wx wy wz) of `link` by central differences of forwardKinematics. */
function finiteDifferenceJacobian(model: RobotModel, data: RobotData, q: Float64Array, link: number): Float64Array {
  const nv = model.nv, h = 1e-6, J = new Float64Array(6 * nv), o = 12 * link;
  forwardKinematics(model, data, q);
  const R = data.X_WL.slice(o, o + 9);
  for (let k = 0; k < nv; k++) {
    const plus = Float64Array.from(q), minus = Float64Array.from(q);
    plus[k] += h;
    minus[k] -= h;
    forwardKinematics(model, data, plus);
    const P = data.X_WL.slice(o, o + 12);
    forwardKinematics(model, data, minus);
    const Mi = data.X_WL.slice(o, o + 12);
    for (let r = 0; r < 3; r++) J[r * nv + k] = (P[9 + r] - Mi[9 + r]) / (2 * h);
    // ω× = Ṙ·Rᵀ
    const W = (i: number, j: number) => {
      let s = 0;
      for (let m = 0; m < 3; m++) s += ((P[3 * i + m] - Mi[3 * i + m]) / (2 * h)) * R[3 * j + m];
      return s;
    };
    J[3 * nv + k] = W(2, 1);
    J[4 * nv + k] = W(0, 2);
    J[5 * nv + k] = W(1, 0);
  }
  return J;
}

const models: [string, () => RobotModel, string][] = [
  ['ur5e', () => builtin('ur5e'), ''],
  ['panda', () => builtin('panda'), ''],
  ['servo-arm', () => builtin('servo-arm'), ''],
  ['panda-like tree with a mimic finger', () => fixtureModel('panda-like.urdf'), 'panda_leftfinger'],
];

describe('jacobian', () => {
  for (const [name, make, extra] of models) {
    it(`matches finite differences of forward kinematics for ${name} (fast-check sweep)`, () => {
      const model = make();
      const data = createData(model);
      const links = [model.tip, ...(extra ? [linkIndex(model, extra)] : [])];
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
          const q = randomConfiguration(model, mulberry32(seed));
          for (const link of links) {
            const J = Float64Array.from(jacobian(model, data, q, link));
            expect(maxDifference(J, finiteDifferenceJacobian(model, data, q, link))).toBeLessThan(1e-8);
          }
        }),
        { numRuns: 60, seed: 42 },
      );
    });
  }

  it('gives the source joint of a mimic joint its multiplier times the mimic column', () => {
    const urdf = readFileSync(new URL('./fixtures/panda-like.urdf', import.meta.url), 'utf8').replace(
      '<mimic joint="panda_finger_joint1"/>',
      '<mimic joint="panda_finger_joint1" multiplier="-2" offset="0.01"/>',
    );
    const model = buildModel(urdf);
    expect(model.nq).toBe(8);
    const data = createData(model);
    const q = randomConfiguration(model, mulberry32(3));
    const right = linkIndex(model, 'panda_rightfinger');
    const J = Float64Array.from(jacobian(model, data, q, right));
    expect(maxDifference(J, finiteDifferenceJacobian(model, data, q, right))).toBeLessThan(1e-8);
    // The right finger moves along -y of the hand, twice as fast as the source moves the left one along +y: column 7 is -2·(-y_hand) = 2·y_hand.
    forwardKinematics(model, data, q);
    const hand = 12 * linkIndex(model, 'panda_hand');
    for (let r = 0; r < 3; r++) expect(J[r * 8 + 7]).toBeCloseTo(2 * data.X_WL[hand + 3 * r + 1], 12);
  });

  it('rotates into the tip frame for the body Jacobian, and J·v is the link velocity', () => {
    const model = builtin('panda');
    const data = createData(model);
    const next = mulberry32(9);
    const q = randomConfiguration(model, next), v = randomVector(model.nv, next);
    const J = Float64Array.from(jacobian(model, data, q, model.tip));
    const Jb = Float64Array.from(bodyJacobian(model, data, q, model.tip, new Float64Array(6 * model.nv)));
    const R = linkPose(model, data, model.tip, new Float64Array(12));
    const nv = model.nv;
    for (let col = 0; col < nv; col++) {
      for (let half = 0; half < 6; half += 3) {
        for (let r = 0; r < 3; r++) {
          let world = 0;
          for (let c = 0; c < 3; c++) world += R[3 * r + c] * Jb[(half + c) * nv + col];
          expect(world).toBeCloseTo(J[(half + r) * nv + col], 12);
        }
      }
    }
    const velocity = linkVelocity(model, data, q, v, model.tip, new Float64Array(6));
    for (let r = 0; r < 6; r++) {
      let s = 0;
      for (let c = 0; c < nv; c++) s += J[r * nv + c] * v[c];
      expect(velocity[r]).toBeCloseTo(s, 12);
    }
  });
});

describe('forwardKinematics', () => {
  it('puts a planar two-link arm where trigonometry says', () => {
    const model = buildModel(planarUrdf(2));
    const data = createData(model);
    const l1 = 0.7, l2 = 0.5;
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (q1, q2) => {
        forwardKinematics(model, data, new Float64Array([q1, q2]));
        const tip = 12 * linkIndex(model, 'tip');
        expect(data.X_WL[tip + 9]).toBeCloseTo(l1 * Math.cos(q1) + l2 * Math.cos(q1 + q2), 12);
        expect(data.X_WL[tip + 10]).toBeCloseTo(l1 * Math.sin(q1) + l2 * Math.sin(q1 + q2), 12);
        expect(data.X_WL[tip + 11]).toBeCloseTo(0, 12);
        // R = Rz(q1 + q2): its first column is the tip's x axis.
        expect(data.X_WL[tip]).toBeCloseTo(Math.cos(q1 + q2), 12);
        expect(data.X_WL[tip + 3]).toBeCloseTo(Math.sin(q1 + q2), 12);
      }),
      { numRuns: 100, seed: 1 },
    );
  });

  it('handles general, negative and prismatic axes like a rotation about the axis', () => {
    const urdf = `<robot name="axes"><link name="a"/><link name="b"/><link name="c"/>
      <joint name="j1" type="revolute"><parent link="a"/><child link="b"/><origin xyz="0.1 0.2 0.3" rpy="0.4 -0.2 1.1"/>
        <axis xyz="0 -1 0"/><limit lower="-3" upper="3" effort="1" velocity="1"/></joint>
      <joint name="j2" type="prismatic"><parent link="b"/><child link="c"/><origin xyz="0 0 0.5" rpy="0 0 0"/>
        <axis xyz="0.6 0 0.8"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint></robot>`;
    const model = buildModel(urdf);
    const data = createData(model);
    forwardKinematics(model, data, new Float64Array([0.3, 0.25]));
    // Link b: origin then a rotation of 0.3 about -y (= -0.3 about +y).
    const expected = new Float64Array(12);
    const origin = model.origin.slice(12, 24);
    const c = Math.cos(-0.3), s = Math.sin(-0.3);
    const Ry = new Float64Array([c, 0, s, 0, 1, 0, -s, 0, c, 0, 0, 0]);
    transformMultiply(origin, 0, Ry, 0, expected, 0);
    expect(maxDifference(data.X_WL.slice(12, 24), expected)).toBeLessThan(1e-14);
    const cPose = data.X_WL.slice(24, 36);
    const bPose = data.X_WL.slice(12, 24);
    for (let r = 0; r < 3; r++) {
      const offset = [0.6 * 0.25, 0, 0.5 + 0.8 * 0.25];
      const world = bPose[9 + r] + bPose[3 * r] * offset[0] + bPose[3 * r + 1] * offset[1] + bPose[3 * r + 2] * offset[2];
      expect(cPose[9 + r]).toBeCloseTo(world, 14);
    }
  });

  it('computes the same tip pose for the whole tree, the base -> tip chain and chainForwardKinematics', () => {
    const tree = fixtureModel('panda-like.urdf');
    const chain = fixtureModel('panda-like.urdf', { tip: 'panda_hand' });
    const treeData = createData(tree), chainData = createData(chain);
    const q = randomConfiguration(tree, mulberry32(5));
    forwardKinematics(tree, treeData, q);
    forwardKinematics(chain, chainData, q.subarray(0, chain.nq));
    const hand = linkIndex(tree, 'panda_hand');
    expect(maxDifference(chainData.X_WL.slice(12 * chain.tip, 12 * chain.tip + 12), treeData.X_WL.slice(12 * hand, 12 * hand + 12))).toBe(0);
    const fresh = createData(tree);
    chainForwardKinematics(tree, fresh, q, hand);
    expect(maxDifference(fresh.X_WL.slice(12 * hand, 12 * hand + 12), treeData.X_WL.slice(12 * hand, 12 * hand + 12))).toBe(0);
  });

  it('measures poses from a chosen base link', () => {
    const full = builtin('panda');
    const fromLink3 = builtin('panda', { base: 'panda_link3', tip: 'panda_link8' });
    expect(fromLink3.nq).toBe(4);
    const fullData = createData(full), partData = createData(fromLink3);
    const q = randomConfiguration(full, mulberry32(11));
    forwardKinematics(full, fullData, q);
    forwardKinematics(fromLink3, partData, q.subarray(3));
    const baseInverse = new Float64Array(12), relative = new Float64Array(12);
    transformInverse(fullData.X_WL, 12 * linkIndex(full, 'panda_link3'), baseInverse, 0);
    transformMultiply(baseInverse, 0, fullData.X_WL, 12 * linkIndex(full, 'panda_link8'), relative, 0);
    expect(maxDifference(partData.X_WL.slice(12 * fromLink3.tip, 12 * fromLink3.tip + 12), relative)).toBeLessThan(1e-14);
  });
});
