// Per-topic reception statistics: message count, age of the newest message and a smoothed rate.
// Updating allocates nothing; times come from a caller-supplied clock in seconds.

/** Reception statistics of one topic. */
export class TopicStats {
  /** Messages received. */
  count = 0;
  /** Receive time of the newest message (s, on the stats clock), NaN before the first. */
  lastReceived = Number.NaN;
  private rateHz = 0;

  /** `timeConstant` is the smoothing window of the rate in seconds. */
  constructor(private readonly timeConstant = 1) {}

  /** Records one message received at `now` (s). */
  record(now: number): void {
    if (this.count > 0) {
      const dt = now - this.lastReceived;
      if (this.count === 1 && dt > 0) this.rateHz = 1 / dt;
      else if (dt > 0) {
        const alpha = 1 - Math.exp(-dt / this.timeConstant);
        this.rateHz += alpha * (1 / dt - this.rateHz);
      }
    }
    this.count++;
    this.lastReceived = now;
  }

  /** Seconds since the newest message at `now` (Infinity before the first). */
  age(now: number): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : now - this.lastReceived;
  }

  /** Smoothed message rate (Hz); decays towards 0 when messages stop. */
  rate(now: number): number {
    if (this.count < 2) return 0;
    const silence = now - this.lastReceived;
    const expected = this.rateHz > 0 ? 1 / this.rateHz : Infinity;
    return silence > expected ? Math.min(this.rateHz, 1 / silence) : this.rateHz;
  }
}
