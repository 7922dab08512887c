// bridge/throughput-json, bridge/throughput-cbor: 7-joint JointState from one roslib client to
// another through our server, at a fixed offered rate; msgs/s received and fraction delivered.
// bridge/latency: publish -> echoing roslib client -> back, round trip p50/p99 at 1 kHz.
// bridge/fanout: one in-process publisher at 1 kHz, 50 roslib subscribers in two workers, delay p50/p99.
// The server runs on the main thread; roslib clients run in worker threads, as separate
// processes would.
import { Worker } from 'node:worker_threads';
import { bench, summarize, type BenchResult } from './harness.ts';
import { RosbridgeServer } from '../bridge/node.ts';

const ROSLIB_URL = import.meta.resolve('roslib');
const CBORX_URL = import.meta.resolve('cbor-x');
const JOINTS = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'];

// Worker code runs as plain JS (eval), importing roslib by absolute URL.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
(async () => {
  const { Ros, Topic, WebSocketTransportFactory } = await import(workerData.roslib);
  const { Decoder } = await import(workerData.cborx);
  const decoder = new Decoder({ useRecords: false, mapsAsObjects: true });
  // Same as bridge/cbor-transport.ts (workers cannot load .ts): roslib's transport, cbor-x decoding.
  const transportFactory = async (url) => {
    const t = await WebSocketTransportFactory(url);
    t.handleCborMessage = (data) => t.handleRosbridgeMessage(decoder.decode(new Uint8Array(data)));
    return t;
  };
  const connect = async () => {
    const ros = new Ros({ transportFactory });
    const opened = new Promise((r) => ros.once('connection', r));
    await ros.connect(workerData.url);
    await opened;
    return ros;
  };
  const js = (i) => ({ header: { stamp: { sec: Math.floor(i / 1000), nanosec: (i % 1000) * 1e6 }, frame_id: '' }, name: workerData.joints,
    position: workerData.joints.map((_, k) => Math.sin(i * 1e-3 + k)), velocity: workerData.joints.map((_, k) => Math.cos(i * 1e-3 + k)), effort: workerData.joints.map(() => 0.5) });
  const role = workerData.role;
  if (role === 'subscriber') {
    const ros = await connect();
    let count = 0;
    new Topic({ ros, name: '/bench_js', messageType: 'sensor_msgs/JointState', compression: workerData.compression }).subscribe(() => {
      count++;
      if (count === 1 || count % 1000 === 0) parentPort.postMessage({ count, at: now() });
    });
    parentPort.on('message', () => parentPort.postMessage({ count, at: now(), final: true }));
    parentPort.postMessage({ ready: true });
  } else if (role === 'publisher') {
    const ros = await connect();
    const topic = new Topic({ ros, name: '/bench_js', messageType: 'sensor_msgs/JointState' });
    topic.advertise();
    parentPort.postMessage({ ready: true });
    parentPort.once('message', ({ rate, seconds }) => {
      const total = Math.round(rate * seconds);
      const start = now();
      let sent = 0;
      const tick = () => {
        const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
        while (sent < due) topic.publish(js(sent++));
        if (sent < total) setImmediate(tick);
        else parentPort.postMessage({ sent, start, end: now() });
      };
      tick();
    });
  } else if (role === 'pinger') {
    const a = await connect();
    const b = await connect();
    new Topic({ ros: b, name: '/ping', messageType: 'sensor_msgs/JointState' }).subscribe((m) => pong.publish(m));
    const pong = new Topic({ ros: b, name: '/pong', messageType: 'sensor_msgs/JointState' });
    const ping = new Topic({ ros: a, name: '/ping', messageType: 'sensor_msgs/JointState' });
    const sentAt = new Map();
    const rtt = [];
    new Topic({ ros: a, name: '/pong', messageType: 'sensor_msgs/JointState' }).subscribe((m) => {
      const t0 = sentAt.get(m.header.frame_id);
      if (t0 !== undefined) rtt.push(now() - t0);
    });
    await new Promise((r) => setTimeout(r, 200));
    const n = workerData.count;
    for (let i = 0; i < n; i++) {
      const m = js(i);
      m.header.frame_id = String(i);
      const target = performance.now() + 1;
      sentAt.set(m.header.frame_id, now());
      ping.publish(m);
      while (performance.now() < target) await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 300));
    parentPort.postMessage({ rtt, sent: n });
  } else if (role === 'fanout') {
    const delays = [];
    for (let k = 0; k < workerData.subscribers; k++) {
      const ros = await connect();
      new Topic({ ros, name: '/fan', messageType: 'sensor_msgs/JointState' }).subscribe((m) => delays.push(now() - Number(m.header.frame_id)));
    }
    parentPort.on('message', () => parentPort.postMessage({ delays }));
    parentPort.postMessage({ ready: true });
  }
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

interface Reply { ready?: boolean; error?: string; [key: string]: unknown }

function spawn(data: Record<string, unknown>): { worker: Worker; next: () => Promise<Reply>; replies: Reply[] } {
  const worker = new Worker(WORKER, { eval: true, workerData: { roslib: ROSLIB_URL, cborx: CBORX_URL, joints: JOINTS, ...data } });
  const replies: Reply[] = [];
  let waiting: ((r: Reply) => void) | undefined;
  worker.on('message', (r: Reply) => {
    if (r.error) throw new Error(`bench worker: ${r.error}`);
    if (waiting) {
      const w = waiting;
      waiting = undefined;
      w(r);
    } else replies.push(r);
  });
  const next = () => (replies.length > 0 ? Promise.resolve(replies.shift()!) : new Promise<Reply>((r) => (waiting = r)));
  return { worker, next, replies };
}

async function throughput(name: string, compression: 'none' | 'cbor', quick: boolean): Promise<BenchResult> {
  const server = new RosbridgeServer();
  await server.start({ host: '127.0.0.1', port: 0 });
  const subscriber = spawn({ role: 'subscriber', url: server.url, compression });
  await subscriber.next();
  const publisher = spawn({ role: 'publisher', url: server.url });
  await publisher.next();
  await new Promise((r) => setTimeout(r, 200));
  const rate = 50_000;
  const seconds = quick ? 1 : 5;
  publisher.worker.postMessage({ rate, seconds });
  let done: Reply;
  for (;;) {
    const r = await publisher.next();
    if (typeof r.sent === 'number') {
      done = r;
      break;
    }
  }
  // Let the subscriber drain (at most 3 s), then ask for its final count.
  const sent = done.sent as number;
  const drainUntil = Date.now() + 3000;
  let last: Reply = { count: 0 };
  while (Date.now() < drainUntil) {
    subscriber.replies.length = 0;
    subscriber.worker.postMessage('count');
    for (;;) {
      const r = await subscriber.next();
      if (r.final) {
        last = r;
        break;
      }
    }
    if ((last.count as number) >= sent) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const received = last.count as number;
  const elapsed = ((last.at as number) - (done.start as number)) / 1000;
  const offeredSeconds = ((done.end as number) - (done.start as number)) / 1000;
  await subscriber.worker.terminate();
  await publisher.worker.terminate();
  const dropped = server.clientStats().reduce((a, c) => a + c.dropped, 0);
  await server.close();
  const perSecond = received / Math.max(elapsed, offeredSeconds);
  return {
    name, unit: 'msg/s', median: perSecond, p99: perSecond, n: received,
    offered_rate: sent / offeredSeconds, sent, delivered: received / sent, dropped_by_server: dropped, compression,
  };
}

bench('bridge/throughput-json', async (options) => [await throughput('bridge/throughput-json', 'none', options.quick)]);
bench('bridge/throughput-cbor', async (options) => [await throughput('bridge/throughput-cbor', 'cbor', options.quick)]);

bench('bridge/latency', async (options) => {
  const server = new RosbridgeServer();
  await server.start({ host: '127.0.0.1', port: 0 });
  const count = options.quick ? 1000 : 10_000;
  const pinger = spawn({ role: 'pinger', url: server.url, count });
  const reply = await pinger.next();
  await pinger.worker.terminate();
  await server.close();
  const rtt = (reply.rtt as number[]).map((ms) => ms * 1000);
  const stats = summarize(rtt.slice(Math.floor(rtt.length * 0.05)));
  return [{ name: 'bridge/latency', unit: 'us', median: stats.median, p99: stats.p99, n: rtt.length, max: stats.max, sent: count, rate_hz: 1000 }];
});

bench('bridge/fanout', async (options) => {
  const server = new RosbridgeServer();
  await server.start({ host: '127.0.0.1', port: 0 });
  const subscribers = 50;
  // Two workers of 25 roslib clients each, so both cores decode.
  const fans = [spawn({ role: 'fanout', url: server.url, subscribers: subscribers / 2 }), spawn({ role: 'fanout', url: server.url, subscribers: subscribers / 2 })];
  for (const f of fans) await f.next();
  await new Promise((r) => setTimeout(r, 200));
  const count = options.quick ? 500 : 5000;
  const msg = (i: number) => ({
    header: { stamp: { sec: 0, nanosec: i }, frame_id: String(performance.timeOrigin + performance.now()) },
    name: JOINTS, position: JOINTS.map((_, k) => Math.sin(i + k)), velocity: JOINTS.map(() => 0), effort: JOINTS.map(() => 0),
  });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    server.publish('/fan', 'sensor_msgs/JointState', msg(i));
    const target = start + (i + 1);
    while (performance.now() < target) await new Promise((r) => setImmediate(r));
    if ((i & 255) === 0) options.progress(i / count);
  }
  await new Promise((r) => setTimeout(r, 500));
  const replies: Reply[] = [];
  for (const f of fans) {
    f.worker.postMessage('delays');
    replies.push(await f.next());
    await f.worker.terminate();
  }
  await server.close();
  const delays = replies.flatMap((r) => r.delays as number[]).map((ms) => ms * 1000);
  const stats = summarize(delays);
  return [{ name: 'bridge/fanout', unit: 'us', median: stats.median, p99: stats.p99, n: delays.length, max: stats.max, subscribers, delivered: delays.length / (count * subscribers), rate_hz: 1000 }];
});
