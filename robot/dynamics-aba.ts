// Forward dynamics: the articulated-body algorithm (Featherstone 2008, ch. 7) over the moving
// bodies, joint axes on body +z. Models whose joints are coupled (mimic) fall back to solving
// M(q)·qdd = tau − C(q, v)·v − g(q) with CRBA, RNEA and a Cholesky factorisation.
import type { RobotModel } from './model.ts';
import type { RobotData } from './data.ts';
import { bodyTransforms, choleskyFactor, choleskySolve, standardGravity } from './dynamics-bodies.ts';
import { massMatrixAndBias } from './dynamics.ts';

/** Adds X*·Ia·X (Ia 6x6 row-major in the body frame, symmetric) into the parent's 6x6 at P[po]; unrolled, generated from the block formula TL = A' + P·B'ᵀ − Y·P, TR = Y = B' + P·C', BL = Yᵀ, BR = C' with M' = R·M·Rᵀ and P = [p]×. @realtime */
function addTransformedArticulated(IA: Float64Array, o: number, U: Float64Array, s: number, Dinv: Float64Array, b: number, X: Float64Array, xo: number, P: Float64Array, po: number): void {
  // Ia = IA − U·Uᵀ/D, read entry by entry (1/D comes in an array: a double argument would be boxed).
  const dinv = Dinv[b];
  const u0 = U[s], u1 = U[s + 1], u2 = U[s + 2], u3 = U[s + 3], u4 = U[s + 4], u5 = U[s + 5];
  const w0 = u0 * dinv, w1 = u1 * dinv, w2 = u2 * dinv, w3 = u3 * dinv, w4 = u4 * dinv, w5 = u5 * dinv;
  const r0 = X[xo], r1 = X[xo + 1], r2 = X[xo + 2], r3 = X[xo + 3], r4 = X[xo + 4], r5 = X[xo + 5], r6 = X[xo + 6], r7 = X[xo + 7], r8 = X[xo + 8];
  const px = X[xo + 9], py = X[xo + 10], pz = X[xo + 11];
  const a00 = IA[o + 0] - w0 * u0, c00 = IA[o + 21] - w3 * u3, a01 = IA[o + 1] - w0 * u1, c01 = IA[o + 22] - w3 * u4, a02 = IA[o + 2] - w0 * u2, c02 = IA[o + 23] - w3 * u5, a11 = IA[o + 7] - w1 * u1, c11 = IA[o + 28] - w4 * u4, a12 = IA[o + 8] - w1 * u2, c12 = IA[o + 29] - w4 * u5, a22 = IA[o + 14] - w2 * u2, c22 = IA[o + 35] - w5 * u5, b00 = IA[o + 3] - w0 * u3, b01 = IA[o + 4] - w0 * u4, b02 = IA[o + 5] - w0 * u5, b10 = IA[o + 9] - w1 * u3, b11 = IA[o + 10] - w1 * u4, b12 = IA[o + 11] - w1 * u5, b20 = IA[o + 15] - w2 * u3, b21 = IA[o + 16] - w2 * u4, b22 = IA[o + 17] - w2 * u5;
  const At00 = r0 * a00 + r1 * a01 + r2 * a02, At01 = r0 * a01 + r1 * a11 + r2 * a12, At02 = r0 * a02 + r1 * a12 + r2 * a22;
  const At10 = r3 * a00 + r4 * a01 + r5 * a02, At11 = r3 * a01 + r4 * a11 + r5 * a12, At12 = r3 * a02 + r4 * a12 + r5 * a22;
  const At20 = r6 * a00 + r7 * a01 + r8 * a02, At21 = r6 * a01 + r7 * a11 + r8 * a12, At22 = r6 * a02 + r7 * a12 + r8 * a22;
  const A00 = At00 * r0 + At01 * r1 + At02 * r2, A01 = At00 * r3 + At01 * r4 + At02 * r5, A02 = At00 * r6 + At01 * r7 + At02 * r8, A11 = At10 * r3 + At11 * r4 + At12 * r5, A12 = At10 * r6 + At11 * r7 + At12 * r8, A22 = At20 * r6 + At21 * r7 + At22 * r8;
  const Bt00 = r0 * b00 + r1 * b10 + r2 * b20, Bt01 = r0 * b01 + r1 * b11 + r2 * b21, Bt02 = r0 * b02 + r1 * b12 + r2 * b22;
  const Bt10 = r3 * b00 + r4 * b10 + r5 * b20, Bt11 = r3 * b01 + r4 * b11 + r5 * b21, Bt12 = r3 * b02 + r4 * b12 + r5 * b22;
  const Bt20 = r6 * b00 + r7 * b10 + r8 * b20, Bt21 = r6 * b01 + r7 * b11 + r8 * b21, Bt22 = r6 * b02 + r7 * b12 + r8 * b22;
  const B00 = Bt00 * r0 + Bt01 * r1 + Bt02 * r2, B01 = Bt00 * r3 + Bt01 * r4 + Bt02 * r5, B02 = Bt00 * r6 + Bt01 * r7 + Bt02 * r8, B10 = Bt10 * r0 + Bt11 * r1 + Bt12 * r2, B11 = Bt10 * r3 + Bt11 * r4 + Bt12 * r5, B12 = Bt10 * r6 + Bt11 * r7 + Bt12 * r8, B20 = Bt20 * r0 + Bt21 * r1 + Bt22 * r2, B21 = Bt20 * r3 + Bt21 * r4 + Bt22 * r5, B22 = Bt20 * r6 + Bt21 * r7 + Bt22 * r8;
  const Ct00 = r0 * c00 + r1 * c01 + r2 * c02, Ct01 = r0 * c01 + r1 * c11 + r2 * c12, Ct02 = r0 * c02 + r1 * c12 + r2 * c22;
  const Ct10 = r3 * c00 + r4 * c01 + r5 * c02, Ct11 = r3 * c01 + r4 * c11 + r5 * c12, Ct12 = r3 * c02 + r4 * c12 + r5 * c22;
  const Ct20 = r6 * c00 + r7 * c01 + r8 * c02, Ct21 = r6 * c01 + r7 * c11 + r8 * c12, Ct22 = r6 * c02 + r7 * c12 + r8 * c22;
  const C00 = Ct00 * r0 + Ct01 * r1 + Ct02 * r2, C01 = Ct00 * r3 + Ct01 * r4 + Ct02 * r5, C02 = Ct00 * r6 + Ct01 * r7 + Ct02 * r8, C11 = Ct10 * r3 + Ct11 * r4 + Ct12 * r5, C12 = Ct10 * r6 + Ct11 * r7 + Ct12 * r8, C22 = Ct20 * r6 + Ct21 * r7 + Ct22 * r8;
  const y00 = B00 + (-pz * C01 + py * C02), y01 = B01 + (-pz * C11 + py * C12), y02 = B02 + (-pz * C12 + py * C22), y10 = B10 + (pz * C00 - px * C02), y11 = B11 + (pz * C01 - px * C12), y12 = B12 + (pz * C02 - px * C22), y20 = B20 + (-py * C00 + px * C01), y21 = B21 + (-py * C01 + px * C11), y22 = B22 + (-py * C02 + px * C12);
  const t00 = A00 + (-pz * B01 + py * B02) - (pz * y01 - py * y02);
  const t01 = A01 + (-pz * B11 + py * B12) - (-pz * y00 + px * y02);
  const t02 = A02 + (-pz * B21 + py * B22) - (py * y00 - px * y01);
  const t11 = A11 + (pz * B10 - px * B12) - (-pz * y10 + px * y12);
  const t12 = A12 + (pz * B20 - px * B22) - (py * y10 - px * y11);
  const t22 = A22 + (-py * B20 + px * B21) - (py * y20 - px * y21);
  P[po + 0] += t00;
  P[po + 1] += t01;
  P[po + 2] += t02;
  P[po + 6] += t01;
  P[po + 7] += t11;
  P[po + 8] += t12;
  P[po + 12] += t02;
  P[po + 13] += t12;
  P[po + 14] += t22;
  P[po + 3] += y00;
  P[po + 18] += y00;
  P[po + 4] += y01;
  P[po + 24] += y01;
  P[po + 5] += y02;
  P[po + 30] += y02;
  P[po + 9] += y10;
  P[po + 19] += y10;
  P[po + 10] += y11;
  P[po + 25] += y11;
  P[po + 11] += y12;
  P[po + 31] += y12;
  P[po + 15] += y20;
  P[po + 20] += y20;
  P[po + 16] += y21;
  P[po + 26] += y21;
  P[po + 17] += y22;
  P[po + 32] += y22;
  P[po + 21] += C00;
  P[po + 22] += C01;
  P[po + 23] += C02;
  P[po + 27] += C01;
  P[po + 28] += C11;
  P[po + 29] += C12;
  P[po + 33] += C02;
  P[po + 34] += C12;
  P[po + 35] += C22;
}

/**
 * Forward dynamics -> data.qdd (nv): the joint accelerations under torques tau (nv), armature
 * included; no damping or friction (subtract jointFriction from tau first). @realtime
 */
export function aba(
  model: RobotModel, data: RobotData, q: ArrayLike<number>, v: ArrayLike<number>, tau: ArrayLike<number>,
  gravity: ArrayLike<number> = standardGravity,
): Float64Array {
  const nv = model.nv, qdd = data.qdd;
  if (!data.simpleJoints) {
    const M = data.factor, rhs = data.vector;
    massMatrixAndBias(model, data, q, v, gravity, M, rhs);
    for (let k = 0; k < nv; k++) qdd[k] = tau[k] - rhs[k];
    if (!choleskyFactor(M, nv)) {
      qdd.fill(Number.NaN);
      return qdd;
    }
    choleskySolve(M, nv, qdd);
    return qdd;
  }
  bodyTransforms(model, data, q);
  const nb = data.nb, X = data.bodyX, V = data.bodyV, IA = data.bodyIA, PA = data.bodyPA, Cb = data.bodyC, I = data.bodyInertia;
  // Pass 1: velocities, bias accelerations, rigid-body inertias and bias forces.
  for (let b = 0; b < nb; b++) {
    const x = 12 * b, s = 6 * b, parent = data.bodyParent[b];
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    let wx = 0, wy = 0, wz = 0, vx = 0, vy = 0, vz = 0;
    if (parent >= 0) {
      const t = 6 * parent, px = X[x + 9], py = X[x + 10], pz = X[x + 11];
      const pwx = V[t], pwy = V[t + 1], pwz = V[t + 2];
      const pvx = V[t + 3] + pwy * pz - pwz * py, pvy = V[t + 4] + pwz * px - pwx * pz, pvz = V[t + 5] + pwx * py - pwy * px;
      wx = r0 * pwx + r3 * pwy + r6 * pwz; wy = r1 * pwx + r4 * pwy + r7 * pwz; wz = r2 * pwx + r5 * pwy + r8 * pwz;
      vx = r0 * pvx + r3 * pvy + r6 * pvz; vy = r1 * pvx + r4 * pvy + r7 * pvz; vz = r2 * pvx + r5 * pvy + r8 * pvz;
    }
    const qd = v[data.bodyQ[b]];
    if (data.bodyPrismatic[b] === 1) {
      vz += qd;
      Cb[s] = 0; Cb[s + 1] = 0; Cb[s + 2] = 0; Cb[s + 3] = wy * qd; Cb[s + 4] = -wx * qd; Cb[s + 5] = 0;
    } else {
      wz += qd;
      Cb[s] = wy * qd; Cb[s + 1] = -wx * qd; Cb[s + 2] = 0; Cb[s + 3] = vy * qd; Cb[s + 4] = -vx * qd; Cb[s + 5] = 0;
    }
    V[s] = wx; V[s + 1] = wy; V[s + 2] = wz; V[s + 3] = vx; V[s + 4] = vy; V[s + 5] = vz;
    const i = 10 * b, m = I[i], hx = I[i + 1], hy = I[i + 2], hz = I[i + 3];
    const ixx = I[i + 4], ixy = I[i + 5], ixz = I[i + 6], iyy = I[i + 7], iyz = I[i + 8], izz = I[i + 9];
    // Spatial inertia [[I_O, [h]×], [[h]×ᵀ, m·E]].
    const o = 36 * b;
    IA[o] = ixx; IA[o + 1] = ixy; IA[o + 2] = ixz; IA[o + 3] = 0; IA[o + 4] = -hz; IA[o + 5] = hy;
    IA[o + 6] = ixy; IA[o + 7] = iyy; IA[o + 8] = iyz; IA[o + 9] = hz; IA[o + 10] = 0; IA[o + 11] = -hx;
    IA[o + 12] = ixz; IA[o + 13] = iyz; IA[o + 14] = izz; IA[o + 15] = -hy; IA[o + 16] = hx; IA[o + 17] = 0;
    IA[o + 18] = 0; IA[o + 19] = hz; IA[o + 20] = -hy; IA[o + 21] = m; IA[o + 22] = 0; IA[o + 23] = 0;
    IA[o + 24] = -hz; IA[o + 25] = 0; IA[o + 26] = hx; IA[o + 27] = 0; IA[o + 28] = m; IA[o + 29] = 0;
    IA[o + 30] = hy; IA[o + 31] = -hx; IA[o + 32] = 0; IA[o + 33] = 0; IA[o + 34] = 0; IA[o + 35] = m;
    // pA = v ×* (I·v).
    const n1x = ixx * wx + ixy * wy + ixz * wz + hy * vz - hz * vy;
    const n1y = ixy * wx + iyy * wy + iyz * wz + hz * vx - hx * vz;
    const n1z = ixz * wx + iyz * wy + izz * wz + hx * vy - hy * vx;
    const f1x = m * vx - (hy * wz - hz * wy), f1y = m * vy - (hz * wx - hx * wz), f1z = m * vz - (hx * wy - hy * wx);
    PA[s] = wy * n1z - wz * n1y + vy * f1z - vz * f1y;
    PA[s + 1] = wz * n1x - wx * n1z + vz * f1x - vx * f1z;
    PA[s + 2] = wx * n1y - wy * n1x + vx * f1y - vy * f1x;
    PA[s + 3] = wy * f1z - wz * f1y;
    PA[s + 4] = wz * f1x - wx * f1z;
    PA[s + 5] = wx * f1y - wy * f1x;
  }
  // Pass 2: articulated inertias and bias forces, leaves to root.
  const U = data.bodyU, Dinv = data.bodyDinv, u = data.bodyu;
  for (let b = nb - 1; b >= 0; b--) {
    const o = 36 * b, s = 6 * b, axis = data.bodyPrismatic[b] === 1 ? 5 : 2, k = data.bodyQ[b];
    for (let r = 0; r < 6; r++) U[s + r] = IA[o + 6 * r + axis];
    const dinv = 1 / (U[s + axis] + model.armature[k]);
    Dinv[b] = dinv;
    const ub = tau[k] - PA[s + axis];
    u[b] = ub;
    const parent = data.bodyParent[b];
    if (parent < 0) continue;
    // pa = pA + Ia·c + U·u/D with Ia = IA − U·Uᵀ/D: pA + IA·c + U·(u − Uᵀ·c)/D.
    const x = 12 * b, t = 6 * parent;
    const c0 = Cb[s], c1 = Cb[s + 1], c2 = Cb[s + 2], c3 = Cb[s + 3], c4 = Cb[s + 4], c5 = Cb[s + 5];
    const k1 = (ub - (U[s] * c0 + U[s + 1] * c1 + U[s + 2] * c2 + U[s + 3] * c3 + U[s + 4] * c4 + U[s + 5] * c5)) * dinv;
    const pa0 = PA[s] + IA[o] * c0 + IA[o + 1] * c1 + IA[o + 2] * c2 + IA[o + 3] * c3 + IA[o + 4] * c4 + IA[o + 5] * c5 + U[s] * k1;
    const pa1 = PA[s + 1] + IA[o + 6] * c0 + IA[o + 7] * c1 + IA[o + 8] * c2 + IA[o + 9] * c3 + IA[o + 10] * c4 + IA[o + 11] * c5 + U[s + 1] * k1;
    const pa2 = PA[s + 2] + IA[o + 12] * c0 + IA[o + 13] * c1 + IA[o + 14] * c2 + IA[o + 15] * c3 + IA[o + 16] * c4 + IA[o + 17] * c5 + U[s + 2] * k1;
    const pa3 = PA[s + 3] + IA[o + 18] * c0 + IA[o + 19] * c1 + IA[o + 20] * c2 + IA[o + 21] * c3 + IA[o + 22] * c4 + IA[o + 23] * c5 + U[s + 3] * k1;
    const pa4 = PA[s + 4] + IA[o + 24] * c0 + IA[o + 25] * c1 + IA[o + 26] * c2 + IA[o + 27] * c3 + IA[o + 28] * c4 + IA[o + 29] * c5 + U[s + 4] * k1;
    const pa5 = PA[s + 5] + IA[o + 30] * c0 + IA[o + 31] * c1 + IA[o + 32] * c2 + IA[o + 33] * c3 + IA[o + 34] * c4 + IA[o + 35] * c5 + U[s + 5] * k1;
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    const px = X[x + 9], py = X[x + 10], pz = X[x + 11];
    const fx = r0 * pa3 + r1 * pa4 + r2 * pa5, fy = r3 * pa3 + r4 * pa4 + r5 * pa5, fz = r6 * pa3 + r7 * pa4 + r8 * pa5;
    PA[t] += r0 * pa0 + r1 * pa1 + r2 * pa2 + py * fz - pz * fy;
    PA[t + 1] += r3 * pa0 + r4 * pa1 + r5 * pa2 + pz * fx - px * fz;
    PA[t + 2] += r6 * pa0 + r7 * pa1 + r8 * pa2 + px * fy - py * fx;
    PA[t + 3] += fx;
    PA[t + 4] += fy;
    PA[t + 5] += fz;
    addTransformedArticulated(IA, o, U, s, Dinv, b, X, x, IA, 36 * parent);
  }
  // Pass 3: accelerations, root to leaves (data.bodyA holds them; the base accelerates at −g).
  const A = data.bodyA, gx = gravity[0], gy = gravity[1], gz = gravity[2];
  for (let b = 0; b < nb; b++) {
    const x = 12 * b, s = 6 * b, parent = data.bodyParent[b];
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    let pax = 0, pay = 0, paz = 0, plx = -gx, ply = -gy, plz = -gz;
    if (parent >= 0) {
      const t = 6 * parent, px = X[x + 9], py = X[x + 10], pz = X[x + 11];
      pax = A[t]; pay = A[t + 1]; paz = A[t + 2];
      plx = A[t + 3] + pay * pz - paz * py; ply = A[t + 4] + paz * px - pax * pz; plz = A[t + 5] + pax * py - pay * px;
    }
    const a0 = r0 * pax + r3 * pay + r6 * paz + Cb[s], a1 = r1 * pax + r4 * pay + r7 * paz + Cb[s + 1], a2 = r2 * pax + r5 * pay + r8 * paz + Cb[s + 2];
    const a3 = r0 * plx + r3 * ply + r6 * plz + Cb[s + 3], a4 = r1 * plx + r4 * ply + r7 * plz + Cb[s + 4], a5 = r2 * plx + r5 * ply + r8 * plz + Cb[s + 5];
    const acc = (u[b] - (U[s] * a0 + U[s + 1] * a1 + U[s + 2] * a2 + U[s + 3] * a3 + U[s + 4] * a4 + U[s + 5] * a5)) * Dinv[b];
    qdd[data.bodyQ[b]] = acc;
    A[s] = a0; A[s + 1] = a1; A[s + 2] = a2; A[s + 3] = a3; A[s + 4] = a4; A[s + 5] = a5;
    if (data.bodyPrismatic[b] === 1) A[s + 5] += acc;
    else A[s + 2] += acc;
  }
  return qdd;
}
