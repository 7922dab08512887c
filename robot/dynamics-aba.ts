// Forward dynamics: the articulated-body algorithm (Featherstone 2008, ch. 7) over the moving
// bodies, joint axes on body +z. Models whose joints are coupled (mimic) fall back to solving
// M(q)·qdd = tau − C(q, v)·v − g(q) with CRBA, RNEA and a Cholesky factorisation.
import type { RobotModel } from './model.ts';
import type { RobotData } from './data.ts';
import { bodyTransforms, choleskyFactor, choleskySolve, standardGravity } from './dynamics-bodies.ts';
import { biasForces, crbaInto } from './dynamics.ts';

/** Adds X*·Ia·X (Ia 6x6 row-major in the body frame) into the parent's 6x6 at P[po]. @realtime */
function addTransformedArticulated(Ia: Float64Array, X: Float64Array, xo: number, P: Float64Array, po: number, T: Float64Array): void {
  const px = X[xo + 9], py = X[xo + 10], pz = X[xo + 11];
  // T holds R·Block·Rᵀ for the blocks A (rows 0-2, cols 0-2), B (0-2, 3-5), C (3-5, 3-5): T[0..8], T[9..17], T[18..26].
  for (let blk = 0; blk < 3; blk++) {
    const ro = blk === 2 ? 3 : 0, co = blk === 0 ? 0 : 3, to = 9 * blk;
    // Y = R·Block (3x3), then T = Y·Rᵀ.
    for (let r = 0; r < 3; r++) {
      const a0 = X[xo + 3 * r], a1 = X[xo + 3 * r + 1], a2 = X[xo + 3 * r + 2];
      const y0 = a0 * Ia[6 * ro + co] + a1 * Ia[6 * (ro + 1) + co] + a2 * Ia[6 * (ro + 2) + co];
      const y1 = a0 * Ia[6 * ro + co + 1] + a1 * Ia[6 * (ro + 1) + co + 1] + a2 * Ia[6 * (ro + 2) + co + 1];
      const y2 = a0 * Ia[6 * ro + co + 2] + a1 * Ia[6 * (ro + 1) + co + 2] + a2 * Ia[6 * (ro + 2) + co + 2];
      for (let c = 0; c < 3; c++) T[to + 3 * r + c] = y0 * X[xo + 3 * c] + y1 * X[xo + 3 * c + 1] + y2 * X[xo + 3 * c + 2];
    }
  }
  // With P = [p]×: TL = A' + P·B'ᵀ − Y·P, TR = Y = B' + P·C', BL = Yᵀ, BR = C'.
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      // (P·C')_rc and (P·B'ᵀ)_rc with P row r = (0, −pz, py), (pz, 0, −px), (−py, px, 0).
      let pc: number, pbt: number;
      if (r === 0) (pc = -pz * T[18 + 3 + c] + py * T[18 + 6 + c]), (pbt = -pz * T[9 + 3 * c + 1] + py * T[9 + 3 * c + 2]);
      else if (r === 1) (pc = pz * T[18 + c] - px * T[18 + 6 + c]), (pbt = pz * T[9 + 3 * c] - px * T[9 + 3 * c + 2]);
      else (pc = -py * T[18 + c] + px * T[18 + 3 + c]), (pbt = -py * T[9 + 3 * c] + px * T[9 + 3 * c + 1]);
      T[27 + 3 * r + c] = T[9 + 3 * r + c] + pc; // Y
      P[po + 6 * r + c] += T[3 * r + c] + pbt;
      P[po + 6 * (r + 3) + c + 3] += T[18 + 3 * r + c];
    }
  }
  for (let r = 0; r < 3; r++) {
    const y0 = T[27 + 3 * r], y1 = T[27 + 3 * r + 1], y2 = T[27 + 3 * r + 2];
    // (Y·P)_rc: column c of P = (0, pz, −py), (−pz, 0, px), (py, −px, 0).
    P[po + 6 * r] -= y1 * pz - y2 * py;
    P[po + 6 * r + 1] -= -y0 * pz + y2 * px;
    P[po + 6 * r + 2] -= y0 * py - y1 * px;
    for (let c = 0; c < 3; c++) {
      P[po + 6 * r + c + 3] += T[27 + 3 * r + c];
      P[po + 6 * (c + 3) + r] += T[27 + 3 * r + c];
    }
  }
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
    crbaInto(model, data, q, M);
    biasForces(model, data, q, v, gravity, rhs);
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
  const U = data.bodyU, Dinv = data.bodyDinv, u = data.bodyu, Ia = data.articulated, T = data.blocks;
  for (let b = nb - 1; b >= 0; b--) {
    const o = 36 * b, s = 6 * b, axis = data.bodyPrismatic[b] === 1 ? 5 : 2, k = data.bodyQ[b];
    for (let r = 0; r < 6; r++) U[s + r] = IA[o + 6 * r + axis];
    const dinv = 1 / (U[s + axis] + model.armature[k]);
    Dinv[b] = dinv;
    const ub = tau[k] - PA[s + axis];
    u[b] = ub;
    const parent = data.bodyParent[b];
    if (parent < 0) continue;
    // Ia = IA − U·Uᵀ/D; pa = pA + Ia·c + U·u/D.
    for (let r = 0; r < 6; r++) {
      const ur = U[s + r] * dinv;
      for (let c = 0; c < 6; c++) Ia[6 * r + c] = IA[o + 6 * r + c] - ur * U[s + c];
    }
    const uD = ub * dinv;
    const x = 12 * b, t = 6 * parent;
    let pa0 = 0, pa1 = 0, pa2 = 0, pa3 = 0, pa4 = 0, pa5 = 0;
    {
      const c0 = Cb[s], c1 = Cb[s + 1], c2 = Cb[s + 2], c3 = Cb[s + 3], c4 = Cb[s + 4], c5 = Cb[s + 5];
      pa0 = PA[s] + Ia[0] * c0 + Ia[1] * c1 + Ia[2] * c2 + Ia[3] * c3 + Ia[4] * c4 + Ia[5] * c5 + U[s] * uD;
      pa1 = PA[s + 1] + Ia[6] * c0 + Ia[7] * c1 + Ia[8] * c2 + Ia[9] * c3 + Ia[10] * c4 + Ia[11] * c5 + U[s + 1] * uD;
      pa2 = PA[s + 2] + Ia[12] * c0 + Ia[13] * c1 + Ia[14] * c2 + Ia[15] * c3 + Ia[16] * c4 + Ia[17] * c5 + U[s + 2] * uD;
      pa3 = PA[s + 3] + Ia[18] * c0 + Ia[19] * c1 + Ia[20] * c2 + Ia[21] * c3 + Ia[22] * c4 + Ia[23] * c5 + U[s + 3] * uD;
      pa4 = PA[s + 4] + Ia[24] * c0 + Ia[25] * c1 + Ia[26] * c2 + Ia[27] * c3 + Ia[28] * c4 + Ia[29] * c5 + U[s + 4] * uD;
      pa5 = PA[s + 5] + Ia[30] * c0 + Ia[31] * c1 + Ia[32] * c2 + Ia[33] * c3 + Ia[34] * c4 + Ia[35] * c5 + U[s + 5] * uD;
    }
    const r0 = X[x], r1 = X[x + 1], r2 = X[x + 2], r3 = X[x + 3], r4 = X[x + 4], r5 = X[x + 5], r6 = X[x + 6], r7 = X[x + 7], r8 = X[x + 8];
    const px = X[x + 9], py = X[x + 10], pz = X[x + 11];
    const fx = r0 * pa3 + r1 * pa4 + r2 * pa5, fy = r3 * pa3 + r4 * pa4 + r5 * pa5, fz = r6 * pa3 + r7 * pa4 + r8 * pa5;
    PA[t] += r0 * pa0 + r1 * pa1 + r2 * pa2 + py * fz - pz * fy;
    PA[t + 1] += r3 * pa0 + r4 * pa1 + r5 * pa2 + pz * fx - px * fz;
    PA[t + 2] += r6 * pa0 + r7 * pa1 + r8 * pa2 + px * fy - py * fx;
    PA[t + 3] += fx;
    PA[t + 4] += fy;
    PA[t + 5] += fz;
    addTransformedArticulated(Ia, X, x, IA, 36 * parent, T);
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
