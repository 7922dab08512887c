// The per-tick workspace every block of the control pipeline reads and writes, and the block
// interfaces. Allocated once per pipeline; a tick only touches its typed arrays.
import type { CommandMode, JointStatePorts } from '../robot/ports.ts';

/** Command a controller produces (before the limiter), nq per array, joint order of the model. */
export interface CommandBuffer {
  mode: CommandMode;
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
  readonly acceleration: Float64Array;
}

/** The tick workspace: estimate, reference and command, in model joint order. */
export interface ControlContext {
  readonly nq: number;
  /** Loop time (s) and period (s) of this tick. */
  t: number;
  dt: number;
  /** Estimated joint state. */
  readonly q: Float64Array;
  readonly v: Float64Array;
  readonly effort: Float64Array;
  /** Reference joint trajectory sample for this tick. */
  readonly qRef: Float64Array;
  readonly vRef: Float64Array;
  readonly aRef: Float64Array;
  readonly command: CommandBuffer;
}

/** Allocates a context for nq joints (references and estimate start at 0, commands at 0). */
export function createControlContext(nq: number): ControlContext {
  const f = () => new Float64Array(nq);
  // t and dt start as doubles (0.5) so V8 keeps them in double fields (a store never boxes).
  const ctx: ControlContext = {
    nq, t: 0.5, dt: 0.5,
    q: f(), v: f(), effort: f(),
    qRef: f(), vRef: f(), aRef: f(),
    command: { mode: 'none', position: f(), velocity: f(), effort: f(), acceleration: f() },
  };
  ctx.t = 0;
  ctx.dt = 0;
  return ctx;
}

/**
 * Estimator hook. Ports: in robot state ports; out ctx.q, ctx.v, ctx.effort.
 * `portIndex[k]` is the ports index of model joint k. Returns false when the estimate is unusable.
 */
export interface Estimator {
  readonly name: string;
  /** @realtime */
  estimate(state: JointStatePorts, portIndex: Int32Array, ctx: ControlContext): boolean;
}

/** Copies measured position/velocity/effort; a NaN velocity is differentiated from position. */
export function passThroughEstimator(nq: number): Estimator {
  const lastQ = new Float64Array(nq).fill(Number.NaN);
  // The last estimate's time lives in a typed array: a closure slot holding a double would box it every tick.
  const lastT = new Float64Array(1).fill(Number.NaN);
  return {
    name: 'pass-through',
    estimate(state, portIndex, ctx) {
      let ok = true;
      const dt = ctx.t - lastT[0];
      for (let k = 0; k < nq; k++) {
        const i = portIndex[k];
        const q = state.position[i];
        let v = state.velocity[i];
        if (!Number.isFinite(v)) v = dt > 0 && Number.isFinite(lastQ[k]) ? (q - lastQ[k]) / dt : 0;
        ctx.q[k] = q;
        ctx.v[k] = v;
        ctx.effort[k] = state.effort[i];
        lastQ[k] = q;
        if (!(Number.isFinite(q) && Number.isFinite(v))) ok = false;
      }
      lastT[0] = ctx.t;
      return ok;
    },
  };
}

/**
 * A reference source (trajectory, jog, setpoint stream, hold). Ports: out ctx.qRef, vRef, aRef.
 * `inputSequence` increments whenever new input arrives (outside the tick), so the supervisor can
 * watch a streaming source for staleness without sharing a clock with the writer.
 */
export interface ReferenceSource {
  readonly name: string;
  /** True for sources fed by a stream that must keep coming (jog, forward commands). */
  readonly streaming: boolean;
  readonly inputSequence: number;
  /** Called once when the source takes over; ctx.qRef/vRef/aRef hold the current reference (bumpless). */
  start(ctx: ControlContext): void;
  /** @realtime Writes this tick's reference. */
  update(ctx: ControlContext): void;
}

/** A controller: reads estimate and reference, writes ctx.command (mode and arrays). */
export interface Controller {
  readonly name: string;
  /** Command interface it writes. */
  readonly mode: 'position' | 'velocity' | 'effort';
  /** Called when the controller takes over (reset integrators, bumpless start). */
  start(ctx: ControlContext): void;
  /** @realtime */
  update(ctx: ControlContext): void;
}
