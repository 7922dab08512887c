// Page timing, kept in preallocated rings and exposed for the e2e suite: main-thread work per frame
// (the frame callback plus message handling since the previous frame) and the time from a
// /joint_states message's arrival to the start of the frame that draws it (a frame with nothing new
// to draw — the pose moved less than a pixel — settles the pending arrival without a sample).

const CAPACITY = 8192;

/** Rolling timing figures (ms). */
export interface PagePerf {
  /**
   * Adds handler time (ms) spent on `count` messages (a batch, 1 by default) whose first arrived at
   * `arrivedAt` and last at `newestAt` (default `arrivedAt`); marks the first and newest arrivals not yet drawn.
   */
  message(arrivedAt: number, handlerMs: number, drawable: boolean, count?: number, newestAt?: number): void;
  /**
   * Frame bookkeeping: call at the start and end of each animation frame callback; `drew` says
   * whether it drew, `deferred` that a change waits for a later frame (its arrivals carry over).
   */
  frameStart(now: number): void;
  frameEnd(now: number, drew: boolean, deferred?: boolean): void;
  /** Clears the rings (the e2e suite calls it after warm-up). */
  reset(): void;
  /** Median, p99 and max of frame work and latency; counts. */
  summary(): PerfSummary;
}

/** What summary() reports. */
export interface PerfSummary {
  frames: number;
  /** Frames that drew (the rest had nothing new to show). */
  drawn: number;
  messages: number;
  frameWorkMs: { median: number; p99: number; max: number; mean: number };
  handlerMsPerMessage: number;
  /** From the oldest message not yet drawn to the start of the frame that draws it. */
  arrivalToFrameMs: { median: number; p99: number; max: number; n: number };
  /** From the newest message a drawn frame shows to that frame's start (the display lag of the latest data). */
  newestToFrameMs: { median: number; p99: number; max: number; n: number };
}

function stats(ring: Float64Array, n: number): { median: number; p99: number; max: number; mean: number } {
  const values = Array.from(ring.subarray(0, Math.min(n, CAPACITY))).sort((a, b) => a - b);
  if (values.length === 0) return { median: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  const at = (p: number) => values[Math.min(values.length - 1, Math.floor(p * values.length))];
  return { median: at(0.5), p99: at(0.99), max: values[values.length - 1], mean: values.reduce((a, b) => a + b, 0) / values.length };
}

/** A fresh recorder. */
export function createPagePerf(): PagePerf {
  const work = new Float64Array(CAPACITY);
  const latency = new Float64Array(CAPACITY);
  const newestLatency = new Float64Array(CAPACITY);
  let newestUndrawn = Number.NaN;
  let newestAtStart = Number.NaN;
  let frames = 0;
  let latencies = 0;
  let messages = 0;
  let handlerTotal = 0;
  let handlerSinceFrame = 0;
  let firstUndrawn = Number.NaN;
  let started = 0;
  let pendingAtStart = Number.NaN;
  let drawn = 0;
  return {
    message(arrivedAt, handlerMs, drawable, count = 1, newestAt = arrivedAt) {
      messages += count;
      if (drawable && !(newestAt <= newestUndrawn)) newestUndrawn = newestAt;
      handlerTotal += handlerMs;
      handlerSinceFrame += handlerMs;
      if (drawable && Number.isNaN(firstUndrawn)) firstUndrawn = arrivedAt;
    },
    frameStart(now) {
      started = now;
      pendingAtStart = firstUndrawn;
      firstUndrawn = Number.NaN;
      newestAtStart = newestUndrawn;
      newestUndrawn = Number.NaN;
    },
    frameEnd(now, drew, deferred = false) {
      if (!drew && deferred && !Number.isNaN(pendingAtStart)) {
        // Not drawn yet: the earliest waiting arrival is still waiting.
        if (Number.isNaN(firstUndrawn) || pendingAtStart < firstUndrawn) firstUndrawn = pendingAtStart;
        if (!(newestAtStart <= newestUndrawn)) newestUndrawn = newestAtStart;
      }
      if (drew) {
        drawn++;
        if (!Number.isNaN(pendingAtStart)) {
          latency[latencies % CAPACITY] = started - pendingAtStart;
          newestLatency[latencies % CAPACITY] = started - newestAtStart;
          latencies++;
        }
      }
      pendingAtStart = Number.NaN;
      work[frames % CAPACITY] = now - started + handlerSinceFrame;
      handlerSinceFrame = 0;
      frames++;
    },
    reset() {
      frames = latencies = messages = drawn = 0;
      handlerTotal = handlerSinceFrame = 0;
      firstUndrawn = newestUndrawn = Number.NaN;
    },
    summary() {
      const l = stats(latency, latencies);
      const newest = stats(newestLatency, latencies);
      return {
        frames,
        drawn,
        messages,
        frameWorkMs: stats(work, frames),
        handlerMsPerMessage: messages > 0 ? handlerTotal / messages : Number.NaN,
        arrivalToFrameMs: { median: l.median, p99: l.p99, max: l.max, n: latencies },
        newestToFrameMs: { median: newest.median, p99: newest.p99, max: newest.max, n: latencies },
      };
    },
  };
}
