// IMU attitude: Mahony's explicit complementary filter and Madgwick's gradient-descent filter,
// both on unit quaternions with gyro-bias estimation (written from the papers' equations:
// Mahony, Hamel, Pflimlin, IEEE TAC 2008; Madgwick, Harrison, Vaidyanathan, ICORR 2011).
//
// Ports: in  — angular rate (rad/s, sensor axes), specific force (m/s², sensor axes; +9.81 along
//              the up axis at rest), time step (s);
//        out — `orientation` (x y z w: sensor frame in a z-up world frame), `bias` (rad/s).
// Without a magnetometer the yaw is unobservable: it is integrated from the gyro alone.

/** Common surface of both attitude filters. */
export interface AttitudeFilter {
  /** Orientation of the sensor in the world, quaternion x y z w (ROS order). */
  readonly orientation: Float64Array;
  /** Estimated gyro bias (rad/s), subtracted from the measured rate. */
  readonly bias: Float64Array;
  /** One filter step. @realtime */
  update(gyro: ArrayLike<number>, accel: ArrayLike<number>, dt: number): void;
  /** Back to identity orientation (or the given one) and zero bias. */
  reset(orientation?: ArrayLike<number>): void;
}

function resetState(orientation: Float64Array, bias: Float64Array, start?: ArrayLike<number>): void {
  if (start) {
    const n = Math.hypot(start[0], start[1], start[2], start[3]);
    if (!(n > 0)) throw new Error(`attitude filter: reset orientation [${Array.from(start as number[]).join(', ')}] is not a non-zero quaternion`);
    for (let i = 0; i < 4; i++) orientation[i] = start[i] / n;
  } else {
    orientation.set([0, 0, 0, 1]);
  }
  bias.fill(0);
}

/** Integrates q̇ = ½ q ⊗ (0, ω) over dt and normalises; q is x y z w. */
function integrate(q: Float64Array, wx: number, wy: number, wz: number, dt: number): void {
  const x = q[0], y = q[1], z = q[2], w = q[3];
  const h = 0.5 * dt;
  const nw = w + h * (-x * wx - y * wy - z * wz);
  const nx = x + h * (w * wx + y * wz - z * wy);
  const ny = y + h * (w * wy - x * wz + z * wx);
  const nz = z + h * (w * wz + x * wy - y * wx);
  const n = 1 / Math.sqrt(nw * nw + nx * nx + ny * ny + nz * nz);
  q[0] = nx * n;
  q[1] = ny * n;
  q[2] = nz * n;
  q[3] = nw * n;
}

/** Mahony's complementary filter: PI correction of the rate from the gravity direction error. */
export class MahonyFilter implements AttitudeFilter {
  readonly orientation = Float64Array.of(0, 0, 0, 1);
  readonly bias = new Float64Array(3);

  /** kp (1/s) pulls towards the accelerometer's vertical; ki (1/s²) learns the gyro bias. */
  constructor(readonly kp = 1, readonly ki = 0.1) {
    if (!(kp >= 0 && ki >= 0)) throw new Error(`MahonyFilter: gains kp = ${kp}, ki = ${ki} must be ≥ 0`);
  }

  reset(orientation?: ArrayLike<number>): void {
    resetState(this.orientation, this.bias, orientation);
  }

  update(gyro: ArrayLike<number>, accel: ArrayLike<number>, dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt)) return;
    let wx = gyro[0] - this.bias[0], wy = gyro[1] - this.bias[1], wz = gyro[2] - this.bias[2];
    if (!(Number.isFinite(wx) && Number.isFinite(wy) && Number.isFinite(wz))) return;
    const an = Math.hypot(accel[0], accel[1], accel[2]);
    if (an > 1e-6 && Number.isFinite(an)) {
      const ax = accel[0] / an, ay = accel[1] / an, az = accel[2] / an;
      const x = this.orientation[0], y = this.orientation[1], z = this.orientation[2], w = this.orientation[3];
      // Up direction of the world seen in the sensor frame: Rᵀ e_z.
      const vx = 2 * (x * z - w * y), vy = 2 * (y * z + w * x), vz = w * w - x * x - y * y + z * z;
      // Error: measured × estimated up.
      const ex = ay * vz - az * vy, ey = az * vx - ax * vz, ez = ax * vy - ay * vx;
      this.bias[0] -= this.ki * ex * dt;
      this.bias[1] -= this.ki * ey * dt;
      this.bias[2] -= this.ki * ez * dt;
      wx += this.kp * ex;
      wy += this.kp * ey;
      wz += this.kp * ez;
    }
    integrate(this.orientation, wx, wy, wz, dt);
  }
}

/** Madgwick's filter: a normalised gradient step on the gravity residual, with bias drift learning. */
export class MadgwickFilter implements AttitudeFilter {
  readonly orientation = Float64Array.of(0, 0, 0, 1);
  readonly bias = new Float64Array(3);

  /** beta (rad/s): gradient gain; zeta (rad/s²): gyro-bias drift gain. */
  constructor(readonly beta = 0.1, readonly zeta = 0.01) {
    if (!(beta >= 0 && zeta >= 0)) throw new Error(`MadgwickFilter: gains beta = ${beta}, zeta = ${zeta} must be ≥ 0`);
  }

  reset(orientation?: ArrayLike<number>): void {
    resetState(this.orientation, this.bias, orientation);
  }

  update(gyro: ArrayLike<number>, accel: ArrayLike<number>, dt: number): void {
    if (!(dt > 0) || !Number.isFinite(dt)) return;
    const q = this.orientation;
    const x = q[0], y = q[1], z = q[2], w = q[3];
    let gw = 0, gx = 0, gy = 0, gz = 0;
    const an = Math.hypot(accel[0], accel[1], accel[2]);
    if (an > 1e-6 && Number.isFinite(an)) {
      const ax = accel[0] / an, ay = accel[1] / an, az = accel[2] / an;
      const f1 = 2 * (x * z - w * y) - ax;
      const f2 = 2 * (w * x + y * z) - ay;
      const f3 = 2 * (0.5 - x * x - y * y) - az;
      // ∇ = Jᵀ f, with J the Jacobian of f over (w, x, y, z).
      gw = -2 * y * f1 + 2 * x * f2;
      gx = 2 * z * f1 + 2 * w * f2 - 4 * x * f3;
      gy = -2 * w * f1 + 2 * z * f2 - 4 * y * f3;
      gz = 2 * x * f1 + 2 * y * f2;
      const gn = Math.hypot(gw, gx, gy, gz);
      if (gn > 1e-12) {
        gw /= gn;
        gx /= gn;
        gy /= gn;
        gz /= gn;
        // Bias drift: ω_ε = 2 q* ⊗ ∇̂ (vector part).
        const ex = 2 * (w * gx - x * gw - y * gz + z * gy);
        const ey = 2 * (w * gy + x * gz - y * gw - z * gx);
        const ez = 2 * (w * gz - x * gy + y * gx - z * gw);
        this.bias[0] += this.zeta * ex * dt;
        this.bias[1] += this.zeta * ey * dt;
        this.bias[2] += this.zeta * ez * dt;
      } else {
        gw = gx = gy = gz = 0;
      }
    }
    const wx = gyro[0] - this.bias[0], wy = gyro[1] - this.bias[1], wz = gyro[2] - this.bias[2];
    if (!(Number.isFinite(wx) && Number.isFinite(wy) && Number.isFinite(wz))) return;
    // q̇ = ½ q ⊗ ω − β ∇̂
    const h = 0.5 * dt, b = this.beta * dt;
    const nw = w + h * (-x * wx - y * wy - z * wz) - b * gw;
    const nx = x + h * (w * wx + y * wz - z * wy) - b * gx;
    const ny = y + h * (w * wy - x * wz + z * wx) - b * gy;
    const nz = z + h * (w * wz + x * wy - y * wx) - b * gz;
    const n = 1 / Math.sqrt(nw * nw + nx * nx + ny * ny + nz * nz);
    q[0] = nx * n;
    q[1] = ny * n;
    q[2] = nz * n;
    q[3] = nw * n;
  }
}

/** Angle (rad) between two unit quaternions (x y z w), in [0, π]. */
export function quaternionAngle(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const dot = Math.abs(a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3]);
  return 2 * Math.acos(Math.min(1, dot));
}
