// The server forwards a JSON publish frame's `msg` text as received instead of re-serializing it:
// subscribers must decode exactly what they decoded when the server used JSON.stringify.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { jsonMemberText } from '../../bridge/json-member.ts';
import { Delivery, TopicTable } from '../../bridge/hub-topics.ts';
import { encodeJoined } from '../../bridge/frame-writer.ts';
import { rawClient, startServer, waitFor, type RawClient } from './helpers.ts';

/** A rendering that tells -0 from 0 and keeps key order, for exact comparison of decoded values. */
function canonical(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// Number texts chosen to differ from their JSON.stringify spelling, some of them in value too.
const NUMBER_TEXTS = ['0', '-0', '-0.0', '-0.000', '-0.5', '1.50', '1e3', '1E-3', '-1e400', '1e400', '2.5e-400', '-2.5e-400', '12345678901234567890123', `1${'0'.repeat(320)}`, '0.1000000000000000055511151231257827'];
const STRING_TEXTS = ['""', '"msg"', '"a\\"b"', '"\\\\"', '"\\\\\\""', '"}]{["', '"\\u006dsg"', '"é"', '"\\ud83d\\ude00"', '"1e400"', '"-0"'];
const KEY_TEXTS = ['"msg"', '"m\\u0073g"', '"op"', '"a"', '"ms\\"g"', '"x}"'];
const SPACE = fc.constantFrom('', ' ', '\n\t ');

const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...NUMBER_TEXTS, ...STRING_TEXTS, 'true', 'false', 'null'),
    fc.array(fc.tuple(SPACE, tie('value'), SPACE), { maxLength: 4 }).map((items) => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
    fc.array(fc.tuple(fc.constantFrom(...KEY_TEXTS), SPACE, tie('value')), { maxLength: 4 }).map((members) => `{${members.map(([k, s, v]) => `${k}${s}:${s}${v}`).join(',')}}`),
  ),
})).value;

describe('jsonMemberText', () => {
  it('gives text that decodes like JSON.stringify of the parsed member, or nothing', () => {
    const frame = fc.array(fc.tuple(fc.constantFrom(...KEY_TEXTS), SPACE, jsonText), { minLength: 1, maxLength: 5 })
      .map((members) => ` {${members.map(([k, s, v]) => `${k}${s}:${s}${v}`).join(' ,')}} `);
    fc.assert(fc.property(frame, (text) => {
      const parsed: unknown = JSON.parse(text);
      const member = (parsed as Record<string, unknown>).msg;
      const forwarded = jsonMemberText(text, 'msg');
      if (forwarded === undefined) return;
      expect(typeof member === 'object' && member !== null).toBe(true);
      expect(canonical(JSON.parse(forwarded))).toBe(canonical(JSON.parse(JSON.stringify(member))));
    }), { numRuns: 3000, seed: 4 });
  });

  it('finds the msg of the frames roslib sends (so forwarding actually happens)', () => {
    const msg = { header: { stamp: { sec: 1, nanosec: 2 }, frame_id: 'a "b" \\ c' }, name: ['j1', 'j2'], position: [0.8414709848078965, -0.5], velocity: [], effort: [0.5, 12] };
    const text = JSON.stringify({ op: 'publish', id: 'publish:/t:1', topic: '/t', msg, latch: false });
    expect(jsonMemberText(text, 'msg')).toBe(JSON.stringify(msg));
    expect(jsonMemberText('{"op":"publish","msg":{"a":[1,2]},"msg":{"b":-0.25}}', 'msg')).toBe('{"b":-0.25}');
    expect(jsonMemberText('{"msg":{"a":1e400}}', 'msg')).toBeUndefined();
    expect(jsonMemberText('{"msg":{"a":-0.00}}', 'msg')).toBeUndefined();
    expect(jsonMemberText('{"msg":{"a":1},"msg":7}', 'msg')).toBeUndefined();
  });
});

describe('forwarded publish frames', () => {
  let server: RosbridgeServer;
  let publisher: RawClient;
  let subscriber: RawClient;
  beforeAll(async () => {
    server = await startServer();
    publisher = await rawClient(server.url);
    subscriber = await rawClient(server.url);
    subscriber.send({ op: 'subscribe', topic: '/forward', type: 'sensor_msgs/JointState' });
    publisher.send({ op: 'advertise', topic: '/forward', type: 'sensor_msgs/JointState' });
  });
  afterAll(async () => {
    publisher.close();
    subscriber.close();
    await server.close();
  });

  it('reach subscribers exactly as re-serialized ones did, odd spellings included', async () => {
    const texts = [
      '{"op":"publish","topic":"/forward","msg":{"name":["a"],"position":[1.50, -0, 1e400, -0.0, 2E-1]},"latch":false}',
      '{ "topic" : "/forward" , "m\\u0073g" : { "name" : [ "x\\"}" ] , "effort" : [ 12345678901234567890123 ] } , "op" : "publish" }',
      '{"op":"publish","topic":"/forward","msg":{"position":[1]},"msg":{"position":[-0.25, 3]}}',
      // Not ASCII: characters and bytes do not line up, so the msg is encoded, not copied.
      '{"op":"publish","topic":"/forward","msg":{"header":{"frame_id":"ß"},"name":["ünï","日本"]},"id":"é"}',
      '{"op":"publish","id":"publish:/forward:1","topic":"/forward","msg":{"name":["j1"],"position":[0.8414709848078965]}}',
    ];
    for (const text of texts) publisher.send(text);
    await waitFor(() => subscriber.frames.filter((f) => f.op === 'publish').length === texts.length, 3000, 'forwarded messages');
    const received = subscriber.frames.filter((f) => f.op === 'publish');
    texts.forEach((text, i) => {
      const expected = JSON.parse(JSON.stringify((JSON.parse(text) as { msg: unknown }).msg)) as unknown;
      expect(canonical(received[i].msg), text).toBe(canonical(expected));
      expect(received[i].topic).toBe('/forward');
    });
    expect(subscriber.frames.filter((f) => f.op === 'status')).toEqual([]);
  });
});

describe('Delivery', () => {
  const entry = new TopicTable().entry('/d');
  it('encodes the frame once, with the transport encoder when given, to the UTF-8 of its text', () => {
    const msg = { name: ['j1', 'ünï', '日本'], position: [0.5, -1] };
    const text = JSON.stringify({ op: 'publish', id: 'x', topic: '/d', msg });
    let calls = 0;
    const encode = (head: string, body: string, tail: string) => (calls++, encodeJoined(head, body, tail));
    const delivery = new Delivery('/d', undefined, JSON.parse(text).msg, entry.prefix, text);
    const bytes = delivery.jsonBytes(encode);
    expect(delivery.jsonBytes(encode)).toBe(bytes);
    expect(calls).toBe(1);
    expect(new Uint8Array(bytes)).toEqual(new TextEncoder().encode(delivery.json()));
    expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual({ op: 'publish', topic: '/d', msg });
  });

  it('encodes from parts the same bytes as the joined text: source text, re-serialized, or text already made', () => {
    const msg = { name: ['j1', 'ünï', '日本', 'a"}'], position: [0.5, -1] };
    const text = JSON.stringify({ op: 'publish', topic: '/d', msg });
    const expected = (d: Delivery) => new TextEncoder().encode(d.json());
    const fromSource = new Delivery('/d', undefined, JSON.parse(text).msg, entry.prefix, text);
    expect(new Uint8Array(fromSource.jsonBytes(encodeJoined))).toEqual(expected(new Delivery('/d', undefined, msg, entry.prefix, text)));
    const serialized = new Delivery('/d', undefined, msg, entry.prefix);
    expect(new Uint8Array(serialized.jsonBytes(encodeJoined))).toEqual(expected(new Delivery('/d', undefined, msg, entry.prefix)));
    const textFirst = new Delivery('/d', undefined, msg, entry.prefix, text);
    const json = textFirst.json();
    expect(new Uint8Array(textFirst.jsonBytes(encodeJoined))).toEqual(new TextEncoder().encode(json));
    expect(new Uint8Array(encodeJoined('ß', '日本', '}'))).toEqual(new TextEncoder().encode('ß日本}'));
    expect(encodeJoined('', '', '').length).toBe(0);
  });

  it('re-serializes the message once the source frame is released', () => {
    const released = new Delivery('/d', undefined, { name: ['a'] }, entry.prefix, '{"msg":{"name":["source"]}}');
    released.release();
    expect(JSON.parse(released.json())).toEqual({ op: 'publish', topic: '/d', msg: { name: ['a'] } });
    const kept = new Delivery('/d', undefined, { name: ['a'] }, entry.prefix, '{"msg":{"name":["source"]}}');
    expect(JSON.parse(kept.json())).toEqual({ op: 'publish', topic: '/d', msg: { name: ['source'] } });
  });
});
