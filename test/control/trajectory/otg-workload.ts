// The `otg/7dof` workload of WORKLOADS.md (shared with the Ruckig anchor): limits and the
// mulberry32-seeded problem set. Used by the tests and by bench/otg.bench.ts.
import type { TrajectoryInput } from '../../../control/trajectory/index.ts';
import { mulberry32 } from '../../../robot/random.ts';
export { mulberry32 };

/** DoF count of the workload. */
export const WORKLOAD_DOFS = 7;


/** Problems of the workload: `count` × 7 values per field, problem-major. */
export interface WorkloadProblems {
  count: number;
  currentPosition: Float64Array;
  currentVelocity: Float64Array;
  currentAcceleration: Float64Array;
  targetPosition: Float64Array;
}

/** Limit factor of DoF i: 0.8 + 0.05·i. */
export function workloadFactor(i: number): number {
  return 0.8 + 0.05 * i;
}

/** Generates the first `count` problems from seed 42 (each field drawn for DoFs 0..6 before the next). */
export function workloadProblems(count: number): WorkloadProblems {
  const next = mulberry32(42);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * next();
  const n = count * WORKLOAD_DOFS;
  const problems: WorkloadProblems = {
    count,
    currentPosition: new Float64Array(n),
    currentVelocity: new Float64Array(n),
    currentAcceleration: new Float64Array(n),
    targetPosition: new Float64Array(n),
  };
  for (let k = 0; k < count; k++) {
    const base = k * WORKLOAD_DOFS;
    for (let i = 0; i < WORKLOAD_DOFS; i++) problems.currentPosition[base + i] = uniform(-3, 3);
    for (let i = 0; i < WORKLOAD_DOFS; i++) {
      const vMax = 2 * workloadFactor(i);
      problems.currentVelocity[base + i] = Math.min(vMax, Math.max(-vMax, uniform(-1, 1)));
    }
    for (let i = 0; i < WORKLOAD_DOFS; i++) {
      const aMax = 10 * workloadFactor(i);
      problems.currentAcceleration[base + i] = Math.min(aMax, Math.max(-aMax, uniform(-3, 3)));
    }
    for (let i = 0; i < WORKLOAD_DOFS; i++) problems.targetPosition[base + i] = uniform(-3, 3);
  }
  return problems;
}

/** Sets the workload limits on a 7-DoF input (target velocity and acceleration zero, time synchronization). */
export function setWorkloadLimits(input: TrajectoryInput): void {
  for (let i = 0; i < WORKLOAD_DOFS; i++) {
    const f = workloadFactor(i);
    input.maxVelocity[i] = 2 * f;
    input.maxAcceleration[i] = 10 * f;
    input.maxJerk[i] = 100 * f;
    input.targetVelocity[i] = 0;
    input.targetAcceleration[i] = 0;
  }
  input.synchronization = 'time';
}

/** Copies problem `k` into the input's current state and target position. */
export function loadWorkloadProblem(problems: WorkloadProblems, k: number, input: TrajectoryInput): void {
  const base = k * WORKLOAD_DOFS;
  for (let i = 0; i < WORKLOAD_DOFS; i++) {
    input.currentPosition[i] = problems.currentPosition[base + i];
    input.currentVelocity[i] = problems.currentVelocity[base + i];
    input.currentAcceleration[i] = problems.currentAcceleration[base + i];
    input.targetPosition[i] = problems.targetPosition[base + i];
  }
}
