// The /joint_states worker (see joint-stream.ts): its own rosbridge client (authenticated with the
// page's token when it has one), every message validated into a JointStateStore (model joint order,
// field-naming rejections), one row per accepted message written to the shared ring (then the write
// counter stored), or appended to a batch that is posted (transferred) FLUSH_MS after its first row
// when the page has no SharedArrayBuffer.
import { RosbridgeClient } from '../../bridge/client.ts';
import { createJointStateStore, ingestJointState, type JointStateStore } from './joint-state-store.ts';
import { RING_COUNTERS, RING_ROWS, ROW_HEADER, rowLength, type StreamBatch, type StreamStart } from './joint-stream.ts';

/** Longest a message waits in the worker before it is posted (ms), posting mode only. */
const FLUSH_MS = 4;
/** Rows per posted batch; a full batch is posted at once. */
const BATCH_ROWS = 256;
/** Rejection reports (ring mode) at most this often (ms). */
const REJECT_REPORT_MS = 250;

interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}
const scope = self as unknown as WorkerScope;

let client: RosbridgeClient | undefined;
let clientKey = ''; // URL and token of the client's connection
let store: JointStateStore | undefined;
let offset = 0; // worker clock + offset = page clock (ms)
let generation = 0;
let counters: Int32Array | undefined; // ring mode
let ring: Float64Array<ArrayBufferLike> = new Float64Array(0);
let written = 0;
let rows = new Float64Array(0); // posting mode
let count = 0;
let scheduled: ReturnType<typeof setTimeout> | undefined;
let reportedRejected = 0;
let reportedAt = -Infinity;

function flush(): void {
  scheduled = undefined;
  if (!store || count === 0) return;
  const batch: StreamBatch = { kind: 'batch', generation, count, rows, rejected: store.rejected, lastError: store.lastError };
  scope.postMessage(batch, [rows.buffer]);
  rows = new Float64Array(BATCH_ROWS * rowLength(store.jointNames.length));
  count = 0;
}

let reportTimer: ReturnType<typeof setTimeout> | undefined;

// Ring mode: the count goes to the shared counter at once; the reason (a string) is posted at most
// every REJECT_REPORT_MS, the last of a burst by a trailing timer.
function reportRejections(s: JointStateStore, now: number): void {
  if (counters) Atomics.store(counters, 1, s.rejected);
  if (s.rejected === reportedRejected || reportTimer !== undefined) return;
  const wait = REJECT_REPORT_MS - (now - reportedAt);
  if (wait > 0) {
    reportTimer = setTimeout(() => {
      reportTimer = undefined;
      reportRejections(s, performance.now() + offset);
    }, wait);
    return;
  }
  reportedRejected = s.rejected;
  reportedAt = now;
  const batch: StreamBatch = { kind: 'batch', generation, count: 0, rows: new Float64Array(0), rejected: s.rejected, lastError: s.lastError };
  scope.postMessage(batch);
}

function writeRow(s: JointStateStore, target: Float64Array, at: number, now: number): void {
  const nq = s.jointNames.length;
  target[at] = now;
  target[at + 1] = s.stamp;
  target.set(s.position, at + ROW_HEADER);
  target.set(s.velocity, at + ROW_HEADER + nq);
  target.set(s.effort, at + ROW_HEADER + 2 * nq);
}

function receive(message: unknown): void {
  const s = store;
  if (!s) return;
  const now = performance.now() + offset;
  if (!ingestJointState(s, message, now)) {
    reportRejections(s, now);
    return;
  }
  const width = rowLength(s.jointNames.length);
  if (counters) {
    writeRow(s, ring, (written % RING_ROWS) * width, now);
    written++;
    Atomics.store(counters, 0, written); // publishes the row: the page reads up to this count
    return;
  }
  writeRow(s, rows, count * width, now);
  count++;
  if (count === BATCH_ROWS) {
    if (scheduled) clearTimeout(scheduled);
    flush();
  } else if (!scheduled) {
    scheduled = setTimeout(flush, FLUSH_MS);
  }
}

function start(request: StreamStart): void {
  // A new robot: fresh store and ring or buffer; the connection is kept when the URL is the same.
  store = createJointStateStore(request.jointNames);
  offset = performance.timeOrigin - request.timeOrigin;
  generation = request.generation;
  const width = rowLength(request.jointNames.length);
  counters = request.ring ? new Int32Array(request.ring, 0, RING_COUNTERS) : undefined;
  ring = request.ring ? new Float64Array(request.ring, 8) : new Float64Array(0);
  written = 0;
  rows = new Float64Array(request.ring ? 0 : BATCH_ROWS * width);
  count = 0;
  reportedRejected = 0;
  if (reportTimer !== undefined) clearTimeout(reportTimer);
  reportTimer = undefined;
  const key = `${request.url}\n${request.token ?? ''}`;
  if (client && clientKey === key) return;
  client?.close();
  clientKey = key;
  // With a token, the client's first frame on every connection is `auth` (bridge/client.ts).
  client = new RosbridgeClient({
    url: request.url, dialect: request.dialect, reconnect: { initialMs: 250, maxMs: 2000, factor: 2 },
    ...(request.token !== undefined ? { token: request.token } : {}),
  });
  client.subscribe(request.topic, 'sensor_msgs/JointState', receive, { queueLength: 1 });
  client.connect().catch(() => undefined); // the client keeps retrying; the page's own link shows the state
}

scope.addEventListener('message', (event) => {
  const m = event.data;
  if (typeof m !== 'object' || m === null) return;
  const r = m as Record<string, unknown>;
  if (r.kind !== 'start' || typeof r.url !== 'string' || (r.dialect !== 'ros1' && r.dialect !== 'ros2') || typeof r.topic !== 'string'
    || typeof r.timeOrigin !== 'number' || typeof r.generation !== 'number' || !Array.isArray(r.jointNames) || !r.jointNames.every((name) => typeof name === 'string')
    || (r.ring !== undefined && !(r.ring instanceof SharedArrayBuffer)) || (r.token !== undefined && typeof r.token !== 'string')) return;
  start(r as unknown as StreamStart);
});
