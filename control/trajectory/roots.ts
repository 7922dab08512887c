// Safeguarded Newton root finding on the one-parameter profile family of a DofProblem.
import type { DofProblem } from './dof-problem.ts';

/** Which function of vp `findRoot` solves for: T(vp) - value, D(vp) - distance, or D + vp·(value - T) - distance. */
export const RootMode = { Time: 0, Distance: 1, Cruise: 2 } as const;

/** One of the `RootMode` codes. */
export type RootMode = (typeof RootMode)[keyof typeof RootMode];

/**
 * Root of the chosen function on [rootA, rootB] given its values rootFa, rootFb there (opposite
 * signs or a zero). Leaves `problem` evaluated at the root, which is in `problem.candidate`.
 * @realtime
 */
export function findRoot(problem: DofProblem, mode: RootMode): void {
  const value = problem.rootValue;
  const xa = problem.rootA;
  const xb = problem.rootB;
  let fa = problem.rootFa;
  let fb = problem.rootFb;
  if (fa === 0) {
    problem.candidate = xa;
    problem.evaluate();
    return;
  }
  if (fb === 0) {
    problem.candidate = xb;
    problem.evaluate();
    return;
  }
  // Keep the bracket oriented: f(low) < 0 < f(high).
  let low = xa;
  let high = xb;
  if (fa > 0) {
    low = xb;
    high = xa;
    const swap = fa;
    fa = fb;
    fb = swap;
  }
  let x = low - (fa * (high - low)) / (fb - fa);
  // Stop on a residual at rounding level; near a vertex of T(vp) (a square-root corner) the
  // bracket keeps shrinking until it cannot, since T there is far more sensitive than vp.
  const rounding = 2e-15;
  let previous = Infinity;
  let bisectNext = false;
  for (let iteration = 0; iteration < 2000; iteration++) {
    if (bisectNext || !(x > Math.min(low, high) && x < Math.max(low, high))) {
      x = 0.5 * (low + high);
      if (x === low || x === high) break;
    }
    problem.candidate = x;
    problem.evaluate();
    let f: number;
    let derivative: number;
    if (mode === RootMode.Time) {
      f = problem.time - value;
      derivative = problem.slope;
    } else if (mode === RootMode.Distance) {
      f = problem.dist - problem.distance;
      derivative = x * problem.slope + problem.k;
    } else {
      const cruise = value - problem.time;
      f = problem.dist + x * cruise - problem.distance;
      derivative = problem.k + cruise;
    }
    // Residual at the rounding level of the terms summed into it.
    const scale = mode === RootMode.Time
      ? value
      : Math.abs(problem.distance) + (Math.abs(problem.v0) + Math.abs(x) + Math.abs(problem.vf)) * (mode === RootMode.Cruise ? value : problem.time);
    const size = Math.abs(f);
    if (size <= rounding * scale + 1e-300) return;
    if (f < 0) low = x;
    else high = x;
    bisectNext = size > 0.5 * previous;
    previous = size;
    x -= f / derivative;
  }
  problem.candidate = x;
  problem.evaluate();
}
