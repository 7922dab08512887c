// Perception benchmark: everything the loop estimates per tick for a 7-joint arm (Panda): the
// Kalman joint-state estimator on quantized encoder readings plus the momentum observer.
import { readFileSync } from 'node:fs';
import { bench, timeCalls } from './harness.ts';
import { buildModel } from '../robot/model.ts';
import { builtinRobotFiles } from '../robot/robots/index.ts';
import { JointStateEstimator } from '../perception/joint-state-estimator.ts';
import { MomentumObserver } from '../perception/momentum-observer.ts';

bench('perception/tick-7dof', (options) => {
  const model = buildModel(readFileSync(builtinRobotFiles('panda').urdf, 'utf8'));
  const nq = model.nq;
  const quantum = (2 * Math.PI) / 2 ** 19;
  const estimator = new JointStateEstimator(nq, { quantum });
  const observer = new MomentumObserver(model, { threshold: 5 });
  const measured = new Float64Array(nq), tau = new Float64Array(nq), friction = new Float64Array(nq);
  const clock = new Float64Array(1);
  const step = { dt: 1e-3 };
  const tick = (i: number) => {
    clock[0] = i * 1e-3;
    for (let k = 0; k < nq; k++) {
      measured[k] = Math.round((0.5 * Math.sin(clock[0] + k)) / quantum) * quantum;
      tau[k] = k;
    }
    estimator.update(measured, clock);
    observer.update(estimator.position, estimator.velocity, tau, friction, step);
  };
  return [timeCalls('perception/tick-7dof', tick, { ...options, batch: 100, samples: 3000 }, { joints: nq, parts: 'kalman joint state + momentum observer' })];
});
