// Fuzzing the server with 1e5 generated frames (malformed JSON, wrong field types, huge arrays,
// deep nesting, unknown ops, oversize frames, random fragments) interleaved with valid traffic:
// the server stays up, valid clients get every valid message, and memory stays bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Topic, type Ros } from 'roslib';
import { OPS } from '../../bridge/index.ts';
import type { RosbridgeServer } from '../../bridge/node.ts';
import { connectRos, rawClient, sleep, startServer, waitFor, type RawClient } from './helpers.ts';
import { mulberry32 as random } from '../../robot/random.ts';
import { heapUsedAfterGc as heapAfterGc } from '../support/heap.ts';

const FRAMES = 100_000;
const CHUNK = 1000;
const MAX_MESSAGE = 256 * 1024;

let server: RosbridgeServer;
let subscriber: Ros;
let publisher: Ros;
let fuzzer: RawClient;
let statusReplies = 0;

beforeAll(async () => {
  server = await startServer({ maxMessageSize: MAX_MESSAGE, fragmentTimeoutMs: 200, maxSubscriptions: 50 });
  subscriber = await connectRos(server.url);
  publisher = await connectRos(server.url);
  fuzzer = await rawClient(server.url);
  fuzzer.socket.removeAllListeners('message');
  fuzzer.socket.on('message', () => statusReplies++);
});
afterAll(async () => {
  subscriber.close();
  publisher.close();
  fuzzer.close();
  await server.close();
});


// Seeded generators (fast-check's `anything` costs ~0.3 ms a value on this machine, too slow for 1e5).
const fieldNames = ['op', 'id', 'topic', 'type', 'msg', 'service', 'args', 'action', 'action_type', 'data', 'num', 'total', 'level', 'compression', 'throttle_rate', 'queue_length', 'values', 'result', 'status', 'name', 'position', 'header', 'stamp', 'sec'];
const words = ['', '/', '/a', 'std_msgs/String', 'sensor_msgs/msg/JointState', 'cbor', 'png', 'error', '/fuzz_js', 'std_srvs/Trigger', '\u0000', 'é', '/rosapi/topics', 'x/y/z/w'];
function value(rand: () => number, depth: number): unknown {
  const r = rand();
  if (r < 0.15) return Math.floor(rand() * 2 ** 32) - 2 ** 31;
  if (r < 0.25) return (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
  if (r < 0.4) return words[Math.floor(rand() * words.length)];
  if (r < 0.5) return String.fromCharCode(...Array.from({ length: Math.floor(rand() * 12) }, () => Math.floor(rand() * 0xffff)));
  if (r < 0.6) return rand() < 0.5;
  if (r < 0.65) return null;
  if (depth <= 0) return -0;
  if (r < 0.82) return Array.from({ length: Math.floor(rand() * 5) }, () => value(rand, depth - 1));
  return record(rand, depth - 1);
}
function record(rand: () => number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const n = Math.floor(rand() * 5);
  for (let i = 0; i < n; i++) out[fieldNames[Math.floor(rand() * fieldNames.length)]] = value(rand, depth);
  return out;
}
function generatedFrame(rand: () => number): string {
  const r = rand();
  if (r < 0.25) return String(value(rand, 2)).slice(0, 60) + (rand() < 0.5 ? '{' : ''); // not JSON (mostly)
  if (r < 0.5) return JSON.stringify({ ...record(rand, 2), op: OPS[Math.floor(rand() * OPS.length)] }); // real op, random fields
  if (r < 0.6) return JSON.stringify({ ...record(rand, 1), op: value(rand, 1) }); // unknown or mistyped op
  if (r < 0.85) return JSON.stringify({ op: 'publish', topic: '/fuzz_js', msg: record(rand, 2) }); // message not matching its type
  return JSON.stringify(value(rand, 3)) ?? 'undefined'; // valid JSON, not a frame
}

function special(kind: number, n: number): string {
  switch (kind % 6) {
    case 0: return `{"op":"publish","topic":"/fuzz_js","msg":{"name":[],"position":[${'1,'.repeat(20_000)}"x"]}}`; // huge, invalid at the end
    case 1: return `${'['.repeat(20_000)}${']'.repeat(20_000)}`; // deep nesting
    case 2: return JSON.stringify({ op: 'publish', topic: '/fuzz_js', msg: { name: ['x'.repeat(MAX_MESSAGE)] } }); // oversize
    case 3: return JSON.stringify({ op: 'fragment', id: `frag${n % 100}`, data: '{"op":', num: 0, total: 5 }); // never completed
    case 4: return `{"op":"subscribe","topic":"/t${n % 200}","type":"std_msgs/String"}`; // hits the subscription cap
    default: return '\u0000\uffff{"op":';
  }
}

describe('fuzz', () => {
  it(`survives ${FRAMES} generated frames while valid clients get every valid message`, async () => {
    const received: number[] = [];
    new Topic({ ros: subscriber, name: '/fuzz_valid', messageType: 'std_msgs/Int32' }).subscribe((m) => received.push((m as { data: number }).data));
    fuzzer.send({ op: 'advertise', topic: '/fuzz_js', type: 'sensor_msgs/JointState' });
    const valid = new Topic({ ros: publisher, name: '/fuzz_valid', messageType: 'std_msgs/Int32' });
    await sleep(50);
    const rand = random(20_240_601);
    let sent = 0;
    let validSent = 0;
    let heapAtQuarter = 0;
    for (let chunk = 0; sent < FRAMES; chunk++) {
      for (let k = 0; k < CHUNK; k++) {
        const frame = generatedFrame(rand);
        const r = rand();
        let text = frame;
        if (r < 0.02) text = frame.slice(0, Math.floor(frame.length * rand())); // truncated JSON
        else if (r < 0.0025 + 0.02 && sent % 7 === 0) text = special(Math.floor(rand() * 6), sent);
        fuzzer.socket.send(text);
        sent++;
        if (sent % 10 === 0) {
          // Valid traffic, from the fuzzing connection itself and from a well-behaved roslib client.
          fuzzer.send({ op: 'publish', topic: '/fuzz_valid', msg: { data: validSent++ } });
          valid.publish({ data: validSent++ });
        }
      }
      await waitFor(() => fuzzer.socket.bufferedAmount === 0, 10_000, 'fuzzer buffer');
      await new Promise((r) => setImmediate(r));
      if (sent === FRAMES / 4) heapAtQuarter = heapAfterGc();
    }
    await waitFor(() => received.length >= validSent, 20_000, `all ${validSent} valid messages (got ${received.length})`);
    await sleep(300);
    const heapAtEnd = heapAfterGc();
    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    expect(received.length).toBe(validSent);
    expect(new Set(received).size).toBe(validSent);
    expect(statusReplies).toBeGreaterThan(FRAMES / 2);
    // Bounded memory: the last three quarters of the run leave the heap within 32 MB of the first quarter.
    expect(heapAtEnd - heapAtQuarter).toBeLessThan(32 * 1024 * 1024);
    // Still serving new clients after all of it.
    const late = await connectRos(server.url);
    const echoes: unknown[] = [];
    new Topic({ ros: late, name: '/after', messageType: 'std_msgs/String' }).subscribe((m) => echoes.push(m));
    await sleep(30);
    new Topic({ ros: late, name: '/after', messageType: 'std_msgs/String' }).publish({ data: 'still up' });
    await waitFor(() => echoes.length === 1);
    late.close();
    expect(server.clientCount).toBeGreaterThanOrEqual(3);
  });
});
