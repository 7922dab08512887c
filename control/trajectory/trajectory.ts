// A computed multi-DoF trajectory: per DoF, piecewise-constant-jerk segments with their start
// states, so that sampling at any time is one segment lookup and a cubic.
import { MAX_SEGMENTS, type SegmentList } from './profile-step2.ts';

/** Values stored per segment: start time, jerk, start position, start velocity, start acceleration. */
const STRIDE = 5;

/** Per-DoF jerk profiles of one trajectory; allocated once for a DoF count. */
export class Trajectory {
  /** Number of DoFs. */
  readonly dofs: number;
  /** Duration of the whole trajectory in s (the longest DoF with synchronization `none`). */
  duration = 0;
  /** Duration of each DoF's own profile in s; length dofs. */
  readonly dofDuration: Float64Array;
  /** Segment count per DoF; length dofs. */
  readonly segmentCount: Int32Array;
  /** Segments: dofs × MAX_SEGMENTS × [start time, jerk, position, velocity, acceleration]. */
  readonly segments: Float64Array;
  /** State at each DoF's end: dofs × [position, velocity, acceleration]. */
  readonly endState: Float64Array;
  // Time slot for the convenience form `at(t, ...)`.
  private readonly timeSlot = new Float64Array(1);

  constructor(dofs: number) {
    this.dofs = dofs;
    this.dofDuration = new Float64Array(dofs);
    this.segmentCount = new Int32Array(dofs);
    this.segments = new Float64Array(dofs * MAX_SEGMENTS * STRIDE);
    this.endState = new Float64Array(dofs * 3);
  }

  /**
   * Stores DoF `dof`'s profile: `list` integrated from the start state at index `dof` of the arrays.
   * @realtime
   */
  setDof(dof: number, list: SegmentList, position: Float64Array, velocity: Float64Array, acceleration: Float64Array): void {
    let p = position[dof];
    let v = velocity[dof];
    let a = acceleration[dof];
    const segments = this.segments;
    let base = dof * MAX_SEGMENTS * STRIDE;
    let time = 0;
    const n = list.count;
    for (let i = 0; i < n; i++) {
      const t = list.durations[i];
      const jerk = list.jerks[i];
      // A cruise starts at zero acceleration; a rounding residue there would grow over its length.
      if (list.cruises[i] === 1) a = 0;
      segments[base] = time;
      segments[base + 1] = jerk;
      segments[base + 2] = p;
      segments[base + 3] = v;
      segments[base + 4] = a;
      base += STRIDE;
      p += t * (v + t * (0.5 * a + (jerk * t) / 6));
      v += t * (a + 0.5 * jerk * t);
      a += jerk * t;
      time += t;
    }
    this.segmentCount[dof] = n;
    this.dofDuration[dof] = time;
    this.endState[3 * dof] = p;
    this.endState[3 * dof + 1] = v;
    this.endState[3 * dof + 2] = a;
  }

  /**
   * Samples the state at time `t` (s from the start) into caller arrays of length dofs; any may be
   * null. After a DoF's end it continues with its end velocity and acceleration.
   * @realtime
   */
  at(t: number, position: Float64Array | null, velocity: Float64Array | null, acceleration: Float64Array | null): void {
    this.timeSlot[0] = t;
    this.atSlot(this.timeSlot, position, velocity, acceleration);
  }

  /**
   * `at` with the time in `timeSlot[0]` (s): the allocation-free form for a hot loop, since V8
   * boxes a double passed to a call it does not inline. @realtime
   */
  atSlot(timeSlot: ArrayLike<number>, position: Float64Array | null, velocity: Float64Array | null, acceleration: Float64Array | null): void {
    const t = timeSlot[0];
    const segments = this.segments;
    for (let dof = 0; dof < this.dofs; dof++) {
      const n = this.segmentCount[dof];
      let p: number;
      let v: number;
      let a: number;
      let jerk = 0;
      let dt: number;
      const end = this.dofDuration[dof];
      if (t >= end || n === 0) {
        p = this.endState[3 * dof];
        v = this.endState[3 * dof + 1];
        a = this.endState[3 * dof + 2];
        dt = t - end;
        if (dt < 0) dt = 0;
      } else {
        const start = dof * MAX_SEGMENTS * STRIDE;
        let base = start;
        const last = start + (n - 1) * STRIDE;
        while (base < last && segments[base + STRIDE] <= t) base += STRIDE;
        dt = t - segments[base];
        if (dt < 0) dt = 0;
        jerk = segments[base + 1];
        p = segments[base + 2];
        v = segments[base + 3];
        a = segments[base + 4];
      }
      if (position !== null) position[dof] = p + dt * (v + dt * (0.5 * a + (jerk * dt) / 6));
      if (velocity !== null) velocity[dof] = v + dt * (a + 0.5 * jerk * dt);
      if (acceleration !== null) acceleration[dof] = a + jerk * dt;
    }
  }
}
