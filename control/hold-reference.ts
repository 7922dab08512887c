// The simplest reference sources: hold where the reference was, and a streamed setpoint
// (forward position/velocity commands, as a std_msgs/Float64MultiArray forward controller).
import type { ControlContext, ReferenceSource } from './context.ts';

/** Holds the reference position it starts from (velocity and acceleration 0). Ports: out qRef, vRef, aRef. */
export class HoldReference implements ReferenceSource {
  readonly name = 'hold';
  readonly streaming = false;
  readonly inputSequence = 0;
  private readonly q: Float64Array;
  constructor(nq: number) {
    this.q = new Float64Array(nq);
  }
  start(ctx: ControlContext): void {
    this.q.set(ctx.qRef);
  }
  update(ctx: ControlContext): void {
    ctx.qRef.set(this.q);
    ctx.vRef.fill(0);
    ctx.aRef.fill(0);
  }
}

/**
 * A streamed setpoint: `setPositions`/`setVelocities` (outside the tick) replace it; a watched
 * stream (streaming = true), so the supervisor holds when it stops. Velocity setpoints integrate
 * into the position reference. Ports: out qRef, vRef, aRef.
 */
export class SetpointStream implements ReferenceSource {
  readonly name = 'setpoint-stream';
  readonly streaming = true;
  inputSequence = 0;
  private readonly position: Float64Array;
  private readonly velocity: Float64Array;
  private kind: 'position' | 'velocity' = 'position';
  private fresh = false;
  constructor(readonly nq: number) {
    this.position = new Float64Array(nq);
    this.velocity = new Float64Array(nq);
  }
  /** New position setpoint (nq finite values); returns an error string or '' when accepted. */
  setPositions(values: ArrayLike<number>): string {
    const error = checkValues(values, this.nq, 'positions');
    if (error) return error;
    for (let k = 0; k < this.nq; k++) this.position[k] = values[k];
    this.velocity.fill(0);
    this.kind = 'position';
    this.fresh = true;
    this.inputSequence++;
    return '';
  }
  /** New velocity setpoint (nq finite values). */
  setVelocities(values: ArrayLike<number>): string {
    const error = checkValues(values, this.nq, 'velocities');
    if (error) return error;
    for (let k = 0; k < this.nq; k++) this.velocity[k] = values[k];
    this.kind = 'velocity';
    this.fresh = true;
    this.inputSequence++;
    return '';
  }
  start(ctx: ControlContext): void {
    if (!this.fresh) this.position.set(ctx.qRef);
    if (this.kind === 'velocity') this.position.set(ctx.qRef);
  }
  update(ctx: ControlContext): void {
    for (let k = 0; k < this.nq; k++) {
      if (this.kind === 'velocity') this.position[k] += this.velocity[k] * ctx.dt;
      ctx.qRef[k] = this.position[k];
      ctx.vRef[k] = this.kind === 'velocity' ? this.velocity[k] : 0;
      ctx.aRef[k] = 0;
    }
  }
}

function checkValues(values: ArrayLike<number>, n: number, field: string): string {
  if (values.length !== n) return `${field} has ${values.length} values, expected ${n}`;
  for (let k = 0; k < n; k++) if (!Number.isFinite(values[k])) return `${field}[${k}] = ${values[k]}, expected a finite number`;
  return '';
}
