// Scenario references built on the control folder's reference sources: timed steps (a small
// ReferenceSource of our own), waypoints and full-speed trajectories handed to the
// JointTrajectoryController, and jog streams fed to the JogReference.
import type { ControlContext, ReferenceSource } from '../../control/context.ts';
import type { JointLimits } from '../../control/limiter.ts';
import type { TrajectoryPoint } from '../../control/trajectory-input.ts';

/**
 * Piecewise-constant joint references: at each step time the joint's reference jumps to its target
 * (position, zero velocity and acceleration). Starts from the reference it takes over.
 * Ports: out qRef, vRef, aRef.
 */
export class StepReference implements ReferenceSource {
  readonly name = 'steps';
  readonly streaming = false;
  readonly inputSequence = 0;
  private readonly q: Float64Array;
  private next = 0;
  /** Steps sorted by time: joint index (into q) and target position. */
  constructor(nq: number, private readonly times: Float64Array, private readonly joints: Int32Array, private readonly targets: Float64Array) {
    this.q = new Float64Array(nq);
  }
  start(ctx: ControlContext): void {
    this.q.set(ctx.qRef);
  }
  update(ctx: ControlContext): void {
    while (this.next < this.times.length && ctx.t + 1e-9 >= this.times[this.next]) {
      this.q[this.joints[this.next]] = this.targets[this.next];
      this.next++;
    }
    ctx.qRef.set(this.q);
    ctx.vRef.fill(0);
    ctx.aRef.fill(0);
  }
}

/**
 * Times a sequence of joint-space waypoints from `start` at full speed: each segment lasts as long
 * as its slowest joint needs under a quintic (rest to rest) profile within the velocity and
 * acceleration limits scaled by `speedScale` (peak velocity 1.875·Δ/T, peak acceleration
 * 5.774·Δ/T²). Returns JointTrajectory points with time_from_start.
 */
export function fullSpeedPoints(start: ArrayLike<number>, waypoints: readonly number[][], limits: JointLimits, speedScale: number): TrajectoryPoint[] {
  const points: TrajectoryPoint[] = [];
  let previous = Array.from(start);
  let time = 0;
  for (const target of waypoints) {
    let duration = 0.05;
    for (let k = 0; k < target.length; k++) {
      const distance = Math.abs(target[k] - previous[k]);
      const v = limits.velocity[k] * speedScale, a = limits.acceleration[k] * speedScale;
      duration = Math.max(duration, (1.875 * distance) / v, Math.sqrt((5.774 * distance) / a));
    }
    time += duration;
    points.push({ positions: [...target], velocities: target.map(() => 0), accelerations: target.map(() => 0), timeFromStart: time });
    previous = target;
  }
  return points;
}
