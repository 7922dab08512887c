// The simulator and the stack's control loop together: over a real rosbridge socket (roslib
// client, port 0, real-time pacing) and in process (the bridge hub as the bus, lockstep).
import { afterAll, describe, expect, it } from 'vitest';
import { ForwardCommandWriter } from '../../bridge/adapter-commands.ts';
import { JointStateReader } from '../../bridge/adapter-state.ts';
import type { Bus } from '../../bridge/bus.ts';
import { RosbridgeClient } from '../../bridge/client.ts';
import { BridgeHub } from '../../bridge/hub.ts';
import { PositionForwardController } from '../../control/joint-controllers.ts';
import { JointTrajectoryController } from '../../control/joint-trajectory.ts';
import { ControlLoop, type LoopTime } from '../../control/loop.ts';
import { ControlPipeline } from '../../control/pipeline.ts';
import { timeoutWait } from '../../control/wait.ts';
import type { RobotModel } from '../../robot/model.ts';
import { createRobotPorts } from '../../robot/ports.ts';
import { attachSimEndpoint } from '../../sim/endpoint.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';
import { startSimServer, type SimServer } from '../../sim/server.ts';

const TARGET = [0.4, 0.3, 0.6, -0.3, 0.5, 0.7];

/** The stack side: /joint_states -> ports -> pipeline (trajectory -> position forward) -> forward commands. */
function stack(bus: Bus, model: RobotModel) {
  const ports = createRobotPorts(model.jointNames);
  const reader = new JointStateReader(ports);
  const subscription = reader.attach(bus);
  const trajectory = new JointTrajectoryController({ jointNames: model.jointNames, interpolation: 'quintic' });
  const pipeline = new ControlPipeline({ model, ports, controller: new PositionForwardController(), safety: { stateTimeout: 0.5 } });
  const writer = new ForwardCommandWriter(ports, bus);
  let started = false;
  const tick = (time: LoopTime) => {
    pipeline.update(time);
    if (!started && pipeline.safety.state === 'active') {
      // Once the loop holds the measured pose, hand it the move (1 s to the target).
      pipeline.setReference(trajectory);
      trajectory.setTrajectory({ jointNames: model.jointNames, points: [{ positions: TARGET, timeFromStart: 1 }] });
      started = true;
    }
    if (pipeline.safety.state === 'active' || pipeline.safety.state === 'holding') writer.write();
  };
  return { ports, pipeline, trajectory, writer, tick, close: () => subscription.unsubscribe() };
}

describe('simulator + control loop', () => {
  let server: SimServer | undefined;
  let client: RosbridgeClient | undefined;
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it('over a real socket: the loop moves the simulated arm to the target through /joint_states and forward commands', async () => {
    server = await startSimServer({ port: 0, stateRate: 250 });
    client = new RosbridgeClient({ url: server.url, dialect: 'ros2', reconnect: false });
    await client.connect();
    const side = stack(client, server.sim.model);
    const loop = new ControlLoop(side.tick, { rate: 250, wait: timeoutWait() });
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    loop.stop();
    side.close();
    expect(side.writer.sent).toBeGreaterThan(100);
    expect(side.trajectory.status).toBe('succeeded');
    TARGET.forEach((q, k) => expect(Math.abs(server!.sim.plant.q[k] - q)).toBeLessThan(0.01));
    expect(server.sim.active).toBe('forward_position_controller');
    // The state the loop saw came over the wire, stamped with simulated time.
    expect(side.ports.state.sequence).toBeGreaterThan(200);
  }, 30_000);

  it('in process, lockstep: the same loop on the bridge hub reaches the target deterministically', () => {
    const run = () => {
      const hub = new BridgeHub();
      const { sim } = loadSimRobot('servo-arm', { q0: [0, 0.2, 0.4, 0, 0.3, 0] });
      const endpoint = attachSimEndpoint(hub, sim, { stateRate: 1000 });
      const side = stack(hub, sim.model);
      const loop = new ControlLoop(side.tick, { rate: 1000 });
      for (let i = 0; i < 2500; i++) {
        sim.step();
        endpoint.afterStep();
        loop.step(sim.time);
      }
      endpoint.close();
      side.close();
      return { q: Array.from(sim.plant.q), status: side.trajectory.status, sent: side.writer.sent };
    };
    const first = run();
    expect(first.status).toBe('succeeded');
    expect(first.sent).toBeGreaterThan(2000);
    TARGET.forEach((q, k) => expect(Math.abs(first.q[k] - q)).toBeLessThan(0.002));
    // Lockstep with seeded sensors: a second run is bit-identical.
    expect(run().q).toEqual(first.q);
  });
});
