// Online trajectory generator: time-optimal, jerk-limited, multi-DoF, from any current state to a
// target state (the problem Ruckig solves; our own derivation, see dof-problem.ts).
//
//   step 1: per DoF, the shortest duration and the blocked intervals of durations it cannot take;
//   sync:   the smallest duration >= every DoF's minimum that no DoF blocks;
//   step 2: per DoF, a profile of exactly that duration.
//
// Everything is allocated in the constructor for a fixed DoF count: `calculate`, `update` and
// `Trajectory.at` allocate nothing for valid input.
import { DofProblem } from './dof-problem.ts';
import { solveMinimumDuration, Step1Scratch } from './profile-step1.ts';
import { buildForDuration, SegmentList, Step2Scratch } from './profile-step2.ts';
import { Trajectory } from './trajectory.ts';
import { TrajectoryResult, type TrajectoryInput } from './types.ts';
import { validateTrajectoryInput } from './validate.ts';

/** Values of the input copied for change detection, per DoF. */
const INPUT_FIELDS = 11;

/** What the generator writes: the trajectory and, for `update`, the next state. */
export class TrajectoryOutput {
  /** The last computed trajectory. */
  readonly trajectory: Trajectory;
  /** State at `time` after the last `update`; length dofs each. */
  readonly newPosition: Float64Array;
  readonly newVelocity: Float64Array;
  readonly newAcceleration: Float64Array;
  /** Time on the current trajectory in s after the last `update` (starts as a double so V8 keeps a double field). */
  time = 0.5;
  /** True when the last `update` computed a new trajectory. */
  newCalculation = false;
  /** Why the last call failed; empty after success. */
  errorMessage = '';

  constructor(dofs: number) {
    this.trajectory = new Trajectory(dofs);
    this.newPosition = new Float64Array(dofs);
    this.newVelocity = new Float64Array(dofs);
    this.newAcceleration = new Float64Array(dofs);
    this.time = 0;
  }

  /** Copies the new state into the input's current state (the next cycle starts there). */
  passToInput(input: TrajectoryInput): void {
    input.currentPosition.set(this.newPosition);
    input.currentVelocity.set(this.newVelocity);
    input.currentAcceleration.set(this.newAcceleration);
  }
}

/** Generator for a fixed DoF count and control period; reuse one per control loop. */
export class TrajectoryGenerator {
  /** Number of DoFs every input and output must have. */
  readonly dofs: number;
  /** Control period in s: the step of `update`. */
  readonly cycleTime: number;
  private readonly problems: DofProblem[] = [];
  private readonly step1 = new Step1Scratch();
  private readonly step2 = new Step2Scratch();
  private readonly list = new SegmentList();
  /** Input of the last calculation (current state advanced by `update`), for change detection. */
  private readonly lastInput: Float64Array;
  private lastSynchronization = '';
  private lastMinimaDefault = 0;
  private calculated = false;
  /** Step-2 retries in the current calculation (at most 2). */
  private retries = 0;
  // `update` hands the sample time to Trajectory.atSlot through this slot (no boxed double).
  private readonly timeSlot = new Float64Array(1);
  // synchronize() reads its start duration here and writes the synchronized one back (no boxed
  // double: a double argument or result of a call V8 does not inline is heap-allocated).
  private readonly durationSlot = new Float64Array(1);

  constructor(dofs: number, cycleTime = 0.001) {
    if (!Number.isInteger(dofs) || dofs < 1) throw new RangeError(`dofs: expected an integer >= 1, got ${dofs}`);
    if (!(cycleTime > 0) || !Number.isFinite(cycleTime)) throw new RangeError(`cycleTime: expected a finite value > 0 s, got ${cycleTime}`);
    this.dofs = dofs;
    this.cycleTime = cycleTime;
    for (let i = 0; i < dofs; i++) this.problems.push(new DofProblem());
    this.lastInput = new Float64Array(dofs * INPUT_FIELDS);
  }

  /**
   * Computes the trajectory from the input's current state to its target into `output.trajectory`.
   * Returns Finished on success, ErrorInvalidInput (message in output.errorMessage) or ErrorInfeasible.
   * @realtime
   */
  calculate(input: TrajectoryInput, output: TrajectoryOutput): TrajectoryResult {
    const message = validateTrajectoryInput(input, this.dofs);
    if (message !== null) {
      output.errorMessage = message;
      return TrajectoryResult.ErrorInvalidInput;
    }
    const dofs = this.dofs;
    const problems = this.problems;
    let duration = 0;
    for (let i = 0; i < dofs; i++) {
      const problem = problems[i];
      problem.prepare(input, i);
      if (!solveMinimumDuration(problem, this.step1) || !Number.isFinite(problem.minimumDuration)) {
        output.errorMessage = `dof ${i}: no time-optimal profile found`;
        return TrajectoryResult.ErrorInfeasible;
      }
      if (problem.minimumDuration > duration) duration = problem.minimumDuration;
    }
    this.retries = 0;
    const synchronized = input.synchronization === 'time';
    if (synchronized) {
      this.durationSlot[0] = duration;
      this.synchronize();
      duration = this.durationSlot[0];
    }
    const trajectory = output.trajectory;
    let longest = 0;
    for (let i = 0; i < dofs; i++) {
      const problem = problems[i];
      const total = synchronized ? duration : problem.minimumDuration;
      problem.requestedDuration = total;
      if (!buildForDuration(problem, this.list, this.step2)) {
        // A duration on the rounding edge of a DoF's feasible set: a hair later is inside it.
        if (synchronized && ++this.retries <= 2) {
          this.durationSlot[0] = duration * (1 + 1e-12) + 1e-12;
          this.synchronize();
          duration = this.durationSlot[0];
          longest = 0;
          i = -1;
          continue;
        }
        output.errorMessage = `dof ${i}: no profile of duration ${total} s found`;
        return TrajectoryResult.ErrorInfeasible;
      }
      trajectory.setDof(i, this.list, input.currentPosition, input.currentVelocity, input.currentAcceleration);
      if (trajectory.dofDuration[i] > longest) longest = trajectory.dofDuration[i];
    }
    trajectory.duration = synchronized ? duration : longest;
    output.time = 0;
    output.errorMessage = '';
    this.remember(input);
    return TrajectoryResult.Finished;
  }

  /**
   * One control cycle: recalculates when the input differs from the state the generator expects,
   * then advances by `cycleTime` and writes the new state into output.newPosition/Velocity/Acceleration.
   * Returns Working, Finished (end reached) or an error code.
   * @realtime
   */
  update(input: TrajectoryInput, output: TrajectoryOutput): TrajectoryResult {
    output.newCalculation = false;
    if (!this.calculated || this.changed(input)) {
      const result = this.calculate(input, output);
      if (result < 0) {
        this.calculated = false;
        return result;
      }
      output.newCalculation = true;
    }
    output.time += this.cycleTime;
    const trajectory = output.trajectory;
    // The time crosses the call in a typed-array slot: a double argument is boxed unless inlined.
    this.timeSlot[0] = output.time;
    trajectory.atSlot(this.timeSlot, output.newPosition, output.newVelocity, output.newAcceleration);
    // The state we hand out is the state we expect back: passing it on does not recalculate.
    const last = this.lastInput;
    for (let i = 0; i < this.dofs; i++) {
      last[i * INPUT_FIELDS] = output.newPosition[i];
      last[i * INPUT_FIELDS + 1] = output.newVelocity[i];
      last[i * INPUT_FIELDS + 2] = output.newAcceleration[i];
    }
    return output.time >= trajectory.duration ? TrajectoryResult.Finished : TrajectoryResult.Working;
  }

  /** Replaces durationSlot[0] by the smallest duration >= it that lies in no DoF's blocked interval. */
  private synchronize(): void {
    let duration = this.durationSlot[0];
    for (let pass = 0; pass < 4 * this.dofs + 4; pass++) {
      let moved = false;
      for (let i = 0; i < this.dofs; i++) {
        const problem = this.problems[i];
        for (let b = 0; b < problem.blockedCount; b++) {
          const from = problem.blocked[2 * b];
          const to = problem.blocked[2 * b + 1];
          if (duration > from && duration < to) {
            duration = to;
            moved = true;
          }
        }
      }
      if (!moved) break;
    }
    this.durationSlot[0] = duration;
  }

  /** Stores the input for change detection. */
  private remember(input: TrajectoryInput): void {
    const last = this.lastInput;
    for (let i = 0; i < this.dofs; i++) {
      const base = i * INPUT_FIELDS;
      last[base] = input.currentPosition[i];
      last[base + 1] = input.currentVelocity[i];
      last[base + 2] = input.currentAcceleration[i];
      last[base + 3] = input.targetPosition[i];
      last[base + 4] = input.targetVelocity[i];
      last[base + 5] = input.targetAcceleration[i];
      last[base + 6] = input.maxVelocity[i];
      last[base + 7] = input.maxAcceleration[i];
      last[base + 8] = input.maxJerk[i];
      last[base + 9] = input.minVelocity === null ? Number.NaN : input.minVelocity[i];
      last[base + 10] = input.minAcceleration === null ? Number.NaN : input.minAcceleration[i];
    }
    this.lastSynchronization = input.synchronization;
    this.lastMinimaDefault = (input.minVelocity === null ? 1 : 0) + (input.minAcceleration === null ? 2 : 0);
    this.calculated = true;
  }

  /** True when `input` differs from the stored one. */
  private changed(input: TrajectoryInput): boolean {
    if (input.dofs !== this.dofs || input.synchronization !== this.lastSynchronization) return true;
    if ((input.minVelocity === null ? 1 : 0) + (input.minAcceleration === null ? 2 : 0) !== this.lastMinimaDefault) return true;
    const last = this.lastInput;
    for (let i = 0; i < this.dofs; i++) {
      const base = i * INPUT_FIELDS;
      if (
        last[base] !== input.currentPosition[i] ||
        last[base + 1] !== input.currentVelocity[i] ||
        last[base + 2] !== input.currentAcceleration[i] ||
        last[base + 3] !== input.targetPosition[i] ||
        last[base + 4] !== input.targetVelocity[i] ||
        last[base + 5] !== input.targetAcceleration[i] ||
        last[base + 6] !== input.maxVelocity[i] ||
        last[base + 7] !== input.maxAcceleration[i] ||
        last[base + 8] !== input.maxJerk[i]
      ) return true;
      if (input.minVelocity !== null && last[base + 9] !== input.minVelocity[i]) return true;
      if (input.minAcceleration !== null && last[base + 10] !== input.minAcceleration[i]) return true;
    }
    return false;
  }
}
