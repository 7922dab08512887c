// Inverse kinematics: success statistics on the built-in arms, limits, modes and statuses.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildModel, type RobotModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics } from '../../robot/kinematics.ts';
import { createIkSolver } from '../../robot/ik.ts';
import { rotationDistance } from '../../robot/se3.ts';
import { fixtureModel, mulberry32, randomConfiguration } from './helpers.ts';

const builtin = (name: string) => buildModel(readFileSync(new URL(`../../robot/robots/${name}.urdf`, import.meta.url), 'utf8'));

/** Goal poses (FK of random in-limit configurations) and random in-limit seeds. */
function goals(model: RobotModel, count: number, seed: number) {
  const data = createData(model);
  const next = mulberry32(seed);
  return Array.from({ length: count }, () => {
    forwardKinematics(model, data, randomConfiguration(model, next));
    const t = 12 * model.tip;
    return { R: data.X_WL.slice(t, t + 9), p: data.X_WL.slice(t + 9, t + 12), seed: randomConfiguration(model, next) };
  });
}

/** Position and orientation errors of q's tip pose to the goal, and whether q is inside the limits. */
function check(model: RobotModel, q: Float64Array, goal: { p: Float64Array; R: Float64Array }) {
  const data = createData(model);
  forwardKinematics(model, data, q);
  const t = 12 * model.tip;
  const position = Math.hypot(data.X_WL[t + 9] - goal.p[0], data.X_WL[t + 10] - goal.p[1], data.X_WL[t + 11] - goal.p[2]);
  const orientation = rotationDistance(data.X_WL, t, goal.R, 0);
  let inside = true;
  for (let k = 0; k < model.nq; k++) if (!(q[k] >= model.lowerLimit[k] && q[k] <= model.upperLimit[k])) inside = false;
  return { position, orientation, inside };
}

describe('IK success on random reachable poses', () => {
  for (const name of ['ur5e', 'panda']) {
    it(`solves at least 99.5 % of 200 ${name} goals within 1e-6 m and 1e-6 rad, inside the limits`, () => {
      const model = builtin(name);
      // A generous budget: the machine is shared; speed is measured by bench/robot.bench.ts.
      const solver = createIkSolver(model, { timeBudget: 0.5 });
      const out = new Float64Array(model.nq);
      let solved = 0;
      for (const goal of goals(model, 200, 2024)) {
        const status = solver.solve(goal, goal.seed, out);
        const result = check(model, out, goal);
        const ok = result.position <= 1e-6 && result.orientation <= 1e-6 && result.inside;
        // A converged status is a promise: it must always hold.
        if (status === 'converged') expect(ok, `converged but position ${result.position}, orientation ${result.orientation}, inside ${result.inside}`).toBe(true);
        if (ok) solved++;
      }
      expect(solved / 200).toBeGreaterThanOrEqual(0.995);
    });
  }
});

describe('IK modes and statuses', () => {
  it('reaches a position alone in position-only mode, with no orientation given', () => {
    const model = builtin('panda');
    const solver = createIkSolver(model, { positionOnly: true });
    const out = new Float64Array(model.nq);
    for (const goal of goals(model, 20, 5)) {
      expect(solver.solve({ p: goal.p }, goal.seed, out)).toBe('converged');
      expect(check(model, out, goal).position).toBeLessThanOrEqual(1e-6);
      expect(check(model, out, goal).inside).toBe(true);
    }
  });

  it('gives the same answer for the same call (seeded restarts)', () => {
    const model = builtin('ur5e');
    const [goal] = goals(model, 1, 8);
    const first = new Float64Array(6), second = new Float64Array(6);
    expect(createIkSolver(model, { timeBudget: 1 }).solve(goal, goal.seed, first)).toBe('converged');
    expect(createIkSolver(model, { timeBudget: 1 }).solve(goal, goal.seed, second)).toBe('converged');
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it('reports invalid input: wrong seed length, non-finite numbers, a matrix that is not a rotation', () => {
    const model = builtin('ur5e');
    const solver = createIkSolver(model);
    const out = new Float64Array(6);
    const I = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(solver.solve({ p: [0.3, 0.1, 0.4], R: I }, [0, 0, 0], out)).toBe('invalid-input');
    expect(solver.solve({ p: [0.3, Number.NaN, 0.4], R: I }, new Float64Array(6), out)).toBe('invalid-input');
    expect(solver.solve({ p: [0.3, 0.1, 0.4], R: [1, 0, 0, 0, 2, 0, 0, 0, 1] }, new Float64Array(6), out)).toBe('invalid-input');
    expect(solver.solve({ p: [0.3, 0.1, 0.4] }, new Float64Array(6), out)).toBe('invalid-input');
    expect(solver.solve({ p: [0.3, 0.1, 0.4], R: I }, new Float64Array(6), new Float64Array(5))).toBe('invalid-input');
  });

  it('reports a goal beyond the reach as unreachable at once, and a budget cut short as time-budget', () => {
    const model = builtin('ur5e');
    const solver = createIkSolver(model);
    const out = new Float64Array(6);
    const I = new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(solver.solve({ p: [3, 0, 0.5], R: I }, new Float64Array(6), out)).toBe('unreachable');
    // Inside the reach sphere, in the base itself: no solution is found, and 2 ms is all it may take.
    expect(solver.solve({ p: [0, 0, 0.05], R: I }, new Float64Array(6), out, { timeBudget: 0.002 })).toBe('time-budget');
    for (let k = 0; k < 6; k++) expect(out[k] >= model.lowerLimit[k] && out[k] <= model.upperLimit[k]).toBe(true);
  });

  it('solves a chain whose last joint is prismatic and capped by limits (Panda-like finger, active-set limits)', () => {
    const model = fixtureModel('panda-like.urdf', { tip: 'panda_leftfinger' });
    const solver = createIkSolver(model, { timeBudget: 0.5 });
    const out = new Float64Array(model.nq);
    let solved = 0;
    for (const goal of goals(model, 30, 77)) {
      if (solver.solve(goal, goal.seed, out) === 'converged') solved++;
    }
    expect(solved).toBeGreaterThanOrEqual(29);
  });
});
