// Setpoint reference through the jerk-limited online trajectory generator (control/trajectory):
// every new position setpoint (a slider, a setpoint stream) is reached time-optimally from the
// current reference state (position, velocity, acceleration) within the velocity, acceleration
// and jerk limits, all joints finishing together. A new setpoint mid-motion replaces the running
// motion smoothly (the generator starts from the state it is in).
//
// Ports: in ctx.qRef, vRef, aRef (the state it starts from), ctx.dt; out ctx.qRef, vRef, aRef.
// `setPositions` runs outside the tick (validates, no allocation); `update` is @realtime.
import { TrajectoryGenerator, TrajectoryOutput, TrajectoryResult, createTrajectoryInput, type TrajectoryInput } from './trajectory/index.ts';
import type { ControlContext, ReferenceSource } from './context.ts';
import type { JointLimits } from './limiter.ts';

/** Options of the OTG setpoint reference. */
export interface OtgSetpointOptions {
  /** Loop period (s): the generator steps by it; default 0.001. */
  period?: number;
  /** Watch the input as a stream (hold when it stops, as MoveIt Servo); default false (a slider). */
  streaming?: boolean;
  /** Fraction of the limits used (0..1]; default 1. */
  limitScale?: number;
  /** Jerk used where the limits give Infinity, as a multiple of the acceleration limit (1/s); default 100. */
  jerkPerAccelerationFallback?: number;
}

/** A position setpoint reached by jerk-limited, time-optimal motion. */
export class OtgSetpointReference implements ReferenceSource {
  readonly name = 'otg-setpoint';
  readonly streaming: boolean;
  inputSequence = 0;
  readonly nq: number;
  /** Last generator result (TrajectoryResult code) and its message on error. */
  result: number = TrajectoryResult.Finished;
  errorMessage = '';
  private readonly limits: JointLimits;
  private readonly generator: TrajectoryGenerator;
  private readonly input: TrajectoryInput;
  private readonly output: TrajectoryOutput;
  private readonly target: Float64Array;
  private hasTarget = false;
  private seen = 0;
  private moving = false;

  constructor(limits: JointLimits, options: OtgSetpointOptions = {}) {
    this.limits = limits;
    this.nq = limits.lower.length;
    this.streaming = options.streaming ?? false;
    const scale = options.limitScale ?? 1;
    if (!(scale > 0 && scale <= 1)) throw new Error(`otg limitScale = ${scale}, expected 0 < scale <= 1`);
    const fallback = options.jerkPerAccelerationFallback ?? 100;
    if (!(fallback > 0 && Number.isFinite(fallback))) throw new Error(`otg jerkPerAccelerationFallback = ${fallback}, expected finite > 0`);
    this.generator = new TrajectoryGenerator(this.nq, options.period ?? 0.001);
    this.output = new TrajectoryOutput(this.nq);
    this.input = createTrajectoryInput(this.nq);
    for (let k = 0; k < this.nq; k++) {
      this.input.maxVelocity[k] = scale * limits.velocity[k];
      this.input.maxAcceleration[k] = scale * limits.acceleration[k];
      const jerk = limits.jerk[k];
      this.input.maxJerk[k] = scale * (Number.isFinite(jerk) ? jerk : fallback * limits.acceleration[k]);
    }
    this.target = new Float64Array(this.nq);
  }

  /** The setpoint being approached (nq; read-only view). */
  get targetPositions(): Float64Array {
    return this.target;
  }

  /** The generator's time-optimal duration of the motion in progress (s; 0 at rest). */
  get duration(): number {
    return this.moving ? this.output.trajectory.duration : 0;
  }

  /** New position setpoint (nq values, clamped into the position limits); returns '' or an error naming the value. */
  setPositions(values: ArrayLike<number>): string {
    if (values.length !== this.nq) return `positions has ${values.length} values, expected ${this.nq}`;
    for (let k = 0; k < this.nq; k++) if (!Number.isFinite(values[k])) return `positions[${k}] = ${values[k]}, expected a finite number`;
    for (let k = 0; k < this.nq; k++) {
      const q = values[k];
      this.target[k] = q > this.limits.upper[k] ? this.limits.upper[k] : q < this.limits.lower[k] ? this.limits.lower[k] : q;
    }
    this.hasTarget = true;
    this.inputSequence++;
    return '';
  }

  start(ctx: ControlContext): void {
    // Start from the current reference state; with no setpoint yet, hold it.
    if (!this.hasTarget) this.target.set(ctx.qRef);
    this.seen = -1;
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    const input = this.input;
    if (this.seen !== this.inputSequence) {
      // A new setpoint (or a restart): plan from the reference state the loop is in now.
      this.seen = this.inputSequence;
      input.currentPosition.set(ctx.qRef);
      input.currentVelocity.set(ctx.vRef);
      input.currentAcceleration.set(ctx.aRef);
      input.targetPosition.set(this.target);
      this.moving = true;
    }
    if (!this.moving) {
      // At the target: hold exactly there.
      ctx.qRef.set(this.target);
      ctx.vRef.fill(0);
      ctx.aRef.fill(0);
      return;
    }
    const result = this.generator.update(input, this.output);
    this.result = result;
    if (result < 0) {
      // Invalid or infeasible (e.g. a non-finite reference): stop where the reference is.
      this.errorMessage = this.output.errorMessage;
      this.target.set(ctx.qRef);
      this.moving = false;
      ctx.vRef.fill(0);
      ctx.aRef.fill(0);
      return;
    }
    ctx.qRef.set(this.output.newPosition);
    ctx.vRef.set(this.output.newVelocity);
    ctx.aRef.set(this.output.newAcceleration);
    this.output.passToInput(input);
    if (result === TrajectoryResult.Finished) this.moving = false;
  }
}
