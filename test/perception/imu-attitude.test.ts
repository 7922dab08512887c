// IMU attitude filters against a known rotation with a biased, noisy gyro.
import { describe, expect, it } from 'vitest';
import { MadgwickFilter, MahonyFilter, quaternionAngle, type AttitudeFilter } from '../../perception/imu-attitude.ts';
import { mulberry32 } from '../../robot/random.ts';


/** Runs a filter on 60 s of a wobbling sensor; returns tilt error RMS (deg) after settling and the bias error. */
function run(filter: AttitudeFilter, seed: number) {
  const random = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const dt = 0.002;
  const bias = [0.02, -0.015, 0.01];
  const q = Float64Array.of(0, 0, 0, 1); // truth, x y z w
  const gyro = new Float64Array(3), accel = new Float64Array(3);
  let sum = 0, count = 0;
  for (let i = 0; i < 30_000; i++) {
    const t = i * dt;
    const w = [0.6 * Math.sin(0.7 * t), 0.5 * Math.cos(0.9 * t), 0.3 * Math.sin(0.3 * t)];
    // Truth integration (exact for constant rate over dt).
    const angle = Math.hypot(w[0], w[1], w[2]) * dt;
    if (angle > 0) {
      const s = Math.sin(angle / 2) / (angle / dt), c = Math.cos(angle / 2);
      const dx = w[0] * s, dy = w[1] * s, dz = w[2] * s;
      const [x, y, z, qw] = q;
      q[0] = qw * dx + x * c + y * dz - z * dy;
      q[1] = qw * dy - x * dz + y * c + z * dx;
      q[2] = qw * dz + x * dy - y * dx + z * c;
      q[3] = qw * c - x * dx - y * dy - z * dz;
    }
    const [x, y, z, qw] = q;
    // Specific force at rest: Rᵀ (0, 0, 9.81).
    accel[0] = 9.81 * 2 * (x * z - qw * y) + 0.05 * gauss();
    accel[1] = 9.81 * 2 * (y * z + qw * x) + 0.05 * gauss();
    accel[2] = 9.81 * (qw * qw - x * x - y * y + z * z) + 0.05 * gauss();
    for (let k = 0; k < 3; k++) gyro[k] = w[k] + bias[k] + 0.005 * gauss();
    filter.update(gyro, accel, dt);
    if (t > 20) {
      // Tilt error: angle between true and estimated up directions in the sensor frame.
      const e = filter.orientation;
      const up = (a: ArrayLike<number>) => [2 * (a[0] * a[2] - a[3] * a[1]), 2 * (a[1] * a[2] + a[3] * a[0]), a[3] ** 2 - a[0] ** 2 - a[1] ** 2 + a[2] ** 2];
      const u = up(q), v = up(e);
      const tilt = Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2]));
      sum += tilt * tilt;
      count++;
    }
  }
  const biasError = Math.hypot(filter.bias[0] - bias[0], filter.bias[1] - bias[1], filter.bias[2] - bias[2]);
  return { tiltRmsDeg: (Math.sqrt(sum / count) * 180) / Math.PI, biasError };
}

describe('IMU attitude', () => {
  it('Mahony keeps the tilt within a degree and learns the gyro bias', () => {
    const { tiltRmsDeg, biasError } = run(new MahonyFilter(2, 0.2), 1);
    console.log(JSON.stringify({ figure: 'mahony', tilt_rms_deg: tiltRmsDeg, bias_error_rad_s: biasError }));
    expect(tiltRmsDeg).toBeLessThan(1);
    expect(biasError).toBeLessThan(0.01);
  });

  it('Madgwick keeps the tilt within a degree and learns the gyro bias', () => {
    const { tiltRmsDeg, biasError } = run(new MadgwickFilter(0.05, 0.02), 2);
    console.log(JSON.stringify({ figure: 'madgwick', tilt_rms_deg: tiltRmsDeg, bias_error_rad_s: biasError }));
    expect(tiltRmsDeg).toBeLessThan(1);
    expect(biasError).toBeLessThan(0.01);
  });

  it('without accelerometer correction a biased gyro drifts (the filters are what fixes it)', () => {
    const { tiltRmsDeg } = run(new MahonyFilter(0, 0), 1);
    expect(tiltRmsDeg).toBeGreaterThan(5);
  });

  it('ignores non-finite samples and rejects a zero reset quaternion', () => {
    const filter = new MahonyFilter();
    filter.update([Number.NaN, 0, 0], [0, 0, 9.81], 0.01);
    filter.update([0, 0, 0], [0, 0, 9.81], Number.NaN);
    expect(quaternionAngle(filter.orientation, [0, 0, 0, 1])).toBe(0);
    expect(() => filter.reset([0, 0, 0, 0])).toThrow(/not a non-zero quaternion/);
  });
});
