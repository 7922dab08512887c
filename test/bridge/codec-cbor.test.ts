// The schema-driven CBOR publish encoder against the generic one (a converted copy through cbor-x):
// for generated messages of every known type, both decode to the same value, and the direct path
// is the one taken; messages it does not foresee go the generic way.
import fc from 'fast-check';
import { Decoder } from 'cbor-x';
import { describe, expect, it } from 'vitest';
import { encodeBase64 } from '../../bridge/base64.ts';
import { encodeCborPublishBySchema } from '../../bridge/codec-cbor-schema.ts';
import { encodeCborPublish, encodeCborPublishGeneric } from '../../bridge/codec-cbor.ts';
import { type FieldSchema, type MessageSchema, knownMessageTypes, messageSchema } from '../../bridge/message-schema.ts';
import { validateMessage } from '../../bridge/message-validate.ts';

const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
// Copied into a plain Uint8Array: cbor-x hands out byte strings as views of the same class as its input.
const decode = (bytes: Uint8Array): unknown => decoder.decode(Uint8Array.from(bytes));

const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], byte: [0, 255], char: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-2147483648, 2147483647], uint32: [0, 4294967295], int64: [-(2 ** 53) + 1, 2 ** 53 - 1], uint64: [0, 2 ** 53 - 1],
};

function scalar(type: string): fc.Arbitrary<unknown> {
  if (type === 'float64' || type === 'float32') return fc.oneof(fc.double(), fc.integer(), fc.constant(null));
  if (type === 'string' || type === 'wstring') return fc.string({ unit: 'grapheme', maxLength: 30 });
  if (type === 'bool') return fc.boolean();
  if (type === 'time' || type === 'duration') {
    return fc.oneof(
      fc.record({ sec: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), nanosec: fc.integer({ min: 0, max: 999_999_999 }) }, { requiredKeys: [] }),
      fc.record({ secs: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), nsecs: fc.integer({ min: 0, max: 999_999_999 }) }, { requiredKeys: [] }),
    );
  }
  const [min, max] = INT_RANGES[type];
  return fc.integer({ min, max });
}

function fieldValue(f: FieldSchema, depth: number): fc.Arbitrary<unknown> {
  const element = f.primitive ? scalar(f.type) : message(messageSchema(f.type)!, depth + 1);
  if (f.arrayLength < 0) return element;
  const size = f.arrayLength > 0 ? { minLength: f.arrayLength, maxLength: f.arrayLength } : { maxLength: depth > 1 ? 2 : 8 };
  const array = fc.array(element, size);
  if (f.type === 'uint8' || f.type === 'char' || f.type === 'byte') {
    return fc.oneof(array, fc.uint8Array(size).map((b) => encodeBase64(b)));
  }
  return array;
}

const messages = new Map<string, fc.Arbitrary<Record<string, unknown>>>();
function message(schema: MessageSchema, depth = 0): fc.Arbitrary<Record<string, unknown>> {
  const key = `${schema.name}@${depth}`;
  let arbitrary = messages.get(key);
  if (!arbitrary) {
    const shape: Record<string, fc.Arbitrary<unknown>> = {};
    for (const f of schema.fields) shape[f.name] = fieldValue(f, depth);
    arbitrary = fc.record(shape, { requiredKeys: [] });
    messages.set(key, arbitrary);
  }
  return arbitrary;
}

describe('CBOR publish frames written from the schema', () => {
  it('decode to what the generic encoder gives, for generated messages of every known type', () => {
    for (const type of knownMessageTypes()) {
      const schema = messageSchema(type)!;
      fc.assert(
        fc.property(message(schema), fc.constantFrom('/t', '/ünïcode/topic'), (msg, topic) => {
          expect(validateMessage(type, msg)).toBeNull();
          const direct = encodeCborPublishBySchema(topic, schema, msg);
          expect(direct, type).toBeDefined();
          expect(decode(direct!)).toEqual(decode(encodeCborPublishGeneric(topic, schema, msg)));
        }),
        { seed: 4, numRuns: 60 },
      );
    }
  });

  it('write a JointState with its numeric arrays as little-endian float64 typed arrays (tag 86)', () => {
    const msg = { header: { stamp: { sec: 3, nanosec: 7 }, frame_id: 'base' }, name: ['a', 'b'], position: [1.5, -2], velocity: [], effort: [0.25, null] };
    const out = decode(encodeCborPublish('/joint_states', 'sensor_msgs/JointState', msg)) as { op: string; topic: string; msg: Record<string, unknown> };
    expect(out.op).toBe('publish');
    expect(out.topic).toBe('/joint_states');
    expect(out.msg.position).toEqual(new Float64Array([1.5, -2]));
    expect(out.msg.effort).toEqual(new Float64Array([0.25, Number.NaN]));
    expect(out.msg.name).toEqual(['a', 'b']);
    expect(out.msg.header).toEqual({ stamp: { sec: 3, nanosec: 7 }, frame_id: 'base' });
  });

  it('leave messages the schema does not foresee to the generic encoder', () => {
    const schema = messageSchema('sensor_msgs/JointState')!;
    const typed = { position: new Float64Array([1, 2]) };
    expect(encodeCborPublishBySchema('/t', schema, typed)).toBeUndefined();
    expect((decode(encodeCborPublish('/t', 'sensor_msgs/JointState', typed)) as { msg: { position: unknown } }).msg.position).toEqual(new Float64Array([1, 2]));
    expect(encodeCborPublishBySchema('/t', schema, { extra: 1 })).toBeUndefined();
  });
});
