// Simulator benchmarks. sim/step-<robot>: one 1 ms physics step with drives (rigid coupling,
// firmware sub-stepped at 20 kHz) and every sensor sampling at 1 kHz with noise; also the same
// step with the 'averaged' drive fidelity (sim/step-<robot>-averaged), and with ideal actuators, the workload MuJoCo's 5.7 µs UR5e figure is for (no drives).
// sim/batch: the shipped scenario library on 2 worker threads: wall time and real-time factor.
import { join } from 'node:path';
import { bench, timeCalls, type BenchResult } from './harness.ts';
import { ActuatorMode } from '../sim/actuators.ts';
import { loadSimRobot, type DriveCoupling } from '../sim/load-sim-robot.ts';
import { createDriveActuators, rigidDriveSet } from '../sim/drive-actuators.ts';
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
  const probe = fidelity ? loadSimRobot(robot).driveSet : undefined;
  const set = probe ? rigidDriveSet(probe) : undefined;
  const { sim } = loadSimRobot(robot, { coupling, sensors: SENSORS, ...(set ? { actuators: (model) => createDriveActuators(model, set, { fidelity }) } : {}) });
  const plant = sim.plant;
  plant.command.mode.fill(ActuatorMode.position);
  const nv = plant.model.nv;
  // A slow sine on every joint so the drives and the dynamics do real work.
  const phase = new Float64Array(1);
  return timeCalls(name, () => {
    phase[0] += 1e-3;
    for (let k = 0; k < nv; k++) plant.command.position[k] = 0.3 * Math.sin(phase[0] + k);
    plant.step();
  }, { ...options, batch: 50, samples: options.quick ? 40 : 600 }, { dt_s: plant.dt, substeps: plant.substeps, actuators: plant.actuators.kind, coupling, fidelity: plant.actuators.kind === 'drive' ? (fidelity ?? 'switching') : 'none', steps_per_s: 0 });
}

for (const robot of ['ur5e', 'servo-arm']) {
  bench(`sim/step-${robot}`, (options) => {
    const withDrives = stepCase(`sim/step-${robot}`, robot, 'rigid', options);
    withDrives.steps_per_s = Math.round(1e9 / withDrives.median);
    const averaged = stepCase(`sim/step-${robot}-averaged`, robot, 'rigid', options, 'averaged');
    averaged.steps_per_s = Math.round(1e9 / averaged.median);
    const ideal = stepCase(`sim/step-${robot}-no-drives`, robot, 'ideal', options);
    ideal.steps_per_s = Math.round(1e9 / ideal.median);
    return [withDrives, averaged, ideal];
  });
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
