// The simulator's services over a real socket (startSimServer on port 0, roslib as the client):
// stepping in lockstep (/sim/step, /sim/step_simulation), the payload as Universal Robots'
// driver sets it (/sim/set_payload, ur_msgs/SetPayload) and fault injection (/sim/fault/inject,
// embodied_msgs/SetFault). In lockstep nothing moves between calls, so every check is exact.
import { afterEach, describe, expect, it } from 'vitest';
import { Service, Topic, type Ros } from 'roslib';
import { BridgeHub } from '../../bridge/hub.ts';
import { attachSimEndpoint, MAX_STEPS_PER_CALL } from '../../sim/endpoint.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';
import { startSimServer, type SimServer, type SimServerOptions } from '../../sim/server.ts';
import { connectRos, sleep } from '../bridge/helpers.ts';

const Q0 = [0, 0.2, 0.4, 0, 0.3, 0];
const TOPICS = {
  '/clock': 'rosgraph_msgs/msg/Clock', '/joint_states': 'sensor_msgs/msg/JointState',
  '/imu/data': 'sensor_msgs/msg/Imu', '/ft_sensor/wrench': 'geometry_msgs/msg/WrenchStamped',
} as const;
type Watched = keyof typeof TOPICS;
interface Stamped { header: { stamp: { sec: number; nanosec: number } } }
interface JointStateMessage extends Stamped { effort: number[] }
interface WrenchMessage extends Stamped { wrench: { force: { x: number; y: number; z: number } } }
interface Answer { success: boolean; message?: string }
interface StepAnswer { result: { result: number; error_message: string } }

const opened: { server: SimServer; ros: Ros }[] = [];
afterEach(async () => {
  for (const { server, ros } of opened.splice(0)) {
    ros.close();
    await server.close();
  }
});

/** Integer nanoseconds of a ROS 2 time (exact, unlike seconds as a float). */
const nanos = (t: { sec: number; nanosec: number }) => t.sec * 1_000_000_000 + t.nanosec;

/** A simulator server (lockstep unless told) with a roslib client watching the state topics. */
async function simulator(options: SimServerOptions = {}) {
  const lines: string[] = [];
  const server = await startSimServer({ port: 0, clock: 'lockstep', q0: Q0, log: (line) => lines.push(line), ...options });
  const ros = await connectRos(server.url);
  opened.push({ server, ros });
  const latest = new Map<Watched, unknown>();
  const count = { '/clock': 0, '/joint_states': 0, '/imu/data': 0, '/ft_sensor/wrench': 0 } satisfies Record<Watched, number>;
  const watch = (...topics: Watched[]) => {
    for (const topic of topics) {
      new Topic({ ros, name: topic, messageType: TOPICS[topic] }).subscribe((message) => {
        latest.set(topic, message);
        count[topic]++;
      });
    }
  };
  const call = <T = Answer>(name: string, type: string, args: unknown) =>
    new Promise<T>((resolve, reject) => new Service({ ros, name, serviceType: type }).callService(args as never, (answer) => resolve(answer as T), (error) => reject(new Error(String(error)))));
  const step = (steps?: number) => call<StepAnswer>('/sim/step_simulation', 'simulation_interfaces/srv/StepSimulation', steps === undefined ? {} : { steps });
  const inject = (request: unknown) => call('/sim/fault/inject', 'embodied_msgs/srv/SetFault', request);
  const setPayload = (request: unknown) => call('/sim/set_payload', 'ur_msgs/srv/SetPayload', request);
  const publish = (topic: string, type: string, message: unknown) => new Topic({ ros, name: topic, messageType: type }).publish(message as never);
  /** A round trip: every frame sent before it (subscribe, publish) has reached the server. */
  const barrier = async () => {
    await sleep(30);
    await call('/sim/pause', 'std_srvs/srv/SetBool', { data: true });
  };
  const clockNanos = () => nanos((latest.get('/clock') as { clock: { sec: number; nanosec: number } }).clock);
  return { server, ros, lines, latest, count, watch, call, step, inject, setPayload, publish, barrier, clockNanos };
}

describe('lockstep stepping', () => {
  it('/clock advances by exactly one physics step per /sim/step call, the state of that instant arrives before the answer, and nothing moves without calls', async () => {
    const s = await simulator();
    s.watch('/clock', '/joint_states');
    await s.barrier();
    await sleep(300);
    expect(s.count['/clock']).toBe(0);
    expect(s.server.sim.time).toBe(0);
    const dtNanos = Math.round(s.server.sim.plant.dt * 1e9);
    for (let k = 1; k <= 5; k++) {
      const answer = await s.call('/sim/step', 'std_srvs/srv/Trigger', {});
      expect(answer.success).toBe(true);
      expect(s.count['/clock']).toBe(k);
      expect(s.clockNanos()).toBe(k * dtNanos);
      expect(s.count['/joint_states']).toBe(k);
      // The joint state is sampled at the start of the step that reached the clock.
      expect(s.clockNanos() - nanos((s.latest.get('/joint_states') as Stamped).header.stamp)).toBe(dtNanos);
    }
    await sleep(300);
    expect(s.count['/clock']).toBe(5);
    expect(s.server.sim.time).toBeCloseTo(5 * s.server.sim.plant.dt, 12);
    // Lockstep cannot be resumed into real time: nothing paces it.
    const resume = await s.call('/sim/pause', 'std_srvs/srv/SetBool', { data: false });
    expect(resume).toMatchObject({ success: false, message: expect.stringMatching(/lockstep: the simulator moves only on \/sim\/step/) });
    expect(s.server.endpoint.paused).toBe(true);
  }, 20_000);

  it('/sim/step_simulation (simulation_interfaces/StepSimulation) runs N steps before it answers, 1 when steps is left out, and refuses 0 or more than the bound', async () => {
    const s = await simulator({ stateRate: 250 });
    s.watch('/clock');
    await s.barrier();
    const dtNanos = Math.round(s.server.sim.plant.dt * 1e9);
    expect(await s.step(250)).toEqual({ result: { result: 1, error_message: '' } });
    expect(s.clockNanos()).toBe(250 * dtNanos);
    // At 250 Hz a call that ends between two publications still publishes the instant it reached.
    expect(await s.step(3)).toEqual({ result: { result: 1, error_message: '' } });
    expect(s.clockNanos()).toBe(253 * dtNanos);
    expect(await s.call<StepAnswer>('/sim/step_simulation', 'simulation_interfaces/StepSimulation', {})).toMatchObject({ result: { result: 1 } });
    expect(s.clockNanos()).toBe(254 * dtNanos);
    expect(await s.step(0)).toEqual({ result: { result: 4, error_message: `field steps = 0: expected an integer from 1 to ${MAX_STEPS_PER_CALL}` } });
    expect((await s.step(MAX_STEPS_PER_CALL + 1)).result.result).toBe(4);
    expect(s.clockNanos()).toBe(254 * dtNanos);
  }, 20_000);

  it('in real time, the step services refuse while running; paused, they step at once and answer after the step', async () => {
    const s = await simulator({ clock: 'realtime' });
    expect((await s.step(10)).result).toEqual({ result: 4, error_message: 'not paused: call /sim/pause with data: true first' });
    expect(await s.call('/sim/step', 'std_srvs/srv/Trigger', {})).toMatchObject({ success: false });
    await s.call('/sim/pause', 'std_srvs/srv/SetBool', { data: true });
    const dt = s.server.sim.plant.dt;
    const before = Math.round(s.server.sim.time / dt);
    expect((await s.step(10)).result.result).toBe(1);
    expect(Math.round(s.server.sim.time / dt)).toBe(before + 10);
    expect(await s.call('/sim/step', 'std_srvs/srv/Trigger', {})).toMatchObject({ success: true });
    expect(Math.round(s.server.sim.time / dt)).toBe(before + 11);
    await sleep(100);
    expect(Math.round(s.server.sim.time / dt)).toBe(before + 11);
    await s.call('/sim/pause', 'std_srvs/srv/SetBool', { data: false });
    await sleep(100);
    expect(Math.round(s.server.sim.time / dt)).toBeGreaterThan(before + 11);
  }, 20_000);
});

describe('/sim/set_payload (ur_msgs/SetPayload)', () => {
  it('loads the arm exactly as the /sim/payload topic does (same joint torques), the flange F/T sees m·g, and mass 0 removes it', async () => {
    const byService = await simulator();
    const byTopic = await simulator();
    for (const s of [byService, byTopic]) {
      s.watch('/joint_states', '/ft_sensor/wrench');
      await s.barrier();
      await s.step(200);
    }
    const unloaded = (byService.latest.get('/joint_states') as JointStateMessage).effort;
    expect((byTopic.latest.get('/joint_states') as JointStateMessage).effort).toEqual(unloaded);

    expect(await byService.setPayload({ mass: 2, center_of_gravity: { x: 0, y: 0, z: 0.05 } })).toEqual({ success: true });
    byTopic.publish('/sim/payload', 'std_msgs/msg/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [2, 0, 0, 0.05] });
    await byTopic.barrier();
    await byService.step(300);
    await byTopic.step(300);
    const loaded = (byService.latest.get('/joint_states') as JointStateMessage).effort;
    expect((byTopic.latest.get('/joint_states') as JointStateMessage).effort).toEqual(loaded);
    // The shoulder holds the 2 kg too (several N·m more).
    expect(Math.abs(loaded[1] - unloaded[1])).toBeGreaterThan(2);
    const force = (s: typeof byService) => {
      const f = (s.latest.get('/ft_sensor/wrench') as WrenchMessage).wrench.force;
      return Math.hypot(f.x, f.y, f.z);
    };
    // The F/T sensor weighs it: the mean of 20 readings 10 ms apart (one reading carries the sensor's
    // noise and the arm's residual sway, ±0.5 N).
    let sum = 0;
    for (let k = 0; k < 20; k++) {
      await byService.step(10);
      sum += force(byService);
    }
    expect(sum / 20).toBeCloseTo(2 * 9.81, 0);
    expect(byService.server.sim.plant.payload).toMatchObject({ mass: 2, com: [0, 0, 0.05] });

    // Mass 0 removes it (in the ROS 1 spelling of the type).
    expect(await byService.call('/sim/set_payload', 'ur_msgs/SetPayload', { mass: 0, center_of_gravity: { x: 0, y: 0, z: 0 } })).toEqual({ success: true });
    await byService.step(300);
    expect(byService.server.sim.plant.payload).toBeNull();
    expect(force(byService)).toBeLessThan(0.5);
    // Back to the unloaded torque (the 2 kg added more than 2 N·m), within the arm's residual sway.
    expect(Math.abs((byService.latest.get('/joint_states') as JointStateMessage).effort[1] - unloaded[1])).toBeLessThan(0.3);
  }, 20_000);

  it('answers success false to a negative or non-finite mass or centre of gravity, logs why, and keeps the payload it had', async () => {
    const s = await simulator();
    expect(await s.setPayload({ mass: 1.5, center_of_gravity: { x: 0.01, y: 0, z: 0.02 } })).toEqual({ success: true });
    expect(await s.setPayload({ mass: -1, center_of_gravity: { x: 0, y: 0, z: 0 } })).toEqual({ success: false });
    expect(await s.setPayload({ mass: Number.NaN })).toEqual({ success: false });
    expect(await s.setPayload({ mass: 1, center_of_gravity: { x: 0, y: Number.POSITIVE_INFINITY, z: 0 } })).toEqual({ success: false });
    expect(s.server.sim.plant.payload).toMatchObject({ mass: 1.5, com: [0.01, 0, 0.02] });
    expect(s.server.endpoint.refused.get('/sim/set_payload')).toBe(3);
    // One line a second per service: the first refusal, naming field, value and what was expected.
    expect(s.lines).toEqual(['refused /sim/set_payload: field mass = -1: expected a finite mass in kg, >= 0 (0 removes the payload)']);
    // A request of the wrong shape does not reach the simulator: the bridge refuses it naming the field.
    await expect(s.setPayload({ mass: 'heavy' })).rejects.toThrow(/mass/);
    expect(s.server.sim.plant.payload).toMatchObject({ mass: 1.5 });
  }, 20_000);

  it('names the bad centre-of-gravity axis in the log (a NaN arrives as null)', async () => {
    const s = await simulator();
    expect(await s.setPayload({ mass: 1, center_of_gravity: { x: 0, y: Number.NaN, z: 0 } })).toEqual({ success: false });
    expect(s.lines).toEqual(['refused /sim/set_payload: field center_of_gravity.y = null: expected a finite number (m, tip frame)']);
    expect(s.server.sim.plant.payload).toBeNull();
  }, 20_000);
});

describe('/sim/fault/inject (embodied_msgs/SetFault)', () => {
  it('delay: a command takes effect, and the state arrives, only after the delay in simulated time; 0 clears it', async () => {
    const s = await simulator();
    s.watch('/clock', '/joint_states');
    await s.barrier();
    await s.step(10);
    expect(await s.inject({ fault: 'delay', joints: [], value: 0.05 })).toEqual({ success: true, message: 'state and commands delayed 0.05 s each way' });
    s.publish('/forward_velocity_controller/commands', 'std_msgs/msg/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data: [0.1, 0, 0, 0, 0, 0] });
    await s.barrier();
    await s.step(48);
    expect(s.server.sim.active).toBe('none');
    await s.step(4);
    expect(s.server.sim.active).toBe('forward_velocity_controller');
    await s.step(20);
    const lag = (s.clockNanos() - nanos((s.latest.get('/joint_states') as Stamped).header.stamp)) / 1e9;
    expect(lag).toBeGreaterThanOrEqual(0.05);
    expect(lag).toBeLessThanOrEqual(0.05 + 2 * s.server.sim.plant.dt);
    expect(await s.inject({ fault: 'delay', value: 0 })).toEqual({ success: true, message: 'communication delay cleared' });
    await s.step(60);
    expect(s.clockNanos() - nanos((s.latest.get('/joint_states') as Stamped).header.stamp)).toBe(Math.round(s.server.sim.plant.dt * 1e9));
  }, 20_000);

  it('overheat: the named joint\'s winding heats and the others do not; hot enough, the drive cuts its current and the joint sags; [] and 0 clear every joint', async () => {
    const s = await simulator();
    const temperature = s.server.sim.plant.actuators.temperature;
    await s.step(100);
    const before = Array.from(temperature);
    expect(await s.inject({ fault: 'overheat', joints: ['joint2'], value: 500 })).toEqual({ success: true, message: '500 W extra winding heat in joint2' });
    await s.step(1000);
    // 500 W for 1 s into a 250 J/K winding: 2 K, less what it sheds.
    expect(temperature[1] - before[1]).toBeGreaterThan(1.5);
    for (const k of [0, 2, 3, 4, 5]) expect(Math.abs(temperature[k] - before[k])).toBeLessThan(0.1);
    // Past its maximum temperature the drive derates to no current: the shoulder falls under gravity.
    expect(await s.inject({ fault: 'overheat', joints: ['joint2'], value: 20_000 })).toMatchObject({ success: true });
    await s.step(3000);
    expect(s.server.sim.plant.actuators.current[1]).toBe(0);
    expect(Math.abs(s.server.sim.plant.q[1] - Q0[1])).toBeGreaterThan(0.5);
    expect(await s.inject({ fault: 'overheat', joints: [], value: 0 })).toEqual({ success: true, message: '0 W extra winding heat in every joint' });
    expect(Array.from(s.server.sim.plant.actuators.faultHeat)).toEqual([0, 0, 0, 0, 0, 0]);
  }, 30_000);

  it('dropout: value 1 stops every sensor topic while /clock runs on; value 0 brings them back', async () => {
    const s = await simulator();
    s.watch('/clock', '/joint_states', '/imu/data', '/ft_sensor/wrench');
    await s.barrier();
    await s.step(10);
    expect(await s.inject({ fault: 'dropout', value: 1 })).toEqual({ success: true, message: 'every sensor stopped delivering' });
    await s.step(2); // what was sampled before the dropout still goes out
    const frozen = { ...s.count };
    for (const topic of ['/joint_states', '/imu/data', '/ft_sensor/wrench'] as const) expect(frozen[topic], topic).toBeGreaterThan(5);
    await s.step(50);
    expect(s.count['/clock']).toBe(frozen['/clock'] + 50);
    for (const topic of ['/joint_states', '/imu/data', '/ft_sensor/wrench'] as const) expect(s.count[topic], topic).toBe(frozen[topic]);
    expect(await s.inject({ fault: 'dropout', value: 0 })).toEqual({ success: true, message: 'sensors delivering' });
    await s.step(10);
    for (const topic of ['/joint_states', '/imu/data', '/ft_sensor/wrench'] as const) expect(s.count[topic], topic).toBeGreaterThan(frozen[topic] + 5);
  }, 20_000);

  it('refuses a bad request with success false and a message naming field, value and what was expected, and changes nothing', async () => {
    const s = await simulator();
    const cases: [unknown, RegExp][] = [
      [{ fault: 'melt', value: 1 }, /^field fault = "melt": expected "delay", "overheat" or "dropout"$/],
      [{ value: 1 }, /^field fault = "": expected "delay"/],
      [{ fault: 'overheat', joints: ['joint2', 'nope'], value: 10 }, /^field joints\[1\] = "nope": expected one of joint1, joint2, joint3, joint4, joint5, joint6 \(\[\] for every joint\)$/],
      [{ fault: 'overheat', joints: ['joint2'], value: -5 }, /^field value = -5: expected extra winding heat in W, >= 0 \(0 clears\)$/],
      [{ fault: 'delay', value: 5 }, /^field value = 5: expected a one-way delay in s, 0 to 1 \(0 clears\)$/],
      [{ fault: 'delay', joints: ['joint1'], value: 0.01 }, /^field joints = \["joint1"\]: delay acts on the whole robot, expected \[\]$/],
      [{ fault: 'dropout', value: 0.5 }, /^field value = 0.5: expected 1 \(every sensor stops delivering\) or 0 \(sensors deliver again\)$/],
      [{ fault: 'delay', value: Number.NaN }, /^field value = null: expected a finite number/],
    ];
    for (const [request, message] of cases) {
      const answer = await s.call('/sim/fault/inject', 'embodied_msgs/SetFault', request);
      expect(answer.success, JSON.stringify(request)).toBe(false);
      expect(answer.message, JSON.stringify(request)).toMatch(message);
    }
    expect(s.server.endpoint.refused.get('/sim/fault/inject')).toBe(cases.length);
    expect(s.server.sim.commDelay).toBe(0);
    expect(Array.from(s.server.sim.plant.actuators.faultHeat)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(s.server.sim.plant.sensors.position.dropout).toBe(false);
    // A field of the wrong type is the bridge's to refuse, naming it.
    await expect(s.inject({ fault: 3 })).rejects.toThrow(/fault/);
  }, 20_000);

  it('refuses overheat on a robot without drives: there is no winding to heat', async () => {
    const hub = new BridgeHub();
    const { sim } = loadSimRobot('servo-arm', { coupling: 'ideal' });
    const endpoint = attachSimEndpoint(hub, sim);
    const answer = await hub.callService('/sim/fault/inject', 'embodied_msgs/srv/SetFault', { fault: 'overheat', joints: [], value: 100 });
    expect(answer).toEqual({ success: false, message: 'overheat: this robot runs without drives (ideal actuators), there is no motor winding to heat' });
    endpoint.close();
  });
});
