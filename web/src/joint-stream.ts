// /joint_states off the main thread: a dedicated worker (joint-stream-worker.ts) holds its own
// rosbridge connection, receives, parses and validates every message and appends one row per
// accepted message to a ring. The page drains the ring once per animation frame (`drain`), so at
// 1 kHz the main thread handles no WebSocket frame at all (each cost ~0.13 ms of mojo receive, JSON
// parse and roslib dispatch in headless Chromium: the largest share of its script time before).
// The ring is a SharedArrayBuffer when the page is cross-origin isolated (the page server sends
// COOP/COEP); otherwise the worker posts its rows in batches every FLUSH_MS and they queue here.
import type { Dialect } from '../../bridge/message-build.ts';

/** Numbers per sample row before the joint values: arrival time (ms, page clock), header stamp (s, NaN when none). */
export const ROW_HEADER = 2;
/** Rows in the shared ring (2 s at 1 kHz: the page may stall that long before rows are lost). */
export const RING_ROWS = 2048;
/** Int32 slots at the head of the shared buffer: rows written (total), messages rejected. */
export const RING_COUNTERS = 2;

/** Length of one sample row for nq joints: header, then position, velocity, effort (nq each; NaN when not sent). */
export function rowLength(nq: number): number {
  return ROW_HEADER + 3 * nq;
}

/** Page -> worker: connect (or keep the link to the same URL) and map messages onto these joint names. */
export interface StreamStart {
  kind: 'start';
  url: string;
  dialect: Dialect;
  topic: string;
  jointNames: string[];
  /** Token for the rosbridge `auth` op, sent before anything else on every connection; absent: none. */
  token?: string;
  /** performance.timeOrigin of the page: the worker reports arrival times on the page's clock. */
  timeOrigin: number;
  /** Counts the starts; batches carry the one they belong to (older ones are dropped). */
  generation: number;
  /** Counters (Int32 x RING_COUNTERS, 8-byte padded) then RING_ROWS rows; absent: post batches. */
  ring?: SharedArrayBuffer;
}

/** Worker -> page: rows since the previous batch (posting mode), or just the rejections (ring mode). */
export interface StreamBatch {
  kind: 'batch';
  /** The start this batch belongs to. */
  generation: number;
  /** Number of rows in `rows`. */
  count: number;
  /** count rows of rowLength(nq) numbers, oldest first. */
  rows: Float64Array;
  rejected: number;
  lastError: string;
}

/** Called by `drain` for each new row: the row's numbers start at rows[offset]. */
export type RowHandler = (rows: Float64Array<ArrayBufferLike>, offset: number) => void;

/** A running /joint_states worker. */
export interface JointStream {
  /** Whether rows come through a SharedArrayBuffer (else posted batches). */
  readonly shared: boolean;
  /** Messages the worker rejected, and the last reason (naming the field). */
  readonly rejected: number;
  readonly lastError: string;
  /** (Re)starts the stream for a robot's joint names; rows of an older robot are dropped. */
  start(jointNames: readonly string[]): void;
  /** Hands every row that arrived since the last call to `handler`, oldest first; returns the count. */
  drain(handler: RowHandler): number;
  close(): void;
}

/** Checks a worker message from `unknown` (rows for nq joints); returns it typed, or a reason naming the field. */
export function parseStreamBatch(value: unknown, nq: number): StreamBatch | string {
  if (typeof value !== 'object' || value === null) return 'joint stream: expected an object';
  const m = value as Record<string, unknown>;
  if (m.kind !== 'batch') return `joint stream.kind: expected "batch", got ${String(m.kind)}`;
  if (typeof m.generation !== 'number') return `joint stream.generation: expected a number, got ${String(m.generation)}`;
  const count = m.count;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) return `joint stream.count: expected a whole number >= 0, got ${String(count)}`;
  if (!(m.rows instanceof Float64Array) || m.rows.length < count * rowLength(nq)) {
    return `joint stream.rows: expected a Float64Array of at least ${count * rowLength(nq)} numbers`;
  }
  if (typeof m.rejected !== 'number' || typeof m.lastError !== 'string') return 'joint stream.rejected/lastError: expected a number and a string';
  return { kind: 'batch', generation: m.generation, count, rows: m.rows, rejected: m.rejected, lastError: m.lastError };
}

/** Starts the worker for `url`; malformed worker messages go to `onError`. */
export function createJointStream(options: { url: string; dialect: Dialect; topic: string; token?: string | null; onError: (reason: string) => void }): JointStream {
  const worker = new Worker(new URL('./joint-stream-worker.ts', import.meta.url), { type: 'module', name: 'joint-stream' });
  const shared = typeof SharedArrayBuffer !== 'undefined' && globalThis.crossOriginIsolated === true;
  let nq = 0;
  let width = ROW_HEADER;
  let counters: Int32Array<ArrayBufferLike> = new Int32Array(RING_COUNTERS);
  let ring: Float64Array<ArrayBufferLike> = new Float64Array(0);
  let read = 0;
  let rejected = 0;
  let lastError = '';
  const queue: StreamBatch[] = [];
  let generation = 0;
  worker.addEventListener('message', (event: MessageEvent<unknown>) => {
    // A batch of an earlier robot (in flight when the robot changed) has another row length.
    if ((event.data as { generation?: unknown } | null)?.generation !== generation) return;
    const batch = parseStreamBatch(event.data, nq);
    if (typeof batch === 'string') return options.onError(batch);
    rejected = batch.rejected;
    lastError = batch.lastError;
    if (batch.count > 0) queue.push(batch);
  });
  worker.addEventListener('error', (event) => options.onError(`joint stream worker: ${event.message}`));
  return {
    shared,
    get rejected() {
      return shared ? Atomics.load(counters, 1) : rejected;
    },
    get lastError() {
      return lastError;
    },
    start(jointNames) {
      nq = jointNames.length;
      width = rowLength(nq);
      generation++;
      queue.length = 0;
      read = 0;
      const message: StreamStart = {
        kind: 'start', url: options.url, dialect: options.dialect, topic: options.topic,
        jointNames: [...jointNames], timeOrigin: performance.timeOrigin, generation,
        ...(typeof options.token === 'string' ? { token: options.token } : {}),
      };
      if (shared) {
        const buffer = new SharedArrayBuffer(8 + RING_ROWS * width * 8);
        counters = new Int32Array(buffer, 0, RING_COUNTERS);
        ring = new Float64Array(buffer, 8);
        message.ring = buffer;
      }
      worker.postMessage(message);
    },
    drain(handler) {
      let handled = 0;
      if (shared) {
        const written = Atomics.load(counters, 0); // rows up to `written` are complete (the worker stores it after them)
        // Skip what the writer may already be overwriting after a long stall.
        if (written - read > RING_ROWS / 2) read = written - RING_ROWS / 2;
        for (; read < written; read++, handled++) handler(ring, (read % RING_ROWS) * width);
        return handled;
      }
      for (const batch of queue) {
        for (let i = 0; i < batch.count; i++) handler(batch.rows, i * width);
        handled += batch.count;
      }
      queue.length = 0;
      return handled;
    },
    close() {
      worker.terminate();
    },
  };
}
