// What the loop does when the momentum observer reports a collision: 'stop' (a controlled stop and
// hold, reason "collision on <joint>") or 'retreat' (move back along the recent path by
// `retreatDistance` of joint travel, then hold). The event (joint, residual, loop time) is kept as
// numbers for /diagnostics (see `collisionDiagnosticStatus`).
//
// Ports: in  — a collision source (the observer's flag, joint and residual), ctx.q each tick;
//        out — the safety supervisor (holdNow) and, for 'retreat', a reference the pipeline switches to.
// All per-tick methods are @realtime: reasons are built per joint at construction, the path
// history is a fixed ring.
import type { RobotModel } from '../robot/model.ts';
import type { ControlContext, ReferenceSource } from './context.ts';
import type { SafetySupervisor } from './safety.ts';

/** Reaction policies. */
export const COLLISION_POLICIES = ['off', 'stop', 'retreat'] as const;
/** One of COLLISION_POLICIES. */
export type CollisionPolicy = (typeof COLLISION_POLICIES)[number];

/** What raises collisions: the perception MomentumObserver fits. */
export interface CollisionSource {
  readonly collision: boolean;
  readonly collisionJoint: number;
  /** External torque estimate per joint (N·m). */
  readonly residual: Float64Array;
}

/** Reaction settings. */
export interface CollisionReactionOptions {
  policy: CollisionPolicy;
  /** Joint travel (rad, largest over the joints) to retreat along the recent path; default 0.05 rad (~3°). */
  retreatDistance?: number;
  /** Path history kept for the retreat (s); default 2 s. */
  history?: number;
  /** Loop period (s), to size the history; default 0.001. */
  period?: number;
  /** Retreat speed as a fraction of each joint's velocity limit; default 0.2. */
  retreatSpeedScale?: number;
}

/** The collision reaction and its last event. */
export class CollisionReaction {
  readonly policy: CollisionPolicy;
  /** Last event: model joint index (-1 none), residual on it (N·m), loop time (s); count since start. */
  lastJoint = -1;
  lastResidual = 0.5;
  lastTime = 0.5;
  count = 0;
  /** The retreat reference (policy 'retreat'). */
  readonly retreat: RetreatReference;
  private readonly reasons: string[];
  private readonly retreatReasons: string[];
  private readonly history: Float64Array;
  private readonly capacity: number;
  private head = 0;
  private filled = 0;
  private wasColliding = false;
  private readonly nq: number;
  private readonly retreatDistance: number = 0.5;

  constructor(model: RobotModel, readonly source: CollisionSource, options: CollisionReactionOptions) {
    if (!(COLLISION_POLICIES as readonly string[]).includes(options.policy)) throw new Error(`collision policy = "${String(options.policy)}", expected ${COLLISION_POLICIES.join(', ')}`);
    this.policy = options.policy;
    this.nq = model.nq;
    const distance = options.retreatDistance ?? 0.05;
    if (!(distance > 0 && Number.isFinite(distance))) throw new Error(`collision retreatDistance = ${distance}, expected a positive number of rad`);
    this.retreatDistance = distance;
    const period = options.period ?? 0.001;
    const seconds = options.history ?? 2;
    if (!(period > 0) || !(seconds > 0)) throw new Error(`collision history = ${seconds} s at period ${period} s, expected both > 0`);
    this.capacity = Math.max(2, Math.ceil(seconds / period));
    this.history = new Float64Array(this.capacity * model.nq);
    this.reasons = model.jointNames.map((name) => `collision on ${name}`);
    this.retreatReasons = model.jointNames.map((name) => `collision on ${name} (retreated)`);
    const scale = options.retreatSpeedScale ?? 0.2;
    if (!(scale > 0 && scale <= 1)) throw new Error(`collision retreatSpeedScale = ${scale}, expected 0 < scale <= 1`);
    this.retreat = new RetreatReference(model, scale);
    this.lastResidual = Number.NaN;
    this.lastTime = Number.NaN;
  }

  /** Joint name of the last event ('' before any). */
  get lastJointName(): string {
    return this.lastJoint >= 0 ? this.reasons[this.lastJoint].slice('collision on '.length) : '';
  }

  /** Appends ctx.q to the path history (call on active ticks). @realtime */
  record(ctx: ControlContext): void {
    const o = this.head * this.nq;
    for (let k = 0; k < this.nq; k++) this.history[o + k] = ctx.q[k];
    this.head = (this.head + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  /**
   * Checks the source for a new collision (rising edge) while `active`; records the event and acts:
   * 'stop' holds now; 'retreat' returns the retreat reference, started, for the pipeline to run.
   * Returns undefined otherwise. @realtime
   */
  check(ctx: ControlContext, safety: SafetySupervisor, active: boolean): ReferenceSource | undefined {
    const colliding = this.source.collision;
    const rising = colliding && !this.wasColliding;
    this.wasColliding = colliding;
    if (!rising || this.policy === 'off') return undefined;
    const j = this.source.collisionJoint;
    if (j < 0 || j >= this.nq) return undefined;
    this.lastJoint = j;
    this.lastResidual = this.source.residual[j];
    this.lastTime = ctx.t;
    this.count++;
    if (!active) return undefined;
    if (this.policy === 'stop') {
      safety.holdNow(this.reasons[j]);
      return undefined;
    }
    this.retreat.plan(ctx, this.history, this.head, this.filled, this.capacity, this.retreatDistance);
    return this.retreat;
  }

  /** After a retreat ends: holds with reason "collision on <joint> (retreated)". @realtime */
  finishRetreat(safety: SafetySupervisor): void {
    safety.holdNow(this.retreatReasons[this.lastJoint >= 0 ? this.lastJoint : 0]);
  }
}

/**
 * Reference back along the recorded path: a quintic (rest to rest) from the current reference to
 * the point of the history `distance` of joint travel away, at a fraction of the velocity limits.
 */
export class RetreatReference implements ReferenceSource {
  readonly name = 'collision-retreat';
  readonly streaming = false;
  readonly inputSequence = 0;
  /** True once the target is reached. */
  done = false;
  /** Start and target positions (nq, rad). */
  readonly from: Float64Array;
  readonly target: Float64Array;
  private readonly velocityLimit: Float64Array;
  private readonly accelerationLimit: Float64Array;
  private startTime = 0.5;
  private duration = 0.5;

  constructor(model: RobotModel, private readonly speedScale: number) {
    this.from = new Float64Array(model.nq);
    this.target = new Float64Array(model.nq);
    this.velocityLimit = Float64Array.from(model.velocityLimit, (v) => (Number.isFinite(v) && v > 0 ? v : 1));
    this.accelerationLimit = Float64Array.from(this.velocityLimit, (v) => 5 * v);
    this.startTime = 0;
    this.duration = 0;
  }

  /** Picks the target from the ring (newest first) and sizes the motion. @realtime */
  plan(ctx: ControlContext, history: Float64Array, head: number, filled: number, capacity: number, distance: number): void {
    const nq = ctx.nq;
    for (let k = 0; k < nq; k++) {
      this.from[k] = ctx.qRef[k];
      this.target[k] = ctx.q[k];
    }
    for (let n = 1; n <= filled; n++) {
      const o = ((head - n + capacity) % capacity) * nq;
      let travel = 0;
      for (let k = 0; k < nq; k++) {
        const d = Math.abs(history[o + k] - ctx.q[k]);
        if (d > travel) travel = d;
      }
      for (let k = 0; k < nq; k++) this.target[k] = history[o + k];
      if (travel >= distance) break;
    }
    // Quintic rest-to-rest: peak velocity 1.875·d/T, peak acceleration 5.774·d/T².
    let T = 0.1;
    for (let k = 0; k < nq; k++) {
      const d = Math.abs(this.target[k] - this.from[k]);
      const vMax = this.speedScale * this.velocityLimit[k];
      const aMax = this.speedScale * this.accelerationLimit[k];
      const byVelocity = (1.875 * d) / vMax;
      const byAcceleration = Math.sqrt((5.774 * d) / aMax);
      if (byVelocity > T) T = byVelocity;
      if (byAcceleration > T) T = byAcceleration;
    }
    this.duration = T;
    this.done = false;
  }

  start(ctx: ControlContext): void {
    this.startTime = ctx.t;
    this.done = false;
  }

  /** @realtime */
  update(ctx: ControlContext): void {
    let s = (ctx.t - this.startTime) / this.duration;
    if (!(s < 1)) {
      s = 1;
      this.done = true;
    }
    if (s < 0) s = 0;
    const s2 = s * s, s3 = s2 * s;
    const p = s3 * (10 - 15 * s + 6 * s2);
    const dp = (30 * s2 * (1 - s) * (1 - s)) / this.duration;
    const ddp = (60 * s * (1 - s) * (1 - 2 * s)) / (this.duration * this.duration);
    for (let k = 0; k < ctx.nq; k++) {
      const d = this.target[k] - this.from[k];
      ctx.qRef[k] = this.from[k] + d * p;
      ctx.vRef[k] = d * dp;
      ctx.aRef[k] = d * ddp;
    }
  }
}

/** A diagnostic_msgs/DiagnosticStatus for the last collision (allocates; status rate). Level 0 none yet, 1 after an event. */
export function collisionDiagnosticStatus(
  reaction: CollisionReaction,
  options: { name?: string; hardwareId?: string; residual?: Float64Array; jointNames?: readonly string[] } = {},
): { level: number; name: string; message: string; hardware_id: string; values: { key: string; value: string }[] } {
  const joint = reaction.lastJointName;
  const values = [
    { key: 'policy', value: reaction.policy },
    { key: 'count', value: String(reaction.count) },
    { key: 'joint', value: joint },
    { key: 'residual_nm', value: Number.isFinite(reaction.lastResidual) ? reaction.lastResidual.toFixed(3) : 'nan' },
    { key: 'time_s', value: Number.isFinite(reaction.lastTime) ? reaction.lastTime.toFixed(4) : 'nan' },
    { key: 'active', value: String(reaction.source.collision) },
  ];
  if (options.residual && options.jointNames) {
    for (let k = 0; k < options.jointNames.length; k++) values.push({ key: `residual/${options.jointNames[k]}`, value: options.residual[k].toFixed(3) });
  }
  return {
    level: reaction.count > 0 ? 1 : 0,
    name: `${options.name ?? 'embodied'}: collision`,
    message: reaction.count > 0 ? `collision on ${joint} at t = ${reaction.lastTime.toFixed(3)} s` : 'no collision',
    hardware_id: options.hardwareId ?? '',
    values,
  };
}
