// Simulator benchmarks. sim/step-<robot>: one 1 ms physics step as `embodied sim` runs it: the
// drives in the loop (rigid coupling, the default 'averaged' fidelity: velocity and position loops
// at their own rates, 4 actuator sub-steps) and every sensor sampling at 1 kHz with noise; the same
// step with the 'switching' fidelity (sim/step-<robot>-switching: the current loop at 20 kHz too),
// and with ideal actuators (sim/step-<robot>-no-drives), the workload of MuJoCo's 5.7 µs UR5e figure.
// Each case runs in a worker thread of its own, as a process of `embodied sim` runs one of them.
// sim/batch: the shipped scenario library on 2 worker threads: wall time and real-time factor.
import { join } from 'node:path';
import { once } from 'node:events';
import { bench, type BenchResult } from './harness.ts';
import type { DriveCoupling } from '../sim/load-sim-robot.ts';
import type { DriveFidelity } from '../robot/drive/index.ts';
import { runBatch } from '../sim/scenario/batch.ts';
import { expandScenarioPaths } from '../sim/scenario/files.ts';
import { startTsWorker } from '../sim/ts-worker.ts';
import type { SimStepCase } from './sim-step-worker.ts';

const SENSORS = {
  seed: 1,
  encoder: { countsPerRevolution: 1 << 17, noise: 0 },
  velocity: { noise: 1e-3 },
  torque: { noise: 0.05 },
  gyro: { rate: 1000, noise: 1e-3, bias: 0.002 },
  accelerometer: { rate: 1000, noise: 0.02 },
  forceTorque: { rate: 1000, noise: 0.2 },
};

/** Times one case in a worker thread of its own (bench/sim-step-worker.ts says why). */
async function stepCase(job: SimStepCase): Promise<BenchResult> {
  const worker = startTsWorker(new URL('./sim-step-worker.ts', import.meta.url), { workerData: job });
  const [result] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([error]) => Promise.reject(error))])) as [BenchResult];
  await worker.terminate();
  return result;
}

for (const robot of ['ur5e', 'servo-arm']) {
  const names = [`sim/step-${robot}`, `sim/step-${robot}-switching`, `sim/step-${robot}-no-drives`];
  bench(`sim/step-${robot}`, async (options) => {
    const cases: [string, DriveCoupling, DriveFidelity | undefined][] = [[names[0], 'rigid', undefined], [names[1], 'rigid', 'switching'], [names[2], 'ideal', undefined]];
    const results: BenchResult[] = [];
    for (const [name, coupling, fidelity] of cases) {
      if (options.wanted(name)) results.push(await stepCase({ name, robot, coupling, fidelity, quick: options.quick, sensors: SENSORS }));
    }
    return results;
  }, names);
}

bench('sim/batch', async (options) => {
  const files = expandScenarioPaths([join(import.meta.dirname, '..', 'scenarios')]);
  const selected = options.quick ? files.slice(0, 2) : files;
  const batch = await runBatch(selected, { jobs: 2, onProgress: (fraction) => options.progress(fraction) });
  const simTime = batch.results.reduce((sum, r) => sum + r.simTime, 0);
  const failed = batch.results.filter((r) => !r.passed).map((r) => r.name);
  return [{
    name: 'sim/batch', unit: 's', median: batch.wallTime, p99: batch.wallTime, n: selected.length,
    wall_s: batch.wallTime, sim_s: simTime, real_time_factor: simTime / batch.wallTime, jobs: 2, scenarios: selected.length, failed,
  }];
});
