// bridge/throughput-json, bridge/throughput-cbor: 7-joint JointState from one roslib client to
// another through our server, at a fixed offered rate; msgs/s received and fraction delivered.
// bridge/latency: publish -> echoing roslib client -> back, round trip p50/p99 at 1 kHz (paced by the
// pinger's timers against 1 ms deadlines), with per-hop figures and each thread's GC pauses.
// bridge/fanout: one in-process publisher at 1 kHz, 50 roslib subscribers in two workers, delay p50/p99.
// Both measure after a warm-up of the same traffic, and both run again through bench/relay.ts
// (bridge/latency-floor, bridge/fanout-floor): the same clients and pacing through a relay that
// does nothing but route, which is this machine's floor for the figure.
// The server runs on the main thread; roslib clients run in worker threads, as separate
// processes would. Nothing spins: publishers are paced by timers (every due message goes out
// per wake-up), so on 2 cores the server, publisher and subscriber threads share the CPU instead
// of a busy-wait taking one. Every result carries each thread's CPU per message (from
// /proc/thread-self/stat, Linux) and the busiest thread, which is what limits the figure, and the
// load average: on a shared machine, CPU per message is the figure to compare.
import { loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { bench, summarize, type BenchOptions, type BenchResult } from './harness.ts';
import { RosbridgeServer } from '../bridge/node.ts';
import { FloorRelay, type BenchServer } from './relay.ts';

const ROSLIB_URL = import.meta.resolve('roslib');
const CBORX_URL = import.meta.resolve('cbor-x');
const JOINTS = ['j1', 'j2', 'j3', 'j4', 'j5', 'j6', 'j7'];

/** CPU time of the calling thread in ms (utime + stime, 10 ms ticks); NaN off Linux. */
function threadCpuMs(): number {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** The thread with the largest busy fraction of the run's wall time, and that fraction. */
function busiest(threads: Record<string, number>, wallMs: number): { limited_by: string; limited_by_busy: number } {
  let name = '';
  let most = -1;
  for (const [k, ms] of Object.entries(threads)) if (ms > most) [name, most] = [k, ms];
  return { limited_by: name, limited_by_busy: +(most / wallMs).toFixed(2) };
}

// Worker code runs as plain JS (eval), importing roslib by absolute URL.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Worker } = require('node:worker_threads');
const now = () => performance.timeOrigin + performance.now();
// Microseconds on the process-wide monotonic clock (CLOCK_MONOTONIC): comparable across threads.
// performance.now() from an offset read once, so that a stamp allocates nothing.
// The offset is taken from the tightest of 20 hrtime/now/hrtime triples (a thread descheduled
// between two reads would skew every stamp of this thread).
const clockOffsetUs = (() => {
  const us = () => {
    const t = process.hrtime();
    return t[0] * 1e6 + t[1] / 1e3;
  };
  let best = Infinity;
  let offset = 0;
  for (let i = 0; i < 20; i++) {
    const before = us();
    const at = performance.now() * 1000;
    const after = us();
    if (after - before < best) {
      best = after - before;
      offset = (before + after) / 2 - at;
    }
  }
  return offset;
})();
const clockUs = () => clockOffsetUs + performance.now() * 1000;
// A full collection now, so that what was built before the measured run (prebuilt messages,
// stamp arrays, roslib's connection) is in the old generation instead of being copied by the
// run's first scavenges (tens of ms each on a busy machine).
const settleHeap = () => {
  require('node:v8').setFlagsFromString('--expose-gc');
  const gc = require('node:vm').runInNewContext('gc');
  gc();
  gc();
};
// Garbage-collection pauses of this thread: [duration us, kind, start us on clockUs].
const watchGc = () => {
  const { PerformanceObserver } = require('node:perf_hooks');
  const pauses = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) pauses.push([e.duration * 1000, e.detail ? e.detail.kind : 0, clockOffsetUs + e.startTime * 1000]);
  }).observe({ entryTypes: ['gc'] });
  return pauses;
};
const cpuMs = () => {
  try {
    const stat = require('node:fs').readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch { return NaN; }
};
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
  const cpu0 = cpuMs();
  if (role === 'subscriber') {
    const ros = await connect();
    let count = 0;
    let lastAt = 0;
    new Topic({ ros, name: '/bench_js', messageType: 'sensor_msgs/JointState', compression: workerData.compression }).subscribe(() => {
      count++;
      lastAt = now();
    });
    parentPort.on('message', (m) => parentPort.postMessage(m === 'start' ? { cpu: cpuMs(), started: true } : { count, at: now(), lastAt, cpu: cpuMs(), final: true }));
    parentPort.postMessage({ ready: true });
  } else if (role === 'publisher') {
    const ros = await connect();
    const topic = new Topic({ ros, name: '/bench_js', messageType: 'sensor_msgs/JointState' });
    topic.advertise();
    // Built up front: the timed loop is roslib's publish (JSON.stringify + ws send), not Math.sin.
    const messages = Array.from({ length: 1000 }, (_, i) => js(i));
    parentPort.postMessage({ ready: true });
    parentPort.once('message', ({ rate, seconds }) => {
      const total = Math.round(rate * seconds);
      const start = now();
      const cpuStart = cpuMs();
      let sent = 0;
      // Timer-paced: each wake-up (about 1 ms) sends every message due by then.
      const tick = () => {
        const due = Math.min(total, Math.floor(((now() - start) / 1000) * rate) + 1);
        while (sent < due) topic.publish(messages[sent++ % 1000]);
        if (sent < total) setTimeout(tick, 1);
        else parentPort.postMessage({ sent, start, end: now(), cpu: cpuMs() - cpuStart });
      };
      tick();
    });
  } else if (role === 'echo') {
    const ros = await connect();
    const gc = watchGc();
    const pong = new Topic({ ros, name: '/pong', messageType: 'sensor_msgs/JointState' });
    pong.advertise();
    // Per-sample stamps (us, process-wide monotonic clock): ping received, pong handed to roslib.
    const received = new Float64Array(workerData.count).fill(NaN);
    const sent = new Float64Array(workerData.count).fill(NaN);
    new Topic({ ros, name: '/ping', messageType: 'sensor_msgs/JointState' }).subscribe((m) => {
      const k = Number(m.header.frame_id);
      received[k] = clockUs();
      pong.publish(m);
      sent[k] = clockUs();
    });
    parentPort.on('message', () => parentPort.postMessage({ cpu: cpuMs() - cpu0, received, sent, gc }));
    settleHeap();
    gc.length = 0;
    parentPort.postMessage({ ready: true });
  } else if (role === 'pinger') {
    const a = await connect();
    const gc = watchGc();
    const ping = new Topic({ ros: a, name: '/ping', messageType: 'sensor_msgs/JointState' });
    ping.advertise();
    const n = workerData.count;
    // Per-sample stamps (us): before and after roslib's publish, pong received.
    const sendAt = new Float64Array(n).fill(NaN);
    const sentAt = new Float64Array(n).fill(NaN);
    const backAt = new Float64Array(n).fill(NaN);
    new Topic({ ros: a, name: '/pong', messageType: 'sensor_msgs/JointState' }).subscribe((m) => {
      backAt[Number(m.header.frame_id)] = clockUs();
    });
    await new Promise((r) => setTimeout(r, 300));
    const messages = Array.from({ length: n }, (_, i) => {
      const m = js(i);
      m.header.frame_id = String(i);
      return m;
    });
    settleHeap();
    gc.length = 0;
    const cpuStart = cpuMs();
    // Paced by the pinger's own timers against absolute 1 ms deadlines: each wake-up publishes every
    // ping due by then (a late timer sends two back to back; the rate stays 1 kHz). The round trip
    // starts at sendAt, so a tick's lateness is not in it; how late each send was is reported.
    // (A metronome thread in Atomics.wait paced it before: one more thread to wake every
    // millisecond on the 2 shared cores; p99 3.1-3.6 ms against 2.5-3.5 ms this way, 3 runs each.)
    const late = new Float64Array(n);
    const t0 = performance.now();
    const start = t0 + 10;
    const result = await new Promise((done) => {
      let i = 0;
      const tick = () => {
        const now = performance.now();
        while (i < n && start + i <= now) {
          late[i] = (now - (start + i)) * 1000;
          const m = messages[i];
          sendAt[i] = clockUs();
          ping.publish(m);
          sentAt[i] = clockUs();
          i++;
        }
        if (i < n) setTimeout(tick, Math.max(0, start + i - performance.now()));
        else done({ late, elapsedMs: performance.now() - start });
      };
      setTimeout(tick, 10);
    });
    const elapsed = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 300));
    parentPort.postMessage({ sendAt, sentAt, backAt, late: result.late, sent: n, rate: n / result.elapsedMs * 1000, cpu: cpuMs() - cpuStart, gc, elapsed });
  } else if (role === 'fanout') {
    // Delays (ms) of the measured messages (stamp.nanosec is the index) and of the warm-up's, in
    // arrays sized up front: a growing array of 10^5 numbers was copied around in the old generation.
    const { warmup, measured, subscribers } = workerData;
    const delays = new Float64Array(subscribers * measured);
    const warm = new Float64Array(subscribers * warmup);
    let n = 0;
    let w = 0;
    for (let k = 0; k < subscribers; k++) {
      const ros = await connect();
      new Topic({ ros, name: '/fan', messageType: 'sensor_msgs/JointState' }).subscribe((m) => {
        const delay = now() - Number(m.header.frame_id);
        if (m.header.stamp.nanosec >= warmup) {
          if (n < delays.length) delays[n++] = delay;
        } else if (w < warm.length) warm[w++] = delay;
      });
    }
    let cpuStart = 0;
    parentPort.on('message', (m) => {
      if (m === 'start') cpuStart = cpuMs();
      else parentPort.postMessage({ delays: delays.subarray(0, n), warm: warm.subarray(0, w), cpu: cpuMs() - cpuStart });
    });
    parentPort.postMessage({ ready: true });
  }
})().catch((e) => parentPort.postMessage({ error: String(e && e.stack || e) }));
`;

interface Reply { ready?: boolean; error?: string; [key: string]: unknown }

function spawn(data: Record<string, unknown>): { worker: Worker; next: () => Promise<Reply>; replies: Reply[] } {
  const worker = new Worker(WORKER, { eval: true, workerData: { roslib: ROSLIB_URL, cborx: CBORX_URL, joints: JOINTS, self: WORKER, ...data } });
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
  // Offered 10 % above the 50 000 msg/s target, so that reaching the target is visible (offered
  // exactly at it, timer pacing lands a little under it). Sustained means received at that rate
  // with >= 99 % delivered. Quiet machine: 54 100-54 455 (JSON), 53 000-54 200 (CBOR), all
  // delivered; offered 60 000, JSON saturated at 44 600. A loaded machine delivers less.
  const rate = 55_000;
  const seconds = quick ? 1 : 5;
  subscriber.worker.postMessage('start');
  const subscriberStart = await subscriber.next();
  const serverCpu0 = threadCpuMs();
  publisher.worker.postMessage({ rate, seconds });
  let done: Reply;
  for (;;) {
    const r = await publisher.next();
    if (typeof r.sent === 'number') {
      done = r;
      break;
    }
  }
  // Let the subscriber drain (at most 3 s, or 1 s without progress), then take its final count.
  const sent = done.sent as number;
  const drainUntil = Date.now() + 3000;
  let last: Reply = { count: 0 };
  let previous = -1;
  let progressAt = Date.now();
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
    const count = last.count as number;
    if (count !== previous) progressAt = Date.now();
    if (count >= sent || Date.now() - progressAt > 1000) break;
    previous = count;
    await new Promise((r) => setTimeout(r, 100));
  }
  const serverCpu = threadCpuMs() - serverCpu0;
  const received = last.count as number;
  // The receive period ends with the last message received, not with the poll that counted it.
  const wallMs = ((last.count as number) > 0 ? (last.lastAt as number) : (last.at as number)) - (done.start as number);
  const offeredSeconds = ((done.end as number) - (done.start as number)) / 1000;
  await subscriber.worker.terminate();
  await publisher.worker.terminate();
  const dropped = server.clientStats().reduce((a, c) => a + c.dropped, 0);
  await server.close();
  const perSecond = received / Math.max(wallMs / 1000, offeredSeconds);
  const threads = { server: serverCpu, publisher: done.cpu as number, subscriber: (last.cpu as number) - (subscriberStart.cpu as number) };
  const perMessage = (ms: number) => +((ms * 1000) / Math.max(1, received)).toFixed(2);
  return {
    name, unit: 'msg/s', median: perSecond, p99: perSecond, n: received,
    offered_rate: Math.round(sent / offeredSeconds), target_rate: rate, sent, delivered: received / sent, dropped_by_server: dropped, compression,
    server_cpu_us_per_msg: perMessage(threads.server), publisher_cpu_us_per_msg: perMessage(threads.publisher),
    subscriber_cpu_us_per_msg: perMessage(threads.subscriber), ...busiest(threads, Math.max(wallMs, offeredSeconds * 1000)),
    load_average_1min: loadavg()[0],
  };
}

bench('bridge/throughput-json', async (options) => [await throughput('bridge/throughput-json', 'none', options.quick)]);
bench('bridge/throughput-cbor', async (options) => [await throughput('bridge/throughput-cbor', 'cbor', options.quick)]);

/** Two full collections of this thread's heap (what exists now moves to the old generation). */
function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  gc();
}

/** Microseconds on the process-wide monotonic clock, as the workers' `clockUs`. */
function clockUs(): number {
  const t = process.hrtime();
  return t[0] * 1e6 + t[1] / 1e3;
}

/** p50/p99/max of the finite values, rounded to us. */
function hop(values: ArrayLike<number>): { p50: number; p99: number; max: number } {
  const finite = Array.from(values).filter(Number.isFinite);
  const s = summarize(finite);
  return { p50: Math.round(s.median), p99: Math.round(s.p99), max: Math.round(s.max) };
}

/** Count and largest pause of a thread's [duration us, kind] GC records. */
function gcSummary(pauses: [number, number, number][]): { count: number; max_us: number; scavenges: number } {
  return { count: pauses.length, max_us: Math.round(Math.max(0, ...pauses.map((p) => p[0]))), scavenges: pauses.filter((p) => p[1] === 1).length };
}

async function latency(name: string, server: BenchServer, quick: boolean): Promise<BenchResult> {
  await server.start({ host: '127.0.0.1', port: 0 });
  // Measured after a warm-up of the same traffic: in 20 s runs the p99 of each 2 s window fell
  // from 3-6.5 ms in the first ones to 0.6-1 ms from about 6 s on (the floor relay alike), as the
  // roslib clients' new isolates compile their code and size their heaps. The warm-up's own p99
  // is reported too.
  const warmup = quick ? 500 : 5000;
  const count = warmup + (quick ? 1000 : 10_000);
  // Server-side stamps (us) by an in-process subscriber: called as the server handles the publish,
  // after it has parsed, validated and queued it for the subscribers (written at the end of that tick).
  const serverPing = new Float64Array(count).fill(NaN);
  const serverPong = new Float64Array(count).fill(NaN);
  const stamp = (into: Float64Array) => (msg: unknown) => {
    const k = Number((msg as { header: { frame_id: string } }).header.frame_id);
    if (k >= 0 && k < count) into[k] = clockUs();
  };
  server.subscribe('/ping', stamp(serverPing), 'sensor_msgs/JointState');
  server.subscribe('/pong', stamp(serverPong), 'sensor_msgs/JointState');
  const echo = spawn({ role: 'echo', url: server.url, count });
  await echo.next();
  settleHeap();
  // Garbage-collection pauses of the server thread during the run (each one holds every round trip in flight).
  const pauses: [number, number, number][] = [];
  const gcOffset = clockUs() - performance.now() * 1000;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push([entry.duration * 1000, ((entry as unknown as { detail?: { kind?: number } }).detail)?.kind ?? 0, gcOffset + entry.startTime * 1000]);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const serverCpu0 = threadCpuMs();
  const pinger = spawn({ role: 'pinger', url: server.url, count });
  const reply = await pinger.next();
  const serverCpu = threadCpuMs() - serverCpu0;
  gcObserver.disconnect();
  echo.worker.postMessage('cpu');
  const echoReply = await echo.next();
  await pinger.worker.terminate();
  await echo.worker.terminate();
  await server.close();
  const sendAt = reply.sendAt as Float64Array;
  const sentAt = reply.sentAt as Float64Array;
  const backAt = reply.backAt as Float64Array;
  const echoIn = echoReply.received as Float64Array;
  const echoOut = echoReply.sent as Float64Array;
  const from = warmup;
  const warm: number[] = [];
  for (let k = 0; k < warmup; k++) if (Number.isFinite(backAt[k])) warm.push(backAt[k] - sendAt[k]);
  const rtt: number[] = [];
  const hops = { pinger_send: [] as number[], to_server: [] as number[], server_to_echo: [] as number[], echo_send: [] as number[], echo_to_server: [] as number[], server_to_pinger: [] as number[] };
  for (let k = from; k < count; k++) {
    if (!Number.isFinite(backAt[k])) continue;
    rtt.push(backAt[k] - sendAt[k]);
    hops.pinger_send.push(sentAt[k] - sendAt[k]);
    hops.to_server.push(serverPing[k] - sendAt[k]);
    hops.server_to_echo.push(echoIn[k] - serverPing[k]);
    hops.echo_send.push(echoOut[k] - echoIn[k]);
    hops.echo_to_server.push(serverPong[k] - echoIn[k]);
    hops.server_to_pinger.push(backAt[k] - serverPong[k]);
  }
  const stats = summarize(rtt);
  // Where the tail is: for the round trips at or above the p99, the mean of each hop.
  const tail: Record<string, number> = {};
  const slow = rtt.map((r, i) => [r, i] as const).filter(([r]) => r >= stats.p99).map(([, i]) => i);
  for (const [name, values] of Object.entries(hops)) tail[name] = Math.round(slow.reduce((a, i) => a + values[i], 0) / Math.max(1, slow.length));
  // Which slow round trips had a GC pause (of any of the three threads) inside them.
  const allPauses = [...pauses, ...(reply.gc as [number, number, number][]), ...(echoReply.gc as [number, number, number][])];
  const sampleIndex: number[] = [];
  for (let k = from; k < count; k++) if (Number.isFinite(backAt[k])) sampleIndex.push(k);
  const withGc = slow.filter((i) => {
    const k = sampleIndex[i];
    return allPauses.some(([duration, , at]) => at < backAt[k] && at + duration > sendAt[k]);
  }).length;
  const perHop = Object.fromEntries(Object.entries(hops).map(([name, values]) => [name, hop(values)]));
  const late = hop(reply.late as Float64Array);
  const perPing = (ms: number) => +((ms * 1000) / count).toFixed(1);
  return {
    name, unit: 'us', median: stats.median, p99: stats.p99, n: rtt.length, max: stats.max, sent: count - warmup,
    warmup_round_trips: warmup, warmup_p99: summarize(warm).p99,
    rate_hz: +(reply.rate as number).toFixed(1), server_cpu_us_per_round_trip: perPing(serverCpu), pinger_cpu_us_per_round_trip: perPing(reply.cpu as number),
    echo_cpu_us_per_round_trip: perPing(echoReply.cpu as number),
    pinger_tick_late_p50_us: late.p50, pinger_tick_late_p99_us: late.p99,
    hops_us: perHop, tail_hops_mean_us: tail, tail_round_trips: slow.length, tail_round_trips_with_gc: withGc,
    gc: { server: gcSummary(pauses), pinger: gcSummary(reply.gc as [number, number, number][]), echo: gcSummary(echoReply.gc as [number, number, number][]) },
    load_average_1min: loadavg()[0],
  };
}

// Each figure twice: through the server, and through FloorRelay (bench/relay.ts), the least a relay
// can do, with the same clients, threads and pacing: what the floor reads is this machine's share.
bench('bridge/latency', async (options) => [await latency('bridge/latency', new RosbridgeServer(), options.quick)]);
bench('bridge/latency-floor', async (options) => [await latency('bridge/latency-floor', new FloorRelay(), options.quick)]);

async function fanout(name: string, server: BenchServer, options: BenchOptions): Promise<BenchResult> {
  await server.start({ host: '127.0.0.1', port: 0 });
  const subscribers = 50;
  // Measured after a warm-up of the same traffic: in 20 s runs the first 2 s window had a p99 of
  // 11-42 ms (the 50 clients' code compiling in 2 new isolates), the later ones mostly 1.6-3.5 ms.
  const warmup = options.quick ? 200 : 3000;
  const measured = options.quick ? 500 : 10_000;
  const count = warmup + measured;
  // Two workers of 25 roslib clients each, so both cores decode.
  const fans = [0, 1].map(() => spawn({ role: 'fanout', url: server.url, subscribers: subscribers / 2, warmup, measured }));
  for (const f of fans) await f.next();
  await new Promise((r) => setTimeout(r, 200));
  const messages = Array.from({ length: count }, (_, i) => ({
    header: { stamp: { sec: 0, nanosec: i }, frame_id: '' },
    name: JOINTS, position: JOINTS.map((_, k) => Math.sin(i + k)), velocity: JOINTS.map(() => 0), effort: JOINTS.map(() => 0),
  }));
  settleHeap();
  for (const f of fans) f.worker.postMessage('start');
  const serverCpu0 = threadCpuMs();
  const start = performance.now();
  // One publish per 1 ms deadline, timer-paced: every message whose deadline has passed goes out
  // at a wake-up (a late timer must not lower the rate, as one publish per wake-up did: 703 Hz in a
  // loaded run); the stamp is taken just before each publish.
  await new Promise<void>((done) => {
    let i = 0;
    const tick = () => {
      do {
        const m = messages[i++];
        m.header.frame_id = String(performance.timeOrigin + performance.now());
        server.publish('/fan', 'sensor_msgs/JointState', m);
        if ((i & 255) === 0) options.progress(i / count);
      } while (i < count && start + i <= performance.now());
      if (i >= count) return done();
      setTimeout(tick, Math.max(0, start + i - performance.now()));
    };
    tick();
  });
  const elapsed = performance.now() - start;
  await new Promise((r) => setTimeout(r, 500));
  const serverCpu = threadCpuMs() - serverCpu0;
  const replies: Reply[] = [];
  for (const f of fans) {
    f.worker.postMessage('delays');
    replies.push(await f.next());
    await f.worker.terminate();
  }
  await server.close();
  const inUs = (key: string) => replies.flatMap((r) => Array.from(r[key] as Float64Array, (ms) => ms * 1000));
  const delays = inUs('delays');
  const warm = inUs('warm');
  const stats = summarize(delays);
  const threads = { server: serverCpu, subscribers_a: replies[0].cpu as number, subscribers_b: replies[1].cpu as number };
  return {
    name, unit: 'us', median: stats.median, p99: stats.p99, n: delays.length, max: stats.max, subscribers,
    delivered: delays.length / (measured * subscribers), warmup_publishes: warmup, warmup_p99: summarize(warm).p99, rate_hz: +((count / elapsed) * 1000).toFixed(1),
    server_cpu_us_per_publish: +((serverCpu * 1000) / count).toFixed(1),
    subscriber_cpu_us_per_delivery: +(((threads.subscribers_a + threads.subscribers_b) * 1000) / Math.max(1, delays.length + warm.length)).toFixed(2),
    ...busiest(threads, elapsed + 500), load_average_1min: loadavg()[0],
  };
}

bench('bridge/fanout', async (options) => [await fanout('bridge/fanout', new RosbridgeServer(), options)]);
bench('bridge/fanout-floor', async (options) => [await fanout('bridge/fanout-floor', new FloorRelay(), options)]);
