// Simulator benchmarks. sim/step-<robot>: one 1 ms physics step as `embodied sim` runs it: the
// drives in the loop (rigid coupling, the default 'averaged' fidelity: velocity and position loops
// at their own rates, 4 actuator sub-steps) and every sensor sampling at 1 kHz with noise; the same
// step with the 'switching' fidelity (sim/step-<robot>-switching: the current loop at 20 kHz too),
// and with ideal actuators (sim/step-<robot>-no-drives), the workload of MuJoCo's 5.7 µs UR5e figure.
// sim/batch: the shipped scenario library on 2 worker threads: wall time and real-time factor.
import { join } from 'node:path';
import { bench, timeCalls, type BenchResult } from './harness.ts';
import { ActuatorMode } from '../sim/actuators.ts';
import { loadSimRobot, type DriveCoupling } from '../sim/load-sim-robot.ts';
import type { DriveFidelity } from '../robot/drive/index.ts';
import { runBatch } from '../sim/scenario/batch.ts';
import { expandScenarioPaths } from '../sim/scenario/files.ts';

const SENSORS = {
  seed: 1,
  encoder: { countsPerRevolution: 1 << 17, noise: 0 },
  velocity: { noise: 1e-3 },
  torque: { noise: 0.05 },
  gyro: { rate: 1000, noise: 1e-3, bias: 0.002 },
  accelerometer: { rate: 1000, noise: 0.02 },
  forceTorque: { rate: 1000, noise: 0.2 },
};

function stepCase(name: string, robot: string, coupling: DriveCoupling, options: Parameters<typeof timeCalls>[2], fidelity?: DriveFidelity): BenchResult {
  const { sim } = loadSimRobot(robot, { coupling, fidelity, sensors: SENSORS });
  const plant = sim.plant;
  plant.command.mode.fill(ActuatorMode.position);
  const nv = plant.model.nv;
  // A slow sine on every joint so the drives and the dynamics do real work.
  const phase = new Float64Array(1);
  return timeCalls(name, () => {
    phase[0] += 1e-3;
    for (let k = 0; k < nv; k++) plant.command.position[k] = 0.3 * Math.sin(phase[0] + k);
    plant.step();
  }, { ...options, batch: 50, samples: options.quick ? 40 : 600 }, { dt_s: plant.dt, substeps: plant.substeps, actuator_substeps: plant.actuatorSubsteps, actuators: plant.actuators.kind, coupling, fidelity: plant.actuators.kind === 'drive' ? (fidelity ?? 'averaged') : 'none', steps_per_s: 0 });
}

for (const robot of ['ur5e', 'servo-arm']) {
  const names = [`sim/step-${robot}`, `sim/step-${robot}-switching`, `sim/step-${robot}-no-drives`];
  bench(`sim/step-${robot}`, (options) => {
    const cases: [string, DriveCoupling, DriveFidelity | undefined][] = [[names[0], 'rigid', undefined], [names[1], 'rigid', 'switching'], [names[2], 'ideal', undefined]];
    return cases.filter(([name]) => options.wanted(name)).map(([name, coupling, fidelity]) => {
      const result = stepCase(name, robot, coupling, options, fidelity);
      result.steps_per_s = Math.round(1e9 / result.median);
      return result;
    });
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
