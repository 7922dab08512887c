// Preallocated ring of samples with percentile summaries (loop jitter and compute time).
//
// `record` is @realtime (no allocation); `summarize` sorts a preallocated scratch copy and is meant
// for status reads (diagnostics at a few Hz), not for every tick.

/** Percentile summary of the samples currently in a ring, in the samples' unit. */
export interface RingSummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** A fixed-capacity ring buffer of numbers that keeps its all-time maximum as well. */
export class RingStats {
  private readonly samples: Float64Array;
  private readonly scratch: Float64Array;
  private next = 0;
  private filled = 0;
  /** Largest sample ever recorded (not only those still in the ring). */
  allTimeMax = Number.NEGATIVE_INFINITY;

  constructor(capacity: number) {
    if (!(Number.isInteger(capacity) && capacity > 0)) throw new Error(`RingStats capacity = ${capacity}, expected a positive integer`);
    this.samples = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  /** Adds one sample, overwriting the oldest when full (a double argument may be boxed: see `push`). */
  record(value: number): void {
    this.samples[this.next] = value;
    this.next = this.next + 1 === this.samples.length ? 0 : this.next + 1;
    if (this.filled < this.samples.length) this.filled++;
    if (value > this.allTimeMax) this.allTimeMax = value;
  }

  /** Adds buffer[a] − buffer[b] (no double crosses the call, so nothing is boxed). @realtime */
  push(buffer: Float64Array, a: number, b: number): void {
    const value = buffer[a] - buffer[b];
    this.samples[this.next] = value;
    this.next = this.next + 1 === this.samples.length ? 0 : this.next + 1;
    if (this.filled < this.samples.length) this.filled++;
    if (value > this.allTimeMax) this.allTimeMax = value;
  }

  /** Forgets every sample. */
  clear(): void {
    this.next = 0;
    this.filled = 0;
    this.allTimeMax = Number.NEGATIVE_INFINITY;
  }

  /** Writes p50/p99/max/mean of the samples in the ring into `out` (NaN when empty) and returns it. */
  summarize(out: RingSummary = { count: 0, p50: 0, p99: 0, max: 0, mean: 0 }): RingSummary {
    const n = this.filled;
    out.count = n;
    if (n === 0) {
      out.p50 = out.p99 = out.max = out.mean = Number.NaN;
      return out;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      this.scratch[i] = this.samples[i];
      sum += this.samples[i];
    }
    for (let i = n; i < this.scratch.length; i++) this.scratch[i] = Number.POSITIVE_INFINITY;
    this.scratch.sort();
    const at = (p: number) => this.scratch[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
    out.p50 = at(0.5);
    out.p99 = at(0.99);
    out.max = this.scratch[n - 1];
    out.mean = sum / n;
    return out;
  }
}
