// Velocity and acceleration of every link origin in the base frame, by propagating joint rates
// outward from the base over poses that forward kinematics already put in `data.X_WL`. The IMU
// and the flange F/T sensor read these; so do scripted forces acting at a point of a link.
//
// Inputs: model, X_WL (12 per link), v and qdd (nv). Outputs (3 per link, base frame):
// w (angular velocity), vo (origin velocity), alpha (angular acceleration), ao (origin acceleration),
// z (joint axis in the base frame).
import { JointType, type RobotModel } from '../robot/model.ts';

/** Buffers for link motion, 3 entries per link, base frame. */
export interface LinkMotion {
  readonly w: Float64Array;
  readonly vo: Float64Array;
  readonly alpha: Float64Array;
  readonly ao: Float64Array;
  readonly z: Float64Array;
}

/** Allocates the link motion buffers for a model (once, outside the step). */
export function createLinkMotion(model: RobotModel): LinkMotion {
  const n = 3 * model.nlinks;
  return { w: new Float64Array(n), vo: new Float64Array(n), alpha: new Float64Array(n), ao: new Float64Array(n), z: new Float64Array(n) };
}

/**
 * Fills `out` from the link poses X_WL (12 per link: R row-major then p), joint velocities v and
 * accelerations qdd. Parents come before children in the model, so one forward pass suffices.
 * @realtime
 */
export function computeLinkMotion(model: RobotModel, X_WL: Float64Array, v: Float64Array, qdd: Float64Array, out: LinkMotion): void {
  const { w, vo, alpha, ao, z } = out;
  const { parent, linkQ, linkJointType, linkMultiplier, axis, nlinks } = model;
  w[0] = w[1] = w[2] = vo[0] = vo[1] = vo[2] = alpha[0] = alpha[1] = alpha[2] = ao[0] = ao[1] = ao[2] = 0;
  for (let i = 1; i < nlinks; i++) {
    const p = parent[i];
    const o = 12 * i, op = 12 * p, i3 = 3 * i, p3 = 3 * p;
    // Joint axis in the base frame: R_WL · axis (the joint frame is the child link frame).
    const ax = axis[i3], ay = axis[i3 + 1], az = axis[i3 + 2];
    const zx = X_WL[o] * ax + X_WL[o + 1] * ay + X_WL[o + 2] * az;
    const zy = X_WL[o + 3] * ax + X_WL[o + 4] * ay + X_WL[o + 5] * az;
    const zz = X_WL[o + 6] * ax + X_WL[o + 7] * ay + X_WL[o + 8] * az;
    z[i3] = zx; z[i3 + 1] = zy; z[i3 + 2] = zz;
    // Lever from the parent origin to this origin.
    const rx = X_WL[o + 9] - X_WL[op + 9], ry = X_WL[o + 10] - X_WL[op + 10], rz = X_WL[o + 11] - X_WL[op + 11];
    const wpx = w[p3], wpy = w[p3 + 1], wpz = w[p3 + 2];
    const apx = alpha[p3], apy = alpha[p3 + 1], apz = alpha[p3 + 2];
    // Rigid transport from the parent: v = vp + wp × r; a = ap + alphap × r + wp × (wp × r).
    const cx = wpy * rz - wpz * ry, cy = wpz * rx - wpx * rz, cz = wpx * ry - wpy * rx;
    let vx = vo[p3] + cx, vy = vo[p3 + 1] + cy, vz = vo[p3 + 2] + cz;
    let axx = ao[p3] + (apy * rz - apz * ry) + (wpy * cz - wpz * cy);
    let ayy = ao[p3 + 1] + (apz * rx - apx * rz) + (wpz * cx - wpx * cz);
    let azz = ao[p3 + 2] + (apx * ry - apy * rx) + (wpx * cy - wpy * cx);
    let wx = wpx, wy = wpy, wz = wpz, alx = apx, aly = apy, alz = apz;
    const k = linkQ[i];
    if (k >= 0) {
      const m = linkMultiplier[i];
      const qd = m * v[k], qa = m * qdd[k];
      if (linkJointType[i] === JointType.revolute) {
        wx += zx * qd; wy += zy * qd; wz += zz * qd;
        // alpha = alphap + z·qdd + wp × z·qd
        alx += zx * qa + (wpy * zz - wpz * zy) * qd;
        aly += zy * qa + (wpz * zx - wpx * zz) * qd;
        alz += zz * qa + (wpx * zy - wpy * zx) * qd;
      } else if (linkJointType[i] === JointType.prismatic) {
        vx += zx * qd; vy += zy * qd; vz += zz * qd;
        // a += z·qdd + 2 wp × z·qd (Coriolis of the sliding origin)
        axx += zx * qa + 2 * (wpy * zz - wpz * zy) * qd;
        ayy += zy * qa + 2 * (wpz * zx - wpx * zz) * qd;
        azz += zz * qa + 2 * (wpx * zy - wpy * zx) * qd;
      }
    }
    w[i3] = wx; w[i3 + 1] = wy; w[i3 + 2] = wz;
    vo[i3] = vx; vo[i3 + 1] = vy; vo[i3 + 2] = vz;
    alpha[i3] = alx; alpha[i3 + 1] = aly; alpha[i3 + 2] = alz;
    ao[i3] = axx; ao[i3 + 1] = ayy; ao[i3 + 2] = azz;
  }
}

/**
 * Adds to `tau` (nv) the joint torques of a wrench acting on `link`. `wrench` (9, base frame):
 * force f (N), the point p where it acts (m), a pure moment m (N·m) — an array rather than nine
 * arguments, since doubles passed to a call that is not inlined are boxed. Uses axes from
 * `computeLinkMotion` (only `z` must be current) and origins from X_WL. @realtime
 */
export function addLinkWrenchTorques(model: RobotModel, X_WL: Float64Array, z: Float64Array, link: number, wrench: Float64Array, tau: Float64Array): void {
  const { parent, linkQ, linkJointType, linkMultiplier } = model;
  const fx = wrench[0], fy = wrench[1], fz = wrench[2], px = wrench[3], py = wrench[4], pz = wrench[5], mx = wrench[6], my = wrench[7], mz = wrench[8];
  for (let i = link; i > 0; i = parent[i]) {
    const k = linkQ[i];
    if (k < 0) continue;
    const i3 = 3 * i, o = 12 * i;
    const zx = z[i3], zy = z[i3 + 1], zz = z[i3 + 2];
    if (linkJointType[i] === JointType.prismatic) {
      tau[k] += linkMultiplier[i] * (zx * fx + zy * fy + zz * fz);
    } else {
      const rx = px - X_WL[o + 9], ry = py - X_WL[o + 10], rz = pz - X_WL[o + 11];
      const tx = ry * fz - rz * fy + mx, ty = rz * fx - rx * fz + my, tz = rx * fy - ry * fx + mz;
      tau[k] += linkMultiplier[i] * (zx * tx + zy * ty + zz * tz);
    }
  }
}
