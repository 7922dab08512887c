// Independent checks of a computed trajectory: limits on every segment (exact extremes of the
// piecewise polynomials, not samples), the target state at the end, and synchronization.
import fc from 'fast-check';
import type { TrajectoryInput, TrajectoryOutput } from '../../../control/trajectory/index.ts';

/** Uniformly distributed values in [lo, hi] (fast-check's doubles favour extremes and tiny values). */
export function uniform(lo: number, hi: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: 0, max: 1 << 30 })).map((k) => lo + ((hi - lo) * k) / (1 << 30));
}

/** Values stored per segment in Trajectory.segments, and the segment capacity per DoF. */
const STRIDE = 5;

/** Tolerances of the checks, relative to the scale of each quantity. */
export const CHECK_TOLERANCE = 1e-8;

/**
 * Returns null when `output.trajectory` satisfies the input, else a description of the first
 * violation. Limits are checked from the first instant the state is within them (the generator
 * brakes a state outside them first; the brake must bring it in).
 */
export function checkTrajectory(input: TrajectoryInput, output: TrajectoryOutput, synchronized: boolean): string | null {
  const trajectory = output.trajectory;
  const capacity = trajectory.segments.length / (trajectory.dofs * STRIDE);
  const position = new Float64Array(input.dofs);
  const velocity = new Float64Array(input.dofs);
  const acceleration = new Float64Array(input.dofs);
  for (let i = 0; i < input.dofs; i++) {
    // Each DoF's own end (with synchronization `none` the others keep moving until theirs).
    trajectory.at(trajectory.dofDuration[i], position, velocity, acceleration);
    const vMax = input.maxVelocity[i];
    const vMin = input.minVelocity === null ? -vMax : input.minVelocity[i];
    const aMax = input.maxAcceleration[i];
    const aMin = input.minAcceleration === null ? -aMax : input.minAcceleration[i];
    const jerk = input.maxJerk[i];
    const vTolerance = CHECK_TOLERANCE * (1 + vMax - vMin);
    const aTolerance = CHECK_TOLERANCE * (1 + aMax - aMin);
    // Rounding grows with the positions the path passes through (long brakes go far).
    let pScale = 1 + Math.abs(input.targetPosition[i]) + Math.abs(input.currentPosition[i]);
    for (let k = 0; k < trajectory.segmentCount[i]; k++) {
      pScale = Math.max(pScale, 1 + Math.abs(trajectory.segments[(i * capacity + k) * STRIDE + 2]));
    }
    const end = trajectory.dofDuration[i];
    if (synchronized && Math.abs(end - trajectory.duration) > 1e-9 * (1 + end)) {
      return `dof ${i}: ends at ${end} s, trajectory at ${trajectory.duration} s`;
    }
    if (!synchronized && end > trajectory.duration + 1e-12) return `dof ${i}: ends after the trajectory`;
    if (Math.abs(position[i] - input.targetPosition[i]) > CHECK_TOLERANCE * pScale) {
      return `dof ${i}: position ${position[i]} at the end, target ${input.targetPosition[i]}`;
    }
    if (Math.abs(velocity[i] - input.targetVelocity[i]) > vTolerance) {
      return `dof ${i}: velocity ${velocity[i]} at the end, target ${input.targetVelocity[i]}`;
    }
    if (Math.abs(acceleration[i] - input.targetAcceleration[i]) > aTolerance) {
      return `dof ${i}: acceleration ${acceleration[i]} at the end, target ${input.targetAcceleration[i]}`;
    }
    const n = trajectory.segmentCount[i];
    let inside = false;
    for (let k = 0; k < n; k++) {
      const base = (i * capacity + k) * STRIDE;
      const start = trajectory.segments[base];
      const j = trajectory.segments[base + 1];
      const v = trajectory.segments[base + 3];
      const a = trajectory.segments[base + 4];
      const duration = (k + 1 < n ? trajectory.segments[base + STRIDE] : end) - start;
      if (!(duration >= 0)) return `dof ${i}: segment ${k} has duration ${duration}`;
      if (Math.abs(j) > jerk * (1 + 1e-12)) return `dof ${i}: segment ${k} jerk ${j} beyond ${jerk}`;
      if (!inside) {
        // Within the limits, and not bound to overshoot the velocity limit under the current acceleration.
        const natural = v + (a * Math.abs(a)) / (2 * jerk);
        inside = v <= vMax + vTolerance && v >= vMin - vTolerance && a <= aMax + aTolerance && a >= aMin - aTolerance &&
          natural <= vMax + vTolerance && natural >= vMin - vTolerance;
        if (!inside && start > 0 && k >= 4) return `dof ${i}: still outside the limits after ${k} brake segments`;
        if (!inside) continue;
      }
      // End values: the next segment's start state when there is one (integrated from the exact
      // durations; differencing absolute start times loses precision on long trajectories).
      const aEnd = k + 1 < n ? trajectory.segments[base + STRIDE + 4] : a + j * duration;
      const vEnd = k + 1 < n ? trajectory.segments[base + STRIDE + 3] : v + duration * (a + 0.5 * j * duration);
      let vHigh = Math.max(v, vEnd);
      let vLow = Math.min(v, vEnd);
      if (j !== 0) {
        const turn = -a / j;
        if (turn > 0 && turn < duration) {
          const vTurn = v + turn * (a + 0.5 * j * turn);
          vHigh = Math.max(vHigh, vTurn);
          vLow = Math.min(vLow, vTurn);
        }
      }
      if (vHigh > vMax + vTolerance || vLow < vMin - vTolerance) {
        return `dof ${i}: segment ${k} velocity reaches [${vLow}, ${vHigh}] beyond [${vMin}, ${vMax}]`;
      }
      if (Math.max(a, aEnd) > aMax + aTolerance || Math.min(a, aEnd) < aMin - aTolerance) {
        return `dof ${i}: segment ${k} acceleration reaches [${Math.min(a, aEnd)}, ${Math.max(a, aEnd)}] beyond [${aMin}, ${aMax}]`;
      }
    }
    if (!inside && n > 0) return `dof ${i}: never within the limits`;
  }
  return null;
}
