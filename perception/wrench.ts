// Force/torque sensing: bias removal, compensation of the tool's weight, and identification of a
// payload's mass and centre of mass from a few static poses.
//
// Convention: the sensor reports the wrench that the distal side (tool, payload, environment)
// exerts on it, in the sensor frame S. A tool of mass m with its COM at c_S, held still in
// gravity g_W, adds f = m·R_WSᵀ·g_W and τ = c_S × f.

/** A static sample for identification: sensor orientation in the world and the raw reading. */
export interface StaticWrenchSample {
  R_WS: ArrayLike<number>; // 9, row-major
  force: ArrayLike<number>; // 3, N
  torque: ArrayLike<number>; // 3, N·m
}

/** An identified payload, bias included. */
export interface PayloadEstimate {
  mass: number; // kg
  com: Float64Array; // 3, sensor frame (m)
  forceBias: Float64Array; // 3, N
  torqueBias: Float64Array; // 3, N·m
  /** RMS residual of the fit over all samples: force (N) and torque (N·m). */
  forceResidual: number;
  torqueResidual: number;
}

/** Removes bias and the tool's weight from raw F/T readings; allocation-free per call. */
export class WrenchCompensator {
  /** Sensor bias subtracted from every reading: force (3, N), torque (3, N·m). */
  readonly forceBias = new Float64Array(3);
  readonly torqueBias = new Float64Array(3);
  /** Tool mass (kg) and COM in the sensor frame (m). */
  toolMass = 0;
  readonly toolCom = new Float64Array(3);
  /** Gravity in the world frame (m/s²). */
  readonly gravity = Float64Array.of(0, 0, -9.81);
  private readonly weight = new Float64Array(3);

  /** Takes bias, tool mass and COM from an identification result. */
  setPayload(estimate: PayloadEstimate): void {
    this.toolMass = estimate.mass;
    this.toolCom.set(estimate.com);
    this.forceBias.set(estimate.forceBias);
    this.torqueBias.set(estimate.torqueBias);
  }

  /** Sets the bias as the mean of readings taken with nothing attached and nothing touching. */
  captureBias(samples: readonly { force: ArrayLike<number>; torque: ArrayLike<number> }[]): void {
    if (samples.length === 0) throw new Error('WrenchCompensator.captureBias: no samples');
    this.forceBias.fill(0);
    this.torqueBias.fill(0);
    for (const s of samples) {
      for (let i = 0; i < 3; i++) {
        this.forceBias[i] += s.force[i] / samples.length;
        this.torqueBias[i] += s.torque[i] / samples.length;
      }
    }
  }

  /**
   * External wrench on the tool (sensor frame): raw − bias − tool weight. @realtime
   * `R_WS` is the sensor's orientation in the world (9, row-major), e.g. from forward kinematics.
   */
  compensate(force: ArrayLike<number>, torque: ArrayLike<number>, R_WS: ArrayLike<number>, outForce: Float64Array, outTorque: Float64Array): void {
    const g = this.gravity, m = this.toolMass, w = this.weight, c = this.toolCom;
    // w = m·R_WSᵀ·g
    for (let i = 0; i < 3; i++) w[i] = m * (R_WS[i] * g[0] + R_WS[3 + i] * g[1] + R_WS[6 + i] * g[2]);
    outForce[0] = force[0] - this.forceBias[0] - w[0];
    outForce[1] = force[1] - this.forceBias[1] - w[1];
    outForce[2] = force[2] - this.forceBias[2] - w[2];
    outTorque[0] = torque[0] - this.torqueBias[0] - (c[1] * w[2] - c[2] * w[1]);
    outTorque[1] = torque[1] - this.torqueBias[1] - (c[2] * w[0] - c[0] * w[2]);
    outTorque[2] = torque[2] - this.torqueBias[2] - (c[0] * w[1] - c[1] * w[0]);
  }
}

/** Solves the symmetric positive system A x = b (n×n, row-major) in place by Cholesky; false if singular. */
function solveSpd(A: Float64Array, b: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= A[j * n + k] * A[j * n + k];
    if (!(d > 1e-12 * (1 + Math.abs(A[j * n + j])))) return false;
    d = Math.sqrt(d);
    A[j * n + j] = d;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= A[i * n + k] * A[j * n + k];
      A[i * n + j] = s / d;
    }
  }
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= A[i * n + k] * b[k];
    b[i] = s / A[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= A[k * n + i] * b[k];
    b[i] = s / A[i * n + i];
  }
  return true;
}

/** Least squares through normal equations over rows (a, y); returns x or throws naming the problem. */
function leastSquares(rows: readonly { a: number[]; y: number }[], n: number, what: string): Float64Array {
  const A = new Float64Array(n * n);
  const b = new Float64Array(n);
  for (const { a, y } of rows) {
    for (let i = 0; i < n; i++) {
      b[i] += a[i] * y;
      for (let j = 0; j < n; j++) A[i * n + j] += a[i] * a[j];
    }
  }
  if (!solveSpd(A, b, n)) throw new Error(`payload identification: the ${what} poses do not excite every parameter; use at least 3 clearly different orientations`);
  return b;
}

/**
 * Identifies mass, COM and sensor bias from static samples in ≥ 3 different orientations:
 * f = m·g_S + b_f and τ = (m·c) × g_S ... written as τ = −[g_S]×(m·c) + b_τ, both linear.
 */
export function identifyPayload(samples: readonly StaticWrenchSample[], gravity: ArrayLike<number> = [0, 0, -9.81]): PayloadEstimate {
  if (samples.length < 3) throw new Error(`payload identification needs at least 3 static samples, got ${samples.length}`);
  const gS = samples.map((s, k) => {
    const values = [0, 1, 2].map((i) => s.R_WS[i] * gravity[0] + s.R_WS[3 + i] * gravity[1] + s.R_WS[6 + i] * gravity[2]);
    for (const [name, arr, len] of [['R_WS', s.R_WS, 9], ['force', s.force, 3], ['torque', s.torque, 3]] as const) {
      for (let i = 0; i < len; i++) if (!Number.isFinite(arr[i])) throw new Error(`payload identification: sample ${k} ${name}[${i}] = ${arr[i]} is not finite`);
    }
    return values;
  });
  // Force: unknowns [m, bfx, bfy, bfz].
  const forceRows = samples.flatMap((s, k) => [0, 1, 2].map((i) => ({ a: [gS[k][i], i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0], y: s.force[i] })));
  const xf = leastSquares(forceRows, 4, 'force');
  // Torque: unknowns [mcx, mcy, mcz, btx, bty, btz]; (m c) × g = −g × (m c).
  const torqueRows = samples.flatMap((s, k) => {
    const [gx, gy, gz] = gS[k];
    // Rows of −[g]× applied to (m c): [0, gz, −gy], [−gz, 0, gx], [gy, −gx, 0]; (m c) × g = −[g]×(m c).
    const skew = [[0, gz, -gy], [-gz, 0, gx], [gy, -gx, 0]];
    return [0, 1, 2].map((i) => ({ a: [...skew[i], i === 0 ? 1 : 0, i === 1 ? 1 : 0, i === 2 ? 1 : 0], y: s.torque[i] }));
  });
  const xt = leastSquares(torqueRows, 6, 'torque');
  const mass = xf[0];
  const com = Float64Array.of(xt[0] / mass, xt[1] / mass, xt[2] / mass);
  const residual = (rows: { a: number[]; y: number }[], x: Float64Array) =>
    Math.sqrt(rows.reduce((sum, r) => sum + (r.a.reduce((s, ai, i) => s + ai * x[i], 0) - r.y) ** 2, 0) / rows.length);
  return {
    mass,
    com,
    forceBias: xf.slice(1, 4),
    torqueBias: xt.slice(3, 6),
    forceResidual: residual(forceRows, xf),
    torqueResidual: residual(torqueRows, xt),
  };
}
