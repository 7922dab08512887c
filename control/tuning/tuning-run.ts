// Tuning runs inside the loop: a step or a chirp on one joint's position reference (the other
// joints hold), recorded sample by sample (reference, measured) for step metrics and the
// frequency response; and a relay test on one joint's effort (the other joints keep their
// controller), giving the ultimate gain and period.
//
// Ports: TuningRun (a ReferenceSource): in ctx.q, ctx.t; out ctx.qRef, vRef, aRef.
// RelayEffortController (a Controller wrapping the running one): in ctx.q; out command.effort of
// the tested joint. Both record into arrays allocated at construction. TuningRun's tick allocates
// nothing; the relay's (RelayAutotune.update takes and returns doubles) may box a few per tick
// while a test runs.
import type { ControlContext, Controller, ReferenceSource } from '../context.ts';
import { Chirp, estimateFrequencyResponse, logFrequencies, openLoopFromClosedLoop, summarizeResponse, type FrequencyResponse, type ResponseSummary } from './frequency-response.ts';
import { stepMetrics, type StepMetrics } from './step-metrics.ts';
import { RelayAutotune } from './relay-autotune.ts';

/** A position-reference test: a step of `amplitude` (rad) held for `duration` (s), or a chirp. */
export type ReferenceTest =
  | { kind: 'step'; joint: number; amplitude: number; duration: number }
  | { kind: 'chirp'; joint: number; f0: number; f1: number; duration: number; amplitude: number };

/** Time at rest recorded before the excitation starts (s). */
const LEAD_IN = 0.1;

/** Step or chirp on one joint's position reference, recorded for analysis. */
export class TuningRun implements ReferenceSource {
  readonly name: string;
  readonly streaming = false;
  readonly inputSequence = 0;
  readonly test: ReferenceTest;
  /** Samples recorded: time since start (s), reference and measured position of the joint (rad). */
  readonly t: Float64Array;
  readonly r: Float64Array;
  readonly y: Float64Array;
  count = 0;
  /** True once the excitation and its recording are over. */
  done = false;
  private readonly hold: Float64Array;
  private readonly chirp: Chirp | undefined;
  private startTime = Number.NaN;
  /** Offsets of the last two ticks (a chirp's velocity and acceleration feedforward, by differences). */
  private lastOffset = 0.5;
  private lastVelocity = 0.5;

  /** `period` is the loop period (s): it sizes the recording. */
  constructor(nq: number, test: ReferenceTest, period: number) {
    if (!(Number.isInteger(test.joint) && test.joint >= 0 && test.joint < nq)) throw new Error(`tuning joint index ${test.joint}, expected 0..${nq - 1}`);
    if (!(Number.isFinite(test.duration) && test.duration > 0 && test.duration <= 120)) throw new Error(`tuning duration = ${test.duration}, expected 0 < duration <= 120 s`);
    if (!(Number.isFinite(test.amplitude) && test.amplitude !== 0 && Math.abs(test.amplitude) <= 1)) throw new Error(`tuning amplitude = ${test.amplitude}, expected 0 < |amplitude| <= 1 rad`);
    if (!(period > 0)) throw new Error(`tuning period = ${period}, expected > 0 s`);
    this.test = test;
    this.name = `tuning-${test.kind}`;
    this.chirp = test.kind === 'chirp' ? new Chirp(test.f0, test.f1, test.duration, Math.abs(test.amplitude)) : undefined;
    const samples = Math.ceil((test.duration + LEAD_IN) / period) + 2;
    this.t = new Float64Array(samples);
    this.r = new Float64Array(samples);
    this.y = new Float64Array(samples);
    this.hold = new Float64Array(nq);
  }

  start(ctx: ControlContext): void {
    this.hold.set(ctx.qRef);
    this.startTime = ctx.t;
    this.count = 0;
    this.done = false;
    this.lastOffset = 0;
    this.lastVelocity = 0;
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    const k = this.test.joint;
    const elapsed = ctx.t - this.startTime;
    const s = elapsed - LEAD_IN;
    ctx.qRef.set(this.hold);
    ctx.vRef.fill(0);
    ctx.aRef.fill(0);
    if (this.done) return;
    let offset = 0;
    if (s >= 0) offset = this.chirp !== undefined ? this.chirp.value(s) : this.test.amplitude;
    ctx.qRef[k] = this.hold[k] + offset;
    if (this.chirp !== undefined && ctx.dt > 0) {
      // A chirp is smooth: give the loop its velocity and acceleration (a step stays a step).
      const velocity = (offset - this.lastOffset) / ctx.dt;
      ctx.vRef[k] = velocity;
      ctx.aRef[k] = (velocity - this.lastVelocity) / ctx.dt;
      this.lastVelocity = velocity;
    }
    this.lastOffset = offset;
    if (this.count < this.t.length) {
      this.t[this.count] = elapsed;
      this.r[this.count] = ctx.qRef[k];
      this.y[this.count] = ctx.q[k];
      this.count++;
    }
    if (s >= this.test.duration || this.count >= this.t.length) this.done = true;
  }

  /** Step metrics of the recording (after `done`; allocates). */
  stepResult(): StepMetrics {
    const from = this.firstExcited();
    const initial = this.hold[this.test.joint];
    return stepMetrics(this.t.subarray(from, this.count), this.y.subarray(from, this.count), initial, initial + this.test.amplitude);
  }

  /**
   * Closed-loop frequency response T = measured/reference over `points` log-spaced frequencies (after
   * `done`), and its summary: the bandwidth from T (−3 dB), the gain and phase margins from the open
   * loop L = T/(1 − T) the position loop closes around the joint (unity feedback).
   */
  chirpResult(points = 40): { response: FrequencyResponse; summary: ResponseSummary } {
    if (this.test.kind !== 'chirp') throw new Error('chirpResult: this run is a step');
    const from = this.firstExcited();
    const n = this.count - from;
    const dt = n > 1 ? (this.t[this.count - 1] - this.t[from]) / (n - 1) : 0;
    const response = estimateFrequencyResponse(this.r.subarray(from, this.count), this.y.subarray(from, this.count), dt, logFrequencies(this.test.f0, this.test.f1, points));
    const margins = summarizeResponse(openLoopFromClosedLoop(response));
    return { response, summary: { ...margins, bandwidth: summarizeResponse(response).bandwidth } };
  }

  private firstExcited(): number {
    let i = 0;
    while (i < this.count && this.t[i] < LEAD_IN) i++;
    return i;
  }
}

/**
 * A relay test on one joint's effort: the wrapped controller runs every joint, then the tested
 * joint's effort becomes bias ± amplitude, switching on the measured position around `setpoint`.
 * Bias: the wrapped controller's effort feedforward for the joint when it has one (a cascade with
 * gravity compensation: it follows the load as the joint swings), else its effort at the start.
 */
export class RelayEffortController implements Controller {
  readonly name: string;
  readonly mode = 'effort' as const;
  readonly relay: RelayAutotune;
  private readonly joint: number;
  private bias = 0.5;
  /** The relay's step slot: [t, y, output]. */
  private readonly relayIo = new Float64Array(3);

  constructor(readonly inner: Controller, joint: number, options: { setpoint: number; amplitude: number; hysteresis: number; timeout?: number }) {
    if (inner.mode !== 'effort') throw new Error(`relay test needs an effort controller, the running one ("${inner.name}") writes ${inner.mode}`);
    this.joint = joint;
    this.name = `relay(${inner.name})`;
    this.relay = new RelayAutotune({ setpoint: options.setpoint, amplitude: options.amplitude, hysteresis: options.hysteresis, timeout: options.timeout ?? 30 });
    this.bias = 0;
  }

  start(ctx: ControlContext): void {
    this.inner.start(ctx);
    this.inner.update(ctx);
    this.bias = ctx.command.effort[this.joint];
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    this.inner.update(ctx);
    const k = this.joint;
    const feedforward = (this.inner as { effortFeedforward?: unknown }).effortFeedforward;
    if (feedforward instanceof Float64Array) this.bias = feedforward[k];
    // The relay's own bias is 0; ours is the effort that held the joint when the test started.
    // Through its slot: update(t, y) would box both doubles when V8 does not inline it.
    const io = this.relayIo;
    io[0] = ctx.t;
    io[1] = ctx.q[k];
    this.relay.step(io);
    ctx.command.effort[k] = this.bias + io[2];
  }
}
