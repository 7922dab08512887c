// Robot algorithm benchmarks: fk, jacobian, rnea, mass (CRBA), aba and ik per built-in robot.
// Inputs are drawn up front from a seeded generator; ik reports the share of goals solved within
// 1e-6 m and 1e-6 rad with every joint inside its limits (goal = FK of a random in-limit
// configuration, seed = another one), as in issue 2.
import { readFileSync } from 'node:fs';
import { bench, summarize, timeCalls, type BenchResult } from './harness.ts';
import { buildModel, type RobotModel } from '../robot/model.ts';
import { builtinRobotFiles } from '../robot/robots/index.ts';
import { createData } from '../robot/data.ts';
import { forwardKinematics, jacobian } from '../robot/kinematics.ts';
import { aba, crba, rnea } from '../robot/dynamics.ts';
import { createIkSolver } from '../robot/ik.ts';
import { rotationDistance } from '../robot/se3.ts';
import { mulberry32 } from '../robot/random.ts';


function randomConfiguration(model: RobotModel, next: () => number): Float64Array {
  const q = new Float64Array(model.nq);
  for (let k = 0; k < model.nq; k++) {
    const lo = Number.isFinite(model.lowerLimit[k]) ? model.lowerLimit[k] : -Math.PI;
    const hi = Number.isFinite(model.upperLimit[k]) ? model.upperLimit[k] : Math.PI;
    q[k] = lo + (hi - lo) * next();
  }
  return q;
}

for (const robot of ['ur5e', 'panda', 'servo-arm']) {
  bench(`robot/${robot}`, (options) => {
    const model = buildModel(readFileSync(builtinRobotFiles(robot).urdf, 'utf8'));
    const data = createData(model);
    const next = mulberry32(42);
    const count = 256;
    const qs = Array.from({ length: count }, () => randomConfiguration(model, next));
    const vs = Array.from({ length: count }, () => Float64Array.from({ length: model.nv }, () => 2 * next() - 1));
    const results: BenchResult[] = [];
    const nq = { nq: model.nq };
    if (options.wanted(`fk/${robot}`)) results.push(timeCalls(`fk/${robot}`, (i) => forwardKinematics(model, data, qs[i & 255]), options, nq));
    if (options.wanted(`jacobian/${robot}`)) results.push(timeCalls(`jacobian/${robot}`, (i) => jacobian(model, data, qs[i & 255], model.tip), options, nq));
    if (options.wanted(`rnea/${robot}`)) results.push(timeCalls(`rnea/${robot}`, (i) => rnea(model, data, qs[i & 255], vs[i & 255], vs[(i + 1) & 255]), options, nq));
    if (options.wanted(`mass/${robot}`)) results.push(timeCalls(`mass/${robot}`, (i) => crba(model, data, qs[i & 255]), options, nq));
    if (options.wanted(`aba/${robot}`)) results.push(timeCalls(`aba/${robot}`, (i) => aba(model, data, qs[i & 255], vs[i & 255], vs[(i + 1) & 255]), options, nq));
    if (!options.wanted(`ik/${robot}`)) return results;

    // IK: time each solve; check each answer with FK.
    const goals = options.quick ? 200 : 10_000;
    const solver = createIkSolver(model);
    const targets = Array.from({ length: goals }, () => {
      forwardKinematics(model, data, randomConfiguration(model, next));
      const t = 12 * model.tip;
      return { p: data.X_WL.slice(t + 9, t + 12), R: data.X_WL.slice(t, t + 9), seed: randomConfiguration(model, next) };
    });
    const out = new Float64Array(model.nq);
    for (let k = 0; k < Math.min(200, goals); k++) solver.solve(targets[k], targets[k].seed, out);
    const times = new Float64Array(goals);
    let solved = 0, iterations = 0, budgetHits = 0;
    for (let k = 0; k < goals; k++) {
      const goal = targets[k];
      const t0 = process.hrtime.bigint();
      const status = solver.solve(goal, goal.seed, out);
      if (status === 'time-budget') budgetHits++;
      times[k] = Number(process.hrtime.bigint() - t0) / 1000;
      iterations += solver.iterations;
      forwardKinematics(model, data, out);
      const t = 12 * model.tip;
      const position = Math.hypot(data.X_WL[t + 9] - goal.p[0], data.X_WL[t + 10] - goal.p[1], data.X_WL[t + 11] - goal.p[2]);
      let inside = true;
      for (let j = 0; j < model.nq; j++) if (!(out[j] >= model.lowerLimit[j] && out[j] <= model.upperLimit[j])) inside = false;
      if (position <= 1e-6 && rotationDistance(data.X_WL, t, goal.R, 0) <= 1e-6 && inside) solved++;
      if ((k & 63) === 0) options.progress(k / goals);
    }
    const stats = summarize(times);
    results.push({
      name: `ik/${robot}`, unit: 'us', median: stats.median, p99: stats.p99, n: goals, max: stats.max, mean: stats.mean,
      success: solved / goals, timeBudgetHits: budgetHits, iterationsPerSolve: iterations / goals, timeBudget_s: solver.timeBudget,
    });
    return results;
  }, ['fk', 'jacobian', 'rnea', 'mass', 'aba', 'ik'].map((op) => `${op}/${robot}`));
}
