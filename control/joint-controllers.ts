// Joint-space controllers without a dynamics model: position forwarding, velocity PID and the
// position -> velocity -> effort PID cascade.
import type { ControlContext, Controller } from './context.ts';
import { Pid, type PidGains } from './pid.ts';

/**
 * Forwards the reference as a position command for hardware with its own position loop.
 * Ports: in qRef, vRef, aRef; out command.position, velocity (feedforward), acceleration.
 */
export class PositionForwardController implements Controller {
  readonly name = 'position-forward';
  readonly mode = 'position' as const;
  start(): void {}
  update(ctx: ControlContext): void {
    const c = ctx.command;
    c.mode = 'position';
    c.position.set(ctx.qRef);
    c.velocity.set(ctx.vRef);
    c.acceleration.set(ctx.aRef);
    c.effort.fill(0);
  }
}

/** The loops of a cascade, in order from outside in. */
export type CascadeLoop = 'position' | 'velocity';

/**
 * Position -> velocity (-> effort) cascade, one PID pair per joint.
 * Ports: in q, v, qRef, vRef, aRef (+ optional effort feedforward); out command.velocity
 * (output 'velocity') or command.effort (output 'effort').
 * Velocity setpoint = vRef + PID_position(qRef, q); effort = PID_velocity(v setpoint, v) + feedforward.
 */
export class CascadeController implements Controller {
  readonly name: string;
  readonly mode: 'velocity' | 'effort';
  readonly position: Pid[];
  readonly velocity: Pid[];
  /** Effort feedforward per joint added to the velocity loop (N·m), e.g. gravity; written by `feedforward`. */
  readonly effortFeedforward: Float64Array;
  private readonly feedforward: ((ctx: ControlContext, out: Float64Array) => void) | undefined;

  constructor(
    nq: number,
    options: {
      output: 'velocity' | 'effort';
      position?: Partial<PidGains> | Partial<PidGains>[];
      velocity?: Partial<PidGains> | Partial<PidGains>[];
      /** @realtime hook writing an effort feedforward (e.g. GravityCompensation.compute). */
      feedforward?: (ctx: ControlContext, out: Float64Array) => void;
    },
  ) {
    const pick = (g: Partial<PidGains> | Partial<PidGains>[] | undefined, k: number) => (Array.isArray(g) ? g[k] ?? {} : g ?? {});
    if (Array.isArray(options.position) && options.position.length !== nq) throw new Error(`cascade position gains: ${options.position.length} entries, expected nq = ${nq}`);
    if (Array.isArray(options.velocity) && options.velocity.length !== nq) throw new Error(`cascade velocity gains: ${options.velocity.length} entries, expected nq = ${nq}`);
    this.mode = options.output;
    this.name = `cascade-${options.output}`;
    this.position = Array.from({ length: nq }, (_, k) => new Pid(pick(options.position, k)));
    this.velocity = Array.from({ length: nq }, (_, k) => new Pid(pick(options.velocity, k)));
    this.effortFeedforward = new Float64Array(nq);
    this.feedforward = options.feedforward;
  }

  /** The PID of a joint's loop, for live gain changes (`pid(k, 'position').setGains({...})`). */
  pid(joint: number, loop: CascadeLoop): Pid {
    const list = loop === 'position' ? this.position : this.velocity;
    const pid = list[joint];
    if (!pid) throw new Error(`cascade: joint index ${joint} out of range 0..${list.length - 1}`);
    return pid;
  }

  start(ctx: ControlContext): void {
    for (const p of this.position) p.reset();
    // Bumpless start in effort mode: the velocity integrator starts at the last effort command.
    for (let k = 0; k < this.velocity.length; k++) this.velocity[k].reset(this.mode === 'effort' ? finiteOr(ctx.command.effort[k], 0) : 0);
  }

  update(ctx: ControlContext): void {
    const c = ctx.command;
    c.mode = this.mode;
    if (this.feedforward !== undefined) this.feedforward(ctx, this.effortFeedforward);
    for (let k = 0; k < ctx.nq; k++) {
      // Inputs go through the PIDs' double fields: no double crosses a call (no boxing).
      const position = this.position[k];
      position.r = ctx.qRef[k];
      position.y = ctx.q[k];
      position.ff = ctx.vRef[k];
      position.dt = ctx.dt;
      position.compute();
      c.position[k] = ctx.qRef[k];
      c.acceleration[k] = ctx.aRef[k];
      c.velocity[k] = position.output;
      if (this.mode === 'velocity') {
        c.effort[k] = 0;
      } else {
        const velocity = this.velocity[k];
        velocity.r = position.output;
        velocity.y = ctx.v[k];
        velocity.ff = this.effortFeedforward[k];
        velocity.dt = ctx.dt;
        velocity.compute();
        c.effort[k] = velocity.output;
      }
    }
  }
}

function finiteOr(x: number, fallback: number): number {
  return Number.isFinite(x) ? x : fallback;
}
