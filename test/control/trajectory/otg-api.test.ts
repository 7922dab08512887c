import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  TrajectoryGenerator, TrajectoryOutput, TrajectoryResult, createTrajectoryInput, type TrajectoryInput,
} from '../../../control/trajectory/index.ts';
import { DofProblem } from '../../../control/trajectory/dof-problem.ts';
import { solveMinimumDuration, Step1Scratch } from '../../../control/trajectory/profile-step1.ts';
import { buildForDuration, SegmentList, Step2Scratch } from '../../../control/trajectory/profile-step2.ts';
import { checkTrajectory, uniform } from './check-trajectory.ts';

/** A one-DoF input with the given limits (velocity, acceleration, jerk). */
function single(vMax: number, aMax: number, jerk: number): TrajectoryInput {
  const input = createTrajectoryInput(1);
  input.maxVelocity[0] = vMax;
  input.maxAcceleration[0] = aMax;
  input.maxJerk[0] = jerk;
  return input;
}

describe('input validation', () => {
  const cases: [string, (input: TrajectoryInput) => void, string[]][] = [
    ['a NaN current velocity', (i) => { i.currentVelocity[2] = Number.NaN; }, ['currentVelocity[2]', 'NaN']],
    ['an infinite target position', (i) => { i.targetPosition[1] = Infinity; }, ['targetPosition[1]', 'Infinity']],
    ['a zero jerk limit', (i) => { i.maxJerk[1] = 0; }, ['maxJerk[1]', '0']],
    ['a negative acceleration limit', (i) => { i.maxAcceleration[0] = -2; }, ['maxAcceleration[0]', '-2']],
    ['a positive minimum velocity', (i) => { i.minVelocity = new Float64Array([-1, 0.5, -1]); }, ['minVelocity[1]', '0.5']],
    ['a target velocity beyond its limit', (i) => { i.targetVelocity[2] = 3; }, ['targetVelocity[2]', '3']],
    ['a target acceleration beyond its limit', (i) => { i.targetAcceleration[0] = -1.5; }, ['targetAcceleration[0]', '-1.5']],
    ['a short array', (i) => { (i as { maxJerk: Float64Array }).maxJerk = new Float64Array(2); }, ['maxJerk', 'length 2']],
  ];
  for (const [what, corrupt, words] of cases) {
    it(`rejects ${what} naming the field, DoF and value`, () => {
      const input = createTrajectoryInput(3);
      corrupt(input);
      const output = new TrajectoryOutput(3);
      expect(new TrajectoryGenerator(3).calculate(input, output)).toBe(TrajectoryResult.ErrorInvalidInput);
      for (const word of words) expect(output.errorMessage).toContain(word);
    });
  }

  it('keeps invalid input apart from success: a valid input clears the message', () => {
    const input = createTrajectoryInput(3);
    const output = new TrajectoryOutput(3);
    const generator = new TrajectoryGenerator(3);
    input.maxJerk[0] = Number.NaN;
    expect(generator.calculate(input, output)).toBe(TrajectoryResult.ErrorInvalidInput);
    input.maxJerk[0] = 1;
    expect(generator.calculate(input, output)).toBe(TrajectoryResult.Finished);
    expect(output.errorMessage).toBe('');
  });
});

describe('known durations', () => {
  it('needs no time for a zero-distance problem at rest', () => {
    const input = createTrajectoryInput(2);
    input.currentPosition.fill(0.3);
    input.targetPosition.fill(0.3);
    const output = new TrajectoryOutput(2);
    expect(new TrajectoryGenerator(2).calculate(input, output)).toBe(TrajectoryResult.Finished);
    expect(output.trajectory.duration).toBe(0);
  });

  it('matches the closed form of rest-to-rest moves in all three regimes', () => {
    // Velocity limit reached: T = d/v + v/a + a/j.
    let input = single(1, 2, 10);
    input.targetPosition[0] = 5;
    let output = new TrajectoryOutput(1);
    new TrajectoryGenerator(1).calculate(input, output);
    expect(output.trajectory.duration).toBeCloseTo(5 / 1 + 1 / 2 + 2 / 10, 12);
    // Acceleration limit only: d = a·t1·(t1 + a/j) with T = 2·t1 + 2a/j, t1 the plateau-plus-ramp split.
    input = single(100, 2, 10);
    input.targetPosition[0] = 1;
    output = new TrajectoryOutput(1);
    new TrajectoryGenerator(1).calculate(input, output);
    const a = 2;
    const j = 10;
    // Half the move: ramp a/j, plateau p, ramp a/j; distance of half = (v/2)·T/2 with v = a·(p + a/j).
    const p = (-3 * (a / j) + Math.sqrt((a / j) ** 2 + (4 * 1) / a)) / 2;
    expect(output.trajectory.duration).toBeCloseTo(4 * (a / j) + 2 * p, 12);
    // Jerk limit only: T = 4·(d/(2j))^(1/3).
    input = single(100, 100, 10);
    input.targetPosition[0] = 0.2;
    output = new TrajectoryOutput(1);
    new TrajectoryGenerator(1).calculate(input, output);
    expect(output.trajectory.duration).toBeCloseTo(4 * Math.cbrt(0.2 / 20), 12);
  });

  it('brakes a state beyond the velocity limit first (jerk against the motion)', () => {
    const input = single(1, 2, 10);
    input.currentVelocity[0] = 1.8;
    input.currentAcceleration[0] = 1;
    input.targetPosition[0] = 3;
    const output = new TrajectoryOutput(1);
    expect(new TrajectoryGenerator(1).calculate(input, output)).toBe(TrajectoryResult.Finished);
    expect(output.trajectory.segments[1]).toBe(-10);
    expect(checkTrajectory(input, output, true)).toBeNull();
  });
});

describe('online use (update)', () => {
  it('steps along the trajectory at the cycle time and finishes in the target state', () => {
    const input = createTrajectoryInput(3);
    input.targetPosition.set([1, -0.5, 0.2]);
    input.currentVelocity.set([0.3, 0, -0.2]);
    const generator = new TrajectoryGenerator(3, 0.001);
    const output = new TrajectoryOutput(3);
    let result: TrajectoryResult = TrajectoryResult.Working;
    let steps = 0;
    let calculations = 0;
    while (result === TrajectoryResult.Working && steps < 100_000) {
      result = generator.update(input, output);
      if (output.newCalculation) calculations++;
      output.passToInput(input);
      steps++;
    }
    expect(result).toBe(TrajectoryResult.Finished);
    expect(calculations).toBe(1);
    expect(steps).toBe(Math.ceil(output.trajectory.duration / 0.001 - 1e-9));
    for (let i = 0; i < 3; i++) {
      expect(input.currentPosition[i]).toBeCloseTo(input.targetPosition[i], 9);
      expect(input.currentVelocity[i]).toBeCloseTo(0, 9);
    }
  });

  it('recalculates from the current state when the target moves, and still arrives', () => {
    const input = createTrajectoryInput(2);
    input.targetPosition.set([2, 1]);
    const generator = new TrajectoryGenerator(2, 0.002);
    const output = new TrajectoryOutput(2);
    let result: TrajectoryResult = TrajectoryResult.Working;
    let calculations = 0;
    for (let step = 0; step < 20_000 && result !== TrajectoryResult.Finished; step++) {
      if (step === 300) input.targetPosition.set([-1, 0.5]);
      result = generator.update(input, output);
      if (output.newCalculation) calculations++;
      output.passToInput(input);
    }
    expect(result).toBe(TrajectoryResult.Finished);
    expect(calculations).toBe(2);
    expect(input.currentPosition[0]).toBeCloseTo(-1, 9);
    expect(input.currentPosition[1]).toBeCloseTo(0.5, 9);
  });
});

describe('blocked intervals (step 1 against step 2)', () => {
  it('a duration gets a profile exactly when step 1 does not block it', () => {
    const problem = new DofProblem();
    const step1 = new Step1Scratch();
    const list = new SegmentList();
    const step2 = new Step2Scratch();
    let withBlocked = 0;
    fc.assert(
      fc.property(
        uniform(-2, 2), uniform(-0.9, 0.9), uniform(-0.9, 0.9), uniform(-0.9, 0.9), uniform(-0.6, 0.6), uniform(0, 1),
        (pf, v, a, vf, af, where) => {
          const input = single(1, 1, 2);
          input.currentVelocity[0] = v;
          input.currentAcceleration[0] = a;
          input.targetPosition[0] = pf;
          input.targetVelocity[0] = vf;
          input.targetAcceleration[0] = af;
          problem.prepare(input, 0);
          const build = (total: number) => {
            problem.requestedDuration = total;
            return buildForDuration(problem, list, step2);
          };
          expect(solveMinimumDuration(problem, step1)).toBe(true);
          const minimum = problem.minimumDuration;
          expect(build(minimum)).toBe(true);
          if (problem.blockedCount > 0) withBlocked++;
          for (let b = 0; b < problem.blockedCount; b++) {
            const from = problem.blocked[2 * b];
            const to = problem.blocked[2 * b + 1];
            expect(to).toBeGreaterThan(from);
            if (to - from > 1e-6) {
              const inside = from + (to - from) * (0.001 + 0.998 * where);
              expect(build(inside)).toBe(false);
            }
            expect(build(to)).toBe(true);
          }
          // Beyond the minimum and outside every blocked interval a profile exists.
          const later = minimum + where * 3;
          let blocked = false;
          for (let b = 0; b < problem.blockedCount; b++) {
            if (later > problem.blocked[2 * b] && later < problem.blocked[2 * b + 1]) blocked = true;
          }
          if (!blocked) expect(build(later)).toBe(true);
          expect(build(minimum * (1 - 1e-6) - 1e-6)).toBe(false);
        },
      ),
      { numRuns: 5000, seed: 17 },
    );
    // The sweep must actually meet blocked intervals to test them.
    expect(withBlocked).toBeGreaterThan(50);
  });
});

describe('synchronization', () => {
  it('moves the common duration past a blocked interval of another DoF', () => {
    // DoF 0 moves backwards and must end 0.3 behind, still moving backwards: it can arrive early
    // (cruising) or late (turning around), not in between. DoF 1 alone would take 1 s.
    const input = createTrajectoryInput(2);
    input.maxVelocity.fill(1);
    input.maxAcceleration.fill(1);
    input.maxJerk.fill(2);
    input.currentVelocity[0] = -0.5;
    input.targetVelocity[0] = -0.5;
    input.targetPosition[0] = -0.3;
    input.targetPosition[1] = 4 * 0.25 ** 3;
    const generator = new TrajectoryGenerator(2);
    input.synchronization = 'none';
    const alone = solveAndCheckLocal(input, generator);
    expect(alone.trajectory.dofDuration[1]).toBeCloseTo(1, 12);
    expect(alone.trajectory.dofDuration[0]).toBeLessThan(1);
    input.synchronization = 'time';
    const together = solveAndCheckLocal(input, generator);
    const problem = (generator as unknown as { problems: DofProblem[] }).problems[0];
    expect(problem.blockedCount).toBe(1);
    expect(problem.blocked[0]).toBeLessThan(1);
    expect(problem.blocked[1]).toBeGreaterThan(1);
    expect(together.trajectory.duration).toBe(problem.blocked[1]);
  });
});

/** Calculates and asserts success and every check. */
function solveAndCheckLocal(input: TrajectoryInput, generator: TrajectoryGenerator): TrajectoryOutput {
  const output = new TrajectoryOutput(input.dofs);
  expect(generator.calculate(input, output)).toBe(TrajectoryResult.Finished);
  expect(checkTrajectory(input, output, input.synchronization === 'time')).toBeNull();
  return output;
}

describe('states far outside the limits', () => {
  it('brakes states up to 3x beyond their limits, also with an unavoidable overshoot, and arrives', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            vMax: uniform(0.1, 10), aMax: uniform(0.1, 10), jerk: uniform(0.1, 100),
            v: uniform(-3, 3), a: uniform(-3, 3), p: uniform(-5, 5), pf: uniform(-5, 5), vf: uniform(-1, 1),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        (dofs) => {
          const input = createTrajectoryInput(dofs.length);
          dofs.forEach((d, i) => {
            input.maxVelocity[i] = d.vMax;
            input.maxAcceleration[i] = d.aMax;
            input.maxJerk[i] = d.jerk;
            input.currentVelocity[i] = d.v * d.vMax;
            input.currentAcceleration[i] = d.a * d.aMax;
            input.currentPosition[i] = d.p;
            input.targetPosition[i] = d.pf;
            input.targetVelocity[i] = d.vf * d.vMax;
          });
          const output = new TrajectoryOutput(dofs.length);
          expect(new TrajectoryGenerator(dofs.length).calculate(input, output)).toBe(TrajectoryResult.Finished);
          expect(checkTrajectory(input, output, true)).toBeNull();
        },
      ),
      { numRuns: 3000, seed: 23 },
    );
  });
});
