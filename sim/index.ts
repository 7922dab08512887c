// Public face of sim/: the plant, its sensors and clock, the simulated ros2_control robot, its
// rosbridge endpoint and server, and the scenario runner.
export * from './random.ts';
export * from './sensor-channel.ts';
export * from './sensors.ts';
export * from './actuators.ts';
export * from './drive-actuators.ts';
export * from './payload.ts';
export * from './link-motion.ts';
export * from './effective-inertia.ts';
export * from './plant.ts';
export * from './clock.ts';
export * from './hardware-ports.ts';
export * from './sim-robot.ts';
export * from './load-sim-robot.ts';
export * from './endpoint.ts';
export * from './server.ts';
export * from './scenario/units.ts';
export * from './scenario/schema.ts';
export * from './scenario/metrics.ts';
export * from './scenario/references.ts';
export * from './scenario/ports-link.ts';
export * from './scenario/run.ts';
export * from './scenario/files.ts';
export * from './scenario/batch.ts';
export * from './scenario/junit.ts';
export * from './scenario/html-report.ts';
