import { describe, expect, it } from 'vitest';
import { TrajectoryGenerator, TrajectoryOutput, createTrajectoryInput } from '../../../control/trajectory/index.ts';
import { measureHeapGrowthAsync } from '../../support/heap.ts';
import { WORKLOAD_DOFS, loadWorkloadProblem, setWorkloadLimits, workloadProblems } from './otg-workload.ts';

describe('allocation', () => {
  const problems = workloadProblems(1000);
  const input = createTrajectoryInput(WORKLOAD_DOFS);
  setWorkloadLimits(input);
  const generator = new TrajectoryGenerator(WORKLOAD_DOFS, 0.001);
  const output = new TrajectoryOutput(WORKLOAD_DOFS);
  const position = new Float64Array(WORKLOAD_DOFS);
  const velocity = new Float64Array(WORKLOAD_DOFS);
  const acceleration = new Float64Array(WORKLOAD_DOFS);
  // calculate on a new problem, then sampling and update steps along it. Sampling goes through
  // atSlot, the tick-path form: `at(t)` takes a double, which V8 boxes when it does not inline it.
  const time = new Float64Array(1);
  const step = (i: number) => {
    loadWorkloadProblem(problems, i % 1000, input);
    generator.calculate(input, output);
    time[0] = (i % 97) * 0.013;
    output.trajectory.atSlot(time, position, velocity, acceleration);
    generator.update(input, output);
    output.passToInput(input);
    generator.update(input, output);
  };

  it('the measurement sees an allocating loop (so the next test can fail)', async () => {
    let sink = 0;
    const result = await measureHeapGrowthAsync((i) => {
      const scratch = new Float64Array(WORKLOAD_DOFS);
      scratch[0] = i;
      step(i);
      sink += scratch[0];
    }, { calls: 30_000 });
    expect(sink).toBeGreaterThan(0);
    expect(result.collections > 0 || result.bytes > 1 << 20).toBe(true);
  });

  it('calculate, update and at allocate nothing over 1e5 calls', async () => {
    // Up to 3 runs, the first clean one decides: a one-off in one run (6 scavenges once in CI, as
    // when the JIT reinstalls code after a deopt and it runs boxed for a while) does not; garbage
    // made per call is in every run.
    let result = await measureHeapGrowthAsync(step, { calls: 100_000, warmup: { calls: 20_000 } });
    for (let run = 1; run < 3 && (result.collections > 0 || result.bytes >= 1 << 20); run++) {
      result = await measureHeapGrowthAsync(step, { calls: 100_000 });
    }
    // One object per call (16 bytes at least) would be 1.6 MB over 1e5 calls and start a
    // scavenge; the bound leaves room for code the JIT may still install during the run.
    expect(result.collections).toBe(0);
    expect(result.bytes).toBeLessThan(1 << 20);
  });
});
