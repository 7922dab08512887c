// The fixed-rate loop: calls a tick function on absolute deadlines (t0 + k·period, no drift),
// keeps lateness and compute-time statistics, and applies an overrun policy.
//
// Two ways to drive it:
// - `start()`: real time, with an injected clock (default performance.now) and a pluggable
//   WaitStrategy (default Atomics.wait where available, else setTimeout);
// - `step(t)`: externally clocked (lockstep simulation, scenarios): the caller owns time and the
//   loop ticks exactly once per call, deterministically, as fast as the caller wants.
import { RingStats, type RingSummary } from './ring-stats.ts';
import { atomicsWait, performanceClock, timeoutWait, type WaitStrategy } from './wait.ts';

/** What to do when a tick ends after the next deadline. */
export type OverrunPolicy = 'skip' | 'catch-up';

/** The function the loop calls each period: `t` is the deadline time, `dt` the period (s). */
export type TickFunction = (t: number, dt: number) => void;

/** Loop options; every field has a default. */
export interface LoopOptions {
  /** Tick rate (Hz); default 1000. */
  rate?: number;
  /** Monotonic clock in seconds; default performance.now()/1000. */
  clock?: () => number;
  /** How to sleep to the next deadline; default Atomics.wait when available, else setTimeout. */
  wait?: WaitStrategy;
  /** 'skip' (default): drop missed periods; 'catch-up': run missed ticks back to back (at most `maxCatchUp`). */
  overrun?: OverrunPolicy;
  /** Longest burst of catch-up ticks before the rest is skipped; default 10. */
  maxCatchUp?: number;
  /** Samples kept for the p50/p99 statistics; default 10 000. */
  statsWindow?: number;
}

/** Timing figures of a loop, as data (seconds). */
export interface LoopTiming {
  rate: number;
  period: number;
  ticks: number;
  overruns: number;
  skipped: number;
  caughtUp: number;
  waitStrategy: string;
  /** Wake time minus deadline. */
  lateness: RingSummary;
  /** Tick start to tick end. */
  compute: RingSummary;
}

function defaultWait(): WaitStrategy {
  try {
    return atomicsWait();
  } catch {
    return timeoutWait();
  }
}

/** A fixed-rate loop around one tick function. */
export class ControlLoop {
  readonly rate: number;
  readonly period: number;
  readonly overrun: OverrunPolicy;
  private readonly clock: () => number;
  private readonly waiter: WaitStrategy;
  private readonly maxCatchUp: number;
  private readonly tick: TickFunction;
  private readonly lateness: RingStats;
  private readonly compute: RingStats;
  private readonly wakeBound: () => void;
  private running = false;
  private t0 = 0;
  private k = 0;
  /** Ticks executed so far (real-time or stepped). */
  ticks = 0;
  /** Ticks that ended after the next deadline. */
  overruns = 0;
  /** Periods dropped by the 'skip' policy (and by a capped catch-up). */
  skipped = 0;
  /** Extra ticks run back to back by the 'catch-up' policy. */
  caughtUp = 0;
  private lastStep = Number.NaN;

  constructor(tick: TickFunction, options: LoopOptions = {}) {
    const rate = options.rate ?? 1000;
    if (!(Number.isFinite(rate) && rate > 0 && rate <= 100_000)) throw new Error(`loop rate = ${rate} Hz, expected 0 < rate <= 100000`);
    const overrun = options.overrun ?? 'skip';
    if (overrun !== 'skip' && overrun !== 'catch-up') throw new Error(`loop overrun = "${String(overrun)}", expected "skip" or "catch-up"`);
    const maxCatchUp = options.maxCatchUp ?? 10;
    if (!(Number.isInteger(maxCatchUp) && maxCatchUp >= 0)) throw new Error(`loop maxCatchUp = ${maxCatchUp}, expected a non-negative integer`);
    this.rate = rate;
    this.period = 1 / rate;
    this.overrun = overrun;
    this.maxCatchUp = maxCatchUp;
    this.clock = options.clock ?? performanceClock;
    this.waiter = options.wait ?? defaultWait();
    this.tick = tick;
    const window = options.statsWindow ?? 10_000;
    this.lateness = new RingStats(window);
    this.compute = new RingStats(window);
    this.wakeBound = () => this.wake();
  }

  /** True between start() and stop(). */
  get isRunning(): boolean {
    return this.running;
  }

  /** Starts ticking in real time; the first tick is one period from now. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.t0 = this.clock();
    this.k = 1;
    this.waiter.schedule(this.t0 + this.period, this.clock, this.wakeBound);
  }

  /** Stops ticking (a pending wait is cancelled; an executing tick finishes). */
  stop(): void {
    this.running = false;
    this.waiter.cancel();
  }

  /** Externally clocked mode: one tick at time `t` (s); dt is the loop period. @realtime */
  step(t: number): void {
    const start = this.clock();
    this.tick(t, this.period);
    this.compute.record(this.clock() - start);
    this.lateness.record(0);
    this.ticks++;
    this.lastStep = t;
  }

  /** Time of the last externally clocked step (NaN before the first). */
  get lastStepTime(): number {
    return this.lastStep;
  }

  private wake(): void {
    if (!this.running) return;
    let deadline = this.t0 + this.k * this.period;
    const woke = this.clock();
    this.lateness.record(woke - deadline);
    this.runTick(deadline, woke);
    this.k++;
    let now = this.clock();
    deadline = this.t0 + this.k * this.period;
    if (now > deadline) {
      this.overruns++;
      if (this.overrun === 'catch-up') {
        let burst = 0;
        while (now > deadline && burst < this.maxCatchUp && this.running) {
          this.runTick(deadline, now);
          this.caughtUp++;
          burst++;
          this.k++;
          deadline = this.t0 + this.k * this.period;
          now = this.clock();
        }
      }
      if (now > deadline) {
        const missed = Math.ceil((now - deadline) / this.period);
        this.skipped += missed;
        this.k += missed;
      }
    }
    if (this.running) this.waiter.schedule(this.t0 + this.k * this.period, this.clock, this.wakeBound);
  }

  private runTick(deadline: number, start: number): void {
    this.tick(deadline - this.t0, this.period);
    this.compute.record(this.clock() - start);
    this.ticks++;
  }

  /** Timing statistics as plain data (allocates: call at status rate, not per tick). */
  timing(): LoopTiming {
    return {
      rate: this.rate,
      period: this.period,
      ticks: this.ticks,
      overruns: this.overruns,
      skipped: this.skipped,
      caughtUp: this.caughtUp,
      waitStrategy: this.waiter.name,
      lateness: this.lateness.summarize(),
      compute: this.compute.summarize(),
    };
  }

  /** Clears the statistics and counters (e.g. after warm-up). */
  resetStatistics(): void {
    this.lateness.clear();
    this.compute.clear();
    this.overruns = this.skipped = this.caughtUp = 0;
  }
}
