// Forward kinematics, geometric Jacobians and link velocities (all @realtime: no allocation).
//
// Poses land in data.X_WL (12 per link, R row-major then p, base frame). A joint's motion is
// applied after its origin: X_parent_link = origin · motion(axis, angle), angle = multiplier·q + offset.
import type { RobotModel } from './model.ts';
import { LinkCode, type RobotData } from './data.ts';

/** Updates X_WL of link i from its parent's pose (the parent must be current). @realtime */
function updateLink(model: RobotModel, data: RobotData, q: ArrayLike<number>, i: number): void {
  const O = model.origin, X = data.X_WL, o = 12 * i, x = 12 * model.parent[i];
  let l0 = O[o], l1 = O[o + 1], l2 = O[o + 2], l3 = O[o + 3], l4 = O[o + 4], l5 = O[o + 5], l6 = O[o + 6], l7 = O[o + 7], l8 = O[o + 8];
  let t0 = O[o + 9], t1 = O[o + 10], t2 = O[o + 11];
  const code = data.linkCode[i];
  if (code !== LinkCode.fixed) {
    const angle = data.linkScale[i] * q[model.linkQ[i]] + data.linkBias[i];
    if (code === LinkCode.revoluteZ) {
      const c = Math.cos(angle), s = Math.sin(angle);
      const a0 = l0, a3 = l3, a6 = l6;
      l0 = c * a0 + s * l1; l1 = c * l1 - s * a0;
      l3 = c * a3 + s * l4; l4 = c * l4 - s * a3;
      l6 = c * a6 + s * l7; l7 = c * l7 - s * a6;
    } else if (code === LinkCode.revoluteY) {
      const c = Math.cos(angle), s = Math.sin(angle);
      const a0 = l0, a3 = l3, a6 = l6;
      l0 = c * a0 - s * l2; l2 = s * a0 + c * l2;
      l3 = c * a3 - s * l5; l5 = s * a3 + c * l5;
      l6 = c * a6 - s * l8; l8 = s * a6 + c * l8;
    } else if (code === LinkCode.revoluteX) {
      const c = Math.cos(angle), s = Math.sin(angle);
      const a1 = l1, a4 = l4, a7 = l7;
      l1 = c * a1 + s * l2; l2 = c * l2 - s * a1;
      l4 = c * a4 + s * l5; l5 = c * l5 - s * a4;
      l7 = c * a7 + s * l8; l8 = c * l8 - s * a7;
    } else {
      const A = model.axis, ux = A[3 * i], uy = A[3 * i + 1], uz = A[3 * i + 2];
      if (code === LinkCode.prismatic) {
        t0 += angle * (l0 * ux + l1 * uy + l2 * uz);
        t1 += angle * (l3 * ux + l4 * uy + l5 * uz);
        t2 += angle * (l6 * ux + l7 * uy + l8 * uz);
      } else {
        // Rodrigues' rotation, then origin · rotation.
        const c = Math.cos(angle), s = Math.sin(angle), k = 1 - c;
        const r0 = k * ux * ux + c, r1 = k * ux * uy - s * uz, r2 = k * ux * uz + s * uy;
        const r3 = k * ux * uy + s * uz, r4 = k * uy * uy + c, r5 = k * uy * uz - s * ux;
        const r6 = k * ux * uz - s * uy, r7 = k * uy * uz + s * ux, r8 = k * uz * uz + c;
        const a0 = l0, a1 = l1, a2 = l2, a3 = l3, a4 = l4, a5 = l5, a6 = l6, a7 = l7, a8 = l8;
        l0 = a0 * r0 + a1 * r3 + a2 * r6; l1 = a0 * r1 + a1 * r4 + a2 * r7; l2 = a0 * r2 + a1 * r5 + a2 * r8;
        l3 = a3 * r0 + a4 * r3 + a5 * r6; l4 = a3 * r1 + a4 * r4 + a5 * r7; l5 = a3 * r2 + a4 * r5 + a5 * r8;
        l6 = a6 * r0 + a7 * r3 + a8 * r6; l7 = a6 * r1 + a7 * r4 + a8 * r7; l8 = a6 * r2 + a7 * r5 + a8 * r8;
      }
    }
  }
  const p0 = X[x], p1 = X[x + 1], p2 = X[x + 2], p3 = X[x + 3], p4 = X[x + 4], p5 = X[x + 5], p6 = X[x + 6], p7 = X[x + 7], p8 = X[x + 8];
  const w = 12 * i;
  X[w] = p0 * l0 + p1 * l3 + p2 * l6;
  X[w + 1] = p0 * l1 + p1 * l4 + p2 * l7;
  X[w + 2] = p0 * l2 + p1 * l5 + p2 * l8;
  X[w + 3] = p3 * l0 + p4 * l3 + p5 * l6;
  X[w + 4] = p3 * l1 + p4 * l4 + p5 * l7;
  X[w + 5] = p3 * l2 + p4 * l5 + p5 * l8;
  X[w + 6] = p6 * l0 + p7 * l3 + p8 * l6;
  X[w + 7] = p6 * l1 + p7 * l4 + p8 * l7;
  X[w + 8] = p6 * l2 + p7 * l5 + p8 * l8;
  X[w + 9] = p0 * t0 + p1 * t1 + p2 * t2 + X[x + 9];
  X[w + 10] = p3 * t0 + p4 * t1 + p5 * t2 + X[x + 10];
  X[w + 11] = p6 * t0 + p7 * t1 + p8 * t2 + X[x + 11];
}

/** Poses of every link in the base frame -> data.X_WL (12 per link). q has nq entries. @realtime */
export function forwardKinematics(model: RobotModel, data: RobotData, q: ArrayLike<number>): void {
  const n = model.nlinks;
  for (let i = 1; i < n; i++) updateLink(model, data, q, i);
}

/** Poses of the links on the path base -> `link` only -> data.X_WL (other links untouched). @realtime */
export function chainForwardKinematics(model: RobotModel, data: RobotData, q: ArrayLike<number>, link: number): void {
  const path = data.pathLinks, end = data.pathStart[link + 1];
  for (let k = data.pathStart[link]; k < end; k++) updateLink(model, data, q, path[k]);
}

/** Copies the pose of `link` (12: R row-major, p) from data.X_WL into out12 (after forwardKinematics). @realtime */
export function linkPose(model: RobotModel, data: RobotData, link: number, out12: Float64Array): Float64Array {
  const X = data.X_WL, o = 12 * link;
  for (let k = 0; k < 12; k++) out12[k] = X[o + k];
  return out12;
}

/**
 * Geometric Jacobian of `link` -> out (6·nv, row-major, rows vx vy vz wx wy wz): the velocity of
 * the link origin and the angular velocity, both in the base frame, per unit joint velocity. A
 * mimic joint adds its multiplier times its column to its source joint's column. @realtime
 */
export function jacobian(model: RobotModel, data: RobotData, q: ArrayLike<number>, link: number, out: Float64Array = data.J): Float64Array {
  chainForwardKinematics(model, data, q, link);
  const nv = model.nv, X = data.X_WL, A = model.axis;
  out.fill(0, 0, 6 * nv);
  const e = 12 * link, px = X[e + 9], py = X[e + 10], pz = X[e + 11];
  const path = data.pathLinks, end = data.pathStart[link + 1];
  for (let k = data.pathStart[link]; k < end; k++) {
    const i = path[k];
    const code = data.linkCode[i];
    if (code === LinkCode.fixed) continue;
    const o = 12 * i, m = model.linkMultiplier[i], col = model.linkQ[i];
    const ux = A[3 * i], uy = A[3 * i + 1], uz = A[3 * i + 2];
    const zx = m * (X[o] * ux + X[o + 1] * uy + X[o + 2] * uz);
    const zy = m * (X[o + 3] * ux + X[o + 4] * uy + X[o + 5] * uz);
    const zz = m * (X[o + 6] * ux + X[o + 7] * uy + X[o + 8] * uz);
    if (code === LinkCode.prismatic) {
      out[col] += zx;
      out[nv + col] += zy;
      out[2 * nv + col] += zz;
    } else {
      const rx = px - X[o + 9], ry = py - X[o + 10], rz = pz - X[o + 11];
      out[col] += zy * rz - zz * ry;
      out[nv + col] += zz * rx - zx * rz;
      out[2 * nv + col] += zx * ry - zy * rx;
      out[3 * nv + col] += zx;
      out[4 * nv + col] += zy;
      out[5 * nv + col] += zz;
    }
  }
  return out;
}

/** Body-frame Jacobian of `link` -> out (6·nv, rows vx vy vz wx wy wz in link axes, link origin). @realtime */
export function bodyJacobian(model: RobotModel, data: RobotData, q: ArrayLike<number>, link: number, out: Float64Array = data.J): Float64Array {
  jacobian(model, data, q, link, out);
  const nv = model.nv, X = data.X_WL, o = 12 * link;
  const r0 = X[o], r1 = X[o + 1], r2 = X[o + 2], r3 = X[o + 3], r4 = X[o + 4], r5 = X[o + 5], r6 = X[o + 6], r7 = X[o + 7], r8 = X[o + 8];
  for (let col = 0; col < nv; col++) {
    for (let half = 0; half < 6; half += 3) {
      const a = out[half * nv + col], b = out[(half + 1) * nv + col], c = out[(half + 2) * nv + col];
      out[half * nv + col] = r0 * a + r3 * b + r6 * c;
      out[(half + 1) * nv + col] = r1 * a + r4 * b + r7 * c;
      out[(half + 2) * nv + col] = r2 * a + r5 * b + r8 * c;
    }
  }
  return out;
}

/** Spatial velocity of `link` -> out6 = (vx, vy, vz, wx, wy, wz): origin velocity and angular velocity, base frame. @realtime */
export function linkVelocity(model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, link: number, out6: Float64Array): Float64Array {
  chainForwardKinematics(model, data, q, link);
  const X = data.X_WL, A = model.axis;
  const e = 12 * link, px = X[e + 9], py = X[e + 10], pz = X[e + 11];
  let vx = 0, vy = 0, vz = 0, wx = 0, wy = 0, wz = 0;
  const path = data.pathLinks, end = data.pathStart[link + 1];
  for (let k = data.pathStart[link]; k < end; k++) {
    const i = path[k];
    const code = data.linkCode[i];
    if (code === LinkCode.fixed) continue;
    const o = 12 * i, rate = model.linkMultiplier[i] * v[model.linkQ[i]];
    const ux = A[3 * i], uy = A[3 * i + 1], uz = A[3 * i + 2];
    const zx = rate * (X[o] * ux + X[o + 1] * uy + X[o + 2] * uz);
    const zy = rate * (X[o + 3] * ux + X[o + 4] * uy + X[o + 5] * uz);
    const zz = rate * (X[o + 6] * ux + X[o + 7] * uy + X[o + 8] * uz);
    if (code === LinkCode.prismatic) {
      vx += zx; vy += zy; vz += zz;
    } else {
      const rx = px - X[o + 9], ry = py - X[o + 10], rz = pz - X[o + 11];
      vx += zy * rz - zz * ry; vy += zz * rx - zx * rz; vz += zx * ry - zy * rx;
      wx += zx; wy += zy; wz += zz;
    }
  }
  out6[0] = vx; out6[1] = vy; out6[2] = vz; out6[3] = wx; out6[4] = wy; out6[5] = wz;
  return out6;
}
