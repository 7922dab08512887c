// Every value the page publishes passes through here: clamped to the robot's and the page's limits,
// non-finite values replaced by zero, names checked against the model. Pure; unit-tested in Node.
import { makeHeader, type Dialect } from '../../bridge/message-build.ts';

/** Page-side jog limits (SI): the hard ceiling before speed scaling. */
export interface JogLimits {
  /** Per joint (nq), rad/s or m/s: min(URDF velocity limit, jog ceiling). */
  readonly jointVelocity: Float64Array;
  /** m/s */
  readonly linear: number;
  /** rad/s */
  readonly angular: number;
}

/** Ceiling of joint jog speed regardless of the URDF (rad/s). */
export const MAX_JOINT_JOG = 1.0;
/** Ceiling of Cartesian jog speed (m/s, rad/s). */
export const MAX_LINEAR_JOG = 0.25;
export const MAX_ANGULAR_JOG = 1.0;

/** Jog limits from the model's velocity limits. */
export function jogLimits(velocityLimit: ArrayLike<number>): JogLimits {
  const jointVelocity = new Float64Array(velocityLimit.length);
  for (let k = 0; k < velocityLimit.length; k++) {
    const limit = velocityLimit[k];
    jointVelocity[k] = Number.isFinite(limit) && limit > 0 ? Math.min(limit, MAX_JOINT_JOG) : MAX_JOINT_JOG;
  }
  return { jointVelocity, linear: MAX_LINEAR_JOG, angular: MAX_ANGULAR_JOG };
}

/** `x` clamped to [-limit, limit]; 0 for anything non-finite (NaN, ±Infinity, a non-number). */
export function clampSymmetric(x: unknown, limit: number): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || !(limit >= 0)) return 0;
  return x > limit ? limit : x < -limit ? -limit : x;
}

/** Speed scale from a UI value in percent: clamped to 1..100 %, returned as 0.01..1; 0.25 when invalid. */
export function speedScale(percent: unknown): number {
  const value = typeof percent === 'string' ? Number(percent) : percent;
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0.25;
  return Math.min(100, Math.max(1, value)) / 100;
}

/** A joint position target clamped into the soft limits (continuous joints: unchanged if finite). */
export function clampTarget(q: unknown, lower: number, upper: number): number | undefined {
  const value = typeof q === 'string' ? Number(q) : q;
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return Math.min(Math.max(value, Number.isFinite(lower) ? lower : -Infinity), Number.isFinite(upper) ? upper : Infinity);
}

/**
 * control_msgs/JointJog with velocities for every model joint: each clamped to ±limit·scale.
 * Joints with |velocity| below 1e-9 are still listed (zeros stop them explicitly).
 */
export function buildJointJog(
  jointNames: readonly string[], velocities: ArrayLike<number>, limits: JogLimits, scale: number, dialect: Dialect, nowSeconds: number, frameId = '',
): Record<string, unknown> {
  if (velocities.length !== jointNames.length) {
    throw new Error(`JointJog: ${velocities.length} velocities for ${jointNames.length} joints`);
  }
  const s = Math.min(1, Math.max(0, Number.isFinite(scale) ? scale : 0));
  const v: number[] = [];
  for (let k = 0; k < jointNames.length; k++) v.push(clampSymmetric(velocities[k], limits.jointVelocity[k] * s));
  return {
    header: makeHeader(nowSeconds, frameId, dialect),
    joint_names: [...jointNames],
    displacements: [],
    velocities: v,
    duration: 0,
  };
}

/** geometry_msgs/TwistStamped in `frameId`: linear clamped to ±linear·scale (m/s), angular to ±angular·scale (rad/s). */
export function buildTwist(
  linear: ArrayLike<number>, angular: ArrayLike<number>, limits: JogLimits, scale: number, dialect: Dialect, nowSeconds: number, frameId: string,
): Record<string, unknown> {
  const s = Math.min(1, Math.max(0, Number.isFinite(scale) ? scale : 0));
  const l = limits.linear * s;
  const a = limits.angular * s;
  return {
    header: makeHeader(nowSeconds, frameId, dialect),
    twist: {
      linear: { x: clampSymmetric(linear[0], l), y: clampSymmetric(linear[1], l), z: clampSymmetric(linear[2], l) },
      angular: { x: clampSymmetric(angular[0], a), y: clampSymmetric(angular[1], a), z: clampSymmetric(angular[2], a) },
    },
  };
}

/** A gain typed in the page: a finite number within [0, max], or an error naming the field and value. */
export function parseGain(field: string, raw: unknown, max: number): { ok: true; value: number } | { ok: false; error: string } {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, error: `${field} = ${JSON.stringify(raw)}: expected a number` };
  if (value < 0 || value > max) return { ok: false, error: `${field} = ${value}: expected 0..${max}` };
  return { ok: true, value };
}
