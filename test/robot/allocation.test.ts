// The @realtime algorithms allocate nothing: heap growth over 1e5 calls stays within what the
// probe itself costs, while a deliberately allocating function is caught by the same probe.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { buildModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics, jacobian, linkVelocity } from '../../robot/kinematics.ts';
import { aba, crba, gravityTorques, rnea } from '../../robot/dynamics.ts';
import { createIkSolver } from '../../robot/ik.ts';
import { measureHeapGrowth } from '../support/heap.ts';
import { fixtureModel, mulberry32, randomConfiguration, randomVector } from './helpers.ts';

// The probe's options: 10 000 warm-up calls, smallest of 2 rounds, heapUsed read every 1000 calls.
const PROBE = { calls: 100_000, warmup: { calls: 10_000 }, rounds: 2, sampleEvery: 1000 };
/** Bytes allocated over 1e5 calls of fn (the smallest of two rounds). */
const allocatedBytes = (fn: (i: number) => void, calls = PROBE.calls) => measureHeapGrowth(fn, { ...PROBE, calls }).bytes;

/** What 1e5 calls may add (the probe's own samples, V8's own sporadic allocations); one boxed double a call is 1.6 MB. */
const budget = 256 * 1024;

describe('zero allocation over 1e5 calls', () => {
  it('the probe catches a function that allocates 6 doubles a call', () => {
    let sink = 0;
    const bytes = allocatedBytes((i) => {
      const scratch = new Float64Array(6);
      scratch[0] = i;
      sink += scratch[0];
    });
    expect(sink).toBeGreaterThan(0);
    expect(bytes).toBeGreaterThan(1_000_000);
  });

  for (const [name, model] of [
    ['panda', buildModel(readFileSync(new URL('../../robot/robots/panda.urdf', import.meta.url), 'utf8'))],
    ['panda-like tree with mimic (CRBA fallback in ABA)', fixtureModel('panda-like.urdf')],
  ] as const) {
    const data = createData(model);
    const next = mulberry32(1);
    const qs = Array.from({ length: 16 }, () => randomConfiguration(model, next));
    const v = randomVector(model.nv, next), a = randomVector(model.nv, next), tau = randomVector(model.nv, next);
    const out6 = new Float64Array(6);
    const cases: [string, (i: number) => void][] = [
      ['forwardKinematics', (i) => forwardKinematics(model, data, qs[i & 15])],
      ['jacobian', (i) => jacobian(model, data, qs[i & 15], model.tip)],
      ['linkVelocity', (i) => linkVelocity(model, data, qs[i & 15], v, model.tip, out6)],
      ['rnea', (i) => rnea(model, data, qs[i & 15], v, a)],
      ['gravityTorques', (i) => gravityTorques(model, data, qs[i & 15])],
      ['crba', (i) => crba(model, data, qs[i & 15])],
      ['aba', (i) => aba(model, data, qs[i & 15], v, tau)],
    ];
    for (const [label, fn] of cases) {
      it(`${label} (${name})`, () => {
        expect(allocatedBytes(fn)).toBeLessThan(budget);
      });
    }
  }

  it('one IK iteration (panda), and whole IK solves', () => {
    const model = buildModel(readFileSync(new URL('../../robot/robots/panda.urdf', import.meta.url), 'utf8'));
    const data = createData(model);
    const solver = createIkSolver(model);
    const next = mulberry32(4);
    const goal = randomConfiguration(model, next);
    forwardKinematics(model, data, goal);
    const t = 12 * model.tip;
    const target = { p: data.X_WL.slice(t + 9, t + 12), R: data.X_WL.slice(t, t + 9) };
    expect(solver.setTarget(target, false)).toBe(true);
    const starts = Array.from({ length: 16 }, () => randomConfiguration(model, next));
    const q = new Float64Array(model.nq);
    expect(
      allocatedBytes((i) => {
        // Restart from a far configuration every 8 steps so that real steps (not converged no-ops) are measured.
        if ((i & 7) === 0) q.set(starts[(i >> 3) & 15]);
        solver.iterate(q);
      }),
    ).toBeLessThan(budget);
    const out = new Float64Array(model.nq);
    expect(allocatedBytes((i) => solver.solve(target, starts[i & 15], out), 2000)).toBeLessThan(budget);
  });
});
