// Adapters between topics and robot ports, on the in-process bus (deterministic) and over a
// real socket with the roslib client (JointState decoding's allocation probe: adapter-allocation.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { createRobotPorts } from '../../robot/ports.ts';
import {
  BridgeHub, ForwardCommandWriter, ImuReader, JointStateReader, RosbridgeClient, SimClockReader, TrajectoryCommandWriter, WrenchReader,
  type RosbridgeServer,
} from '../../bridge/node.ts';
import { startServer, waitFor } from './helpers.ts';

const joints = ['shoulder', 'elbow', 'wrist'];
const closers: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});

describe('JointStateReader', () => {
  it('maps joints by name in any order, takes subsets, and marks only carried positions valid', () => {
    const ports = createRobotPorts(joints);
    const reader = new JointStateReader(ports, () => 5);
    expect(reader.apply({ header: { stamp: { sec: 3, nanosec: 500_000_000 } }, name: ['wrist', 'other', 'shoulder'], position: [3, 99, 1], velocity: [30, 0, 10], effort: [] })).toBe(2);
    expect(Array.from(ports.state.position)).toEqual([1, Number.NaN, 3]);
    expect(Array.from(ports.state.velocity)).toEqual([10, Number.NaN, 30]);
    expect(Array.from(ports.state.effort).every(Number.isNaN)).toBe(true);
    expect(Array.from(ports.state.valid)).toEqual([1, 0, 1]);
    expect(ports.state.stamp).toBe(3.5);
    expect(ports.state.received).toBe(5);
    expect(ports.state.sequence).toBe(1);
    reader.apply({ header: { stamp: { secs: 4, nsecs: 0 } }, name: ['elbow'], position: [null], velocity: [2] });
    expect(ports.state.position[1]).toBeNaN();
    expect(ports.state.velocity[1]).toBe(2);
    expect(Array.from(ports.state.valid)).toEqual([0, 1, 0]);
    expect(ports.state.stamp).toBe(4);
    expect(reader.apply({ name: ['nobody'], position: [1] })).toBe(0);
    expect(reader.apply('garbage')).toBe(0);
    expect(ports.state.sequence).toBe(2);
    // Another device's message (none of our joints) leaves our state as it was, valid flags included.
    expect(Array.from(ports.state.valid)).toEqual([0, 1, 0]);
    expect(reader.unmatched).toBe(1);
  });

  it('reads typed arrays from CBOR decoding the same as plain arrays', () => {
    const ports = createRobotPorts(joints);
    new JointStateReader(ports).apply({ name: joints, position: Float64Array.of(0.1, 0.2, 0.3) });
    expect(Array.from(ports.state.position)).toEqual([0.1, 0.2, 0.3]);
  });
});

describe('sensor and clock readers', () => {
  it('fill IMU and wrench ports and track sim time', () => {
    const ports = createRobotPorts(joints);
    new ImuReader(ports.imu, () => 1).apply({
      header: { stamp: { sec: 2, nanosec: 0 } }, orientation: { x: 0, y: 0, z: 0.6, w: 0.8 },
      angular_velocity: { x: 0.1, y: 0.2, z: 0.3 }, linear_acceleration: { x: 0, y: 0, z: 9.81 },
    });
    expect(Array.from(ports.imu.orientation)).toEqual([0, 0, 0.6, 0.8]);
    expect(Array.from(ports.imu.linearAcceleration)).toEqual([0, 0, 9.81]);
    expect(ports.imu.stamp).toBe(2);
    new WrenchReader(ports.wrench).apply({ header: {}, wrench: { force: { x: 1, y: 2, z: 3 }, torque: { x: 4, y: 5 } } });
    expect(Array.from(ports.wrench.force)).toEqual([1, 2, 3]);
    expect(ports.wrench.torque[2]).toBeNaN();
    const clock = new SimClockReader();
    expect(clock.apply({ clock: { sec: 10, nanosec: 250_000_000 } })).toBe(true);
    expect(clock.time).toBe(10.25);
    expect(clock.apply({ clock: 'noon' })).toBe(false);
  });
});

describe('command writers', () => {
  it('publish the array of the command mode on the forward controller topic, never non-finite values', () => {
    const bus = new BridgeHub();
    const ports = createRobotPorts(joints);
    const seen: Record<string, unknown[]> = {};
    for (const kind of ['position', 'velocity', 'effort']) {
      seen[kind] = [];
      bus.subscribe(`/forward_${kind}_controller/commands`, 'std_msgs/Float64MultiArray', (m) => seen[kind].push(m));
    }
    const writer = new ForwardCommandWriter(ports, bus);
    expect(writer.write()).toBe('idle');
    ports.command.mode = 'position';
    expect(writer.write()).toBe('non-finite');
    ports.command.position.set([0.1, 0.2, 0.3]);
    expect(writer.write()).toBe('sent');
    ports.command.mode = 'velocity';
    ports.command.velocity.set([1, 2, 3]);
    writer.write();
    ports.command.mode = 'effort';
    writer.write();
    expect(seen.position).toEqual([{ layout: { dim: [], data_offset: 0 }, data: [0.1, 0.2, 0.3] }]);
    expect(seen.velocity).toEqual([{ layout: { dim: [], data_offset: 0 }, data: [1, 2, 3] }]);
    expect(seen.effort).toEqual([{ layout: { dim: [], data_offset: 0 }, data: [0, 0, 0] }]);
  });

  it("publish in the forward controllers' own joint order and subset, and refuse joints the robot lacks", () => {
    const bus = new BridgeHub();
    const ports = createRobotPorts(joints);
    const seen: unknown[] = [];
    bus.subscribe('/forward_position_controller/commands', 'std_msgs/Float64MultiArray', (m) => seen.push((m as { data: number[] }).data));
    const writer = new ForwardCommandWriter(ports, bus, {}, ['wrist', 'shoulder']);
    ports.command.mode = 'position';
    ports.command.position.set([0.1, Number.NaN, 0.3]);
    // The elbow is not this controller's: its value (even a non-finite one) is not sent.
    expect(writer.write()).toBe('sent');
    expect(seen).toEqual([[0.3, 0.1]]);
    expect(() => new ForwardCommandWriter(ports, bus, {}, ['wrist', 'gripper'])).toThrow('forward command joints[1] = "gripper": not a joint of the robot (shoulder, elbow, wrist)');
    expect(() => new ForwardCommandWriter(ports, bus, {}, ['wrist', 'wrist'])).toThrow('forward command joints[1] = "wrist": listed twice');
  });

  it('publish a one-point JointTrajectory in the bus dialect', () => {
    const bus = new BridgeHub({ dialect: 'ros1' });
    const ports = createRobotPorts(joints);
    const seen: unknown[] = [];
    bus.subscribe('/joint_trajectory_controller/joint_trajectory', 'trajectory_msgs/JointTrajectory', (m) => seen.push(m));
    ports.command.mode = 'position';
    ports.command.position.set([1, 2, 3]);
    new TrajectoryCommandWriter(ports, bus, undefined, 0.02).write();
    expect(seen[0]).toEqual({
      header: { stamp: { secs: 0, nsecs: 0 }, frame_id: '' },
      joint_names: joints,
      points: [{ positions: [1, 2, 3], velocities: [0, 0, 0], accelerations: [0, 0, 0], time_from_start: { secs: 0, nsecs: 20_000_000 } }],
    });
  });
});

describe('adapters over a socket', () => {
  it('carry state from a simulator-side publisher into ports, and commands back', async () => {
    const server: RosbridgeServer = await startServer();
    closers.push(() => server.close());
    const client = new RosbridgeClient({ url: server.url, compression: 'cbor' });
    closers.push(() => client.close());
    await client.connect();
    const ports = createRobotPorts(joints);
    new JointStateReader(ports).attach(client);
    const commands: unknown[] = [];
    server.subscribe('/forward_position_controller/commands', (m) => commands.push(m), 'std_msgs/Float64MultiArray');
    await new Promise((r) => setTimeout(r, 30));
    server.publish('/joint_states', 'sensor_msgs/JointState', { name: ['elbow', 'shoulder', 'wrist'], position: [2, 1, 3] });
    await waitFor(() => ports.state.sequence === 1);
    expect(Array.from(ports.state.position)).toEqual([1, 2, 3]);
    ports.command.mode = 'position';
    ports.command.position.set(ports.state.position);
    new ForwardCommandWriter(ports, client).write();
    await waitFor(() => commands.length === 1);
    expect(commands[0]).toEqual({ layout: { dim: [], data_offset: 0 }, data: [1, 2, 3] });
  });
});
