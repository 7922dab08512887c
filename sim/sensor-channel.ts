// A sampled sensor channel: truth in, measurement out, as a real sensor does it. Samples at its
// own rate, adds a constant bias and white Gaussian noise, and delivers each sample `delay`
// seconds after it was taken (a ring of pending samples). A dropout stops delivery (the reader
// sees a stale stamp and sequence), as a cable or bus fault does.
//
// Time comes from a shared clock slot (`clock[0]`, seconds) rather than an argument: a double
// passed to, or returned from, a call that is not inlined is boxed on the heap.
import type { Random } from './random.ts';

/** How a channel measures, SI units. */
export interface ChannelSpec {
  /** Sample rate (Hz); Infinity samples on every physics step. */
  rate: number;
  /** Standard deviation of white noise per component (same unit as the value). */
  noise: number;
  /** Constant offset per component (a number for all, or one per component). */
  bias: number | readonly number[];
  /** Transport delay from sampling to delivery (s). */
  delay: number;
}

/** Defaults: every step, no noise, no bias, no delay. */
export const IDEAL_CHANNEL: ChannelSpec = { rate: Infinity, noise: 0, bias: 0, delay: 0 };

/** One sensor channel of `width` components. */
export class SensorChannel {
  /** Last delivered measurement (width values), NaN before the first delivery. */
  readonly value: Float64Array;
  /** Scratch the caller fills with the true value before `sample()` (width values). */
  readonly truth: Float64Array;
  /** Time at which `value` was sampled (s) in element 0, NaN before the first delivery. */
  readonly stampSlot = new Float64Array(1).fill(Number.NaN);
  /** Incremented on every delivery. */
  sequence = 0;
  /** While true, samples are taken but never delivered. */
  dropout = false;
  /** Extra transport delay (s) in element 0, set by an injected communication fault (bounded by maxExtraDelay). */
  readonly extraDelay = new Float64Array(1);
  private readonly bias: Float64Array;
  private readonly noise: Float64Array;
  private readonly ring: Float64Array;
  private readonly ringStamp: Float64Array;
  private readonly capacity: number;
  // Next sample time, noise, delay, period, slack (s): numbers in a typed array, because a double
  // field read at a call site that sees several object shapes is boxed.
  private readonly next = new Float64Array(1);
  private readonly params = new Float64Array(4);
  private head = 0;
  private count = 0;

  /**
   * `clock[0]` is the simulated time (s); `dt` the physics step (s); `maxExtraDelay` bounds
   * injected delays (s), so the ring is sized once here and never grows.
   */
  constructor(
    readonly width: number,
    readonly spec: ChannelSpec,
    private readonly random: Random,
    dt: number,
    private readonly clock: Float64Array,
    readonly maxExtraDelay = 1,
  ) {
    if (!(spec.rate > 0)) throw new Error(`sensor rate = ${spec.rate} must be > 0 Hz`);
    if (!(spec.noise >= 0) || !Number.isFinite(spec.noise)) throw new Error(`sensor noise = ${spec.noise} must be finite and >= 0`);
    if (!(spec.delay >= 0) || !Number.isFinite(spec.delay)) throw new Error(`sensor delay = ${spec.delay} must be finite and >= 0 s`);
    this.bias = new Float64Array(width);
    if (typeof spec.bias === 'number') this.bias.fill(spec.bias);
    else if (spec.bias.length === width) this.bias.set(spec.bias);
    else throw new Error(`sensor bias has ${spec.bias.length} values, expected 1 or ${width}`);
    const period = Number.isFinite(spec.rate) ? 1 / spec.rate : 0;
    const spacing = Math.max(period, dt);
    this.capacity = Math.ceil((spec.delay + maxExtraDelay) / spacing) + 3;
    this.ring = new Float64Array(this.capacity * width);
    this.ringStamp = new Float64Array(this.capacity);
    this.noise = new Float64Array(width);
    this.value = new Float64Array(width).fill(Number.NaN);
    this.truth = new Float64Array(width);
    // Half a physics step of slack so that a 1 kHz sensor on a 1 ms step samples every step.
    this.params[0] = spec.noise;
    this.params[1] = spec.delay;
    this.params[2] = period;
    this.params[3] = dt / 2;
  }

  /** Time (s) at which `value` was sampled. */
  get stamp(): number {
    return this.stampSlot[0];
  }

  /** True when a sample is due at the clock's time. @realtime */
  due(): boolean {
    return this.clock[0] + this.params[3] >= this.next[0];
  }

  /** Takes a sample of `truth` at the clock's time. @realtime */
  sample(): void {
    const t = this.clock[0];
    const width = this.width;
    const sigma = this.params[0];
    if (sigma > 0) this.random.fillNormal(this.noise, 0, width);
    if (this.count === 0 && this.params[1] === 0 && !(this.extraDelay[0] > 0)) {
      // No delay and nothing pending: delivered now, as deliver() would at this time, without the ring.
      if (!this.dropout) {
        for (let j = 0; j < width; j++) this.value[j] = this.truth[j] + this.bias[j] + sigma * this.noise[j];
        this.stampSlot[0] = t;
        this.sequence++;
      }
    } else {
      if (this.count === this.capacity) this.count--; // drop the oldest (only when delays exceed the bound)
      const base = this.head * width;
      for (let j = 0; j < width; j++) this.ring[base + j] = this.truth[j] + this.bias[j] + sigma * this.noise[j];
      this.ringStamp[this.head] = t;
      // Wrapped by a compare, not %: an integer division per call, in every channel, every step.
      this.head = this.head + 1 === this.capacity ? 0 : this.head + 1;
      this.count++;
    }
    const period = this.params[2];
    this.next[0] += period;
    if (this.next[0] + this.params[3] < t) this.next[0] = t + period; // after a pause or reset, resume from now
  }

  /** Delivers every pending sample older than the delay at the clock's time. @realtime */
  deliver(): void {
    const t = this.clock[0];
    const delay = this.params[1] + Math.min(this.extraDelay[0], this.maxExtraDelay);
    const width = this.width;
    while (this.count > 0) {
      const back = this.head - this.count;
      const tail = back < 0 ? back + this.capacity : back;
      if (this.ringStamp[tail] + delay > t + 1e-12) break;
      this.count--;
      if (this.dropout) continue;
      const base = tail * width;
      for (let j = 0; j < width; j++) this.value[j] = this.ring[base + j];
      this.stampSlot[0] = this.ringStamp[tail];
      this.sequence++;
    }
  }

  /** Forgets pending samples and restarts the schedule. */
  reset(): void {
    this.count = 0;
    this.head = 0;
    this.next[0] = 0;
    this.stampSlot[0] = Number.NaN;
    this.value.fill(Number.NaN);
  }
}

/** Makes a channel (see the SensorChannel constructor). */
export function createSensorChannel(width: number, spec: ChannelSpec, random: Random, dt: number, clock: Float64Array, maxExtraDelay = 1): SensorChannel {
  return new SensorChannel(width, spec, random, dt, clock, maxExtraDelay);
}
