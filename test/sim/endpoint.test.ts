// The simulated robot on the bus looks like a ros2_control robot behind rosbridge: message types
// valid field by field, latched description, forward commands, the trajectory topic and action,
// the simulator's services and fault injection. In process on the bridge hub, lockstep.
import { describe, expect, it } from 'vitest';
import { BridgeHub } from '../../bridge/hub.ts';
import { validateMessage } from '../../bridge/message-validate.ts';
import { attachSimEndpoint } from '../../sim/endpoint.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';

function setup() {
  const hub = new BridgeHub();
  const { sim } = loadSimRobot('servo-arm', { q0: [0, 0.2, 0.4, 0, 0.3, 0] });
  const endpoint = attachSimEndpoint(hub, sim, { stateRate: 1000, tfRate: 100 });
  const last = new Map<string, unknown>();
  const types: Record<string, string> = {
    '/joint_states': 'sensor_msgs/JointState', '/imu/data': 'sensor_msgs/Imu', '/ft_sensor/wrench': 'geometry_msgs/WrenchStamped',
    '/tf': 'tf2_msgs/TFMessage', '/tf_static': 'tf2_msgs/TFMessage', '/robot_description': 'std_msgs/String', '/clock': 'rosgraph_msgs/Clock',
  };
  for (const [topic, type] of Object.entries(types)) hub.subscribe(topic, type, (msg) => last.set(topic, msg));
  const run = (steps: number) => {
    for (let i = 0; i < steps; i++) {
      sim.step();
      endpoint.afterStep();
    }
  };
  return { hub, sim, endpoint, last, types, run };
}

/** Lets promise callbacks (service handlers, action results) run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('simulator endpoint', () => {
  it('publishes every robot topic with valid messages: joint names in URDF order, stamps in sim time, gravity on the IMU', () => {
    const { last, types, run, sim } = setup();
    run(500);
    for (const [topic, type] of Object.entries(types)) {
      expect(last.has(topic), topic).toBe(true);
      expect(validateMessage(type, last.get(topic)), topic).toBeNull();
    }
    const js = last.get('/joint_states') as { name: string[]; position: number[]; header: { stamp: { sec: number; nanosec: number } } };
    expect(js.name).toEqual(['joint1', 'joint2', 'joint3', 'joint4', 'joint5', 'joint6']);
    expect(js.position[2]).toBeCloseTo(0.4, 3);
    expect(js.header.stamp.sec + js.header.stamp.nanosec * 1e-9).toBeCloseTo(sim.time - 1e-3, 6);
    const imu = last.get('/imu/data') as { linear_acceleration: { x: number; y: number; z: number } };
    const a = imu.linear_acceleration;
    // At standstill the drives' position loops dither by a few rad/s² (stick-slip at the sub-step
    // scale), which the tip IMU sees; the exact check with ideal actuators is in fidelity.test.ts.
    expect(Math.abs(Math.hypot(a.x, a.y, a.z) - 9.81)).toBeLessThan(0.6);
    expect((last.get('/robot_description') as { data: string }).data).toContain('<robot name="servo-arm"');
  });

  it('follows forward position commands and the trajectory topic, and reports the active controller', () => {
    const { hub, sim, run } = setup();
    hub.publish('/forward_position_controller/commands', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [0.2, 0.3, 0.5, 0, 0.3, 0.1] });
    run(1500);
    expect(sim.active).toBe('forward_position_controller');
    expect(sim.plant.q[0]).toBeCloseTo(0.2, 3);
    // A wrong length is ignored (a real forward controller rejects it too).
    hub.publish('/forward_position_controller/commands', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [1, 2] });
    hub.publish('/joint_trajectory_controller/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: sim.model.jointNames,
      points: [{ positions: [-0.2, 0.1, 0.3, 0.2, 0.2, -0.1], velocities: [], accelerations: [], effort: [], time_from_start: { sec: 1, nanosec: 0 } }],
    });
    run(1600);
    expect(sim.active).toBe('joint_trajectory_controller');
    expect(sim.trajectory.status).toBe('succeeded');
    expect(sim.plant.q[0]).toBeCloseTo(-0.2, 2);
  });

  it('refuses bad commands and fault values, counting them and reporting one line per topic a second', () => {
    const hub = new BridgeHub();
    const { sim } = loadSimRobot('servo-arm');
    const lines: string[] = [];
    const endpoint = attachSimEndpoint(hub, sim, { log: (line) => lines.push(line) });
    const multi = (data: number[]) => ({ layout: { dim: [], data_offset: 0 }, data });
    for (let i = 0; i < 3; i++) hub.publish('/forward_position_controller/commands', 'std_msgs/Float64MultiArray', multi([1, 2]));
    hub.publish('/motor_current_controller/commands', 'std_msgs/Float64MultiArray', multi([1, 2, 3]));
    hub.publish('/sim/payload', 'std_msgs/Float64MultiArray', multi([-1, 0, 0, 0]));
    hub.publish('/sim/fault/delay', 'std_msgs/Float64', { data: 5 });
    hub.publish('/joint_trajectory_controller/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: ['nope'],
      points: [{ positions: [0.1], velocities: [], accelerations: [], effort: [], time_from_start: { sec: 1, nanosec: 0 } }],
    });
    sim.step();
    endpoint.afterStep();
    expect(endpoint.refused.get('/forward_position_controller/commands')).toBe(3);
    expect(Object.fromEntries(endpoint.refused)).toMatchObject({ '/motor_current_controller/commands': 1, '/sim/payload': 1, '/sim/fault/delay': 1, '/joint_trajectory_controller/joint_trajectory': 1 });
    // One line for the three forward commands (within a second), naming what was expected.
    expect(lines.filter((l) => l.includes('/forward_position_controller/commands'))).toEqual([
      'refused /forward_position_controller/commands: expected 6 values (joints joint1, joint2, joint3, joint4, joint5, joint6), got 2',
    ]);
    expect(lines.find((l) => l.startsWith('refused /sim/fault/delay'))).toMatch(/data = 5, expected a delay in seconds, 0 to 1/);
    expect(lines.find((l) => l.startsWith('refused /sim/payload'))).toMatch(/expected \[mass \(kg\) >= 0/);
    expect(lines.find((l) => l.startsWith('refused /joint_trajectory_controller/joint_trajectory'))).toBeDefined();
    expect(sim.active).not.toBe('forward_position_controller');
  });

  it('serves FollowJointTrajectory with feedback and a result, and aborts an invalid goal naming why', async () => {
    const { hub, sim, run } = setup();
    let feedback = 0;
    const goal = hub.sendGoal('/joint_trajectory_controller/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', {
      trajectory: { joint_names: sim.model.jointNames, points: [{ positions: [0.3, 0.3, 0.3, 0.3, 0.3, 0.3], time_from_start: { sec: 0, nanosec: 800_000_000 } }] },
    }, () => feedback++);
    await flush();
    run(1500);
    const outcome = await goal.result;
    expect(outcome.status).toBe(4); // succeeded
    expect(feedback).toBeGreaterThan(10);
    const bad = hub.sendGoal('/joint_trajectory_controller/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', {
      trajectory: { joint_names: ['nope'], points: [{ positions: [1], time_from_start: { sec: 1, nanosec: 0 } }] },
    });
    await flush();
    run(1);
    const rejected = await bad.result;
    expect(rejected.status).toBe(6); // aborted
    expect(JSON.stringify(rejected.values)).toContain('nope');
  });

  it('pauses, single-steps, resets, sets a payload and injects faults through its services and topics', async () => {
    const { hub, sim, endpoint, run, last } = setup();
    await expect(hub.callService('/sim/step', 'std_srvs/Trigger', {})).resolves.toMatchObject({ success: false });
    await expect(hub.callService('/sim/pause', 'std_srvs/SetBool', { data: true })).resolves.toMatchObject({ success: true });
    expect(endpoint.paused).toBe(true);
    await hub.callService('/sim/step', 'std_srvs/Trigger', {});
    expect(endpoint.takeStepRequest()).toBe(true);
    expect(endpoint.takeStepRequest()).toBe(false);
    await hub.callService('/sim/pause', 'std_srvs/SetBool', { data: false });
    // Payload: the F/T sensor at the flange sees its weight.
    hub.publish('/sim/payload', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [2, 0, 0, 0] });
    run(300);
    const f = (last.get('/ft_sensor/wrench') as { wrench: { force: { x: number; y: number; z: number } } }).wrench.force;
    expect(Math.hypot(f.x, f.y, f.z)).toBeCloseTo(2 * 9.81, 0);
    // Sensor dropout: /joint_states stops; clearing faults brings it back.
    await hub.callService('/sim/fault/sensor_dropout', 'std_srvs/SetBool', { data: true });
    run(5);
    const frozen = last.get('/joint_states');
    run(50);
    expect(last.get('/joint_states')).toBe(frozen);
    await hub.callService('/sim/fault/clear', 'std_srvs/Trigger', {});
    run(5);
    expect(last.get('/joint_states')).not.toBe(frozen);
    // Overheating: the winding of joint 2 heats far faster than its own losses would.
    const before = sim.plant.actuators.temperature[1];
    hub.publish('/sim/fault/overheat', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [0, 500, 0, 0, 0, 0] });
    run(1000);
    expect(sim.plant.actuators.temperature[1] - before).toBeGreaterThan(1);
    // Communication delay: a command takes effect only after the delay.
    hub.publish('/sim/fault/delay', 'std_msgs/Float64', { data: 0.05 });
    hub.publish('/forward_velocity_controller/commands', 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [0.1, 0, 0, 0, 0, 0] });
    run(40);
    expect(sim.active).not.toBe('forward_velocity_controller');
    run(20);
    expect(sim.active).toBe('forward_velocity_controller');
    await hub.callService('/sim/reset', 'std_srvs/Trigger', {});
    expect(sim.time).toBe(0);
    expect(sim.plant.q[2]).toBeCloseTo(0.4, 9);
    expect(sim.commDelay).toBe(0);
  });
});
