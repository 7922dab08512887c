// A CBOR `publish` frame written straight from a validated message, guided by its schema: the same
// items codec-cbor.ts builds through a converted copy and cbor-x (numeric arrays as RFC 8746
// little-endian typed-array tags, uint8/char arrays as byte strings, everything else as plain
// CBOR, RFC 8949), without the copy, the typed arrays or the generic encoder: a 7-joint JointState
// took 5 µs that way. Anything the schema does not foresee (a typed array, an unknown key, a value
// of another kind) returns undefined and the caller uses the generic path. No Node API.
import { decodeBase64 } from './base64.ts';
import { type FieldSchema, type MessageSchema, messageSchema } from './message-schema.ts';

const MAJOR_UNSIGNED = 0;
const MAJOR_NEGATIVE = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const FALSE = 0xf4;
const TRUE = 0xf5;
const NULL = 0xf6;
const FLOAT64 = 0xfb;

// RFC 8746 typed-array tags, little-endian, with the element size in bytes.
const ARRAY_TAGS: Record<string, { tag: number; size: number }> = {
  float64: { tag: 86, size: 8 }, float32: { tag: 85, size: 4 }, int64: { tag: 79, size: 8 }, int32: { tag: 78, size: 4 },
  int16: { tag: 77, size: 2 }, int8: { tag: 72, size: 1 }, uint64: { tag: 71, size: 8 }, uint32: { tag: 70, size: 4 },
  uint16: { tag: 69, size: 2 },
};
const BYTE_KINDS: ReadonlySet<string> = new Set(['uint8', 'char', 'byte']);

/** Thrown inside the encoder when the message is not what the schema foresees. */
class Unforeseen extends Error {}
const UNFORESEEN = new Unforeseen('value not foreseen by the schema');

const utf8 = new TextEncoder();
let buffer = new Uint8Array(64 * 1024);
let view = new DataView(buffer.buffer);
let at = 0;

function reserve(bytes: number): void {
  if (at + bytes <= buffer.length) return;
  let size = buffer.length * 2;
  while (size < at + bytes) size *= 2;
  const grown = new Uint8Array(size);
  grown.set(buffer.subarray(0, at));
  buffer = grown;
  view = new DataView(buffer.buffer);
}

/** A head: major type and argument (RFC 8949 §3), shortest form. `n` is a non-negative integer. */
function head(major: number, n: number): void {
  reserve(9);
  const m = major << 5;
  if (n < 24) {
    buffer[at++] = m | n;
  } else if (n < 0x100) {
    buffer[at++] = m | 24;
    buffer[at++] = n;
  } else if (n < 0x10000) {
    buffer[at++] = m | 25;
    view.setUint16(at, n);
    at += 2;
  } else if (n < 0x100000000) {
    buffer[at++] = m | 26;
    view.setUint32(at, n);
    at += 4;
  } else {
    buffer[at++] = m | 27;
    view.setUint32(at, Math.floor(n / 0x100000000));
    view.setUint32(at + 4, n >>> 0);
    at += 8;
  }
}

function number(x: number): void {
  // Integers within 32 bits as CBOR integers, the rest as float64, as cbor-x writes them: decoders
  // (cbor-x among them) turn 64-bit integers into BigInt.
  if (Number.isInteger(x) && x >= -0x80000000 && x <= 0xffffffff) {
    if (x >= 0) head(MAJOR_UNSIGNED, x);
    else head(MAJOR_NEGATIVE, -1 - x);
    return;
  }
  reserve(9);
  buffer[at++] = FLOAT64;
  view.setFloat64(at, x);
  at += 8;
}

function text(s: string): void {
  const n = s.length;
  // ASCII, the usual case, goes in directly; anything else through TextEncoder.
  head(MAJOR_TEXT, n);
  reserve(n);
  const start = at;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      at = start;
      // Rewind the head too: it is 1, 2, 3, 5 or 9 bytes before `start`.
      at -= n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : n < 0x100000000 ? 5 : 9;
      const bytes = utf8.encode(s);
      head(MAJOR_TEXT, bytes.length);
      reserve(bytes.length);
      buffer.set(bytes, at);
      at += bytes.length;
      return;
    }
    buffer[at + i] = c;
  }
  at += n;
}

function bytes(data: Uint8Array): void {
  head(MAJOR_BYTES, data.length);
  reserve(data.length);
  buffer.set(data, at);
  at += data.length;
}

function scalar(type: string, value: unknown): void {
  if (typeof value === 'number') return number(value);
  if (typeof value === 'string') return text(value);
  if (typeof value === 'boolean') {
    reserve(1);
    buffer[at++] = value ? TRUE : FALSE;
    return;
  }
  if (value === null) {
    reserve(1);
    buffer[at++] = NULL;
    return;
  }
  if (type === 'time' || type === 'duration') return plainMap(value);
  throw UNFORESEEN;
}

/** A time value: a map of its integer members as they are. */
function plainMap(value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) throw UNFORESEEN;
  const record = value as Record<string, unknown>;
  let count = 0;
  for (const key in record) if (record[key] !== undefined) count++;
  head(MAJOR_MAP, count);
  for (const key in record) {
    const x = record[key];
    if (x === undefined) continue;
    if (typeof x !== 'number') throw UNFORESEEN;
    text(key);
    number(x);
  }
}

function numericArray(kind: string, value: unknown[]): void {
  const layout = ARRAY_TAGS[kind];
  const n = value.length;
  head(MAJOR_TAG, layout.tag);
  head(MAJOR_BYTES, n * layout.size);
  reserve(n * layout.size);
  const float = kind === 'float64' || kind === 'float32';
  // As codec-cbor.ts converts: a non-number element (null for NaN) is NaN in a float array, else 0.
  for (let i = 0; i < n; i++) {
    const v = value[i];
    const x = typeof v === 'number' ? v : float ? Number.NaN : 0;
    switch (kind) {
      case 'float64': view.setFloat64(at, x, true); break;
      case 'float32': view.setFloat32(at, x, true); break;
      case 'int32': view.setInt32(at, x, true); break;
      case 'uint32': view.setUint32(at, x, true); break;
      case 'int16': view.setInt16(at, x, true); break;
      case 'uint16': view.setUint16(at, x, true); break;
      case 'int8': view.setInt8(at, x); break;
      case 'int64': view.setBigInt64(at, BigInt(Math.trunc(x)), true); break;
      case 'uint64': view.setBigUint64(at, BigInt(Math.trunc(x)), true); break;
    }
    at += layout.size;
  }
}

function field(f: FieldSchema, value: unknown): void {
  if (f.arrayLength < 0) {
    if (f.primitive) scalar(f.type, value);
    else message(messageSchema(f.type)!, value);
    return;
  }
  if (f.primitive && BYTE_KINDS.has(f.type)) {
    if (typeof value === 'string') return bytes(decodeBase64(value));
    if (!Array.isArray(value)) throw UNFORESEEN;
    const out = new Uint8Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = typeof value[i] === 'number' ? (value[i] as number) : 0;
    return bytes(out);
  }
  if (!Array.isArray(value)) throw UNFORESEEN;
  if (f.primitive && ARRAY_TAGS[f.type] !== undefined) return numericArray(f.type, value);
  head(MAJOR_ARRAY, value.length);
  if (f.primitive) for (const v of value) scalar(f.type, v);
  else {
    const child = messageSchema(f.type)!;
    for (const v of value) message(child, v);
  }
}

// Field lookup by name, per schema, built on first use.
const fieldMaps = new Map<string, Map<string, FieldSchema>>();

function fieldsOf(schema: MessageSchema): Map<string, FieldSchema> {
  let map = fieldMaps.get(schema.name);
  if (!map) {
    map = new Map(schema.fields.map((f) => [f.name, f]));
    fieldMaps.set(schema.name, map);
  }
  return map;
}

function message(schema: MessageSchema, value: unknown): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value)) throw UNFORESEEN;
  const record = value as Record<string, unknown>;
  const fields = fieldsOf(schema);
  let count = 0;
  for (const key in record) if (record[key] !== undefined) count++;
  head(MAJOR_MAP, count);
  for (const key in record) {
    const v = record[key];
    if (v === undefined) continue;
    const f = fields.get(key);
    if (f === undefined) throw UNFORESEEN;
    text(key);
    field(f, v);
  }
}

/**
 * CBOR bytes of `{op:'publish', topic, msg}` with `msg` encoded by `schema`, or undefined when
 * `msg` holds something the schema does not foresee (the caller then takes the generic path).
 */
export function encodeCborPublishBySchema(topic: string, schema: MessageSchema, msg: unknown): Uint8Array | undefined {
  at = 0;
  try {
    head(MAJOR_MAP, 3);
    text('op');
    text('publish');
    text('topic');
    text(topic);
    text('msg');
    message(schema, msg);
  } catch (error) {
    if (error === UNFORESEEN) return undefined;
    throw error;
  }
  return buffer.slice(0, at);
}
