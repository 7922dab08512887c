// Throttled, queued and merged subscriptions, png and cbor compression, and fragments in both
// directions, with roslib (and a raw socket where roslib cannot express the frame).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type Ros } from 'roslib';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { encodePngFrame, splitIntoFragments } from '../../bridge/index.ts';
import { connectRos, rawClient, sleep, startServer, waitFor, type RawClient } from './helpers.ts';

let server: RosbridgeServer;
const closers: (() => void)[] = [];
async function ros(): Promise<Ros> {
  const r = await connectRos(server.url);
  closers.push(() => r.close());
  return r;
}
async function raw(): Promise<RawClient> {
  const r = await rawClient(server.url);
  closers.push(() => r.close());
  return r;
}
const joints = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'];

beforeAll(async () => {
  server = await startServer({ fragmentTimeoutMs: 100 });
});
afterAll(async () => {
  for (const c of closers) c();
  await server.close();
});

describe('subscription options', () => {
  it('throttles to at most one message per throttle_rate and ends on the newest message', async () => {
    const a = await ros();
    const got: number[] = [];
    new Topic({ ros: a, name: '/throttled', messageType: 'std_msgs/Int32', throttle_rate: 100 }).subscribe((m) => got.push((m as { data: number }).data));
    await sleep(30);
    const start = performance.now();
    for (let i = 0; i < 40; i++) {
      server.publish('/throttled', 'std_msgs/Int32', { data: i });
      await sleep(10);
    }
    const windows = (performance.now() - start) / 100;
    await sleep(250);
    // One message per 100 ms window (plus the first and the trailing newest), however slow the machine.
    expect(got.length).toBeGreaterThanOrEqual(3);
    expect(got.length).toBeLessThanOrEqual(Math.ceil(windows) + 2);
    expect(got.length).toBeLessThan(40);
    expect(got.at(-1)).toBe(39);
  });

  it('keeps the newest queue_length messages of a burst and drops the oldest', async () => {
    const a = await ros();
    const got: number[] = [];
    new Topic({ ros: a, name: '/queued', messageType: 'std_msgs/Int32', throttle_rate: 40, queue_length: 3 }).subscribe((m) => got.push((m as { data: number }).data));
    await sleep(30);
    for (let i = 0; i < 20; i++) server.publish('/queued', 'std_msgs/Int32', { data: i });
    await waitFor(() => got.length >= 4, 2000, 'queued messages');
    await sleep(100);
    expect(got).toEqual([0, 17, 18, 19]);
  });

  it('merges two subscriptions of one client: lowest throttle_rate wins until it unsubscribes', async () => {
    const c = await raw();
    c.send({ op: 'subscribe', id: 'slow', topic: '/merged', type: 'std_msgs/Int32', throttle_rate: 1000 });
    c.send({ op: 'subscribe', id: 'fast', topic: '/merged', type: 'std_msgs/Int32', throttle_rate: 0 });
    await sleep(30);
    for (let i = 0; i < 10; i++) server.publish('/merged', 'std_msgs/Int32', { data: i });
    await waitFor(() => c.frames.filter((f) => f.op === 'publish').length === 10, 2000, '10 unthrottled messages');
    c.send({ op: 'unsubscribe', id: 'fast', topic: '/merged' });
    await sleep(30);
    c.frames.length = 0;
    for (let i = 0; i < 10; i++) server.publish('/merged', 'std_msgs/Int32', { data: i });
    await sleep(100);
    expect(c.frames.filter((f) => f.op === 'publish').length).toBe(1);
  });
});

describe('compression', () => {
  it('png: roslib decodes the image back to the message', async () => {
    const a = await ros();
    const got: unknown[] = [];
    new Topic({ ros: a, name: '/png_topic', messageType: 'std_msgs/String', compression: 'png' }).subscribe((m) => got.push(m));
    await sleep(30);
    const text = 'x'.repeat(1000) + ' ünïcødé';
    server.publish('/png_topic', 'std_msgs/String', { data: text });
    await waitFor(() => got.length === 1);
    expect(got[0]).toEqual({ data: text });
  });

  it('cbor: a JointState arrives with float64 arrays as little-endian typed arrays and names as strings', async () => {
    const a = await ros();
    const got: { name: string[]; position: Float64Array }[] = [];
    new Topic({ ros: a, name: '/cbor_js', messageType: 'sensor_msgs/JointState', compression: 'cbor' }).subscribe((m) => got.push(m as never));
    const c = await raw();
    c.send({ op: 'subscribe', topic: '/cbor_js', type: 'sensor_msgs/JointState', compression: 'cbor' });
    await sleep(30);
    const position = joints.map((_, i) => i * 0.5 - 1.25);
    server.publish('/cbor_js', 'sensor_msgs/JointState', { header: { stamp: { sec: 1, nanosec: 2 }, frame_id: '' }, name: joints, position, velocity: [], effort: [] });
    await waitFor(() => got.length === 1 && c.binary.length === 1);
    expect(got[0].name).toEqual(joints);
    expect(got[0].position).toBeInstanceOf(Float64Array);
    expect(Array.from(got[0].position)).toEqual(position);
    const bytes = c.binary[0];
    const tag86 = bytes.findIndex((b, i) => b === 0xd8 && bytes[i + 1] === 0x56);
    expect(tag86).toBeGreaterThan(0);
  });
});

describe('png from clients', () => {
  it('unpacks a png frame a client sends and handles the frame inside', async () => {
    const got: unknown[] = [];
    server.subscribe('/from_png', (m) => got.push(m), 'std_msgs/String');
    const c = await raw();
    c.send({ op: 'advertise', topic: '/from_png', type: 'std_msgs/String' });
    c.send(encodePngFrame(JSON.stringify({ op: 'publish', topic: '/from_png', msg: { data: 'inside a png' } })));
    c.send({ op: 'png', id: 'bad', data: 'bm90IGEgcG5n' });
    await waitFor(() => got.length === 1 && c.frames.length === 1);
    expect(got[0]).toEqual({ data: 'inside a png' });
    expect(c.frames[0]).toMatchObject({ op: 'status', id: 'bad', msg: expect.stringMatching(/png: cannot decode/) });
  });
});

describe('fragments', () => {
  it('splits a long publication into fragments that roslib reassembles', async () => {
    const a = await ros();
    const got: unknown[] = [];
    a.on('/fragmented', (m: unknown) => got.push((m as { msg: unknown }).msg));
    a.callOnConnection({ op: 'subscribe', id: 'frag', topic: '/fragmented', type: 'std_msgs/String', fragment_size: 16 } as never);
    const c = await raw();
    c.send({ op: 'subscribe', topic: '/fragmented', type: 'std_msgs/String', fragment_size: 16 });
    await sleep(30);
    server.publish('/fragmented', 'std_msgs/String', { data: 'a fairly long message body to split' });
    await waitFor(() => got.length === 1);
    expect(got[0]).toEqual({ data: 'a fairly long message body to split' });
    const fragments = c.frames.filter((f) => f.op === 'fragment');
    expect(fragments.length).toBeGreaterThan(3);
    expect(fragments.every((f) => (f.data as string).length <= 16)).toBe(true);
  });

  it('reassembles fragments a client sends, in any order', async () => {
    const got: unknown[] = [];
    server.subscribe('/from_fragments', (m) => got.push(m), 'std_msgs/String');
    const c = await raw();
    c.send({ op: 'advertise', topic: '/from_fragments', type: 'std_msgs/String' });
    const frames = splitIntoFragments(JSON.stringify({ op: 'publish', topic: '/from_fragments', msg: { data: 'pieced together' } }), 7, 'f1');
    for (const f of frames.reverse()) c.send(f);
    await waitFor(() => got.length === 1);
    expect(got[0]).toEqual({ data: 'pieced together' });
  });

  it('drops an incomplete fragment set after the reassembly timeout with a status error', async () => {
    const c = await raw();
    c.send({ op: 'fragment', id: 'lost', data: '{"op":', num: 0, total: 3 });
    await waitFor(() => c.frames.some((f) => f.op === 'status' && String(f.msg).includes('timed out')), 2000, 'timeout status');
    expect(c.frames.find((f) => f.op === 'status')?.id).toBe('lost');
  });
});
