// Joint trajectory controller as a reference source: trajectory_msgs/JointTrajectory topic
// semantics (a new trajectory replaces the running one, smoothly, from the current reference
// state) and control_msgs/FollowJointTrajectory action semantics (path and goal tolerances, goal
// time tolerance, result codes), with linear / cubic / quintic interpolation and speed scaling.
//
// Ports: in ctx.q, ctx.v (for tolerances), ctx.t, ctx.dt; out ctx.qRef, vRef, aRef.
// `setTrajectory` runs outside the tick (validates, allocates); the tick picks the new trajectory
// up and never allocates. Goal status is data (`status`, `errorCode`, `errorString`) for the action
// server glue to poll.
import { SEGMENT_SIZE, sampleSegment, type Interpolation } from './interpolation.ts';
import type { ControlContext, ReferenceSource } from './context.ts';
import { TrajectoryErrorCode, type JointTolerance, type JointTrajectoryInput } from './trajectory-input.ts';
import { TrajectoryGenerator, TrajectoryOutput, TrajectoryResult, createTrajectoryInput, type TrajectoryInput } from './trajectory/index.ts';

/** Execution status of the current goal. */
export type TrajectoryStatus = 'idle' | 'pending' | 'executing' | 'succeeded' | 'aborted' | 'preempted';

/** Result of submitting a trajectory. */
export interface SubmitResult {
  accepted: boolean;
  errorCode: number;
  errorString: string;
}

/** Controller options. */
export interface JointTrajectoryOptions {
  /** Model joint names (q order). */
  jointNames: readonly string[];
  interpolation?: Interpolation;
  /** Default goal time tolerance (s) when a goal gives 0; default 1. */
  defaultGoalTimeTolerance?: number;
  /** Default per-joint goal position tolerance (rad) when a goal gives none; default 0.01. */
  defaultGoalPositionTolerance?: number;
  /** Deceleration (per joint, rad/s²) of the stop after an abort; default 5. */
  stopDeceleration?: number | ArrayLike<number>;
  /** Largest number of points accepted; default 10 000. */
  maxPoints?: number;
  /**
   * Joint limits (nq each, model order). When given, the splice onto a new trajectory is planned
   * by the jerk-limited time-optimal generator whenever the first waypoint cannot be reached
   * within these limits by its time_from_start: the first segment then takes the generator's
   * duration and the rest of the trajectory is delayed by the difference.
   */
  limits?: { readonly velocity: Float64Array; readonly acceleration: Float64Array; readonly jerk: Float64Array };
  /** Loop period (s) the generator steps by (must equal ctx.dt to be used); default 0.001. */
  period?: number;
}

interface Prepared {
  method: 'linear' | 'cubic' | 'quintic';
  count: number;
  /** count+1 knots: knot 0 is filled at start from the current reference. */
  time: Float64Array;
  position: Float64Array; // (count+1)·nq
  velocity: Float64Array;
  acceleration: Float64Array;
  /** 1 for joints the trajectory drives; others hold. */
  driven: Uint8Array;
  pathPosition: Float64Array;
  pathVelocity: Float64Array;
  goalPosition: Float64Array;
  goalVelocity: Float64Array;
  goalTime: number;
  /** True when the first segment is the generator's splice (time[1..] already delayed). */
  generated: boolean;
  startDelay: number;
}

const ERROR_STRINGS = {
  path: 'path tolerance violated',
  goal: 'goal tolerance violated after the goal time tolerance',
  preempted: 'replaced by a new trajectory',
} as const;

/** The joint trajectory controller. */
export class JointTrajectoryController implements ReferenceSource {
  readonly name = 'joint-trajectory';
  readonly streaming = false;
  inputSequence = 0;
  readonly nq: number;
  readonly jointNames: readonly string[];
  status: TrajectoryStatus = 'idle';
  errorCode: number = TrajectoryErrorCode.SUCCESSFUL;
  errorString = '';
  /** Speed scale (≥ 0): trajectory time advances at scale·dt. */
  speedScale = 1;
  /** Trajectory time (s) since the start of the running trajectory. */
  trajectoryTime = 0;
  /** Goals finished since construction, by outcome. */
  succeeded = 0;
  aborted = 0;
  private readonly interpolation: Interpolation;
  private readonly goalTimeDefault: number = 0.5;
  private readonly goalPositionDefault: number = 0.5;
  private readonly stopDeceleration: Float64Array;
  private readonly maxPoints: number;
  private running: Prepared | undefined;
  private pending: Prepared | undefined;
  private startTime = 0;
  private segment = 0;
  private stopping = false;
  private readonly sample = new Float64Array(3);
  private readonly segmentBuffer = new Float64Array(SEGMENT_SIZE);
  private readonly generator: TrajectoryGenerator | undefined;
  private readonly generatorInput: TrajectoryInput | undefined;
  private readonly generatorOutput: TrajectoryOutput | undefined;
  private readonly period: number = 0.5;
  /** Splices planned by the generator since construction. */
  generatedSplices = 0;

  constructor(options: JointTrajectoryOptions) {
    this.jointNames = options.jointNames;
    this.nq = options.jointNames.length;
    this.interpolation = options.interpolation ?? 'auto';
    if (!['linear', 'cubic', 'quintic', 'auto'].includes(this.interpolation)) throw new Error(`interpolation = "${this.interpolation}", expected linear, cubic, quintic or auto`);
    this.goalTimeDefault = options.defaultGoalTimeTolerance ?? 1;
    this.goalPositionDefault = options.defaultGoalPositionTolerance ?? 0.01;
    const decel = options.stopDeceleration ?? 5;
    this.stopDeceleration = typeof decel === 'number' ? new Float64Array(this.nq).fill(decel) : Float64Array.from(decel);
    if (this.stopDeceleration.length !== this.nq || !this.stopDeceleration.every((d) => d > 0 && Number.isFinite(d))) {
      throw new Error(`stopDeceleration: expected ${this.nq} finite values > 0`);
    }
    this.maxPoints = options.maxPoints ?? 10_000;
    this.period = options.period ?? 0.001;
    const limits = options.limits;
    if (limits) {
      for (const key of ['velocity', 'acceleration', 'jerk'] as const) {
        if (limits[key].length !== this.nq) throw new Error(`limits.${key} has ${limits[key].length} values, expected ${this.nq}`);
      }
      this.generator = new TrajectoryGenerator(this.nq, this.period);
      this.generatorInput = createTrajectoryInput(this.nq);
      this.generatorOutput = new TrajectoryOutput(this.nq);
      for (let k = 0; k < this.nq; k++) {
        this.generatorInput.maxVelocity[k] = limits.velocity[k];
        this.generatorInput.maxAcceleration[k] = limits.acceleration[k];
        // An unlimited jerk (Infinity) is planned at 100x the acceleration limit per second.
        this.generatorInput.maxJerk[k] = Number.isFinite(limits.jerk[k]) ? limits.jerk[k] : 100 * limits.acceleration[k];
      }
    }
  }

  /** Sets the speed scale (0 pauses; 1 nominal); returns an error string or ''. */
  setSpeedScale(scale: number): string {
    if (!(Number.isFinite(scale) && scale >= 0 && scale <= 10)) return `speed scale = ${scale}, expected 0..10`;
    this.speedScale = scale;
    return '';
  }

  /** Cancels the running goal: the reference comes to rest (status 'preempted'). */
  cancel(): void {
    if (this.status === 'executing' || this.status === 'pending') {
      this.status = 'preempted';
      this.errorString = ERROR_STRINGS.preempted;
      this.stopping = true;
      this.pending = undefined;
    }
  }

  /** Validates and queues a trajectory (topic or goal); it starts at the next tick. Outside the tick only. */
  setTrajectory(input: JointTrajectoryInput): SubmitResult {
    const bad = (code: number, text: string): SubmitResult => ({ accepted: false, errorCode: code, errorString: text });
    const n = this.nq;
    const index: number[] = [];
    for (const [i, name] of input.jointNames.entries()) {
      const k = this.jointNames.indexOf(name);
      if (k < 0) return bad(TrajectoryErrorCode.INVALID_JOINTS, `joint_names[${i}] = "${name}" is not a controlled joint (${this.jointNames.join(', ')})`);
      if (index.includes(k)) return bad(TrajectoryErrorCode.INVALID_JOINTS, `joint_names[${i}] = "${name}" appears twice`);
      index.push(k);
    }
    const m = input.points.length;
    if (m === 0) return bad(TrajectoryErrorCode.INVALID_GOAL, 'points is empty, expected at least one point');
    if (m > this.maxPoints) return bad(TrajectoryErrorCode.INVALID_GOAL, `points has ${m} entries, expected at most ${this.maxPoints}`);
    let hasVelocities = true;
    let hasAccelerations = true;
    let last = -Infinity;
    for (const [i, p] of input.points.entries()) {
      if (p.positions.length !== index.length) return bad(TrajectoryErrorCode.INVALID_GOAL, `points[${i}].positions has ${p.positions.length} values, expected ${index.length}`);
      for (const key of ['positions', 'velocities', 'accelerations'] as const) {
        const arr = p[key];
        if (arr === undefined || arr.length === 0) continue;
        if (arr.length !== index.length) return bad(TrajectoryErrorCode.INVALID_GOAL, `points[${i}].${key} has ${arr.length} values, expected ${index.length}`);
        for (let j = 0; j < arr.length; j++) if (!Number.isFinite(arr[j])) return bad(TrajectoryErrorCode.INVALID_GOAL, `points[${i}].${key}[${j}] = ${arr[j]}, expected a finite number`);
      }
      if (!p.velocities || p.velocities.length === 0) hasVelocities = false;
      if (!p.accelerations || p.accelerations.length === 0) hasAccelerations = false;
      if (!(Number.isFinite(p.timeFromStart) && p.timeFromStart >= 0)) return bad(TrajectoryErrorCode.INVALID_GOAL, `points[${i}].time_from_start = ${p.timeFromStart}, expected finite >= 0`);
      if (!(p.timeFromStart > last)) return bad(TrajectoryErrorCode.INVALID_GOAL, `points[${i}].time_from_start = ${p.timeFromStart}, expected > the previous point's ${last}`);
      last = p.timeFromStart;
    }
    const delay = input.startDelay ?? 0;
    if (!(Number.isFinite(delay) && delay >= 0)) return bad(TrajectoryErrorCode.OLD_HEADER_TIMESTAMP, `startDelay = ${delay}, expected finite >= 0`);
    let method: 'linear' | 'cubic' | 'quintic';
    if (this.interpolation === 'auto') method = hasAccelerations ? 'quintic' : hasVelocities ? 'cubic' : 'linear';
    else method = this.interpolation;
    const prepared: Prepared = {
      method,
      count: m,
      time: new Float64Array(m + 1),
      position: new Float64Array((m + 1) * n),
      velocity: new Float64Array((m + 1) * n),
      acceleration: new Float64Array((m + 1) * n),
      driven: new Uint8Array(n),
      pathPosition: new Float64Array(n),
      pathVelocity: new Float64Array(n),
      goalPosition: new Float64Array(n).fill(this.goalPositionDefault),
      goalVelocity: new Float64Array(n),
      goalTime: input.goalTimeTolerance && input.goalTimeTolerance > 0 ? input.goalTimeTolerance : this.goalTimeDefault,
      startDelay: delay,
      generated: false,
    };
    for (const [j, k] of index.entries()) prepared.driven[k] = 1;
    for (let i = 0; i < m; i++) {
      const p = input.points[i];
      prepared.time[i + 1] = p.timeFromStart;
      for (const [j, k] of index.entries()) {
        prepared.position[(i + 1) * n + k] = p.positions[j];
        prepared.velocity[(i + 1) * n + k] = p.velocities && p.velocities.length > 0 ? p.velocities[j] : Number.NaN;
        prepared.acceleration[(i + 1) * n + k] = p.accelerations && p.accelerations.length > 0 ? p.accelerations[j] : 0;
      }
    }
    // Velocities the points do not give: for cubic/quintic, the mean of neighbouring slopes when they agree in sign, else 0; 0 at the end.
    for (const [, k] of index.entries()) {
      for (let i = 1; i <= m; i++) {
        const at = i * n + k;
        if (!Number.isNaN(prepared.velocity[at])) continue;
        if (method === 'linear' || i === m) {
          prepared.velocity[at] = 0;
          continue;
        }
        const before = i > 1 ? (prepared.position[at] - prepared.position[at - n]) / (prepared.time[i] - prepared.time[i - 1]) : 0;
        const after = (prepared.position[at + n] - prepared.position[at]) / (prepared.time[i + 1] - prepared.time[i]);
        prepared.velocity[at] = i > 1 && before * after > 0 ? (before + after) / 2 : 0;
      }
    }
    const setTolerances = (list: readonly JointTolerance[] | undefined, pos: Float64Array, vel: Float64Array, what: string): string => {
      for (const t of list ?? []) {
        const k = this.jointNames.indexOf(t.name);
        if (k < 0) return `${what} names unknown joint "${t.name}"`;
        // ROS: 0 = default, −1 = no check.
        if (t.position !== 0) pos[k] = t.position < 0 ? Infinity : t.position;
        if (t.velocity !== 0) vel[k] = t.velocity < 0 ? Infinity : t.velocity;
      }
      return '';
    };
    prepared.pathPosition.fill(Infinity);
    prepared.pathVelocity.fill(Infinity);
    prepared.goalVelocity.fill(Infinity);
    let error = setTolerances(input.pathTolerance, prepared.pathPosition, prepared.pathVelocity, 'path_tolerance');
    if (!error) error = setTolerances(input.goalTolerance, prepared.goalPosition, prepared.goalVelocity, 'goal_tolerance');
    if (error) return bad(TrajectoryErrorCode.INVALID_JOINTS, error);
    if (this.status === 'executing' || this.status === 'pending') {
      this.status = 'preempted';
      this.errorString = ERROR_STRINGS.preempted;
    }
    this.pending = prepared;
    this.inputSequence++;
    return { accepted: true, errorCode: TrajectoryErrorCode.SUCCESSFUL, errorString: '' };
  }

  start(_ctx: ControlContext): void {
    // Continues from whatever reference is current; a pending trajectory is spliced at the next update.
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    const n = this.nq;
    if (this.pending !== undefined) {
      const p = this.pending;
      this.pending = undefined;
      // Knot 0 = the current reference state: a smooth splice from a running trajectory.
      for (let k = 0; k < n; k++) {
        p.position[k] = ctx.qRef[k];
        p.velocity[k] = ctx.vRef[k];
        p.acceleration[k] = ctx.aRef[k];
        if (p.driven[k] === 0) {
          for (let i = 1; i <= p.count; i++) {
            p.position[i * n + k] = ctx.qRef[k];
            p.velocity[i * n + k] = 0;
            p.acceleration[i * n + k] = 0;
          }
        }
      }
      p.generated = false;
      if (p.startDelay === 0 && this.speedScale === 1) this.planSplice(p, ctx);
      this.running = p;
      this.startTime = ctx.t + p.startDelay;
      this.trajectoryTime = -p.startDelay;
      this.segment = 0;
      this.stopping = false;
      this.status = p.startDelay > 0 ? 'pending' : 'executing';
      this.errorCode = TrajectoryErrorCode.SUCCESSFUL;
      this.errorString = '';
    }
    const traj = this.running;
    if (traj === undefined || this.stopping || this.status === 'pending' && this.trajectoryTime + ctx.dt * this.speedScale < 0) {
      if (this.status === 'pending') this.trajectoryTime += ctx.dt * this.speedScale;
      this.rest(ctx);
      return;
    }
    if (this.status === 'pending') this.status = 'executing';
    this.trajectoryTime += ctx.dt * this.speedScale;
    const tau = this.trajectoryTime;
    const end = traj.time[traj.count];
    const s = this.speedScale;
    while (this.segment < traj.count - 1 && tau > traj.time[this.segment + 1]) this.segment++;
    const i = this.segment;
    // The first segment always uses quintic so the splice keeps acceleration continuous.
    const method = i === 0 && traj.method !== 'linear' ? 'quintic' : i === 0 ? 'quintic' : traj.method;
    const T = traj.time[i + 1] - traj.time[i];
    const local = tau - traj.time[i];
    let pathViolated = false;
    let goalReached = true;
    const generated = i === 0 && traj.generated && this.generator !== undefined && this.generatorInput !== undefined && this.generatorOutput !== undefined;
    if (generated) {
      // The generator's splice: stepped once per tick (at nominal speed).
      this.generator.update(this.generatorInput, this.generatorOutput);
      this.generatorOutput.passToInput(this.generatorInput);
    }
    for (let k = 0; k < n; k++) {
      const a = i * n + k;
      const b = a + n;
      const seg = this.segmentBuffer;
      seg[0] = traj.position[a];
      seg[1] = traj.velocity[a];
      seg[2] = traj.acceleration[a];
      seg[3] = traj.position[b];
      seg[4] = traj.velocity[b];
      seg[5] = traj.acceleration[b];
      seg[6] = T;
      seg[7] = local;
      if (generated) {
        const out = this.generatorOutput!;
        ctx.qRef[k] = out.newPosition[k];
        ctx.vRef[k] = tau >= end ? 0 : out.newVelocity[k];
        ctx.aRef[k] = tau >= end ? 0 : out.newAcceleration[k];
      } else {
        sampleSegment(method, seg, this.sample);
        ctx.qRef[k] = this.sample[0];
        ctx.vRef[k] = tau >= end ? 0 : this.sample[1] * s;
        ctx.aRef[k] = tau >= end ? 0 : this.sample[2] * s * s;
      }
      const ep = Math.abs(ctx.qRef[k] - ctx.q[k]);
      const ev = Math.abs(ctx.vRef[k] - ctx.v[k]);
      if (tau < end && (ep > traj.pathPosition[k] || ev > traj.pathVelocity[k])) pathViolated = true;
      if (!(ep <= traj.goalPosition[k] && ev <= traj.goalVelocity[k])) goalReached = false;
    }
    if (this.status !== 'executing') return;
    if (pathViolated) {
      this.status = 'aborted';
      this.errorCode = TrajectoryErrorCode.PATH_TOLERANCE_VIOLATED;
      this.errorString = ERROR_STRINGS.path;
      this.stopping = true;
      this.aborted++;
    } else if (tau >= end && goalReached) {
      this.status = 'succeeded';
      this.errorCode = TrajectoryErrorCode.SUCCESSFUL;
      this.succeeded++;
    } else if (tau >= end + traj.goalTime) {
      this.status = 'aborted';
      this.errorCode = TrajectoryErrorCode.GOAL_TOLERANCE_VIOLATED;
      this.errorString = ERROR_STRINGS.goal;
      this.aborted++;
    }
  }

  /**
   * Plans the splice from the current reference state to the first waypoint with the generator;
   * when that takes longer than the waypoint's time_from_start, the first segment becomes the
   * generator's motion and later waypoints are delayed. Runs at the splice tick only. @realtime
   */
  private planSplice(p: Prepared, ctx: ControlContext): void {
    const input = this.generatorInput;
    const output = this.generatorOutput;
    if (this.generator === undefined || input === undefined || output === undefined) return;
    if (!(Math.abs(ctx.dt - this.period) <= 1e-12 * this.period)) return;
    const n = this.nq;
    for (let k = 0; k < n; k++) {
      const vmax = input.maxVelocity[k];
      const amax = input.maxAcceleration[k];
      input.currentPosition[k] = ctx.qRef[k];
      input.currentVelocity[k] = ctx.vRef[k];
      input.currentAcceleration[k] = ctx.aRef[k];
      input.targetPosition[k] = p.position[n + k];
      const v = p.velocity[n + k];
      const a = p.acceleration[n + k];
      input.targetVelocity[k] = v > vmax ? vmax : v < -vmax ? -vmax : v;
      input.targetAcceleration[k] = a > amax ? amax : a < -amax ? -amax : a;
    }
    if (this.generator.calculate(input, output) !== TrajectoryResult.Finished) return;
    const shift = output.trajectory.duration - (p.time[1] - p.time[0]);
    if (!(shift > 0)) return; // the waypoint is reachable in its time: the quintic splice stays
    for (let i = 1; i <= p.count; i++) p.time[i] += shift;
    // The splice ends exactly at the generator's target: make knot 1 match it.
    for (let k = 0; k < n; k++) {
      p.velocity[n + k] = input.targetVelocity[k];
      p.acceleration[n + k] = input.targetAcceleration[k];
    }
    // `update` steps from the start of the planned trajectory.
    output.time = 0;
    p.generated = true;
    this.generatedSplices++;
  }

  /** Brings the reference to rest at the stop deceleration (after an abort or cancel), else holds it. @realtime */
  private rest(ctx: ControlContext): void {
    for (let k = 0; k < this.nq; k++) {
      const dv = this.stopDeceleration[k] * ctx.dt;
      let v = ctx.vRef[k];
      const a = v > dv ? -dv : v < -dv ? dv : -v;
      v += a;
      ctx.vRef[k] = v;
      ctx.qRef[k] += v * ctx.dt;
      ctx.aRef[k] = a / ctx.dt;
    }
  }
}
