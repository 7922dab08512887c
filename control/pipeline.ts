// The control pipeline: one tick = read ports -> estimate -> reference -> controller -> limiter +
// safety -> write ports. Wiring (ports vs model joints, sizes, controller mode) is checked when the
// pipeline is built; a tick never throws and never allocates.
//
// Ports: in RobotPorts.state (position, velocity, effort, sequence); out RobotPorts.command
// (mode, position, velocity, effort, acceleration, stamp, sequence). Joints are matched by name,
// so the ports may list joints in another order or carry extra joints (left untouched).
import type { RobotModel } from '../robot/model.ts';
import { createData, type RobotData } from '../robot/data.ts';
import { gravityTorques, standardGravity } from '../robot/dynamics.ts';
import type { RobotPorts } from '../robot/ports.ts';
import { createControlContext, passThroughEstimator, type ControlContext, type Controller, type Estimator, type ReferenceSource } from './context.ts';
import { HoldReference } from './hold-reference.ts';
import { JointLimiter, jointLimitsFromModel, validateJointLimits, type JointLimits } from './limiter.ts';
import { SafetySupervisor, type SafetyOptions, type SafetyState } from './safety.ts';
import type { LoopTime } from './loop.ts';
import { isObservingEstimator, type ObservingEstimator } from './estimation.ts';
import type { CollisionReaction } from './collision-reaction.ts';

/** What a pipeline is built from. */
export interface PipelineOptions {
  model: RobotModel;
  ports: RobotPorts;
  controller: Controller;
  /** Default: HoldReference. */
  reference?: ReferenceSource;
  /** Default: pass-through (velocity differentiated where the hardware gives none). */
  estimator?: Estimator;
  /** Default: jointLimitsFromModel(model). */
  limits?: JointLimits;
  safety?: SafetyOptions;
  /** Deceleration of the controlled stop as a fraction of the acceleration limit; default 1. */
  stopDecelerationScale?: number;
  /** Activate as soon as the state is fresh (default true). */
  autoActivate?: boolean;
  /** Reaction to the estimator's collisions (control/collision-reaction.ts); default none. */
  collision?: CollisionReaction;
  /**
   * Gravity (m/s², base frame) for the torque held without feedback (fault, or e-stop with stale
   * state): the gravity torque of the last estimated pose. Default standard gravity.
   */
  gravity?: ArrayLike<number>;
}

/** The pipeline's counters and state, as data. */
export interface PipelineStatus {
  state: SafetyState;
  reason: string;
  since: number;
  ticks: number;
  reference: string;
  controller: string;
  mode: string;
  faults: number;
  estops: number;
  holds: number;
  nonFiniteReplaced: number;
  limitedLastTick: number;
  lastStateAge: number;
  lastInputAge: number;
}

/** Read -> estimate -> reference -> control -> limit -> write, around one robot's ports. */
export class ControlPipeline {
  readonly model: RobotModel;
  readonly ports: RobotPorts;
  readonly ctx: ControlContext;
  readonly limiter: JointLimiter;
  readonly safety: SafetySupervisor;
  readonly estimator: Estimator;
  /** Ports index of model joint k. */
  readonly portIndex: Int32Array;
  private reference: ReferenceSource;
  private controller: Controller;
  private pendingReference: ReferenceSource | undefined;
  private pendingController: Controller | undefined;
  private readonly stopScale: number = 0.5;
  private readonly autoActivate: boolean;
  private lastState: SafetyState = 'inactive';
  /** The estimator, when it watches the command too (stale flag, momentum observer). */
  private readonly observing: ObservingEstimator | undefined;
  /** Collision reaction, when configured. */
  readonly collision: CollisionReaction | undefined;
  /** Torque commanded without feedback: gravity at the last estimated pose, taken when feedback is lost. */
  private readonly blindEffort: Float64Array;
  private readonly blindData: RobotData;
  private readonly gravity: Float64Array;
  private blind = false;
  ticks = 0;

  constructor(options: PipelineOptions) {
    const { model, ports } = options;
    this.model = model;
    this.ports = ports;
    this.portIndex = new Int32Array(model.nq);
    for (let k = 0; k < model.nq; k++) {
      const i = ports.jointNames.indexOf(model.jointNames[k]);
      if (i < 0) throw new Error(`pipeline wiring: model joint "${model.jointNames[k]}" has no port (ports: ${ports.jointNames.join(', ')})`);
      this.portIndex[k] = i;
    }
    this.ctx = createControlContext(model.nq);
    const limits = options.limits ?? jointLimitsFromModel(model);
    validateJointLimits(limits, model.jointNames);
    this.limiter = new JointLimiter(limits);
    this.safety = new SafetySupervisor(options.safety);
    this.estimator = options.estimator ?? passThroughEstimator(model.nq);
    this.observing = isObservingEstimator(this.estimator) ? this.estimator : undefined;
    this.collision = options.collision;
    this.reference = options.reference ?? new HoldReference(model.nq);
    this.controller = options.controller;
    checkController(this.controller);
    const scale = options.stopDecelerationScale ?? 1;
    if (!(scale > 0 && scale <= 1)) throw new Error(`stopDecelerationScale = ${scale}, expected 0 < scale <= 1`);
    this.stopScale = scale;
    this.autoActivate = options.autoActivate ?? true;
    this.gravity = Float64Array.from(options.gravity ?? standardGravity);
    if (this.gravity.length !== 3 || !this.gravity.every(Number.isFinite)) throw new Error(`gravity = [${Array.from(this.gravity).join(', ')}], expected 3 finite numbers`);
    this.blindEffort = new Float64Array(model.nq);
    this.blindData = createData(model);
  }

  /** The active reference source and controller. */
  get activeReference(): ReferenceSource {
    return this.reference;
  }
  get activeController(): Controller {
    return this.controller;
  }

  /** Switches the reference source at the next tick (bumpless: it starts from the current reference); resumes from a hold. */
  setReference(source: ReferenceSource): void {
    this.pendingReference = source;
  }

  /** Switches the controller at the next tick; throws now when it is unusable. */
  setController(controller: Controller): void {
    checkController(controller);
    this.pendingController = controller;
  }

  /**
   * One tick at loop time t (s) with period dt (s). A convenience for tests and scripts: the two
   * double arguments are boxed at the call site unless V8 inlines the call; `update(time)` is the
   * allocation-free form the loop uses.
   */
  tick(t: number, dt: number): void {
    this.ctx.t = t;
    this.ctx.dt = dt;
    this.run();
  }

  /** One tick at `time.t` with period `time.dt` (e.g. the ControlLoop's LoopTime). @realtime */
  update(time: LoopTime): void {
    this.ctx.t = time.t;
    this.ctx.dt = time.dt;
    this.run();
  }

  /** The tick body; time is in ctx.t / ctx.dt. @realtime */
  private run(): void {
    const ctx = this.ctx;
    const state = this.ports.state;
    const t = ctx.t;
    this.ticks++;
    const estimateOk = this.estimator.estimate(state, this.portIndex, ctx);
    if (this.pendingReference !== undefined && this.lastState === 'active') {
      this.reference = this.pendingReference;
      this.pendingReference = undefined;
      this.reference.start(ctx);
    } else if (this.pendingReference !== undefined && this.lastState === 'holding' && this.safety.reason !== 'stale state') {
      this.reference = this.pendingReference;
      this.pendingReference = undefined;
      this.reference.start(ctx);
      this.safety.resume();
    }
    if (this.pendingController !== undefined) {
      this.controller = this.pendingController;
      this.pendingController = undefined;
      if (this.lastState === 'active' || this.lastState === 'holding') this.controller.start(ctx);
    }
    if (this.autoActivate && this.safety.state === 'inactive') this.safety.activate();
    let s = this.safety.update(ctx, state.sequence, estimateOk, this.reference.streaming, this.reference.inputSequence);
    // Messages may keep coming while the filter rejects them all (repeated or backwards stamps).
    if (this.observing !== undefined && this.observing.stale && (s === 'active' || s === 'holding')) {
      this.safety.fault('stale estimate');
      s = this.safety.state;
    }
    if (s === 'inactive') {
      if (estimateOk) this.limiter.reset(ctx.q);
      this.lastState = s;
      return; // nothing is written while inactive
    }
    if (this.lastState === 'inactive' && s === 'active') {
      // Bumpless activation: the reference starts at the measured state, at rest.
      for (let k = 0; k < ctx.nq; k++) {
        ctx.qRef[k] = ctx.q[k];
        ctx.vRef[k] = 0;
        ctx.aRef[k] = 0;
      }
      this.limiter.reset(ctx.q);
      this.reference.start(ctx);
      this.controller.start(ctx);
    }
    const collision = this.collision;
    if (collision !== undefined) {
      const retreat = collision.check(ctx, this.safety, s === 'active');
      if (retreat !== undefined) {
        this.reference = retreat;
        retreat.start(ctx);
      }
      s = this.safety.state;
      if (s === 'active') collision.record(ctx);
    }
    if (s === 'active') {
      this.reference.update(ctx);
      if (collision !== undefined && this.reference === collision.retreat && collision.retreat.done) collision.finishRetreat(this.safety);
    } else if (s === 'holding' || s === 'e-stopped') {
      this.stopReference(ctx);
    }
    if (s === 'active' || s === 'holding' || (s === 'e-stopped' && estimateOk && this.safety.lastStateTime >= t - this.safety.stateTimeout)) {
      this.controller.update(ctx);
      this.blind = false;
    } else {
      // Fault (or e-stop without usable state): stop the command sequence without feedback. An
      // effort command holds the gravity torque of the last estimated pose (the last torque could
      // be accelerating the arm), or the last torque when that pose is not finite.
      if (!this.blind) this.takeBlindEffort(ctx);
      const c = ctx.command;
      for (let k = 0; k < ctx.nq; k++) {
        c.position[k] = this.limiter.position[k];
        c.velocity[k] = 0;
        c.effort[k] = this.blindEffort[k];
      }
    }
    this.limiter.apply(ctx);
    if (this.limiter.sawNonFinite && s === 'active') this.safety.fault('non-finite command');
    if (this.observing !== undefined) this.observing.observe(ctx);
    this.write();
    this.lastState = this.safety.state;
  }

  /** The torque to hold without feedback, taken once as feedback is lost (allocates nothing). */
  private takeBlindEffort(ctx: ControlContext): void {
    this.blind = true;
    let finite = true;
    for (let k = 0; k < ctx.nq; k++) if (!Number.isFinite(ctx.q[k])) finite = false;
    if (finite) this.blindEffort.set(gravityTorques(this.model, this.blindData, ctx.q, this.gravity));
    else this.blindEffort.set(this.limiter.lastEffort);
  }

  /** Brings qRef/vRef to rest at the stop deceleration. @realtime */
  private stopReference(ctx: ControlContext): void {
    const L = this.limiter.limits;
    for (let k = 0; k < ctx.nq; k++) {
      let v = ctx.vRef[k];
      let q = ctx.qRef[k];
      if (!Number.isFinite(q)) q = this.limiter.position[k];
      if (!Number.isFinite(v)) v = 0;
      const dv = L.acceleration[k] * this.stopScale * ctx.dt;
      const a = v > dv ? -dv : v < -dv ? dv : -v;
      v += a;
      q += v * ctx.dt;
      ctx.qRef[k] = q;
      ctx.vRef[k] = v;
      ctx.aRef[k] = a / ctx.dt;
    }
  }

  private write(): void {
    const c = this.ctx.command;
    const out = this.ports.command;
    out.mode = c.mode;
    for (let k = 0; k < this.ctx.nq; k++) {
      const i = this.portIndex[k];
      out.position[i] = c.position[k];
      out.velocity[i] = c.velocity[k];
      out.effort[i] = c.effort[k];
      out.acceleration[i] = c.acceleration[k];
    }
    out.stamp = this.ctx.t;
    out.sequence++;
  }

  /** Status as plain data (allocates; call at status rate). */
  status(): PipelineStatus {
    const s = this.safety;
    return {
      state: s.state,
      reason: s.reason,
      since: s.since,
      ticks: this.ticks,
      reference: this.reference.name,
      controller: this.controller.name,
      mode: this.ctx.command.mode,
      faults: s.faults,
      estops: s.estops,
      holds: s.holds,
      nonFiniteReplaced: this.limiter.nonFinite,
      limitedLastTick: this.limiter.limited,
      lastStateAge: this.ctx.t - s.lastStateTime,
      lastInputAge: this.ctx.t - s.lastInputTime,
    };
  }
}

function checkController(controller: Controller): void {
  if (!controller || typeof controller.update !== 'function' || typeof controller.start !== 'function') {
    throw new Error('pipeline wiring: controller must have start(ctx) and update(ctx)');
  }
  if (controller.mode !== 'position' && controller.mode !== 'velocity' && controller.mode !== 'effort') {
    throw new Error(`pipeline wiring: controller "${controller.name}" mode = "${String(controller.mode)}", expected position, velocity or effort`);
  }
}
