// Building messages in a chosen dialect: default-filled messages of any known type, time stamps
// and headers in ROS 1 (`{secs,nsecs}`, Header.seq) or ROS 2 (`{sec,nanosec}`) spelling.
import { type MessageSchema, messageSchema } from './message-schema.ts';

/** Which ROS generation the peer speaks: time spelling, type spelling, Header.seq. */
export type Dialect = 'ros1' | 'ros2';

/** A time value in either spelling. */
export type RosTime = { secs: number; nsecs: number } | { sec: number; nanosec: number };

/** A time stamp in the dialect's spelling from seconds (floor to whole ns). */
export function makeTime(seconds: number, dialect: Dialect): RosTime {
  let whole = Math.floor(seconds);
  let nanos = Math.round((seconds - whole) * 1e9);
  if (nanos >= 1e9) {
    whole += 1;
    nanos -= 1e9;
  }
  return dialect === 'ros1' ? { secs: whole, nsecs: nanos } : { sec: whole, nanosec: nanos };
}

/** Seconds from a time value in either spelling; NaN when it is not a time. */
export function timeToSeconds(value: unknown): number {
  if (typeof value !== 'object' || value === null) return Number.NaN;
  const t = value as Record<string, unknown>;
  const s = t.sec ?? t.secs ?? 0;
  const n = t.nanosec ?? t.nsecs ?? 0;
  return typeof s === 'number' && typeof n === 'number' ? s + n * 1e-9 : Number.NaN;
}

/** A std_msgs/Header in the dialect's spelling (ROS 1 carries `seq`). */
export function makeHeader(seconds: number, frameId: string, dialect: Dialect, seq = 0): Record<string, unknown> {
  const stamp = makeTime(seconds, dialect);
  return dialect === 'ros1' ? { seq, stamp, frame_id: frameId } : { stamp, frame_id: frameId };
}

function defaultValue(type: string, primitive: boolean, dialect: Dialect): unknown {
  if (!primitive) return buildDefault(messageSchema(type)!, dialect);
  if (type === 'string' || type === 'wstring') return '';
  if (type === 'bool') return false;
  if (type === 'time' || type === 'duration') return makeTime(0, dialect);
  return 0;
}

function buildDefault(schema: MessageSchema, dialect: Dialect): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (dialect === 'ros2' && schema.name === 'std_msgs/Header' && f.name === 'seq') continue;
    out[f.name] = f.arrayLength < 0 ? defaultValue(f.type, f.primitive, dialect)
      : Array.from({ length: f.arrayLength }, () => defaultValue(f.type, f.primitive, dialect));
  }
  return out;
}

/**
 * A complete message of `type` in the dialect: every field present with its default, then the
 * given fields laid over it (nested objects merged). Throws when the type is unknown.
 */
export function buildMessage(type: string, fields: Record<string, unknown> = {}, dialect: Dialect = 'ros2'): Record<string, unknown> {
  const schema = messageSchema(type);
  if (!schema) throw new Error(`buildMessage: unknown message type "${type}"`);
  return merge(buildDefault(schema, dialect), fields);
}

function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(over)) {
    const current = base[key];
    const bothObjects = typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
      && typeof current === 'object' && current !== null && !Array.isArray(current);
    const isTime = bothObjects && ('sec' in (value as object) || 'secs' in (value as object));
    base[key] = bothObjects && !isTime ? merge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return base;
}
