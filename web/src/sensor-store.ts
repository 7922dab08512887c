// IMU, wrench and diagnostics values copied from messages (validated from unknown) into fixed
// fields, so that the per-message work allocates nothing for IMU and wrench.
import { timeToSeconds } from '../../bridge/message-build.ts';

/** Latest sensor_msgs/Imu orientation and rates, and geometry_msgs/WrenchStamped. */
export interface SensorStore {
  readonly imuOrientation: Float64Array; // x y z w
  readonly imuAngularVelocity: Float64Array; // rad/s
  readonly imuAcceleration: Float64Array; // m/s²
  imuFrame: string;
  imuSequence: number;
  imuReceivedAt: number;
  readonly force: Float64Array; // N
  readonly torque: Float64Array; // N·m
  wrenchFrame: string;
  wrenchSequence: number;
  wrenchReceivedAt: number;
}

/** An empty store (identity orientation, zero wrench). */
export function createSensorStore(): SensorStore {
  return {
    imuOrientation: Float64Array.of(0, 0, 0, 1),
    imuAngularVelocity: new Float64Array(3),
    imuAcceleration: new Float64Array(3),
    imuFrame: '',
    imuSequence: 0,
    imuReceivedAt: Number.NaN,
    force: new Float64Array(3),
    torque: new Float64Array(3),
    wrenchFrame: '',
    wrenchSequence: 0,
    wrenchReceivedAt: Number.NaN,
  };
}

function vector3(value: unknown, out: Float64Array, keys: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  for (let i = 0; i < keys.length; i++) {
    const x = v[keys[i]];
    if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  }
  for (let i = 0; i < keys.length; i++) out[i] = v[keys[i]] as number;
  return true;
}

const XYZ = ['x', 'y', 'z'] as const;
const XYZW = ['x', 'y', 'z', 'w'] as const;

function frameOf(message: Record<string, unknown>): string {
  const header = message.header;
  if (typeof header !== 'object' || header === null) return '';
  const frame = (header as Record<string, unknown>).frame_id;
  return typeof frame === 'string' ? frame : '';
}

/** Copies a sensor_msgs/Imu; false when malformed. */
export function ingestImu(store: SensorStore, message: unknown, now: number): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  if (!vector3(m.orientation, store.imuOrientation, XYZW)) return false;
  vector3(m.angular_velocity, store.imuAngularVelocity, XYZ);
  vector3(m.linear_acceleration, store.imuAcceleration, XYZ);
  store.imuFrame = frameOf(m);
  store.imuSequence++;
  store.imuReceivedAt = now;
  return true;
}

/** Copies a geometry_msgs/WrenchStamped; false when malformed. */
export function ingestWrench(store: SensorStore, message: unknown, now: number): boolean {
  if (typeof message !== 'object' || message === null) return false;
  const m = message as Record<string, unknown>;
  const wrench = m.wrench;
  if (typeof wrench !== 'object' || wrench === null) return false;
  const w = wrench as Record<string, unknown>;
  if (!vector3(w.force, store.force, XYZ) || !vector3(w.torque, store.torque, XYZ)) return false;
  store.wrenchFrame = frameOf(m);
  store.wrenchSequence++;
  store.wrenchReceivedAt = now;
  return true;
}

/** One diagnostic_msgs/DiagnosticStatus, validated. */
export interface DiagnosticEntry {
  level: number;
  name: string;
  message: string;
  hardwareId: string;
  values: { key: string; value: string }[];
}

/** Parses a diagnostic_msgs/DiagnosticArray; throws naming the field that is wrong. */
export function parseDiagnostics(message: unknown): { stamp: number; status: DiagnosticEntry[] } {
  if (typeof message !== 'object' || message === null) throw new Error('DiagnosticArray: expected an object');
  const m = message as Record<string, unknown>;
  if (!Array.isArray(m.status)) throw new Error('DiagnosticArray.status: expected an array');
  const header = typeof m.header === 'object' && m.header !== null ? (m.header as Record<string, unknown>) : {};
  const status = m.status.map((s, i) => {
    if (typeof s !== 'object' || s === null) throw new Error(`DiagnosticArray.status[${i}]: expected an object`);
    const r = s as Record<string, unknown>;
    const level = typeof r.level === 'number' ? r.level : typeof r.level === 'string' ? r.level.charCodeAt(0) : Number.NaN;
    if (!(level >= 0 && level <= 3)) throw new Error(`DiagnosticArray.status[${i}].level = ${JSON.stringify(r.level)}: expected 0..3`);
    const text = (key: string) => {
      const v = r[key] ?? '';
      if (typeof v !== 'string') throw new Error(`DiagnosticArray.status[${i}].${key}: expected a string`);
      return v;
    };
    const values = Array.isArray(r.values) ? r.values : [];
    return {
      level,
      name: text('name'),
      message: text('message'),
      hardwareId: text('hardware_id'),
      values: values.map((kv, j) => {
        const entry = typeof kv === 'object' && kv !== null ? (kv as Record<string, unknown>) : {};
        if (typeof entry.key !== 'string' || typeof entry.value !== 'string') {
          throw new Error(`DiagnosticArray.status[${i}].values[${j}]: expected {key: string, value: string}`);
        }
        return { key: entry.key, value: entry.value };
      }),
    };
  });
  return { stamp: timeToSeconds(header.stamp), status };
}
