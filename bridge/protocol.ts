// rosbridge v2 wire frames as a discriminated union on `op`, and their validation from `unknown`.
// Field names follow the rosbridge protocol document (ROSBRIDGE_PROTOCOL.md) and what roslib 2.x
// sends. No Node API: the browser imports this.
import {
  ValidationError,
  asRecord,
  optionalBoolean,
  optionalId,
  optionalNumber,
  optionalString,
  requireNumber,
  requireString,
} from './check.ts';

/** Compression a subscriber or caller may ask for. */
export type Compression = 'none' | 'png' | 'cbor' | 'cbor-raw';
/** Status levels for `set_level` / `status`. */
export type StatusLevel = 'info' | 'warning' | 'error' | 'none';

/** `auth`: token (or roslib's `mac`) that must come before anything else when the server wants one. */
export interface AuthFrame { op: 'auth'; token: string }
/** `advertise`: the client will publish `topic` with `type`. */
export interface AdvertiseFrame { op: 'advertise'; id?: string; topic: string; type: string; latch?: boolean; queue_size?: number }
/** `unadvertise`: the client stops publishing `topic`. */
export interface UnadvertiseFrame { op: 'unadvertise'; id?: string; topic: string }
/** `publish`: one message on `topic`. */
export interface PublishFrame { op: 'publish'; id?: string; topic: string; msg: unknown; latch?: boolean }
/** `subscribe`: deliver `topic` to this client. */
export interface SubscribeFrame {
  op: 'subscribe'; id?: string; topic: string; type?: string;
  throttle_rate?: number; queue_length?: number; fragment_size?: number; compression?: Compression;
}
/** `unsubscribe`: drop the subscription `id` (or all of this client's on `topic`). */
export interface UnsubscribeFrame { op: 'unsubscribe'; id?: string; topic: string }
/** `call_service`: request; the reply is a `service_response` with the same id. */
export interface CallServiceFrame {
  op: 'call_service'; id?: string; service: string; args: unknown; type?: string;
  fragment_size?: number; compression?: Compression; timeout?: number;
}
/** `advertise_service`: the client serves `service`. */
export interface AdvertiseServiceFrame { op: 'advertise_service'; service: string; type: string }
/** `unadvertise_service`: the client stops serving `service`. */
export interface UnadvertiseServiceFrame { op: 'unadvertise_service'; service: string }
/** `service_response`: reply to a `call_service` (either direction). */
export interface ServiceResponseFrame { op: 'service_response'; id?: string; service: string; values?: unknown; result: boolean }
/** `set_level`: which status messages the client wants. */
export interface SetLevelFrame { op: 'set_level'; id?: string; level: StatusLevel }
/** `status`: a diagnostic from the other side. */
export interface StatusFrame { op: 'status'; id?: string; level: StatusLevel; msg: string }
/** `fragment`: one slice of a JSON frame too big to send whole. */
export interface FragmentFrame { op: 'fragment'; id: string; data: string; num: number; total: number }
/** `png`: a frame compressed as a base64 PNG image of its JSON text. */
export interface PngFrame { op: 'png'; id?: string; data: string }
/** `advertise_action`: the client serves a ROS 2 action. */
export interface AdvertiseActionFrame { op: 'advertise_action'; action: string; type: string }
/** `unadvertise_action`: the client stops serving the action. */
export interface UnadvertiseActionFrame { op: 'unadvertise_action'; action: string }
/** `send_action_goal`: a goal; feedback and result come back with the same id. */
export interface SendActionGoalFrame {
  op: 'send_action_goal'; id: string; action: string; action_type: string; args: unknown; feedback?: boolean;
  fragment_size?: number; compression?: Compression;
}
/** `cancel_action_goal`: cancel the goal `id`. */
export interface CancelActionGoalFrame { op: 'cancel_action_goal'; id: string; action: string }
/** `action_feedback`: feedback for goal `id`. */
export interface ActionFeedbackFrame { op: 'action_feedback'; id: string; action: string; values: unknown }
/** `action_result`: the end of goal `id`; `status` is action_msgs/GoalStatus (4 succeeded, 5 canceled, 6 aborted). */
export interface ActionResultFrame { op: 'action_result'; id: string; action: string; values?: unknown; status: number; result: boolean }

/** Every frame of the protocol, discriminated on `op`. */
export type Frame =
  | AuthFrame | AdvertiseFrame | UnadvertiseFrame | PublishFrame | SubscribeFrame | UnsubscribeFrame
  | CallServiceFrame | AdvertiseServiceFrame | UnadvertiseServiceFrame | ServiceResponseFrame
  | SetLevelFrame | StatusFrame | FragmentFrame | PngFrame
  | AdvertiseActionFrame | UnadvertiseActionFrame | SendActionGoalFrame | CancelActionGoalFrame
  | ActionFeedbackFrame | ActionResultFrame;

/** Every op name, in protocol-document order. */
export const OPS = [
  'auth', 'advertise', 'unadvertise', 'publish', 'subscribe', 'unsubscribe', 'call_service',
  'advertise_service', 'unadvertise_service', 'service_response', 'set_level', 'status', 'fragment', 'png',
  'advertise_action', 'unadvertise_action', 'send_action_goal', 'cancel_action_goal', 'action_feedback', 'action_result',
] as const satisfies readonly Frame['op'][];

/** Outcome of frame parsing: the frame, or an error naming what was wrong (and the id, if readable). */
export type FrameResult = { ok: true; frame: Frame } | { ok: false; error: string; id?: string; op?: string };

const COMPRESSIONS: readonly string[] = ['none', 'png', 'cbor', 'cbor-raw'];
const LEVELS: readonly string[] = ['info', 'warning', 'error', 'none'];
const MAX_NAME = 1024;

/** A ROS graph name: `/a/b_c`, relative names allowed; the server normalises the leading slash. */
function requireName(record: Record<string, unknown>, key: string): string {
  const value = requireString(record, key);
  if (value.length === 0 || value.length > MAX_NAME || !/^[~/]?[A-Za-z_][A-Za-z0-9_/]*$/.test(value) || value.includes('//')) {
    throw new ValidationError(key, value, 'a ROS name (letters, digits, _ and /)');
  }
  return value;
}

/** A type name: `pkg/Type` or `pkg/msg/Type` (also srv/action). */
function requireTypeName(record: Record<string, unknown>, key: string): string {
  const value = requireString(record, key);
  if (!TYPE_NAME.test(value)) throw new ValidationError(key, value, 'a type name like "pkg/Type" or "pkg/msg/Type"');
  return value;
}
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9_]*\/(?:(?:msg|srv|action)\/)?[A-Za-z][A-Za-z0-9_]*$/;

function optionalTypeName(record: Record<string, unknown>, key: string): string | undefined {
  if (record[key] === undefined || record[key] === null || record[key] === '') return undefined;
  return requireTypeName(record, key);
}

function optionalCompression(record: Record<string, unknown>): Compression | undefined {
  const value = optionalString(record, 'compression');
  if (value === undefined) return undefined;
  if (!COMPRESSIONS.includes(value)) throw new ValidationError('compression', value, `one of ${COMPRESSIONS.join(', ')}`);
  return value as Compression;
}

function requireLevel(record: Record<string, unknown>): StatusLevel {
  const value = requireString(record, 'level');
  if (!LEVELS.includes(value)) throw new ValidationError('level', value, `one of ${LEVELS.join(', ')}`);
  return value as StatusLevel;
}

function requireId(record: Record<string, unknown>): string {
  const id = optionalId(record);
  if (id === undefined) throw new ValidationError('id', undefined, 'a string id');
  return id;
}

/** The frame without its `undefined` members (a copy: deleting keys would slow every later read). */
function defined<T extends object>(frame: T): T {
  const out = {} as T;
  for (const key in frame) if (frame[key] !== undefined) out[key] = frame[key];
  return out;
}

/** Validates a decoded frame; never throws. */
export function parseFrame(value: unknown): FrameResult {
  let id: string | undefined;
  let op: string | undefined;
  try {
    const r = asRecord(value, 'frame');
    if (typeof r.id === 'string') id = r.id;
    op = requireString(r, 'op');
    return { ok: true, frame: defined(readFrame(r, op)) };
  } catch (error) {
    const message = error instanceof ValidationError || error instanceof Error ? error.message : String(error);
    return { ok: false, error: op === undefined ? message : `${op}: ${message}`, id, op };
  }
}

function readFrame(r: Record<string, unknown>, op: string): Frame {
  const id = optionalId(r);
  switch (op) {
    case 'auth': {
      const token = optionalString(r, 'token') ?? optionalString(r, 'mac');
      if (token === undefined) throw new ValidationError('token', undefined, 'a string token');
      return { op, token };
    }
    case 'advertise':
      return { op, id, topic: requireName(r, 'topic'), type: requireTypeName(r, 'type'), latch: optionalBoolean(r, 'latch'), queue_size: optionalNumber(r, 'queue_size', 0, 1e6) };
    case 'unadvertise':
      return { op, id, topic: requireName(r, 'topic') };
    case 'publish':
      if (!('msg' in r)) throw new ValidationError('msg', undefined, 'a message object');
      return { op, id, topic: requireName(r, 'topic'), msg: r.msg, latch: optionalBoolean(r, 'latch') };
    case 'subscribe':
      return {
        op, id, topic: requireName(r, 'topic'), type: optionalTypeName(r, 'type'),
        throttle_rate: optionalNumber(r, 'throttle_rate', 0, 3.6e6), queue_length: optionalNumber(r, 'queue_length', 0, 1e5),
        fragment_size: optionalNumber(r, 'fragment_size', 1, 1e9), compression: optionalCompression(r),
      };
    case 'unsubscribe':
      return { op, id, topic: requireName(r, 'topic') };
    case 'call_service':
      return {
        op, id, service: requireName(r, 'service'), args: r.args ?? {}, type: optionalTypeName(r, 'type'),
        fragment_size: optionalNumber(r, 'fragment_size', 1, 1e9), compression: optionalCompression(r), timeout: optionalNumber(r, 'timeout', -Infinity, 1e9),
      };
    case 'advertise_service':
      return { op, service: requireName(r, 'service'), type: requireTypeName(r, 'type') };
    case 'unadvertise_service':
      return { op, service: requireName(r, 'service') };
    case 'service_response': {
      const result = optionalBoolean(r, 'result');
      if (result === undefined) throw new ValidationError('result', undefined, 'a boolean');
      return { op, id, service: requireName(r, 'service'), values: r.values, result };
    }
    case 'set_level':
      return { op, id, level: requireLevel(r) };
    case 'status':
      return { op, id, level: requireLevel(r), msg: requireString(r, 'msg') };
    case 'fragment': {
      const total = requireNumber(r, 'total', 1, 1e6);
      const num = requireNumber(r, 'num', 0, total - 1);
      if (!Number.isInteger(total)) throw new ValidationError('total', total, 'an integer');
      if (!Number.isInteger(num)) throw new ValidationError('num', num, 'an integer');
      return { op, id: requireId(r), data: requireString(r, 'data'), num, total };
    }
    case 'png':
      return { op, id, data: requireString(r, 'data') };
    case 'advertise_action':
      return { op, action: requireName(r, 'action'), type: requireTypeName(r, 'type') };
    case 'unadvertise_action':
      return { op, action: requireName(r, 'action') };
    case 'send_action_goal':
      return {
        op, id: requireId(r), action: requireName(r, 'action'), action_type: requireTypeName(r, 'action_type'), args: r.args ?? {},
        feedback: optionalBoolean(r, 'feedback'), fragment_size: optionalNumber(r, 'fragment_size', 1, 1e9), compression: optionalCompression(r),
      };
    case 'cancel_action_goal':
      return { op, id: requireId(r), action: requireName(r, 'action') };
    case 'action_feedback':
      return { op, id: requireId(r), action: requireName(r, 'action'), values: r.values ?? {} };
    case 'action_result': {
      const result = optionalBoolean(r, 'result');
      if (result === undefined) throw new ValidationError('result', undefined, 'a boolean');
      return { op, id: requireId(r), action: requireName(r, 'action'), values: r.values, status: requireNumber(r, 'status', 0, 6), result };
    }
    default:
      throw new ValidationError('op', op, `one of ${OPS.join(', ')}`);
  }
}

/** Parses JSON text into a validated frame; never throws. */
export function parseFrameText(text: string): FrameResult {
  let value: unknown;
  // Bad frames are common (fuzzers, broken clients): skip V8's stack capture for SyntaxError.
  const errorWithStack = errorConstructor as { stackTraceLimit?: number };
  const limit = errorWithStack.stackTraceLimit;
  errorWithStack.stackTraceLimit = 0;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  } finally {
    errorWithStack.stackTraceLimit = limit;
  }
  return parseFrame(value);
}

const errorConstructor: unknown = Error;

/** Puts a leading slash on a relative ROS name (`rosapi/topics` -> `/rosapi/topics`). */
export function absoluteName(name: string): string {
  return name.startsWith('/') ? name : `/${name.replace(/^~\/?/, '')}`;
}
