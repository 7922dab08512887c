// Rotations and rigid transforms on Float64Array with caller-supplied outputs (three.js style).
//
// Layouts: a rotation is 9 numbers, row-major; a transform is 12 numbers, the rotation (9,
// row-major) then the translation (3), mapping child coordinates into parent coordinates
// (x_parent = R·x_child + p). Every function takes an offset into each array so that per-link
// buffers can be addressed without subarray allocation. Nothing here allocates.

/** out[oo..oo+8] = a[ao..] · b[bo..] (3x3, row-major). `out` may not alias `a` or `b`. */
export function rotationMultiply(a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number): void {
  const a0 = a[ao], a1 = a[ao + 1], a2 = a[ao + 2], a3 = a[ao + 3], a4 = a[ao + 4], a5 = a[ao + 5], a6 = a[ao + 6], a7 = a[ao + 7], a8 = a[ao + 8];
  const b0 = b[bo], b1 = b[bo + 1], b2 = b[bo + 2], b3 = b[bo + 3], b4 = b[bo + 4], b5 = b[bo + 5], b6 = b[bo + 6], b7 = b[bo + 7], b8 = b[bo + 8];
  out[oo] = a0 * b0 + a1 * b3 + a2 * b6;
  out[oo + 1] = a0 * b1 + a1 * b4 + a2 * b7;
  out[oo + 2] = a0 * b2 + a1 * b5 + a2 * b8;
  out[oo + 3] = a3 * b0 + a4 * b3 + a5 * b6;
  out[oo + 4] = a3 * b1 + a4 * b4 + a5 * b7;
  out[oo + 5] = a3 * b2 + a4 * b5 + a5 * b8;
  out[oo + 6] = a6 * b0 + a7 * b3 + a8 * b6;
  out[oo + 7] = a6 * b1 + a7 * b4 + a8 * b7;
  out[oo + 8] = a6 * b2 + a7 * b5 + a8 * b8;
}

/** out = aᵀ · b (3x3, row-major). Safe when out aliases neither input. */
export function rotationTransposeMultiply(a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[oo + 3 * r + c] = a[ao + r] * b[bo + c] + a[ao + 3 + r] * b[bo + 3 + c] + a[ao + 6 + r] * b[bo + 6 + c];
    }
  }
}

/** out = a · bᵀ (3x3, row-major). */
export function rotationMultiplyTranspose(a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) {
      out[oo + 3 * r + c] = a[ao + 3 * r] * b[bo + 3 * c] + a[ao + 3 * r + 1] * b[bo + 3 * c + 1] + a[ao + 3 * r + 2] * b[bo + 3 * c + 2];
    }
  }
}

/** out = a ∘ b for 12-number transforms (apply b first, then a). `out` may not alias `a` or `b`. */
export function transformMultiply(a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number): void {
  rotationMultiply(a, ao, b, bo, out, oo);
  const x = b[bo + 9], y = b[bo + 10], z = b[bo + 11];
  out[oo + 9] = a[ao] * x + a[ao + 1] * y + a[ao + 2] * z + a[ao + 9];
  out[oo + 10] = a[ao + 3] * x + a[ao + 4] * y + a[ao + 5] * z + a[ao + 10];
  out[oo + 11] = a[ao + 6] * x + a[ao + 7] * y + a[ao + 8] * z + a[ao + 11];
}

/** out = a⁻¹ for a 12-number transform (Rᵀ, −Rᵀp). `out` may not alias `a`. */
export function transformInverse(a: Float64Array, ao: number, out: Float64Array, oo: number): void {
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) out[oo + 3 * r + c] = a[ao + 3 * c + r];
  const x = a[ao + 9], y = a[ao + 10], z = a[ao + 11];
  out[oo + 9] = -(a[ao] * x + a[ao + 3] * y + a[ao + 6] * z);
  out[oo + 10] = -(a[ao + 1] * x + a[ao + 4] * y + a[ao + 7] * z);
  out[oo + 11] = -(a[ao + 2] * x + a[ao + 5] * y + a[ao + 8] * z);
}

/** Writes the identity transform (12 numbers) at out[oo]. */
export function transformIdentity(out: Float64Array, oo: number): void {
  for (let k = 0; k < 12; k++) out[oo + k] = 0;
  out[oo] = out[oo + 4] = out[oo + 8] = 1;
}

/** Rotation by `angle` (rad) about the unit axis (ux, uy, uz), Rodrigues' formula, row-major. */
export function rotationFromAxisAngle(ux: number, uy: number, uz: number, angle: number, out: Float64Array, oo: number): void {
  const c = Math.cos(angle), s = Math.sin(angle), t = 1 - c;
  out[oo] = t * ux * ux + c;
  out[oo + 1] = t * ux * uy - s * uz;
  out[oo + 2] = t * ux * uz + s * uy;
  out[oo + 3] = t * ux * uy + s * uz;
  out[oo + 4] = t * uy * uy + c;
  out[oo + 5] = t * uy * uz - s * ux;
  out[oo + 6] = t * ux * uz - s * uy;
  out[oo + 7] = t * uy * uz + s * ux;
  out[oo + 8] = t * uz * uz + c;
}

/** Rotation from URDF roll, pitch, yaw (rad): R = Rz(yaw)·Ry(pitch)·Rx(roll), row-major. */
export function rotationFromRpy(roll: number, pitch: number, yaw: number, out: Float64Array, oo: number): void {
  const cr = Math.cos(roll), sr = Math.sin(roll), cp = Math.cos(pitch), sp = Math.sin(pitch), cy = Math.cos(yaw), sy = Math.sin(yaw);
  out[oo] = cy * cp;
  out[oo + 1] = cy * sp * sr - sy * cr;
  out[oo + 2] = cy * sp * cr + sy * sr;
  out[oo + 3] = sy * cp;
  out[oo + 4] = sy * sp * sr + cy * cr;
  out[oo + 5] = sy * sp * cr - cy * sr;
  out[oo + 6] = -sp;
  out[oo + 7] = cp * sr;
  out[oo + 8] = cp * cr;
}

/**
 * Logarithm of a rotation: the rotation vector θ·u (3 numbers, rad) with θ in [0, π].
 * Accurate near 0 (uses the skew part) and near π (uses the symmetric part for the axis).
 */
export function rotationLog(R: Float64Array, ro: number, out: Float64Array, oo: number): void {
  const wx = R[ro + 7] - R[ro + 5], wy = R[ro + 2] - R[ro + 6], wz = R[ro + 3] - R[ro + 1];
  let c = (R[ro] + R[ro + 4] + R[ro + 8] - 1) * 0.5;
  if (c > 1) c = 1;
  else if (c < -1) c = -1;
  const sin2 = Math.sqrt(wx * wx + wy * wy + wz * wz); // 2·sin θ
  const theta = Math.atan2(sin2 * 0.5, c);
  if (c > 0) {
    // θ < π/2: θ / (2 sin θ) is smooth; its series avoids 0/0 at θ = 0.
    const scale = theta < 1e-4 ? 0.5 + (theta * theta) / 12 : theta / sin2;
    out[oo] = wx * scale;
    out[oo + 1] = wy * scale;
    out[oo + 2] = wz * scale;
    return;
  }
  // θ ≥ π/2: axis from B = (R + Rᵀ)/2 − c·I = (1 − c)·u·uᵀ, largest diagonal first; sign from the skew part.
  const k = 1 - c;
  const b0 = R[ro] - c, b4 = R[ro + 4] - c, b8 = R[ro + 8] - c;
  let ux: number, uy: number, uz: number;
  if (b0 >= b4 && b0 >= b8) {
    ux = Math.sqrt(b0 / k);
    uy = (R[ro + 1] + R[ro + 3]) / (2 * k * ux);
    uz = (R[ro + 2] + R[ro + 6]) / (2 * k * ux);
  } else if (b4 >= b8) {
    uy = Math.sqrt(b4 / k);
    ux = (R[ro + 1] + R[ro + 3]) / (2 * k * uy);
    uz = (R[ro + 5] + R[ro + 7]) / (2 * k * uy);
  } else {
    uz = Math.sqrt(b8 / k);
    ux = (R[ro + 2] + R[ro + 6]) / (2 * k * uz);
    uy = (R[ro + 5] + R[ro + 7]) / (2 * k * uz);
  }
  const norm = Math.sqrt(ux * ux + uy * uy + uz * uz);
  const sign = ux * wx + uy * wy + uz * wz < 0 ? -1 : 1;
  const scale = (sign * theta) / norm;
  out[oo] = ux * scale;
  out[oo + 1] = uy * scale;
  out[oo + 2] = uz * scale;
}

/** Angle (rad, in [0, π]) of the rotation a·bᵀ: the geodesic distance between two rotations. */
export function rotationDistance(a: Float64Array, ao: number, b: Float64Array, bo: number): number {
  // trace(a·bᵀ) = Σ a_ij·b_ij; the skew part gives the sine for accuracy at small angles.
  let trace = 0;
  for (let k = 0; k < 9; k++) trace += a[ao + k] * b[bo + k];
  let sx = 0, sy = 0, sz = 0;
  for (let k = 0; k < 3; k++) {
    // (a·bᵀ)_ij = Σ_k a_ik·b_jk
    sx += a[ao + 6 + k] * b[bo + 3 + k] - a[ao + 3 + k] * b[bo + 6 + k];
    sy += a[ao + k] * b[bo + 6 + k] - a[ao + 6 + k] * b[bo + k];
    sz += a[ao + 3 + k] * b[bo + k] - a[ao + k] * b[bo + 3 + k];
  }
  return Math.atan2(0.5 * Math.sqrt(sx * sx + sy * sy + sz * sz), 0.5 * (trace - 1));
}

/** True when R (9, row-major) is orthonormal with determinant +1 within `tolerance`. */
export function isRotation(R: ArrayLike<number>, tolerance = 1e-6): boolean {
  for (let k = 0; k < 9; k++) if (!Number.isFinite(R[k])) return false;
  for (let r = 0; r < 3; r++) {
    for (let c = r; c < 3; c++) {
      const dot = R[3 * r] * R[3 * c] + R[3 * r + 1] * R[3 * c + 1] + R[3 * r + 2] * R[3 * c + 2];
      if (Math.abs(dot - (r === c ? 1 : 0)) > tolerance) return false;
    }
  }
  const det =
    R[0] * (R[4] * R[8] - R[5] * R[7]) - R[1] * (R[3] * R[8] - R[5] * R[6]) + R[2] * (R[3] * R[7] - R[4] * R[6]);
  return Math.abs(det - 1) <= tolerance * 3;
}
