// Test helpers: 4x4 homogeneous transforms (row-major, 16 numbers), DH forward kinematics and a
// plain chain walk over a RobotModel's arrays — an independent path to check the built-in URDFs.
import { JointType, type RobotModel } from '../../../robot/model.ts';

/** A 4x4 homogeneous transform, row-major. */
export type Transform = number[];

/** The identity transform. */
export function identity(): Transform {
  return [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

/** The product a·b. */
export function multiply(a: Transform, b: Transform): Transform {
  const out = new Array<number>(16).fill(0);
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) out[4 * r + c] += a[4 * r + k] * b[4 * k + c];
  return out;
}

/** Rotation about x by angle. */
export function rotX(t: number): Transform {
  const c = Math.cos(t), s = Math.sin(t);
  return [1, 0, 0, 0, 0, c, -s, 0, 0, s, c, 0, 0, 0, 0, 1];
}

/** Rotation about z by angle. */
export function rotZ(t: number): Transform {
  const c = Math.cos(t), s = Math.sin(t);
  return [c, -s, 0, 0, s, c, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
}

/** Translation by (x, y, z). */
export function translate(x: number, y: number, z: number): Transform {
  return [1, 0, 0, x, 0, 1, 0, y, 0, 0, 1, z, 0, 0, 0, 1];
}

/** Standard DH: frame i in frame i-1 = Rz(theta) Tz(d) Tx(a) Rx(alpha). */
export function standardDh(theta: number, d: number, a: number, alpha: number): Transform {
  return multiply(multiply(multiply(rotZ(theta), translate(0, 0, d)), translate(a, 0, 0)), rotX(alpha));
}

/** Modified (Craig) DH: frame i in frame i-1 = Rx(alpha_{i-1}) Tx(a_{i-1}) Rz(theta_i) Tz(d_i). */
export function modifiedDh(alphaPrevious: number, aPrevious: number, theta: number, d: number): Transform {
  return multiply(multiply(multiply(rotX(alphaPrevious), translate(aPrevious, 0, 0)), rotZ(theta)), translate(0, 0, d));
}

/** Applies a transform to a point. */
export function apply(T: Transform, p: readonly number[]): number[] {
  return [0, 1, 2].map((r) => T[4 * r] * p[0] + T[4 * r + 1] * p[1] + T[4 * r + 2] * p[2] + T[4 * r + 3]);
}

/** Pose of a link in the model's base frame, by walking parents and composing origin · joint motion. */
export function modelLinkPose(model: RobotModel, q: ArrayLike<number>, link: number): Transform {
  const chain: number[] = [];
  for (let l = link; l > 0; l = model.parent[l]) chain.unshift(l);
  let T = identity();
  for (const l of chain) {
    const o = model.origin.subarray(12 * l, 12 * l + 12);
    T = multiply(T, [o[0], o[1], o[2], o[9], o[3], o[4], o[5], o[10], o[6], o[7], o[8], o[11], 0, 0, 0, 1]);
    const type = model.linkJointType[l];
    if (type === JointType.fixed) continue;
    const value = model.linkMultiplier[l] * q[model.linkQ[l]] + model.linkOffset[l];
    const [x, y, z] = model.axis.subarray(3 * l, 3 * l + 3);
    if (type === JointType.prismatic) {
      T = multiply(T, translate(x * value, y * value, z * value));
    } else {
      // Rodrigues: R = I + sin·K + (1 − cos)·K².
      const c = Math.cos(value), s = Math.sin(value), v = 1 - c;
      T = multiply(T, [
        c + x * x * v, x * y * v - z * s, x * z * v + y * s, 0,
        y * x * v + z * s, c + y * y * v, y * z * v - x * s, 0,
        z * x * v - y * s, z * y * v + x * s, c + z * z * v, 0,
        0, 0, 0, 1,
      ]);
    }
  }
  return T;
}

/** Largest absolute entry of a − b. */
export function maxDifference(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
