// Wire formats of the loop's data, as plain JSON objects shaped like standard ROS messages (no
// bridge import): diagnostic_msgs/DiagnosticArray for status, control_msgs/JointTrajectoryControllerState
// for reference/feedback/error, and std_msgs/Float64MultiArray with a labelled layout for gains and
// tuning commands.
//
// Labelled Float64MultiArray (our convention, carried by any rosbridge_server since std_msgs is
// always there): a 1-D array with one dimension whose label is "<path>:<field>,<field>,...", size
// and stride = number of fields, data_offset 0, and data[i] = value of field i. Examples:
//   gains     "gains/panda_joint1/position:kp,ki,kd"     data [120, 10, 2]   (partial updates allowed)
//   autotune  "tune/relay/panda_joint2:amplitude,hysteresis,setpoint"  data [5, 0.002, 0.3]
//   step      "tune/step/panda_joint2:amplitude,duration"  data [0.1, 2]
//   chirp     "tune/chirp/panda_joint2:f0,f1,duration,amplitude"  data [0.5, 40, 20, 2]
// Results go back the same way ("result/relay/panda_joint2:ku,tu,kp,ki,kd") and on /diagnostics.
import type { LoopTiming } from './loop.ts';
import type { PipelineStatus } from './pipeline.ts';
import type { ControlContext } from './context.ts';
import { PID_GAIN_FIELDS, type PidGains } from './pid.ts';

/** A std_msgs/Float64MultiArray-shaped object. */
export interface Float64MultiArrayMessage {
  layout: { dim: { label: string; size: number; stride: number }[]; data_offset: number };
  data: number[];
}

/** A decoded labelled array: path segments and field values. */
export interface LabeledValues {
  path: string[];
  fields: Record<string, number>;
}

function fail(field: string, value: unknown, expected: string): never {
  throw new Error(`${field} = ${JSON.stringify(value)?.slice(0, 80)}, expected ${expected}`);
}

/** Encodes path + fields into a labelled Float64MultiArray. */
export function encodeLabeled(path: readonly string[], fields: Record<string, number>): Float64MultiArrayMessage {
  const names = Object.keys(fields);
  for (const p of path) if (/[:/,]/.test(p) || p === '') throw new Error(`label path segment "${p}" must be non-empty without ':', '/' or ','`);
  return {
    layout: { dim: [{ label: `${path.join('/')}:${names.join(',')}`, size: names.length, stride: names.length }], data_offset: 0 },
    data: names.map((n) => fields[n]),
  };
}

/** Decodes a labelled Float64MultiArray from an unknown message; throws naming the field. */
export function decodeLabeled(message: unknown): LabeledValues {
  if (typeof message !== 'object' || message === null) fail('message', message, 'a std_msgs/Float64MultiArray object');
  const m = message as Record<string, unknown>;
  const layout = m.layout as Record<string, unknown> | undefined;
  if (typeof layout !== 'object' || layout === null) fail('layout', m.layout, 'a MultiArrayLayout');
  const dims = layout.dim;
  if (!Array.isArray(dims) || dims.length !== 1) fail('layout.dim', dims, 'exactly one dimension');
  const dim = dims[0] as Record<string, unknown>;
  if (typeof dim !== 'object' || dim === null || typeof dim.label !== 'string') fail('layout.dim[0].label', dim?.label, 'a string "<path>:<field>,..."');
  const label = dim.label as string;
  const colon = label.lastIndexOf(':');
  if (colon <= 0) fail('layout.dim[0].label', label, '"<path>:<field>,<field>,..."');
  const path = label.slice(0, colon).split('/');
  const names = label.slice(colon + 1).split(',');
  if (names.some((n) => n === '')) fail('layout.dim[0].label', label, 'non-empty field names');
  const offset = layout.data_offset ?? 0;
  if (offset !== 0) fail('layout.data_offset', offset, '0');
  const data = m.data;
  if (!Array.isArray(data) || data.length !== names.length) fail('data', data, `an array of ${names.length} numbers (one per field in the label)`);
  const fields: Record<string, number> = {};
  names.forEach((n, i) => {
    const x = data[i];
    if (typeof x !== 'number' || Number.isNaN(x)) fail(`data[${i}] (${n})`, x, 'a number');
    fields[n] = x;
  });
  return { path, fields };
}

/** A gains update: joint, loop and the gain fields it changes. */
export interface GainsUpdate {
  joint: string;
  loop: string;
  gains: Partial<PidGains>;
}

/** Encodes a gains update ("gains/<joint>/<loop>:fields"). */
export function encodeGains(joint: string, loop: string, gains: Partial<PidGains>): Float64MultiArrayMessage {
  const fields: Record<string, number> = {};
  for (const f of PID_GAIN_FIELDS) if (gains[f] !== undefined) fields[f] = gains[f]!;
  if (gains.antiWindup !== undefined) fields.antiWindup = gains.antiWindup === 'clamping' ? 0 : 1;
  return encodeLabeled(['gains', joint, loop], fields);
}

/** Decodes and validates a gains update; unknown fields and bad values throw naming them. */
export function decodeGains(message: unknown): GainsUpdate {
  const { path, fields } = decodeLabeled(message);
  if (path.length !== 3 || path[0] !== 'gains') fail('layout.dim[0].label', path.join('/'), '"gains/<joint>/<loop>:..."');
  const gains: Partial<PidGains> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (name === 'antiWindup') {
      if (value !== 0 && value !== 1) fail('antiWindup', value, '0 (clamping) or 1 (back-calculation)');
      gains.antiWindup = value === 0 ? 'clamping' : 'back-calculation';
    } else if ((PID_GAIN_FIELDS as readonly string[]).includes(name)) {
      gains[name as (typeof PID_GAIN_FIELDS)[number]] = value;
    } else {
      fail('gain field', name, `one of ${PID_GAIN_FIELDS.join(', ')}, antiWindup`);
    }
  }
  return { joint: path[1], loop: path[2], gains };
}

/** diagnostic_msgs/DiagnosticStatus levels. */
export const DiagnosticLevel = { OK: 0, WARN: 1, ERROR: 2, STALE: 3 } as const;

/** A ROS time stamp from seconds, in the ROS 2 spelling ({sec, nanosec}) or ROS 1 ({secs, nsecs}). */
export function rosTime(seconds: number, dialect: 'ros1' | 'ros2' = 'ros2'): Record<string, number> {
  const s = Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
  const sec = Math.floor(s);
  const nsec = Math.min(999_999_999, Math.round((s - sec) * 1e9));
  return dialect === 'ros1' ? { secs: sec, nsecs: nsec } : { sec, nanosec: nsec };
}

/** Builds a diagnostic_msgs/DiagnosticArray-shaped object from the pipeline status and loop timing. */
export function buildDiagnosticArray(
  status: PipelineStatus,
  timing: LoopTiming | undefined,
  options: { name?: string; hardwareId?: string; stamp?: number; dialect?: 'ros1' | 'ros2' } = {},
): { header: { stamp: Record<string, number>; frame_id: string }; status: { level: number; name: string; message: string; hardware_id: string; values: { key: string; value: string }[] }[] } {
  const level =
    status.state === 'active' ? DiagnosticLevel.OK : status.state === 'fault' || status.state === 'e-stopped' ? DiagnosticLevel.ERROR : DiagnosticLevel.WARN;
  const us = (s: number) => (Number.isFinite(s) ? (s * 1e6).toFixed(1) : 'nan');
  const values: { key: string; value: string }[] = [
    { key: 'state', value: status.state },
    { key: 'reason', value: status.reason },
    { key: 'reference', value: status.reference },
    { key: 'controller', value: status.controller },
    { key: 'command_mode', value: status.mode },
    { key: 'ticks', value: String(status.ticks) },
    { key: 'faults', value: String(status.faults) },
    { key: 'estops', value: String(status.estops) },
    { key: 'holds', value: String(status.holds) },
    { key: 'non_finite_replaced', value: String(status.nonFiniteReplaced) },
    { key: 'limited_last_tick', value: String(status.limitedLastTick) },
    { key: 'state_age_ms', value: (status.lastStateAge * 1e3).toFixed(1) },
  ];
  const statuses = [
    {
      level,
      name: `${options.name ?? 'embodied'}: control`,
      message: status.reason ? `${status.state}: ${status.reason}` : status.state,
      hardware_id: options.hardwareId ?? '',
      values,
    },
  ];
  if (timing) {
    const lateLevel = timing.lateness.p99 > timing.period ? DiagnosticLevel.WARN : DiagnosticLevel.OK;
    statuses.push({
      level: lateLevel,
      name: `${options.name ?? 'embodied'}: loop`,
      message: `${timing.rate} Hz, ${timing.waitStrategy}`,
      hardware_id: options.hardwareId ?? '',
      values: [
        { key: 'rate_hz', value: String(timing.rate) },
        { key: 'wait_strategy', value: timing.waitStrategy },
        { key: 'ticks', value: String(timing.ticks) },
        { key: 'overruns', value: String(timing.overruns) },
        { key: 'skipped', value: String(timing.skipped) },
        { key: 'caught_up', value: String(timing.caughtUp) },
        { key: 'lateness_p50_us', value: us(timing.lateness.p50) },
        { key: 'lateness_p99_us', value: us(timing.lateness.p99) },
        { key: 'lateness_max_us', value: us(timing.lateness.max) },
        { key: 'compute_p50_us', value: us(timing.compute.p50) },
        { key: 'compute_p99_us', value: us(timing.compute.p99) },
        { key: 'compute_max_us', value: us(timing.compute.max) },
      ],
    });
  }
  return { header: { stamp: rosTime(options.stamp ?? 0, options.dialect), frame_id: '' }, status: statuses };
}

/**
 * Builds a control_msgs/JointTrajectoryControllerState-shaped object from a context: ROS 2 fields
 * `reference` (qRef, vRef, aRef), `feedback` (q, v), `error` (reference − feedback), `output`
 * (the limited command: position, velocity, acceleration, effort), and the ROS 1 names `desired`
 * (= reference) and `actual` (= feedback), so either dialect finds its fields.
 */
export function buildControllerState(ctx: ControlContext, jointNames: readonly string[], stamp = 0, dialect: 'ros1' | 'ros2' = 'ros2') {
  const zero = rosTime(0, dialect);
  const point = (p: ArrayLike<number>, v: ArrayLike<number>, a: ArrayLike<number>, effort: ArrayLike<number> = []) => ({
    positions: Array.from(p), velocities: Array.from(v), accelerations: Array.from(a), effort: Array.from(effort), time_from_start: zero,
  });
  const ep = Array.from(ctx.qRef, (x, k) => x - ctx.q[k]);
  const ev = Array.from(ctx.vRef, (x, k) => x - ctx.v[k]);
  const reference = point(ctx.qRef, ctx.vRef, ctx.aRef);
  const feedback = point(ctx.q, ctx.v, [], ctx.effort);
  const c = ctx.command;
  return {
    header: { stamp: rosTime(stamp, dialect), frame_id: '' },
    joint_names: [...jointNames],
    reference,
    feedback,
    error: point(ep, ev, []),
    output: point(c.position, c.velocity, c.acceleration, c.effort),
    desired: reference,
    actual: feedback,
  };
}
