import { describe, expect, it } from 'vitest';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { TrajectoryGenerator, TrajectoryOutput, createTrajectoryInput } from '../../../control/trajectory/index.ts';
import { WORKLOAD_DOFS, loadWorkloadProblem, setWorkloadLimits, workloadProblems } from './otg-workload.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Runs `body(i)` for i < calls after a full collection; reports the heap growth and the number of
 * collections that started during the run (an allocation-free loop triggers none).
 */
async function measure(calls: number, body: (i: number) => void): Promise<{ growth: number; collections: number }> {
  const starts: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) starts.push(entry.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  collect();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = process.memoryUsage().heapUsed;
  const from = performance.now();
  for (let i = 0; i < calls; i++) body(i);
  const to = performance.now();
  const after = process.memoryUsage().heapUsed;
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return { growth: after - before, collections: starts.filter((t) => t >= from && t <= to).length };
}

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
    const result = await measure(30_000, (i) => {
      const scratch = new Float64Array(WORKLOAD_DOFS);
      scratch[0] = i;
      step(i);
      sink += scratch[0];
    });
    expect(sink).toBeGreaterThan(0);
    expect(result.collections > 0 || result.growth > 1 << 20).toBe(true);
  });

  it('calculate, update and at allocate nothing over 1e5 calls', async () => {
    for (let i = 0; i < 20_000; i++) step(i);
    const result = await measure(100_000, step);
    // One object per call (16 bytes at least) would be 1.6 MB over 1e5 calls and start a
    // scavenge; the bound leaves room for code the JIT may still install during the run.
    expect(result.collections).toBe(0);
    expect(result.growth).toBeLessThan(1 << 20);
  });
});
