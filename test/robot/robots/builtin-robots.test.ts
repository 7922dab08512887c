// The built-in robots parse, build, and match the published facts they were written from: UR's DH
// table and masses for the UR5e, Franka's modified-DH table and limits and Gaz et al.'s identified
// inertials for the Panda, and the servo-arm's own design numbers. Kinematics are checked against
// DH forward kinematics written here, independently of the URDF files.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildModel, jointIndex, linkIndex, type RobotModel } from '../../../robot/model.ts';
import { BUILTIN_ROBOTS, builtinRobotFiles, isBuiltinRobot } from '../../../robot/robots/index.ts';
import { apply, maxDifference, modelLinkPose, modifiedDh, multiply, rotZ, standardDh, type Transform } from './frames.ts';

function load(name: string): RobotModel {
  return buildModel(readFileSync(fileURLToPath(builtinRobotFiles(name).urdf), 'utf8'));
}

const runs = { seed: 20240611, numRuns: 300 };

function configuration(model: RobotModel): fc.Arbitrary<number[]> {
  return fc.tuple(...Array.from(model.lowerLimit, (lo, k) => fc.double({ min: lo, max: model.upperLimit[k], noNaN: true })));
}

// Universal Robots, "DH Parameters for calculations of kinematics and dynamics", UR5e.
const UR5E = {
  d: [0.1625, 0, 0, 0.1333, 0.0997, 0.0996],
  a: [0, -0.425, -0.3922, 0, 0, 0],
  alpha: [Math.PI / 2, 0, 0, Math.PI / 2, -Math.PI / 2, 0],
  mass: [3.761, 8.058, 2.846, 1.37, 1.3, 0.365],
  com: [[0, -0.02561, 0.00193], [0.2125, 0, 0.11336], [0.15, 0, 0.0265], [0, -0.0018, 0.01634], [0, 0.0018, 0.01634], [0, 0, -0.001159]],
  links: ['shoulder_link', 'upper_arm_link', 'forearm_link', 'wrist_1_link', 'wrist_2_link', 'wrist_3_link'],
};

/** UR DH frames 0..6 in the DH base frame. */
function urDhFrames(q: readonly number[]): Transform[] {
  const frames = [multiply(rotZ(0), rotZ(0))];
  for (let i = 0; i < 6; i++) frames.push(multiply(frames[i], standardDh(q[i], UR5E.d[i], UR5E.a[i], UR5E.alpha[i])));
  return frames;
}

// Franka's modified DH table (frankaemika.github.io/docs/control_parameters.html).
const PANDA = {
  a: [0, 0, 0, 0.0825, -0.0825, 0, 0.088, 0],
  d: [0.333, 0, 0.316, 0, 0.384, 0, 0, 0.107],
  alpha: [0, -Math.PI / 2, Math.PI / 2, Math.PI / 2, -Math.PI / 2, Math.PI / 2, Math.PI / 2, 0],
  lower: [-2.8973, -1.7628, -2.8973, -3.0718, -2.8973, -0.0175, -2.8973],
  upper: [2.8973, 1.7628, 2.8973, -0.0698, 2.8973, 3.7525, 2.8973],
  velocity: [2.175, 2.175, 2.175, 2.175, 2.61, 2.61, 2.61],
  effort: [87, 87, 87, 87, 12, 12, 12],
  // Gaz et al., IEEE RA-L 2019, supplementary tables VIII-IX.
  mass: [4.970684, 0.646926, 3.228604, 3.587895, 1.225946, 1.666555, 0.735522],
};

function pandaMdhFrames(q: readonly number[]): Transform[] {
  const frames = [rotZ(0)];
  for (let i = 0; i < 8; i++) frames.push(multiply(frames[i], modifiedDh(PANDA.alpha[i], PANDA.a[i], i < 7 ? q[i] : 0, PANDA.d[i])));
  return frames;
}

describe('built-in robot files', () => {
  it('lists exactly the three built-in robots and rejects other names with the list', () => {
    expect([...BUILTIN_ROBOTS]).toEqual(['servo-arm', 'ur5e', 'panda']);
    expect(isBuiltinRobot('ur5e')).toBe(true);
    expect(isBuiltinRobot('ur5')).toBe(false);
    expect(() => builtinRobotFiles('kuka')).toThrow(/"kuka".*servo-arm, ur5e, panda/);
  });

  it.each(['servo-arm', 'ur5e', 'panda'])('%s parses and builds, with a material on every visual and a drive file named after it', (name) => {
    const files = builtinRobotFiles(name);
    expect(files.drive.href.endsWith(`/${name}.drive.yaml`)).toBe(true);
    const model = load(name);
    expect(model.nq).toBe(name === 'panda' ? 7 : 6);
    let visuals = 0;
    for (const link of model.urdf.links) {
      for (const visual of link.visuals) {
        visuals++;
        expect(visual.material?.color, `${name} ${link.name} visual colour`).toBeDefined();
        expect(visual.geometry.type).not.toBe('mesh');
      }
    }
    expect(visuals).toBeGreaterThanOrEqual(model.nq + 1);
    expect(model.urdf.transmissions.map((t) => t.joints[0].name).sort()).toEqual([...model.jointNames].sort());
  });

  it.each(['servo-arm', 'ur5e', 'panda'])('%s has physically valid inertias (positive definite, triangle inequality)', (name) => {
    const model = load(name);
    for (let l = 0; l < model.nlinks; l++) {
      if (model.mass[l] === 0) continue;
      const I = model.inertia.subarray(9 * l, 9 * l + 9);
      const half = (I[0] + I[4] + I[8]) / 2;
      // I positive definite, and (tr/2)·1 − I positive semidefinite (each principal moment ≤ the sum of the others).
      for (const [sign, shift] of [[1, 0], [-1, half]] as const) {
        const A = Array.from(I, (v, k) => sign * v + (k % 4 === 0 ? shift : 0));
        const minor1 = A[0];
        const minor2 = A[0] * A[4] - A[1] * A[3];
        const det = A[0] * (A[4] * A[8] - A[5] * A[7]) - A[1] * (A[3] * A[8] - A[5] * A[6]) + A[2] * (A[3] * A[7] - A[4] * A[6]);
        const tolerance = sign > 0 ? 0 : -1e-12;
        expect(Math.min(minor1, minor2, det), `${name} ${model.linkNames[l]}`).toBeGreaterThan(tolerance);
      }
    }
  });
});

describe('ur5e', () => {
  const model = load('ur5e');
  const tool0 = linkIndex(model, 'tool0');
  const inertiaBase = linkIndex(model, 'base_link_inertia');

  it('tool0 in base_link_inertia equals UR\'s standard DH forward kinematics, base_link turned 180° about z (ur_description)', () => {
    fc.assert(
      fc.property(configuration(model), (q) => {
        const dh = urDhFrames(q)[6];
        const X_IT = multiply(invertRigid(modelLinkPose(model, q, inertiaBase)), modelLinkPose(model, q, tool0));
        expect(maxDifference(X_IT, dh)).toBeLessThan(1e-12);
        expect(maxDifference(modelLinkPose(model, q, tool0), multiply(rotZ(Math.PI), dh))).toBeLessThan(1e-12);
      }),
      runs,
    );
  });

  it('puts each link\'s centre of mass where UR publishes it (DH frame i) at any configuration', () => {
    fc.assert(
      fc.property(configuration(model), (q) => {
        const frames = urDhFrames(q);
        const X_BI = modelLinkPose(model, q, inertiaBase);
        UR5E.links.forEach((name, i) => {
          const l = linkIndex(model, name);
          const fromUrdf = apply(multiply(invertRigid(X_BI), modelLinkPose(model, q, l)), Array.from(model.com.subarray(3 * l, 3 * l + 3)));
          expect(maxDifference(fromUrdf, apply(frames[i + 1], UR5E.com[i]))).toBeLessThan(1e-12);
        });
      }),
      { ...runs, numRuns: 50 },
    );
  });

  it('has UR\'s published link masses and ur_description\'s limits', () => {
    UR5E.links.forEach((name, i) => expect(model.mass[linkIndex(model, name)]).toBe(UR5E.mass[i]));
    const moving = UR5E.links.reduce((sum, name) => sum + model.mass[linkIndex(model, name)], 0);
    expect(moving).toBeCloseTo(17.7, 12);
    expect(Array.from(model.upperLimit)).toEqual([1, 1, 0.5, 1, 1, 1].map((k) => 2 * Math.PI * k));
    expect(Array.from(model.lowerLimit)).toEqual([1, 1, 0.5, 1, 1, 1].map((k) => -2 * Math.PI * k));
    expect(Array.from(model.velocityLimit)).toEqual(Array(6).fill(Math.PI));
    expect(Array.from(model.effortLimit)).toEqual([150, 150, 150, 28, 28, 28]);
    expect(jointIndex(model, 'elbow_joint')).toBe(2);
  });

  it('declares ROS 2 transmissions with a reduction of 101', () => {
    for (const t of model.urdf.transmissions) {
      expect(t.type).toBe('transmission_interface/SimpleTransmission');
      expect(t.joints[0].mechanicalReduction).toBe(101);
      expect(t.actuators).toHaveLength(1);
    }
  });
});

describe('panda', () => {
  const model = load('panda');

  it('panda_link1..8 are Franka\'s modified-DH frames, so the flange equals the modified-DH forward kinematics', () => {
    fc.assert(
      fc.property(configuration(model), (q) => {
        const frames = pandaMdhFrames(q);
        for (let i = 1; i <= 8; i++) {
          expect(maxDifference(modelLinkPose(model, q, linkIndex(model, `panda_link${i}`)), frames[i])).toBeLessThan(1e-12);
        }
      }),
      runs,
    );
  });

  it('puts the flange 1.033 m up and 0.088 m out at q = 0 (sum of the table)', () => {
    const T = modelLinkPose(model, new Float64Array(7), linkIndex(model, 'panda_link8'));
    expect(maxDifference([T[3], T[7], T[11]], [0.088, 0, 0.333 + 0.316 + 0.384 - 0.107])).toBeLessThan(1e-12);
  });

  it('has the datasheet limits and Gaz et al.\'s identified masses', () => {
    expect(Array.from(model.lowerLimit)).toEqual(PANDA.lower);
    expect(Array.from(model.upperLimit)).toEqual(PANDA.upper);
    expect(Array.from(model.velocityLimit)).toEqual(PANDA.velocity);
    expect(Array.from(model.effortLimit)).toEqual(PANDA.effort);
    PANDA.mass.forEach((m, i) => expect(model.mass[linkIndex(model, `panda_link${i + 1}`)]).toBe(m));
    expect(model.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(16.062132, 9);
    // One identified tensor in full, to catch a mis-ordered ixy/ixz/iyz: link 4 [xx, xy, xz, yy, yz, zz].
    const l4 = linkIndex(model, 'panda_link4');
    expect(Array.from(model.inertia.subarray(9 * l4, 9 * l4 + 9))).toEqual([0.025853, 0.007796, -0.001332, 0.007796, 0.019552, 0.008641, -0.001332, 0.008641, 0.028323]);
  });

  it('declares ROS 1 transmissions (hardwareInterface, mechanicalReduction)', () => {
    for (const t of model.urdf.transmissions) {
      expect(t.type).toBe('transmission_interface/SimpleTransmission');
      expect(t.joints[0].hardwareInterfaces).toEqual(['hardware_interface/EffortJointInterface']);
      expect(t.actuators[0].mechanicalReduction).toBe(1);
    }
  });
});

describe('servo-arm', () => {
  const model = load('servo-arm');

  it('reaches 0.92 m from the shoulder axis to tool0, straight up at q = 0', () => {
    const q = new Float64Array(6);
    const tool0 = modelLinkPose(model, q, linkIndex(model, 'tool0'));
    const shoulder = modelLinkPose(model, q, linkIndex(model, 'link2'));
    expect(maxDifference([tool0[3], tool0[7], tool0[11] - shoulder[11]], [0, 0, 0.92])).toBeLessThan(1e-12);
    expect(model.tip).toBe(linkIndex(model, 'tool0'));
  });

  it('holds its 5 kg payload at full horizontal stretch within the shoulder\'s effort limit', () => {
    // Shoulder pitched to horizontal: gravity torque = Σ m·g·(horizontal distance of the COM from the shoulder axis).
    const q = [0, Math.PI / 2, 0, 0, 0, 0];
    const shoulderX = modelLinkPose(model, q, linkIndex(model, 'link2'))[3];
    let torque = 5 * 9.81 * Math.abs(modelLinkPose(model, q, linkIndex(model, 'tool0'))[3] - shoulderX);
    for (let l = linkIndex(model, 'link2'); l < model.nlinks; l++) {
      const com = apply(modelLinkPose(model, q, l), Array.from(model.com.subarray(3 * l, 3 * l + 3)));
      torque += model.mass[l] * 9.81 * Math.abs(com[0] - shoulderX);
    }
    expect(torque).toBeGreaterThan(80);
    expect(torque).toBeLessThan(model.effortLimit[1]);
  });

  it('has damping, friction, soft limits inside the hard limits, and a distinct colour per link', () => {
    for (let k = 0; k < model.nq; k++) {
      expect(model.damping[k]).toBeGreaterThan(0);
      expect(model.friction[k]).toBeGreaterThan(0);
      expect(model.softLowerLimit[k]).toBeCloseTo(model.lowerLimit[k] + 0.05, 12);
      expect(model.softUpperLimit[k]).toBeCloseTo(model.upperLimit[k] - 0.05, 12);
    }
    const colours = model.urdf.links.filter((l) => l.visuals.length > 0).map((l) => l.visuals[0].material!.color!.join(' '));
    expect(new Set(colours).size).toBe(colours.length);
  });

  it('names planetary reducers on joints 1-3, harmonic on 4-6, driven by motor1..motor6', () => {
    const byJoint = new Map(model.urdf.transmissions.map((t) => [t.joints[0].name, t]));
    const expected = [['planetary', 80], ['planetary', 100], ['planetary', 64], ['harmonic', 120], ['harmonic', 100], ['harmonic', 100]] as const;
    expected.forEach(([kind, ratio], k) => {
      const t = byJoint.get(`joint${k + 1}`)!;
      expect(t.name).toBe(`joint${k + 1}_${kind}`);
      expect(t.joints[0].mechanicalReduction).toBe(ratio);
      expect(t.actuators[0].name).toBe(`motor${k + 1}`);
    });
  });
});

/** Inverse of a rigid transform. */
function invertRigid(T: Transform): Transform {
  const R = [T[0], T[4], T[8], T[1], T[5], T[9], T[2], T[6], T[10]];
  const p = [T[3], T[7], T[11]];
  const t = [0, 1, 2].map((r) => -(R[3 * r] * p[0] + R[3 * r + 1] * p[1] + R[3 * r + 2] * p[2]));
  return [R[0], R[1], R[2], t[0], R[3], R[4], R[5], t[1], R[6], R[7], R[8], t[2], 0, 0, 0, 1];
}
