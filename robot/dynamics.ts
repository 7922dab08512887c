// Rigid-body dynamics over the moving bodies (fixed-joint subtrees lumped, see data.ts), all
// @realtime: RNEA inverse dynamics, gravity and Coriolis torques, CRBA mass matrix, ABA (in
// dynamics-aba.ts) and the URDF joint friction terms. Gravity is a 3-vector in the base frame.
//
// Recursive Newton-Euler and composite-rigid-body algorithms as in Featherstone, "Rigid Body
// Dynamics Algorithms" (2008), ch. 5-6, written out for joint axes on body +z.
import type { RobotModel } from './model.ts';
import type { RobotData } from './data.ts';
import { addTransformedInertia, bodyTransforms, standardGravity } from './dynamics-bodies.ts';

export { aba } from './dynamics-aba.ts';
export { standardGravity } from './dynamics-bodies.ts';

const noGravity = new Float64Array(3);

/** RNEA: out (nv) <- generalised forces for q, v, a under gravity, rigid bodies only. @realtime */
function rneaInto(
  model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, a: ArrayLike<number>,
  gravity: ArrayLike<number>, out: Float64Array,
): void {
  bodyTransforms(model, data, q);
  rneaPasses(model, data, v, a, gravity, out);
}

/** RNEA's two passes over the body transforms already in data.bodyX. @realtime */
function rneaPasses(model: RobotModel, data: RobotData, v: ArrayLike<number>, a: ArrayLike<number>, gravity: ArrayLike<number>, out: Float64Array): void {
  // Gravity comes as an array: doubles passed as arguments to a call that is not inlined would be boxed.
  const gx = gravity[0], gy = gravity[1], gz = gravity[2];
  const nb = data.nb, X = data.bodyX, V = data.bodyV, A = data.bodyA, F = data.bodyF, I = data.bodyInertia;
  out.fill(0, 0, model.nv);
  for (let b = 0; b < nb; b++) {
    const x = 12 * b, s = 6 * b, parent = data.bodyParent[b];
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    const px = X[x + 9], py = X[x + 10], pz = X[x + 11];
    let pwx = 0, pwy = 0, pwz = 0, pvx = 0, pvy = 0, pvz = 0, pax = 0, pay = 0, paz = 0, plx = -gx, ply = -gy, plz = -gz;
    if (parent >= 0) {
      const t = 6 * parent;
      pwx = V[t]; pwy = V[t + 1]; pwz = V[t + 2];
      pvx = V[t + 3] + pwy * pz - pwz * py; pvy = V[t + 4] + pwz * px - pwx * pz; pvz = V[t + 5] + pwx * py - pwy * px;
      pax = A[t]; pay = A[t + 1]; paz = A[t + 2];
      plx = A[t + 3] + pay * pz - paz * py; ply = A[t + 4] + paz * px - pax * pz; plz = A[t + 5] + pax * py - pay * px;
    } else {
      // The base does not move: only the gravity trick (base accelerates at -g) applies.
    }
    // Rotate into the body frame (Rᵀ·).
    let wx = r0 * pwx + r3 * pwy + r6 * pwz, wy = r1 * pwx + r4 * pwy + r7 * pwz, wz = r2 * pwx + r5 * pwy + r8 * pwz;
    let vx = r0 * pvx + r3 * pvy + r6 * pvz, vy = r1 * pvx + r4 * pvy + r7 * pvz, vz = r2 * pvx + r5 * pvy + r8 * pvz;
    let ax = r0 * pax + r3 * pay + r6 * paz, ay = r1 * pax + r4 * pay + r7 * paz, az = r2 * pax + r5 * pay + r8 * paz;
    let lx = r0 * plx + r3 * ply + r6 * plz, ly = r1 * plx + r4 * ply + r7 * plz, lz = r2 * plx + r5 * ply + r8 * plz;
    const k = data.bodyQ[b], scale = data.bodyScale[b];
    const qd = scale * v[k], qdd = scale * a[k];
    if (data.bodyPrismatic[b] === 1) {
      vz += qd;
      lx += wy * qd; ly -= wx * qd; lz += qdd;
    } else {
      wz += qd;
      ax += wy * qd; ay -= wx * qd; az += qdd;
      lx += vy * qd; ly -= vx * qd;
    }
    V[s] = wx; V[s + 1] = wy; V[s + 2] = wz; V[s + 3] = vx; V[s + 4] = vy; V[s + 5] = vz;
    A[s] = ax; A[s + 1] = ay; A[s + 2] = az; A[s + 3] = lx; A[s + 4] = ly; A[s + 5] = lz;
    // f = I·a + v ×* (I·v), with I·(ω, v) = (I_O ω + h × v, m v − h × ω).
    const i = 10 * b, m = I[i], hx = I[i + 1], hy = I[i + 2], hz = I[i + 3];
    const ixx = I[i + 4], ixy = I[i + 5], ixz = I[i + 6], iyy = I[i + 7], iyz = I[i + 8], izz = I[i + 9];
    const n1x = ixx * wx + ixy * wy + ixz * wz + hy * vz - hz * vy;
    const n1y = ixy * wx + iyy * wy + iyz * wz + hz * vx - hx * vz;
    const n1z = ixz * wx + iyz * wy + izz * wz + hx * vy - hy * vx;
    const f1x = m * vx - (hy * wz - hz * wy), f1y = m * vy - (hz * wx - hx * wz), f1z = m * vz - (hx * wy - hy * wx);
    const n2x = ixx * ax + ixy * ay + ixz * az + hy * lz - hz * ly;
    const n2y = ixy * ax + iyy * ay + iyz * az + hz * lx - hx * lz;
    const n2z = ixz * ax + iyz * ay + izz * az + hx * ly - hy * lx;
    const f2x = m * lx - (hy * az - hz * ay), f2y = m * ly - (hz * ax - hx * az), f2z = m * lz - (hx * ay - hy * ax);
    F[s] = n2x + wy * n1z - wz * n1y + vy * f1z - vz * f1y;
    F[s + 1] = n2y + wz * n1x - wx * n1z + vz * f1x - vx * f1z;
    F[s + 2] = n2z + wx * n1y - wy * n1x + vx * f1y - vy * f1x;
    F[s + 3] = f2x + wy * f1z - wz * f1y;
    F[s + 4] = f2y + wz * f1x - wx * f1z;
    F[s + 5] = f2z + wx * f1y - wy * f1x;
  }
  for (let b = nb - 1; b >= 0; b--) {
    const s = 6 * b;
    out[data.bodyQ[b]] += data.bodyScale[b] * (data.bodyPrismatic[b] === 1 ? F[s + 5] : F[s + 2]);
    const parent = data.bodyParent[b];
    if (parent < 0) continue;
    const x = 12 * b, t = 6 * parent;
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    const px = X[x + 9], py = X[x + 10], pz = X[x + 11];
    const nx = F[s], ny = F[s + 1], nz = F[s + 2], fx0 = F[s + 3], fy0 = F[s + 4], fz0 = F[s + 5];
    const fx = r0 * fx0 + r1 * fy0 + r2 * fz0, fy = r3 * fx0 + r4 * fy0 + r5 * fz0, fz = r6 * fx0 + r7 * fy0 + r8 * fz0;
    F[t] += r0 * nx + r1 * ny + r2 * nz + py * fz - pz * fy;
    F[t + 1] += r3 * nx + r4 * ny + r5 * nz + pz * fx - px * fz;
    F[t + 2] += r6 * nx + r7 * ny + r8 * nz + px * fy - py * fx;
    F[t + 3] += fx;
    F[t + 4] += fy;
    F[t + 5] += fz;
  }
}

/**
 * Inverse dynamics -> data.tau (nv): tau = M(q)·a + C(q, v)·v + g(q), armature·a included;
 * no damping or friction (see jointFriction). gravity: 3, base frame (default [0, 0, -9.81]). @realtime
 */
export function rnea(
  model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, a: ArrayLike<number>,
  gravity: ArrayLike<number> = standardGravity,
): Float64Array {
  const tau = data.tau;
  rneaInto(model, data, q, v, a, gravity, tau);
  const armature = model.armature;
  for (let k = 0; k < model.nv; k++) tau[k] += armature[k] * a[k];
  return tau;
}

/** Gravity torques -> data.g (nv): the torques that hold q still under `gravity`. @realtime */
export function gravityTorques(model: RobotModel, data: RobotData, q: ArrayLike<number>, gravity: ArrayLike<number> = standardGravity): Float64Array {
  rneaInto(model, data, q, data.zero, data.zero, gravity, data.g);
  return data.g;
}

/** Coriolis and centrifugal torques -> data.c (nv): C(q, v)·v. @realtime */
export function coriolis(model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>): Float64Array {
  rneaInto(model, data, q, v, data.zero, noGravity, data.c);
  return data.c;
}

/** Bias forces C(q, v)·v + g(q) -> out (nv), without writing data.tau / data.c / data.g. @realtime */
export function biasForces(model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, gravity: ArrayLike<number>, out: Float64Array): Float64Array {
  rneaInto(model, data, q, v, data.zero, gravity, out);
  return out;
}

/** Mass matrix into out (nv·nv row-major, armature on the diagonal) by the composite-rigid-body algorithm. @realtime */
export function crbaInto(model: RobotModel, data: RobotData, q: ArrayLike<number>, out: Float64Array): Float64Array {
  bodyTransforms(model, data, q);
  crbaPasses(model, data, out);
  return out;
}

/**
 * Mass matrix into M (as crbaInto) and bias forces C(q, v)·v + g(q) into bias (as biasForces) with
 * the body transforms computed once: what a forward-dynamics solve by factoring M needs. @realtime
 */
export function massMatrixAndBias(
  model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, gravity: ArrayLike<number>, M: Float64Array, bias: Float64Array,
): void {
  bodyTransforms(model, data, q);
  crbaPasses(model, data, M);
  rneaPasses(model, data, v, data.zero, gravity, bias);
}

/** CRBA over the body transforms already in data.bodyX. @realtime */
function crbaPasses(model: RobotModel, data: RobotData, out: Float64Array): void {
  const nb = data.nb, nv = model.nv, X = data.bodyX, C = data.bodyComposite, I = data.bodyInertia;
  for (let k = 0; k < 10 * nb; k++) C[k] = I[k];
  for (let b = nb - 1; b >= 0; b--) {
    const parent = data.bodyParent[b];
    if (parent >= 0) addTransformedInertia(C, 10 * b, X, 12 * b, C, 10 * parent);
  }
  out.fill(0, 0, nv * nv);
  for (let b = nb - 1; b >= 0; b--) {
    const i = 10 * b, scale = data.bodyScale[b], row = data.bodyQ[b];
    // F = Ic·S·scale in the body frame.
    let nx: number, ny: number, nz: number, fx: number, fy: number, fz: number;
    if (data.bodyPrismatic[b] === 1) {
      nx = scale * C[i + 2]; ny = -scale * C[i + 1]; nz = 0;
      fx = 0; fy = 0; fz = scale * C[i];
      out[row * nv + row] += scale * fz;
    } else {
      nx = scale * C[i + 6]; ny = scale * C[i + 8]; nz = scale * C[i + 9];
      fx = -scale * C[i + 2]; fy = scale * C[i + 1]; fz = 0;
      out[row * nv + row] += scale * nz;
    }
    for (let j = b; data.bodyParent[j] >= 0; ) {
      // F <- X*·F into the parent frame.
      const x = 12 * j;
      const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
      const px = X[x + 9], py = X[x + 10], pz = X[x + 11];
      const gx = r0 * fx + r1 * fy + r2 * fz, gy = r3 * fx + r4 * fy + r5 * fz, gz = r6 * fx + r7 * fy + r8 * fz;
      const mx = r0 * nx + r1 * ny + r2 * nz + py * gz - pz * gy;
      const my = r3 * nx + r4 * ny + r5 * nz + pz * gx - px * gz;
      const mz = r6 * nx + r7 * ny + r8 * nz + px * gy - py * gx;
      nx = mx; ny = my; nz = mz; fx = gx; fy = gy; fz = gz;
      j = data.bodyParent[j];
      const col = data.bodyQ[j];
      const value = data.bodyScale[j] * (data.bodyPrismatic[j] === 1 ? fz : nz);
      out[row * nv + col] += value;
      out[col * nv + row] += value;
    }
  }
  const armature = model.armature;
  for (let k = 0; k < nv; k++) out[k * nv + k] += armature[k];
}

/** Joint-space mass matrix -> data.M (nv·nv, row-major, symmetric, armature on the diagonal). @realtime */
export function crba(model: RobotModel, data: RobotData, q: ArrayLike<number>): Float64Array {
  return crbaInto(model, data, q, data.M);
}

/** URDF joint friction -> out (nv): damping·v + friction·sign(v) (N·m or N), to add to the rigid-body torques. @realtime */
export function jointFriction(model: RobotModel, q: ArrayLike<number>, v: ArrayLike<number>, out: Float64Array): Float64Array {
  const nv = model.nv, damping = model.damping, friction = model.friction;
  for (let k = 0; k < nv; k++) {
    const speed = v[k];
    out[k] = damping[k] * speed + friction[k] * (speed > 0 ? 1 : speed < 0 ? -1 : 0);
  }
  return out;
}
