// Public face of control/trajectory: the online, time-optimal, jerk-limited trajectory generator.
export { TrajectoryGenerator, TrajectoryOutput } from './otg.ts';
export { Trajectory } from './trajectory.ts';
export { TrajectoryResult, createTrajectoryInput, type Synchronization, type TrajectoryInput } from './types.ts';
export { validateTrajectoryInput } from './validate.ts';
