// Per-topic reception statistics: message count, age of the newest message and a smoothed rate.
// Updating allocates nothing; times come from a caller-supplied clock in seconds.

/** Reception statistics of one topic. */
export class TopicStats {
  /** Messages received. */
  count = 0;
  /** Receive time of the newest message (s, on the stats clock), NaN before the first. */
  lastReceived = Number.NaN;
  /**
   * Exponentially weighted count of intervals between messages, each weighted at its midpoint, and
   * the equally weighted time they span (s): rate = count / time. Time integrates exactly, so arrival
   * jitter does not bias the rate (as a mean of 1/dt, or a mean interval weighted by dt, would be).
   */
  private weightedCount = 0;
  private weightedTime = 0;

  /** `timeConstant` is the smoothing window of the rate in seconds. */
  constructor(private readonly timeConstant = 1) {}

  /** Records one message received at `now` (s). */
  record(now: number): void {
    if (this.count > 0) {
      const dt = now - this.lastReceived;
      if (dt >= 0) {
        const half = Math.exp((-0.5 * dt) / this.timeConstant); // the decay over half the interval: its midpoint's weight
        const decay = half * half;
        this.weightedCount = this.weightedCount * decay + half;
        this.weightedTime = this.weightedTime * decay + this.timeConstant * (1 - decay);
      }
    }
    this.count++;
    this.lastReceived = now;
  }

  /** Seconds since the newest message at `now` (Infinity before the first). */
  age(now: number): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : now - this.lastReceived;
  }

  /** Smoothed message rate (Hz), 0 before two messages; once a silence outlasts twice the mean interval, at most 1/silence (it decays towards 0 when messages stop). */
  rate(now: number): number {
    if (this.count < 2 || !(this.weightedTime > 0)) return 0;
    const rate = this.weightedCount / this.weightedTime;
    const silence = now - this.lastReceived;
    return silence * rate > 2 ? Math.min(rate, 1 / silence) : rate;
  }
}
