// Worker of bench/sim.bench.ts: times one sim/step case in a thread of its own, so that every case
// is compiled as `embodied sim` compiles it (one robot, one drive model in the process), not after
// the other cases have made the plant's call sites polymorphic. Posts one BenchResult.
import { parentPort, workerData } from 'node:worker_threads';
import { timeCalls } from './harness.ts';
import { ActuatorMode } from '../sim/actuators.ts';
import { loadSimRobot, type DriveCoupling } from '../sim/load-sim-robot.ts';
import type { DriveFidelity } from '../robot/drive/index.ts';

/** What the bench sends: the case and the harness's quick flag. */
export interface SimStepCase {
  name: string;
  robot: string;
  coupling: DriveCoupling;
  fidelity?: DriveFidelity;
  quick: boolean;
  sensors: Record<string, unknown>;
}

const job = workerData as SimStepCase;
const { sim } = loadSimRobot(job.robot, { coupling: job.coupling, fidelity: job.fidelity, sensors: job.sensors });
const plant = sim.plant;
plant.command.mode.fill(ActuatorMode.position);
const nv = plant.model.nv;
// A slow sine on every joint so the drives and the dynamics do real work.
const phase = new Float64Array(1);
// Warm-up of 50 000 steps: V8 reaches the step's final code after 20 000-30 000 (its first
// 10 000 average 20-38 us, the next 10 000 6-11 us); timed before that, the p99 held those batches.
const result = timeCalls(job.name, () => {
  phase[0] += 1e-3;
  for (let k = 0; k < nv; k++) plant.command.position[k] = 0.3 * Math.sin(phase[0] + k);
  plant.step();
}, { quick: job.quick, progress: () => {}, wanted: () => true, batch: 50, samples: job.quick ? 40 : 600, warmup: 1000 }, {
  dt_s: plant.dt, substeps: plant.substeps, actuator_substeps: plant.actuatorSubsteps, actuators: plant.actuators.kind, coupling: job.coupling,
  fidelity: plant.actuators.kind === 'drive' ? (job.fidelity ?? 'averaged') : 'none',
});
result.steps_per_s = Math.round(1e9 / result.median);
parentPort?.postMessage(result);
