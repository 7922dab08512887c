// The fixed-rate loop: calls a tick function on absolute deadlines (t0 + k·period, no drift),
// keeps lateness and compute-time statistics, and applies an overrun policy.
//
// Two ways to drive it:
// - `start()`: real time, with an injected clock (default performance.now) and a pluggable
//   WaitStrategy (default Atomics.wait where available, else setTimeout);
// - `step()`: externally clocked (lockstep simulation, scenarios): the caller owns time and the
//   loop ticks exactly once per call, deterministically, as fast as the caller wants.
//
// Allocation: V8 boxes a double (16 B) whenever one crosses a call that is not inlined (argument
// or return value). So the tick gets its time through `LoopTime`, an object whose fields are
// always doubles, and `step()` advances time itself (k·period, no argument). `step()` allocates
// nothing; in real time, performance.now() itself returns a fresh heap number (16 B per read,
// two reads a tick) and the wait strategies allocate their timer handles: the tick is
// allocation-free, the real-time scheduling around it is not.
import { RingStats, type RingSummary } from './ring-stats.ts';
import { atomicsWait, performanceClock, timeoutWait, type WaitStrategy } from './wait.ts';

/** What to do when a tick ends after the next deadline. */
export type OverrunPolicy = 'skip' | 'catch-up';

/** Time of the current tick, owned by the loop: `t` the deadline time since start (s), `dt` the period (s). */
export interface LoopTime {
  t: number;
  dt: number;
}

/** Creates a LoopTime whose fields start as doubles (so V8 stores them unboxed-in-place). */
export function createLoopTime(): LoopTime {
  return { t: 0.5, dt: 0.5 };
}

/** The function the loop calls each period, with the loop's (reused) time object. */
export type TickFunction = (time: LoopTime) => void;

/** Highest loop rate (Hz) a loop accepts: 10 µs a tick. */
export const MAX_LOOP_RATE = 100_000;

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
  /** Measure compute time in `step()` mode too (reads the clock twice a step: allocates in Node); default false. */
  timeSteps?: boolean;
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
  // Double fields start as doubles (a field declared without a value is tagged in V8: boxing).
  readonly rate: number = 0.5;
  readonly period: number = 0.5;
  readonly overrun: OverrunPolicy;
  private readonly clock: () => number;
  private readonly waiter: WaitStrategy;
  private readonly maxCatchUp: number;
  private readonly tick: TickFunction;
  private readonly lateness: RingStats;
  private readonly compute: RingStats;
  private readonly wakeBound: () => void;
  private readonly timeSteps: boolean;
  /** The time object handed to every tick (fields overwritten each tick). */
  readonly time: LoopTime = createLoopTime();
  /** Scratch: [t0, deadline, now, start] in clock seconds (Float64Array: stores never box). */
  private readonly clockScratch = new Float64Array(4);
  private running = false;
  private k = 0;
  /** Ticks executed so far (real-time or stepped). */
  ticks = 0;
  /** Ticks that ended after the next deadline. */
  overruns = 0;
  /** Periods dropped by the 'skip' policy (and by a capped catch-up). */
  skipped = 0;
  /** Extra ticks run back to back by the 'catch-up' policy. */
  caughtUp = 0;
  /** Externally clocked time = stepBase + stepIndex·period (stepBase: the last explicit `step(t)`). */
  private stepIndex = 0;
  private stepBase = 0.5;
  private lastStep = Number.NaN;

  constructor(tick: TickFunction, options: LoopOptions = {}) {
    const rate = options.rate ?? 1000;
    if (!(Number.isFinite(rate) && rate > 0 && rate <= MAX_LOOP_RATE)) throw new Error(`loop rate = ${rate} Hz, expected 0 < rate <= ${MAX_LOOP_RATE}`);
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
    this.timeSteps = options.timeSteps ?? false;
    this.stepBase = 0;
    this.time.dt = this.period;
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
    this.clockScratch[0] = this.clock();
    this.k = 1;
    this.waiter.schedule(this.clockScratch[0] + this.period, this.clock, this.wakeBound);
  }

  /** Stops ticking (a pending wait is cancelled; an executing tick finishes). */
  stop(): void {
    this.running = false;
    this.waiter.cancel();
  }

  /**
   * Externally clocked mode: one tick. Without `t` the time advances by one period from the last
   * step (the first step is at t = period), which allocates nothing; with `t` (s) the tick runs at
   * that time (passing a double allocates 16 B at the call site unless V8 inlines it). @realtime
   */
  step(t?: number): void {
    const time = this.time;
    if (t === undefined) {
      this.stepIndex++;
      time.t = this.stepBase + this.stepIndex * this.period;
    } else {
      this.stepBase = t;
      this.stepIndex = 0;
      time.t = t;
    }
    time.dt = this.period;
    const scratch = this.clockScratch;
    if (this.timeSteps) scratch[3] = this.clock();
    this.tick(time);
    if (this.timeSteps) {
      scratch[2] = this.clock();
      this.compute.push(scratch, 2, 3);
    }
    scratch[2] = 0;
    this.lateness.push(scratch, 2, 2);
    this.ticks++;
    this.lastStep = time.t;
  }

  /** Time of the last externally clocked step (NaN before the first). */
  get lastStepTime(): number {
    return this.lastStep;
  }

  private wake(): void {
    if (!this.running) return;
    const scratch = this.clockScratch;
    const t0 = scratch[0];
    scratch[1] = t0 + this.k * this.period; // deadline
    scratch[3] = this.clock(); // woke
    this.lateness.push(scratch, 3, 1);
    this.runTick();
    this.k++;
    scratch[2] = this.clock();
    scratch[1] = t0 + this.k * this.period;
    if (scratch[2] > scratch[1]) {
      this.overruns++;
      if (this.overrun === 'catch-up') {
        let burst = 0;
        while (scratch[2] > scratch[1] && burst < this.maxCatchUp && this.running) {
          scratch[3] = scratch[2];
          this.runTick();
          this.caughtUp++;
          burst++;
          this.k++;
          scratch[1] = t0 + this.k * this.period;
          scratch[2] = this.clock();
        }
      }
      if (scratch[2] > scratch[1]) {
        const missed = Math.ceil((scratch[2] - scratch[1]) / this.period);
        this.skipped += missed;
        this.k += missed;
      }
    }
    if (this.running) this.waiter.schedule(t0 + this.k * this.period, this.clock, this.wakeBound);
  }

  /** Runs the tick for deadline scratch[1], started at scratch[3]. */
  private runTick(): void {
    const scratch = this.clockScratch;
    this.time.t = scratch[1] - scratch[0];
    this.time.dt = this.period;
    this.tick(this.time);
    scratch[2] = this.clock();
    this.compute.push(scratch, 2, 3);
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
