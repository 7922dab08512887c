// Field-by-field validation of message values against their schema, compiled once per type.
// Missing fields are allowed (the receiver fills defaults, as rosbridge does); extra fields,
// wrong types, out-of-range integers and wrong fixed array lengths are errors naming the field.
// Optionally rewrites time fields into one dialect and typed arrays into plain arrays, in place.
import { ValidationError } from './check.ts';
import { type FieldSchema, type MessageSchema, messageSchema } from './message-schema.ts';

/** Options for validation: time spelling to rewrite into, and typed-array flattening. */
export interface ValidateOptions {
  /** Rewrite every time/duration to `{secs,nsecs}` (ros1) or `{sec,nanosec}` (ros2); keep as is when undefined. */
  dialect?: 'ros1' | 'ros2';
  /** Replace typed arrays with plain arrays (for values about to be JSON-encoded). */
  plainArrays?: boolean;
}

// A check returns the value, or a replacement to store in its place; it throws a ValidationError
// whose field path is relative to the value it was given ('' for the value itself).
type Check = (value: unknown, options: ValidateOptions) => unknown;

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], byte: [0, 255], char: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295], int64: [-Number.MAX_VALUE, Number.MAX_VALUE], uint64: [0, Number.MAX_VALUE],
};

function fail(field: string, value: unknown, expected: string): never {
  throw new ValidationError(field, value, expected);
}

/** Re-throws a child's failure with the parent's field name in front. */
function within(prefix: string, error: unknown): never {
  if (error instanceof ValidationError) throw error.under(prefix);
  throw error;
}

function scalarCheck(type: string): Check {
  if (type === 'float32' || type === 'float64') {
    // null stands for NaN/Inf, which JSON cannot carry.
    return (v) => (typeof v === 'number' || v === null ? v : fail('', v, `a number (${type})`));
  }
  if (type === 'string' || type === 'wstring') return (v) => (typeof v === 'string' ? v : fail('', v, 'a string'));
  if (type === 'bool') return (v) => (typeof v === 'boolean' ? v : fail('', v, 'a boolean'));
  if (type === 'time' || type === 'duration') return timeCheck(type);
  const [min, max] = INT_RANGES[type];
  return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail('', v, `an integer ${type} in [${min}, ${max}]`));
}

function timeCheck(type: string): Check {
  return (v, options) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('', v, `a ${type} {sec,nanosec} or {secs,nsecs}`);
    const t = v as Record<string, unknown>;
    const ros2 = 'sec' in t || 'nanosec' in t;
    const ros1 = 'secs' in t || 'nsecs' in t;
    if (ros1 && ros2) fail('', v, `a ${type} with either {sec,nanosec} or {secs,nsecs}, not both`);
    for (const key in t) {
      if (key !== 'sec' && key !== 'nanosec' && key !== 'secs' && key !== 'nsecs') fail(key, t[key], `no such field in ${type}`);
      const x = t[key];
      if (typeof x !== 'number' || !Number.isInteger(x)) fail(key, x, 'an integer');
      if ((key === 'nsecs' || key === 'nanosec') && (x < 0 || x > 4294967295)) fail(key, x, 'an integer in [0, 4294967295]');
    }
    const dialect = options.dialect;
    if (dialect === 'ros1' && ros2) return { secs: t.sec ?? 0, nsecs: t.nanosec ?? 0 };
    if (dialect === 'ros2' && ros1) return { sec: t.secs ?? 0, nanosec: t.nsecs ?? 0 };
    return v;
  };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function arrayCheck(field: FieldSchema, element: Check): Check {
  const fixed = field.arrayLength;
  const bytes = field.type === 'uint8' || field.type === 'char' || field.type === 'byte';
  const numeric = field.primitive && INT_RANGES[field.type] !== undefined || field.type === 'float32' || field.type === 'float64';
  const shape = fixed > 0 ? `an array of length ${fixed}` : 'an array';
  const floats = field.type === 'float32' || field.type === 'float64';
  return (v, options) => {
    if (bytes && typeof v === 'string') {
      if (!BASE64.test(v)) fail('', v, 'a base64 string or an array of integers');
      return v;
    }
    if (numeric && ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const typed = v as unknown as ArrayLike<number>;
      if (fixed > 0 && typed.length !== fixed) fail('', v, shape);
      return options.plainArrays ? Array.from(typed) : v;
    }
    if (!Array.isArray(v)) fail('', v, shape);
    if (fixed > 0 && v.length !== fixed) fail('', v, shape);
    if (floats) {
      // Checked in place: passing each element to a check function would box every double of
      // a packed double array (16 bytes each, per message).
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (typeof x !== 'number' && x !== null) fail(`[${i}]`, x, `a number (${field.type})`);
      }
      return v;
    }
    for (let i = 0; i < v.length; i++) {
      let out: unknown;
      try {
        out = element(v[i], options);
      } catch (error) {
        within(`[${i}]`, error);
      }
      if (out !== v[i]) v[i] = out;
    }
    return v;
  };
}

const compiled = new Map<string, Check>();

function compile(schema: MessageSchema): Check {
  const existing = compiled.get(schema.name);
  if (existing) return existing;
  const byName = new Map<string, Check>();
  const fieldList = schema.fields.map((f) => f.name).join(', ') || 'none';
  const check: Check = (v, options) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) fail('', v, `a ${schema.name} object`);
    const record = v as Record<string, unknown>;
    for (const key in record) {
      const fieldCheck = byName.get(key);
      if (fieldCheck === undefined) fail(key, record[key], `no such field in ${schema.name} (fields: ${fieldList})`);
      const value = record[key];
      let out: unknown;
      try {
        out = fieldCheck(value, options);
      } catch (error) {
        within(key, error);
      }
      if (out !== value) record[key] = out;
    }
    return v;
  };
  compiled.set(schema.name, check);
  for (const field of schema.fields) {
    const element: Check = field.primitive ? scalarCheck(field.type) : compile(messageSchema(field.type)!);
    byName.set(field.name, field.arrayLength >= 0 ? arrayCheck(field, element) : element);
  }
  return check;
}

/**
 * Validates `value` as a message of `type` (either spelling). Returns null when valid, else the
 * error text naming the field, value and expectation. Unknown types give an error too.
 */
export function validateMessage(type: string, value: unknown, options: ValidateOptions = {}): string | null {
  const schema = messageSchema(type);
  if (!schema) return `unknown message type "${type}"`;
  return validateAgainst(schema, value, options);
}

/** Validates against an already-resolved schema (services and actions use this). */
export function validateAgainst(schema: MessageSchema, value: unknown, options: ValidateOptions = {}): string | null {
  try {
    compile(schema)(value, options);
    return null;
  } catch (error) {
    if (error instanceof ValidationError) {
      const where = error.field === '' ? '' : ` field "${error.field}":`;
      return `${schema.name}:${where} got ${error.value}, expected ${error.expected}`;
    }
    return `${schema.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
}
