// `embodied run`'s composition end to end over a real socket: our rosbridge server on port 0, an
// in-process ideal position-servo robot on the server side (publishes /joint_states at 200 Hz,
// follows /forward_position_controller/commands), and startControlClient as a rosbridge client.
// (sim/ has no startSimServer yet; this robot stands in for it and is stepped by real time.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosbridgeServer } from '../../bridge/server.ts';
import { startControlClient, ESTOP_TOPIC_REASON, type ControlClient } from '../../cli/control-client.ts';
import { loadRobot } from '../../sim/load-robot.ts';
import { GOAL_STATUS } from '../../bridge/bus.ts';

const model = loadRobot('panda').model;
const HOME = [0, -0.3, 0, -2.2, 0, 2.0, 0.8];

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('control client against our rosbridge server', () => {
  let server: RosbridgeServer;
  let control: ControlClient;
  let timer: ReturnType<typeof setInterval>;
  const q = Float64Array.from(HOME);
  let commands = 0;
  const diagnostics: unknown[] = [];
  const states: unknown[] = [];
  const tuningResults: { layout: { dim: { label: string; size: number }[] }; data: number[] }[] = [];

  beforeAll(async () => {
    server = new RosbridgeServer({ port: 0 });
    const port = await server.start({ port: 0 });
    server.subscribe('/forward_position_controller/commands', (msg) => {
      const data = (msg as { data?: unknown }).data;
      if (Array.isArray(data) && data.length === q.length && data.every((x) => typeof x === 'number')) {
        q.set(data as number[]);
        commands++;
      }
    });
    server.subscribe('/diagnostics', (msg) => diagnostics.push(msg));
    server.subscribe('/embodied/controller_state', (msg) => states.push(msg));
    server.subscribe('/embodied/tuning/result', (msg) => tuningResults.push(msg as never));
    timer = setInterval(() => {
      const now = Date.now() / 1000;
      server.publish('/joint_states', 'sensor_msgs/JointState', {
        header: { stamp: { sec: Math.floor(now), nanosec: Math.floor((now % 1) * 1e9) }, frame_id: '' },
        name: [...model.jointNames], position: Array.from(q), velocity: [], effort: [],
      });
    }, 5);
    control = await startControlClient({ url: `ws://127.0.0.1:${port}`, robot: 'panda', rate: 500, wait: 'timeout', log: () => {},
      // This process also runs the robot's publisher: on a loaded machine its timer may stall longer than 0.1 s.
      safety: { stateTimeout: 0.5 } });
  }, 30_000);

  afterAll(async () => {
    await control?.stop();
    clearInterval(timer);
    await server?.close();
  });

  it('reads joint states, becomes active and publishes position commands', async () => {
    await until(() => control.pipeline.safety.state === 'active', 5000, 'the loop to become active');
    await until(() => commands > 10, 5000, 'position commands');
    for (let k = 0; k < q.length; k++) expect(q[k]).toBeCloseTo(HOME[k], 3);
  });

  it('executes a trajectory sent on /embodied/joint_trajectory', async () => {
    const target = HOME.map((x, k) => (k === 0 ? x + 0.3 : x));
    server.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' },
      joint_names: [...model.jointNames],
      points: [{ positions: target, velocities: [], accelerations: [], effort: [], time_from_start: { sec: 1, nanosec: 0 } }],
    });
    await until(() => control.trajectory.status === 'succeeded', 8000, 'the trajectory to succeed');
    await until(() => Math.abs(q[0] - target[0]) < 2e-3, 2000, 'the robot to reach the target');
    expect(states.length).toBeGreaterThan(0);
    const last = states[states.length - 1] as { joint_names: string[]; reference: { positions: number[] }; feedback: { positions: number[] } };
    expect(last.joint_names).toEqual([...model.jointNames]);
    expect(last.reference.positions[0]).toBeCloseTo(target[0], 2);
  });

  it('moves to a joint setpoint on /embodied/joint_setpoint with the jerk-limited generator', async () => {
    const goal = Array.from(q);
    goal[3] += 0.25;
    server.publish('/embodied/joint_setpoint', 'sensor_msgs/JointState', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, name: [model.jointNames[3]], position: [goal[3]], velocity: [], effort: [],
    });
    await until(() => control.pipeline.activeReference === control.setpoint, 2000, 'the setpoint reference to take over');
    await until(() => Math.abs(q[3] - goal[3]) < 1e-3, 5000, 'the joint to reach its setpoint');
    for (let k = 0; k < q.length; k++) expect(q[k]).toBeCloseTo(goal[k], 2);
  });

  it('follows a FollowJointTrajectory goal on /embodied/follow_joint_trajectory with feedback and result', async () => {
    const feedback: unknown[] = [];
    const target = HOME.map((x, k) => (k === 1 ? x + 0.2 : x));
    const handle = server.hub.sendGoal('/embodied/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', {
      trajectory: { joint_names: [...model.jointNames], points: [{ positions: target, time_from_start: { sec: 0, nanosec: 600_000_000 } }] },
    }, (values) => feedback.push(values));
    const outcome = await handle.result;
    expect(outcome.status).toBe(GOAL_STATUS.succeeded);
    expect((outcome.values as { error_code: number }).error_code).toBe(0);
    expect(feedback.length).toBeGreaterThan(0);
  }, 10_000);

  it('cancels a FollowJointTrajectory goal: the arm comes to rest and the goal ends canceled', async () => {
    const target = HOME.map((x, k) => (k === 0 ? x + 0.5 : x));
    const handle = server.hub.sendGoal('/embodied/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', {
      trajectory: { joint_names: [...model.jointNames], points: [{ positions: target, time_from_start: { sec: 3, nanosec: 0 } }] },
    });
    await until(() => control.trajectory.status === 'executing', 2000, 'the goal to execute');
    await new Promise((r) => setTimeout(r, 300));
    handle.cancel();
    const outcome = await handle.result;
    expect(outcome.status).toBe(GOAL_STATUS.canceled);
    await new Promise((r) => setTimeout(r, 300));
    const rest = q[0];
    await new Promise((r) => setTimeout(r, 200));
    expect(Math.abs(q[0] - rest)).toBeLessThan(1e-4);
    expect(q[0]).toBeLessThan(target[0] - 0.1); // stopped well short of the goal
  }, 10_000);

  it('runs step and chirp tuning tests from /embodied/tuning and publishes their results; a relay needs an effort controller', async () => {
    const label = (message: { layout: { dim: { label: string }[] } }) => message.layout.dim[0].label;
    const send = (text: string, data: number[]) => server.publish('/embodied/tuning', 'std_msgs/Float64MultiArray', { layout: { dim: [{ label: text, size: data.length, stride: data.length }], data_offset: 0 }, data });
    const joint = model.jointNames[5];
    send(`tune/step/${joint}:amplitude,duration`, [0.05, 1.5]);
    await until(() => tuningResults.some((m) => label(m).startsWith(`result/step/${joint}:`)), 5000, 'the step result');
    const step = tuningResults.find((m) => label(m).startsWith(`result/step/${joint}:`))!;
    const names = label(step).split(':')[1].split(',');
    const value = (name: string) => step.data[names.indexOf(name)];
    expect(names).toEqual(['riseTime', 'overshoot', 'peak', 'peakTime', 'settlingTime', 'steadyStateError', 'iae', 'itae']);
    expect(value('riseTime')).toBeGreaterThan(0);
    expect(value('riseTime')).toBeLessThan(0.3);
    expect(Math.abs(value('steadyStateError'))).toBeLessThan(2e-3);
    await until(() => control.pipeline.activeReference !== null && control.pipeline.status().reference !== 'tuning-step', 2000, 'the previous reference to return');
    send(`tune/chirp/${joint}:f0,f1,duration,amplitude`, [0.5, 5, 4, 0.01]);
    await until(() => tuningResults.some((m) => label(m).startsWith(`result/chirp/${joint}/response:`)), 8000, 'the chirp arrays');
    expect(control.pipeline.safety.state).toBe('active');
    const arrays = tuningResults.find((m) => label(m).startsWith(`result/chirp/${joint}/response:`))!;
    const points = arrays.layout.dim[1].size;
    expect(arrays.data.length).toBe(3 * points);
    // A position servo follows a slow reference: magnitude ~1 near 1 Hz (the sweep's first
    // frequencies are estimated from less than two periods and carry the wire's timing jitter).
    let near = 0;
    for (let j = 0; j < points; j++) if (Math.abs(Math.log(arrays.data[j])) < Math.abs(Math.log(arrays.data[near]))) near = j;
    expect(arrays.data[near]).toBeCloseTo(1, 0);
    expect(arrays.data[points + near]).toBeGreaterThan(0.6);
    expect(arrays.data[points + near]).toBeLessThan(1.4);
    expect(tuningResults.some((m) => label(m).startsWith(`result/chirp/${joint}:bandwidth,`))).toBe(true);
    send(`tune/relay/${joint}:amplitude,hysteresis,setpoint`, [1, 0.001, 1.9]);
    await until(() => tuningResults.some((m) => label(m) === `result/relay/${joint}/error:code`), 2000, 'the relay refusal');
    send('tune/spin/nowhere:x', [1]);
    await until(() => tuningResults.some((m) => label(m) === 'result/spin/nowhere/error:code'), 2000, 'the bad-label refusal');
  }, 20_000);

  it('latches the e-stop from /embodied/estop (Bool true) and /embodied/trigger_estop (Trigger), reports it on /diagnostics, and /embodied/reset releases it', async () => {
    server.publish('/embodied/estop', 'std_msgs/Bool', { data: false });
    await new Promise((r) => setTimeout(r, 50));
    expect(control.pipeline.safety.state).toBe('active');
    server.publish('/embodied/estop', 'std_msgs/Bool', { data: true });
    await until(() => control.pipeline.safety.state === 'e-stopped', 2000, 'the e-stop');
    expect(control.pipeline.safety.reason).toBe(ESTOP_TOPIC_REASON);
    const seen = () => diagnostics.some((d) => JSON.stringify(d).includes(ESTOP_TOPIC_REASON));
    await until(seen, 3000, 'the e-stop reason on /diagnostics');
    // A category-2 stop: the arm decelerates to rest, then a trajectory does not move it.
    await new Promise((r) => setTimeout(r, 300));
    const frozen = Array.from(q);
    server.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: [...model.jointNames],
      points: [{ positions: HOME.map((x) => x + 0.2), velocities: [], accelerations: [], effort: [], time_from_start: { sec: 0, nanosec: 300_000_000 } }],
    });
    await new Promise((r) => setTimeout(r, 400));
    for (let k = 0; k < q.length; k++) expect(Math.abs(q[k] - frozen[k])).toBeLessThan(1e-3);
    const answer = (await server.hub.callService('/embodied/reset', 'std_srvs/Trigger', {}, 3000)) as { success: boolean; message: string };
    expect(answer).toEqual({ success: true, message: 'e-stop released' });
    await until(() => control.pipeline.safety.state === 'active', 3000, 'the loop to become active again');
    const again = (await server.hub.callService('/embodied/reset', 'std_srvs/Trigger', {}, 3000)) as { success: boolean; message: string };
    expect(again.success).toBe(false);
    expect(again.message).toMatch(/nothing to reset/);
    // The e-stop service latches it too, with its own reason; reset releases it again.
    const pressed = (await server.hub.callService('/embodied/trigger_estop', 'std_srvs/Trigger', {}, 3000)) as { success: boolean; message: string };
    expect(pressed).toEqual({ success: true, message: 'e-stop latched (release with /embodied/reset)' });
    await until(() => control.pipeline.safety.state === 'e-stopped', 2000, 'the e-stop from the service');
    expect(control.pipeline.safety.reason).toBe('e-stop from /embodied/trigger_estop');
    expect(((await server.hub.callService('/embodied/reset', 'std_srvs/Trigger', {}, 3000)) as { success: boolean }).success).toBe(true);
    await until(() => control.pipeline.safety.state === 'active', 3000, 'the loop to become active again');
  }, 20_000);
});
