// Plain input and output records of the trajectory generator (Ruckig style): the caller fills an
// input, the generator writes an output. Every array is allocated once, one entry per DoF.

/** Result of `calculate` and `update`: success codes are >= 0, errors are negative. */
export const TrajectoryResult = {
  /** The trajectory is running (`update` only). */
  Working: 0,
  /** The trajectory is computed (`calculate`) or has reached its end (`update`). */
  Finished: 1,
  /** The input is malformed: non-finite value, non-positive limit, target outside the limits. */
  ErrorInvalidInput: -1,
  /** The input is well formed but no trajectory was found (numerical failure). */
  ErrorInfeasible: -2,
} as const;

/** One of the `TrajectoryResult` codes. */
export type TrajectoryResult = (typeof TrajectoryResult)[keyof typeof TrajectoryResult];

/** How DoFs are coordinated: `time` makes all DoFs finish together; `none` lets each finish alone. */
export type Synchronization = 'time' | 'none';

/** Everything the generator reads; one entry per DoF in every array. SI units (m or rad). */
export interface TrajectoryInput {
  /** Number of degrees of freedom; every array has this length. */
  readonly dofs: number;
  /** Current position per DoF. */
  readonly currentPosition: Float64Array;
  /** Current velocity per DoF; may lie outside the velocity limits (the generator brakes first). */
  readonly currentVelocity: Float64Array;
  /** Current acceleration per DoF; may lie outside the acceleration limits. */
  readonly currentAcceleration: Float64Array;
  /** Target position per DoF. */
  readonly targetPosition: Float64Array;
  /** Target velocity per DoF (within the velocity limits). */
  readonly targetVelocity: Float64Array;
  /** Target acceleration per DoF (within the acceleration limits). */
  readonly targetAcceleration: Float64Array;
  /** Maximum velocity per DoF, > 0. */
  readonly maxVelocity: Float64Array;
  /** Maximum acceleration per DoF, > 0. */
  readonly maxAcceleration: Float64Array;
  /** Maximum jerk per DoF, > 0. */
  readonly maxJerk: Float64Array;
  /** Minimum velocity per DoF, < 0; null means `-maxVelocity`. */
  minVelocity: Float64Array | null;
  /** Minimum acceleration per DoF, < 0; null means `-maxAcceleration`. */
  minAcceleration: Float64Array | null;
  /** DoF coordination; `time` by default. */
  synchronization: Synchronization;
}

/** Allocates an input for `dofs` DoFs: zero state and target, unit limits, time synchronization. */
export function createTrajectoryInput(dofs: number): TrajectoryInput {
  if (!Number.isInteger(dofs) || dofs < 1) throw new RangeError(`dofs: expected an integer >= 1, got ${dofs}`);
  const filled = (value: number) => new Float64Array(dofs).fill(value);
  return {
    dofs,
    currentPosition: new Float64Array(dofs),
    currentVelocity: new Float64Array(dofs),
    currentAcceleration: new Float64Array(dofs),
    targetPosition: new Float64Array(dofs),
    targetVelocity: new Float64Array(dofs),
    targetAcceleration: new Float64Array(dofs),
    maxVelocity: filled(1),
    maxAcceleration: filled(1),
    maxJerk: filled(1),
    minVelocity: null,
    minAcceleration: null,
    synchronization: 'time',
  };
}
