// Public face of control/trajectory: the online, time-optimal, jerk-limited trajectory generator.
//
// Use in a control loop (everything allocated up front; calls allocate nothing):
//   const generator = new TrajectoryGenerator(dofs, periodSeconds);
//   const input = createTrajectoryInput(dofs);   // fill limits, current state, target
//   const output = new TrajectoryOutput(dofs);
//   each tick: const result = generator.update(input, output);   // Working, Finished or < 0
//              command output.newPosition / newVelocity / newAcceleration; output.passToInput(input);
// or once: generator.calculate(input, output), then output.trajectory.at(t, position, velocity, acceleration).
export { TrajectoryGenerator, TrajectoryOutput } from './otg.ts';
export { Trajectory } from './trajectory.ts';
export { TrajectoryResult, createTrajectoryInput, type Synchronization, type TrajectoryInput } from './types.ts';
export { validateTrajectoryInput } from './validate.ts';
