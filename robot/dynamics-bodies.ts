// Shared pieces of the dynamics over moving bodies: body transforms and inertia transforms.
//
// Body frames have their joint axis on +z (see data.ts), so a revolute motion is Rz(angle) and a
// prismatic one a translation along z. Spatial vectors are [ω, v] (motion) and [n, f] (force).
import type { RobotModel } from './model.ts';
import type { RobotData } from './data.ts';

/** Gravity used when none is given: [0, 0, -9.81] m/s² in the base frame. */
export const standardGravity: Float64Array = new Float64Array([0, 0, -9.81]);

/** data.bodyX <- parent-body <- body transform of every body at q (12 per body, R row-major then p). @realtime */
export function bodyTransforms(model: RobotModel, data: RobotData, q: ArrayLike<number>): void {
  const nb = data.nb, F = data.bodyFixed, X = data.bodyX;
  for (let b = 0; b < nb; b++) {
    const o = 12 * b;
    const angle = data.bodyScale[b] * q[data.bodyQ[b]] + data.bodyBias[b];
    const f0 = F[o], f1 = F[o + 1], f2 = F[o + 2], f3 = F[o + 3], f4 = F[o + 4], f5 = F[o + 5], f6 = F[o + 6], f7 = F[o + 7], f8 = F[o + 8];
    if (data.bodyPrismatic[b] === 1) {
      X[o] = f0; X[o + 1] = f1; X[o + 2] = f2;
      X[o + 3] = f3; X[o + 4] = f4; X[o + 5] = f5;
      X[o + 6] = f6; X[o + 7] = f7; X[o + 8] = f8;
      X[o + 9] = F[o + 9] + angle * f2;
      X[o + 10] = F[o + 10] + angle * f5;
      X[o + 11] = F[o + 11] + angle * f8;
    } else {
      const c = Math.cos(angle), s = Math.sin(angle);
      X[o] = c * f0 + s * f1; X[o + 1] = c * f1 - s * f0; X[o + 2] = f2;
      X[o + 3] = c * f3 + s * f4; X[o + 4] = c * f4 - s * f3; X[o + 5] = f5;
      X[o + 6] = c * f6 + s * f7; X[o + 7] = c * f7 - s * f6; X[o + 8] = f8;
      X[o + 9] = F[o + 9]; X[o + 10] = F[o + 10]; X[o + 11] = F[o + 11];
    }
  }
}

/**
 * Adds the rigid-body inertia I[io..io+9] (m, h, I_O: xx xy xz yy yz zz) of a body, expressed in
 * the frame X[xo] maps from, into out[oo..] expressed in the parent frame. @realtime
 */
export function addTransformedInertia(I: Float64Array, io: number, X: Float64Array, xo: number, out: Float64Array, oo: number): void {
  const m = I[io];
  const r0 = X[xo], r1 = X[xo + 1], r2 = X[xo + 2], r3 = X[xo + 3], r4 = X[xo + 4], r5 = X[xo + 5], r6 = X[xo + 6], r7 = X[xo + 7], r8 = X[xo + 8];
  const px = X[xo + 9], py = X[xo + 10], pz = X[xo + 11];
  const hx0 = I[io + 1], hy0 = I[io + 2], hz0 = I[io + 3];
  const hx = r0 * hx0 + r1 * hy0 + r2 * hz0, hy = r3 * hx0 + r4 * hy0 + r5 * hz0, hz = r6 * hx0 + r7 * hy0 + r8 * hz0;
  const ixx = I[io + 4], ixy = I[io + 5], ixz = I[io + 6], iyy = I[io + 7], iyz = I[io + 8], izz = I[io + 9];
  // T = R·I, then R·I·Rᵀ (symmetric: 6 entries).
  const t0 = r0 * ixx + r1 * ixy + r2 * ixz, t1 = r0 * ixy + r1 * iyy + r2 * iyz, t2 = r0 * ixz + r1 * iyz + r2 * izz;
  const t3 = r3 * ixx + r4 * ixy + r5 * ixz, t4 = r3 * ixy + r4 * iyy + r5 * iyz, t5 = r3 * ixz + r4 * iyz + r5 * izz;
  const t6 = r6 * ixx + r7 * ixy + r8 * ixz, t7 = r6 * ixy + r7 * iyy + r8 * iyz, t8 = r6 * ixz + r7 * iyz + r8 * izz;
  // Parallel-axis terms: m(|p|²E − ppᵀ) + 2(p·h)E − h pᵀ − p hᵀ.
  const pp = px * px + py * py + pz * pz, ph2 = 2 * (px * hx + py * hy + pz * hz);
  out[oo] += m;
  out[oo + 1] += hx + m * px;
  out[oo + 2] += hy + m * py;
  out[oo + 3] += hz + m * pz;
  out[oo + 4] += t0 * r0 + t1 * r1 + t2 * r2 + m * (pp - px * px) + ph2 - 2 * hx * px;
  out[oo + 5] += t0 * r3 + t1 * r4 + t2 * r5 - m * px * py - hx * py - px * hy;
  out[oo + 6] += t0 * r6 + t1 * r7 + t2 * r8 - m * px * pz - hx * pz - px * hz;
  out[oo + 7] += t3 * r3 + t4 * r4 + t5 * r5 + m * (pp - py * py) + ph2 - 2 * hy * py;
  out[oo + 8] += t3 * r6 + t4 * r7 + t5 * r8 - m * py * pz - hy * pz - py * hz;
  out[oo + 9] += t6 * r6 + t7 * r7 + t8 * r8 + m * (pp - pz * pz) + ph2 - 2 * hz * pz;
}

/**
 * In-place Cholesky factorisation A = L·Lᵀ of the n×n row-major A: the lower triangle gets L below
 * the diagonal and 1/L[j][j] on it (the solve multiplies: a division on its dependency chain costs
 * several multiplications). False if A is not positive definite. @realtime
 */
export function choleskyFactor(A: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 0)) return false;
    const inverse = 1 / Math.sqrt(d);
    A[j * n + j] = inverse;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s * inverse;
    }
  }
  return true;
}

/** Solves L·Lᵀ·x = b in place in x (b given in x) with the factor from choleskyFactor. @realtime */
export function choleskySolve(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * x[k];
    x[i] = s * L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s * L[i * n + i];
  }
}
