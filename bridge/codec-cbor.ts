// rosbridge's `cbor` compression: a whole frame as one binary CBOR item, with numeric arrays of
// known message types as RFC 8746 little-endian typed arrays (tag 86 float64, 85 float32,
// 78 int32, 77 int16, 72 int8, 70 uint32, 69 uint16, 79 int64, 71 uint64), and uint8/char
// arrays as plain byte strings, the way rosbridge_suite's cbor_conversion writes them and
// roslib (cbor2) reads them. Unlike rosbridge, string arrays are encoded (as CBOR arrays).
import { Encoder } from 'cbor-x';
import { decodeBase64 } from './base64.ts';
import { encodeCborPublishBySchema } from './codec-cbor-schema.ts';
import { type MessageSchema, messageSchema } from './message-schema.ts';

type TypedArrayConstructor =
  | Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Int16ArrayConstructor | Int8ArrayConstructor
  | Uint32ArrayConstructor | Uint16ArrayConstructor | Uint8ArrayConstructor;

const TYPED: Record<string, TypedArrayConstructor> = {
  float64: Float64Array, float32: Float32Array, int32: Int32Array, int16: Int16Array, int8: Int8Array,
  uint32: Uint32Array, uint16: Uint16Array, uint8: Uint8Array, char: Uint8Array, byte: Uint8Array,
};

const encoder = new Encoder({ useRecords: false, tagUint8Array: false, variableMapSize: true });

function toTyped(kind: string, value: unknown): unknown {
  if (typeof value === 'string') return kind === 'uint8' || kind === 'char' || kind === 'byte' ? decodeBase64(value) : value;
  if (!Array.isArray(value)) return value; // already typed (in-process) or malformed; encode as is
  if (kind === 'int64' || kind === 'uint64') {
    const out = kind === 'int64' ? new BigInt64Array(value.length) : new BigUint64Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = BigInt(Math.trunc(Number(value[i])));
    return out;
  }
  const Ctor = TYPED[kind];
  if (!Ctor) return value;
  const out = new Ctor(value.length);
  const float = kind === 'float64' || kind === 'float32';
  for (let i = 0; i < value.length; i++) {
    const x = value[i];
    out[i] = typeof x === 'number' ? x : float ? Number.NaN : 0;
  }
  return out;
}

/** A copy of `msg` with numeric arrays as typed arrays, guided by the schema; input untouched. */
export function toCborValue(schema: MessageSchema, msg: unknown): unknown {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return msg;
  const source = msg as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key in source) out[key] = source[key];
  for (const field of schema.fields) {
    const value = source[field.name];
    if (value === undefined) continue;
    if (field.primitive) {
      if (field.arrayLength >= 0) out[field.name] = toTyped(field.type, value);
      continue;
    }
    const child = messageSchema(field.type)!;
    out[field.name] = field.arrayLength >= 0 && Array.isArray(value) ? value.map((v) => toCborValue(child, v)) : toCborValue(child, value);
  }
  return out;
}

/**
 * CBOR bytes of a publish frame for `topic`, with `msg` converted by its type when known (written
 * straight from the schema; through toCborValue and cbor-x when the message holds something else).
 */
export function encodeCborPublish(topic: string, type: string | undefined, msg: unknown): Uint8Array {
  const schema = type === undefined ? undefined : messageSchema(type);
  if (schema) {
    const direct = encodeCborPublishBySchema(topic, schema, msg);
    if (direct !== undefined) return direct;
  }
  return encodeCborPublishGeneric(topic, schema, msg);
}

/** The generic path of encodeCborPublish: a converted copy of `msg` encoded by cbor-x. */
export function encodeCborPublishGeneric(topic: string, schema: MessageSchema | undefined, msg: unknown): Uint8Array {
  return encoder.encode({ op: 'publish', topic, msg: schema ? toCborValue(schema, msg) : msg });
}

/** CBOR bytes of any frame object, encoded as is. */
export function encodeCborFrame(frame: unknown): Uint8Array {
  return encoder.encode(frame);
}
