// `otg/7dof`: the jerk-limited time-optimal 7-DoF state-to-state workload of WORKLOADS.md (anchor:
// Ruckig 0.17.3, 6.6 µs mean). Inputs are generated up front; only `calculate` is timed, one call
// per sample after a warm-up pass over the same problems.
import { loadavg } from 'node:os';
import { bench, summarize } from './harness.ts';
import { TrajectoryGenerator, TrajectoryOutput, TrajectoryResult, createTrajectoryInput } from '../control/trajectory/index.ts';
import { WORKLOAD_DOFS, loadWorkloadProblem, setWorkloadLimits, workloadProblems } from '../test/control/trajectory/otg-workload.ts';

bench('otg/7dof', (options) => {
  const count = options.quick ? 5000 : 100_000;
  const problems = workloadProblems(count);
  const input = createTrajectoryInput(WORKLOAD_DOFS);
  setWorkloadLimits(input);
  const generator = new TrajectoryGenerator(WORKLOAD_DOFS);
  const output = new TrajectoryOutput(WORKLOAD_DOFS);
  // Warm-up pass.
  for (let k = 0; k < count; k++) {
    loadWorkloadProblem(problems, k, input);
    generator.calculate(input, output);
  }
  const times = new Float64Array(count);
  let solved = 0;
  let durationSum = 0;
  for (let k = 0; k < count; k++) {
    loadWorkloadProblem(problems, k, input);
    const start = process.hrtime.bigint();
    const result = generator.calculate(input, output);
    times[k] = Number(process.hrtime.bigint() - start) / 1000;
    if (result === TrajectoryResult.Finished) {
      solved++;
      durationSum += output.trajectory.duration;
    }
    if ((k & 4095) === 0) options.progress(k / count);
  }
  const stats = summarize(times);
  // Calls of 1 ms or more are the process being descheduled on a busy machine, not the solver
  // (its slowest problems take a few tens of µs): counted, and a mean without them reported beside.
  let preempted = 0;
  let rest = 0;
  for (let k = 0; k < count; k++) {
    if (times[k] >= 1000) preempted++;
    else rest += times[k];
  }
  return [
    {
      name: 'otg/7dof',
      unit: 'us',
      median: stats.median,
      p99: stats.p99,
      n: count,
      mean: stats.mean,
      max: stats.max,
      success: solved / count,
      duration_sum_s: durationSum,
      // Context for the mean and the worst case, which other processes on the machine inflate.
      load_average_1min: loadavg()[0],
      preempted_calls: preempted,
      mean_without_preempted: rest / (count - preempted),
    },
  ];
});
