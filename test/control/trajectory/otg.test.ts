import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  TrajectoryGenerator, TrajectoryOutput, TrajectoryResult, createTrajectoryInput, type TrajectoryInput,
} from '../../../control/trajectory/index.ts';
import { checkTrajectory, uniform } from './check-trajectory.ts';
import { WORKLOAD_DOFS, loadWorkloadProblem, setWorkloadLimits, workloadProblems } from './otg-workload.ts';

/** Runs one calculation and asserts success and every check. */
function solveAndCheck(input: TrajectoryInput, generator = new TrajectoryGenerator(input.dofs)): TrajectoryOutput {
  const output = new TrajectoryOutput(input.dofs);
  const result = generator.calculate(input, output);
  expect(output.errorMessage).toBe('');
  expect(result).toBe(TrajectoryResult.Finished);
  expect(checkTrajectory(input, output, input.synchronization === 'time')).toBeNull();
  return output;
}

describe('otg/7dof workload (WORKLOADS.md)', () => {
  it('generates the check values of problem 0', () => {
    const problems = workloadProblems(1);
    expect(problems.currentPosition[0]).toBeCloseTo(0.606622511521, 12);
    expect(problems.currentVelocity[0]).toBeCloseTo(0.249489307869, 12);
    expect(problems.currentAcceleration[0]).toBeCloseTo(-1.816476972308, 12);
    expect(problems.targetPosition[0]).toBeCloseTo(-2.692744402215, 12);
  });

  it('finds the anchor durations of the first three problems', () => {
    const problems = workloadProblems(3);
    const input = createTrajectoryInput(WORKLOAD_DOFS);
    setWorkloadLimits(input);
    const generator = new TrajectoryGenerator(WORKLOAD_DOFS);
    const expected = [3.041866287, 2.050618918, 1.726459333];
    for (let k = 0; k < 3; k++) {
      loadWorkloadProblem(problems, k, input);
      const output = solveAndCheck(input, generator);
      expect(Math.abs(output.trajectory.duration - expected[k])).toBeLessThan(1e-6);
    }
  });

  it('solves the first 20000 problems within limits, reaching the target, synchronized', () => {
    const count = 20_000;
    const problems = workloadProblems(count);
    const input = createTrajectoryInput(WORKLOAD_DOFS);
    setWorkloadLimits(input);
    const generator = new TrajectoryGenerator(WORKLOAD_DOFS);
    const output = new TrajectoryOutput(WORKLOAD_DOFS);
    let failures = 0;
    let first = '';
    for (let k = 0; k < count; k++) {
      loadWorkloadProblem(problems, k, input);
      const result = generator.calculate(input, output);
      const problem = result === TrajectoryResult.Finished ? checkTrajectory(input, output, true) : output.errorMessage;
      if (problem !== null) {
        failures++;
        if (first === '') first = `problem ${k}: ${problem}`;
      }
    }
    expect(first).toBe('');
    expect(failures).toBe(0);
  });
});

/**
 * Durations of two formulations of one problem agree to this (relative): near a square-root corner
 * of the time as a function of the peak velocity, one rounding step of the velocity moves the
 * duration by about 2·sqrt(ulp/jerk), a few 1e-9 s.
 */
const DURATION_TOLERANCE = 2e-8;

/** Runs per property and seed offset; OTG_RUNS / OTG_SEED widen a local search (defaults keep CI deterministic). */
const RUNS = Number(process.env.OTG_RUNS ?? 2000);
const SEED = Number(process.env.OTG_SEED ?? 0);

/** Random limits and states, including states outside the limits and moving targets. */
const dofArbitrary = fc
  .record({
    vMax: fc.oneof(uniform(0.1, 5), fc.double({ min: 0.1, max: 5, noNaN: true })),
    vMinScale: fc.oneof(fc.constant(-1), fc.oneof(uniform(-3, -0.2), fc.double({ min: -3, max: -0.2, noNaN: true }))),
    aMax: fc.oneof(uniform(0.2, 20), fc.double({ min: 0.2, max: 20, noNaN: true })),
    aMinScale: fc.oneof(fc.constant(-1), fc.oneof(uniform(-3, -0.2), fc.double({ min: -3, max: -0.2, noNaN: true }))),
    jerk: fc.oneof(uniform(0.5, 500), fc.double({ min: 0.5, max: 500, noNaN: true })),
    p: fc.oneof(uniform(-5, 5), fc.double({ min: -5, max: 5, noNaN: true })),
    v: fc.oneof(uniform(-1.5, 1.5), fc.double({ min: -1.5, max: 1.5, noNaN: true })),
    a: fc.oneof(uniform(-1.5, 1.5), fc.double({ min: -1.5, max: 1.5, noNaN: true })),
    pf: fc.oneof(fc.oneof(uniform(-5, 5), fc.double({ min: -5, max: 5, noNaN: true })), fc.constant(0)),
    vf: fc.oneof(fc.constant(0), fc.oneof(uniform(-0.95, 0.95), fc.double({ min: -0.95, max: 0.95, noNaN: true }))),
    af: fc.oneof(fc.constant(0), fc.oneof(uniform(-0.95, 0.95), fc.double({ min: -0.95, max: 0.95, noNaN: true }))),
  })
  .map((raw) => {
    // Magnitudes below 1e-30 become 0: near the denormal range the cube roots of distances lose
    // all precision (a documented limit, far below any physical motion).
    const d = { ...raw };
    for (const key of Object.keys(d) as (keyof typeof d)[]) if (Math.abs(d[key]) < 1e-30) d[key] = 0;
    const vMin = d.vMinScale * d.vMax;
    const aMin = d.aMinScale * d.aMax;
    // Consistent limits: a brake at full deceleration can be released without crossing the
    // opposite velocity limit (a²/2J at most half the velocity range).
    const jerk = Math.max(d.jerk, Math.max(d.aMax * d.aMax, aMin * aMin) / (d.vMax - vMin));
    // v, a as fractions of the limits (beyond 1: outside); vf, af within them.
    const v = d.v >= 0 ? d.v * d.vMax : -d.v * vMin;
    let a = d.a >= 0 ? d.a * d.aMax : -d.a * aMin;
    // An acceleration beyond its limit whose release crosses a velocity limit makes that crossing
    // unavoidable (no jerk-limited brake prevents it): keep such starts at the acceleration limit.
    const released = v + (a * Math.abs(a)) / (2 * jerk);
    if ((a > d.aMax || a < aMin) && (released > d.vMax || released < vMin)) a = Math.min(d.aMax, Math.max(aMin, a));
    let vf = d.vf >= 0 ? d.vf * d.vMax : -d.vf * vMin;
    const af = d.af >= 0 ? d.af * d.aMax : -d.af * aMin;
    // Keep the target reachable: its approach velocity vf - af|af|/2J within the limits.
    const before = vf - (af * Math.abs(af)) / (2 * jerk);
    if (before > d.vMax) vf -= before - d.vMax;
    if (before < vMin) vf += vMin - before;
    vf = Math.min(d.vMax, Math.max(vMin, vf));
    const after = vf - (af * Math.abs(af)) / (2 * jerk);
    const target = after <= d.vMax && after >= vMin ? af : 0;
    return { vMax: d.vMax, vMin, aMax: d.aMax, aMin, jerk, p: d.p, v, a, pf: d.pf, vf, af: target };
  });

type RandomDof = typeof dofArbitrary extends fc.Arbitrary<infer T> ? T : never;

/** Builds an input from random DoFs. */
function inputOf(dofs: RandomDof[], synchronization: 'time' | 'none'): TrajectoryInput {
  const input = createTrajectoryInput(dofs.length);
  input.minVelocity = new Float64Array(dofs.length);
  input.minAcceleration = new Float64Array(dofs.length);
  dofs.forEach((d, i) => {
    input.maxVelocity[i] = d.vMax;
    input.minVelocity![i] = d.vMin;
    input.maxAcceleration[i] = d.aMax;
    input.minAcceleration![i] = d.aMin;
    input.maxJerk[i] = d.jerk;
    input.currentPosition[i] = d.p;
    input.currentVelocity[i] = d.v;
    input.currentAcceleration[i] = d.a;
    input.targetPosition[i] = d.pf;
    input.targetVelocity[i] = d.vf;
    input.targetAcceleration[i] = d.af;
  });
  input.synchronization = synchronization;
  return input;
}

describe('random problems (fast-check)', () => {
  it('every synchronized result respects its limits, reaches its target and finishes together', () => {
    fc.assert(
      fc.property(fc.array(dofArbitrary, { minLength: 1, maxLength: 7 }), (dofs) => {
        solveAndCheck(inputOf(dofs, 'time'));
      }),
      { numRuns: RUNS * 2, seed: SEED + 7 },
    );
  });

  it('every unsynchronized result respects its limits and reaches its target', () => {
    fc.assert(
      fc.property(fc.array(dofArbitrary, { minLength: 1, maxLength: 7 }), (dofs) => {
        solveAndCheck(inputOf(dofs, 'none'));
      }),
      { numRuns: RUNS, seed: SEED + 11 },
    );
  });

  it('the minimum duration is the same backwards in time (reversed states, mirrored velocity limits)', () => {
    fc.assert(
      fc.property(dofArbitrary, (d) => {
        // Both ends must be within the limits (a braking start has no time-reversed counterpart).
        const inside = (v: number, a: number) =>
          v <= d.vMax && v >= d.vMin && a <= d.aMax && a >= d.aMin &&
          v + (a * Math.abs(a)) / (2 * d.jerk) <= d.vMax && v + (a * Math.abs(a)) / (2 * d.jerk) >= d.vMin &&
          v - (a * Math.abs(a)) / (2 * d.jerk) <= d.vMax && v - (a * Math.abs(a)) / (2 * d.jerk) >= d.vMin;
        fc.pre(inside(d.v, d.a) && inside(d.vf, d.af));
        const forward = solveAndCheck(inputOf([d], 'time')).trajectory.duration;
        const reversed = { ...d, p: d.pf, v: -d.vf, a: d.af, pf: d.p, vf: -d.v, af: d.a, vMax: -d.vMin, vMin: -d.vMax };
        const backward = solveAndCheck(inputOf([reversed], 'time')).trajectory.duration;
        expect(Math.abs(forward - backward)).toBeLessThan(DURATION_TOLERANCE * (1 + forward));
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });

  it('the minimum duration is the same for the mirrored problem (negated states, swapped limits)', () => {
    fc.assert(
      fc.property(dofArbitrary, (d) => {
        const forward = solveAndCheck(inputOf([d], 'time')).trajectory.duration;
        const mirrored = {
          ...d, p: -d.p, v: -d.v, a: -d.a, pf: -d.pf, vf: -d.vf, af: -d.af,
          vMax: -d.vMin, vMin: -d.vMax, aMax: -d.aMin, aMin: -d.aMax,
        };
        const back = solveAndCheck(inputOf([mirrored], 'time')).trajectory.duration;
        expect(Math.abs(forward - back)).toBeLessThan(DURATION_TOLERANCE * (1 + forward));
      }),
      { numRuns: RUNS, seed: SEED + 5 },
    );
  });
});
