// control/tick-7dof: full pipeline tick for the Panda (estimate, trajectory reference, computed
// torque, limiter, safety, port write); control/tick-7dof-kalman: the same with the Kalman
// estimator, momentum observer and collision reaction. loop/jitter-1khz: lateness of a real 1 kHz loop.
import { bench, timeCalls } from './harness.ts';
import { loadRobot } from '../sim/load-robot.ts';
import { createRobotPorts } from '../robot/ports.ts';
import { CollisionReaction, ControlLoop, ControlPipeline, ComputedTorqueController, JointTrajectoryController, KalmanEstimator, waitStrategyByName } from '../control/index.ts';

bench('control/tick-7dof', (options) => {
  const model = loadRobot('panda').model;
  const ports = createRobotPorts(model.jointNames);
  const home = [0, -0.3, 0, -2.2, 0, 2.0, 0.8];
  ports.state.position.set(home);
  ports.state.velocity.fill(0);
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
  const pipeline = new ControlPipeline({ model, ports, controller: new ComputedTorqueController(model, { kp: 400 }), reference: jtc, safety: { stateTimeout: 1e9 } });
  ports.state.sequence++;
  pipeline.tick(0, 0.001);
  jtc.setTrajectory({ jointNames: model.jointNames, points: Array.from({ length: 100 }, (_, i) => ({ positions: home.map((q) => q + 0.1 * Math.sin(i)), timeFromStart: 10 * (i + 1) })) });
  const loop = new ControlLoop((time) => pipeline.update(time), { rate: 1000 });
  loop.step(0.001);
  return [timeCalls('control/tick-7dof', () => {
    ports.state.sequence++;
    loop.step();
  }, { ...options, batch: 100 }, { controller: 'computed-torque', reference: 'joint-trajectory' })].map((r) => ({ ...r, state: pipeline.safety.state }));
});

bench('control/tick-7dof-kalman', (options) => {
  const model = loadRobot('panda').model;
  const ports = createRobotPorts(model.jointNames);
  const home = [0, -0.3, 0, -2.2, 0, 2.0, 0.8];
  ports.state.position.set(home);
  ports.state.velocity.fill(0);
  ports.state.effort.fill(Number.NaN); // no measured torque: the observer uses the effort command
  const estimator = new KalmanEstimator(model, { collision: { threshold: 1e9 } });
  const collision = new CollisionReaction(model, estimator.observer!, { policy: 'stop' });
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
  const pipeline = new ControlPipeline({ model, ports, controller: new ComputedTorqueController(model, { kp: 400 }), reference: jtc, estimator, collision, safety: { stateTimeout: 1e9 } });
  const clock = new Float64Array(1);
  ports.state.sequence++;
  ports.state.stamp = 0.001;
  pipeline.tick(0, 0.001);
  jtc.setTrajectory({ jointNames: model.jointNames, points: Array.from({ length: 100 }, (_, i) => ({ positions: home.map((q) => q + 0.1 * Math.sin(i)), timeFromStart: 10 * (i + 1) })) });
  const loop = new ControlLoop((time) => pipeline.update(time), { rate: 1000 });
  loop.step(0.001);
  clock[0] = 0.002;
  return [timeCalls('control/tick-7dof-kalman', () => {
    clock[0] += 0.001;
    ports.state.stamp = clock[0];
    ports.state.sequence++;
    loop.step();
  }, { ...options, batch: 100 }, { controller: 'computed-torque', reference: 'joint-trajectory', estimator: 'kalman+momentum-observer' })].map((r) => ({ ...r, state: pipeline.safety.state }));
});

// The default wait (Atomics.wait) and the hybrid one (Atomics.wait, then spin the last 200 µs),
// which costs a core while it spins but goes below the kernel's wake-up floor.
for (const [name, strategy] of [['loop/jitter-1khz', 'atomics'], ['loop/jitter-1khz-hybrid', 'hybrid']] as const) {
  bench(name, async (options) => {
    const seconds = options.quick ? 1 : 10;
    const loop = new ControlLoop(() => {}, { rate: 1000, wait: waitStrategyByName(strategy), statsWindow: seconds * 1000 + 10 });
    loop.start();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    loop.stop();
    const timing = loop.timing();
    const us = (s: number) => s * 1e6;
    return [{
      name, unit: 'µs',
      median: us(timing.lateness.p50), p99: us(timing.lateness.p99), max: us(timing.lateness.max), n: timing.lateness.count,
      waitStrategy: timing.waitStrategy, seconds, overruns: timing.overruns, skipped: timing.skipped,
    }];
  });
}
