// The simulated robot on a Bus (the rosbridge server's hub, or the in-process bus), looking
// exactly like a ros2_control robot behind rosbridge_server, plus simulator controls.
//
// Published: /joint_states (sensor_msgs/JointState, URDF joint order), /imu/data (sensor_msgs/Imu),
// /ft_sensor/wrench (geometry_msgs/WrenchStamped), /tf and /tf_static (tf2_msgs/TFMessage),
// /robot_description (std_msgs/String, latched), /clock (rosgraph_msgs/Clock),
// /sim/status (std_msgs/String, JSON, 1 Hz of sim time).
// Subscribed: /forward_position_controller/commands, /forward_velocity_controller/commands,
// /forward_effort_controller/commands, /motor_current_controller/commands (motor-level: winding
// current per joint in A, motor side) — all std_msgs/Float64MultiArray, one value per joint in URDF
// order; /joint_trajectory_controller/joint_trajectory (trajectory_msgs/JointTrajectory);
// /sim/payload (std_msgs/Float64MultiArray [mass kg, com x y z m in the tip frame]; mass 0 removes);
// /sim/fault/delay (std_msgs/Float64: one-way communication delay in s, 0 clears);
// /sim/fault/overheat (std_msgs/Float64MultiArray: extra winding heat per joint in W).
// Action: /joint_trajectory_controller/follow_joint_trajectory (control_msgs/FollowJointTrajectory).
// Services: /sim/reset, /sim/step (one physics step while paused), /sim/fault/clear,
// /sim/payload/clear (std_srvs/Trigger); /sim/pause, /sim/fault/sensor_dropout (std_srvs/SetBool);
// /sim/step_simulation (simulation_interfaces/StepSimulation: N steps while paused);
// /sim/set_payload (ur_msgs/SetPayload, as Universal Robots' driver: mass kg, 0 removes;
// center_of_gravity m in the tip frame); /sim/fault/inject (embodied_msgs/SetFault: fault 'delay'
// (value s, 0 to 1, joints []), 'overheat' (value W into the named joints' windings, [] all) or
// 'dropout' (value 1 every sensor stops, 0 they deliver again, joints []); 0 clears each).
// With a stepper (startSimServer), the step services run their steps before they answer and the
// state (/clock, sensor topics) at the instant stepped to is published before the answer.
import type { Bus, GoalContext, Subscription, Advertisement } from '../bridge/bus.ts';
import { makeHeader, makeTime } from '../bridge/message-build.ts';
import { TrajectoryErrorCode, parseFollowJointTrajectoryGoal, parseJointTrajectoryMessage } from '../control/trajectory-input.ts';
import { TfPublisher } from '../perception/tf-publisher.ts';
import { field, fieldsOf, parseFaultRequest, payloadOf } from './endpoint-requests.ts';
import type { SimRobot } from './sim-robot.ts';

/** Rates (Hz of simulated time) at which the endpoint publishes. */
export interface EndpointOptions {
  /** /joint_states, /imu/data, /ft_sensor/wrench, /clock (default 1000, at most the physics rate). */
  stateRate?: number;
  /** /tf (default 50). */
  tfRate?: number;
  /** Action feedback (default 20). */
  feedbackRate?: number;
  /** Frame of the IMU and F/T messages: default the IMU link and the tip link. */
  imuFrame?: string;
  ftFrame?: string;
  /**
   * Where refused commands are reported (a command of the wrong length, non-finite values, a bad
   * trajectory or fault value), as a ros2_control controller logs them; at most one line per topic
   * a second, with the count of the ones not shown. Default: none (they are counted in `refused`).
   */
  log?: (line: string) => void;
  /**
   * Runs `count` physics steps, each followed by afterStep (the server's own stepping). Given,
   * /sim/step and /sim/step_simulation run their steps while paused before they answer; without
   * it /sim/step only queues a step for whoever steps the simulator (takeStepRequest).
   */
  step?: (count: number) => void;
  /** Lockstep: paused from the start for good (nothing paces the simulator; it moves on /sim/step). */
  lockstep?: boolean;
}

/** A running endpoint; call `afterStep()` after every physics step, `close()` to detach. */
export interface SimEndpoint {
  afterStep(): void;
  close(): void;
  /** Messages published so far per topic (for status and tests). */
  readonly published: Map<string, number>;
  /** Commands refused so far per topic (wrong length, non-finite, not matching the type...). */
  readonly refused: Map<string, number>;
}

/** An endpoint with the pause and single-step controls its services set. */
export interface PausableEndpoint extends SimEndpoint {
  /** Set by /sim/pause (always true in lockstep): while true the pacer steps only on /sim/step requests. */
  paused: boolean;
  /** True when attached in lockstep (options.lockstep). */
  readonly lockstep: boolean;
  /** True (once per request) when /sim/step asked for a step. */
  takeStepRequest(): boolean;
}

interface Delayed { due: number; run: () => void }

/** Most physics steps one /sim/step_simulation call runs (100 s of a 1 ms step), so one call cannot stall the server for minutes. */
export const MAX_STEPS_PER_CALL = 100_000;
/** simulation_interfaces/Result codes. */
const RESULT = { featureUnsupported: 0, ok: 1, operationFailed: 4 } as const;
/** Extracts Float64MultiArray.data as numbers, or returns an error naming the field. */
function multiArrayData(msg: unknown, topic: string): number[] | string {
  if (typeof msg !== 'object' || msg === null) return `${topic}: expected a std_msgs/Float64MultiArray object`;
  const data = (msg as Record<string, unknown>).data;
  if (ArrayBuffer.isView(data)) return Array.from(data as unknown as ArrayLike<number>);
  if (!Array.isArray(data)) return `${topic}: field data = ${JSON.stringify(data)}, expected an array of numbers`;
  for (let i = 0; i < data.length; i++) if (typeof data[i] !== 'number') return `${topic}: data[${i}] = ${JSON.stringify(data[i])}, expected a number`;
  return data as number[];
}

/** Attaches `sim` to `bus`. */
export function attachSimEndpoint(bus: Bus, sim: SimRobot, options: EndpointOptions = {}): PausableEndpoint {
  const dialect = bus.dialect;
  const model = sim.model;
  const plant = sim.plant;
  const names = [...model.jointNames];
  const dt = plant.dt;
  const every = (rate: number, what: string) => {
    if (!(rate > 0)) throw new Error(`${what} = ${rate}: expected > 0 Hz`);
    return Math.max(1, Math.round(1 / (rate * dt)));
  };
  const stateEvery = every(options.stateRate ?? 1000, 'stateRate');
  const tfEvery = every(options.tfRate ?? 50, 'tfRate');
  const feedbackEvery = every(options.feedbackRate ?? 20, 'feedbackRate');
  const statusEvery = every(1, 'statusRate');
  const imuFrame = options.imuFrame ?? model.linkNames[plant.sensors.imuLink];
  const ftFrame = options.ftFrame ?? model.linkNames[model.tip];
  const tf = new TfPublisher(model, dialect);
  const published = new Map<string, number>();
  const subscriptions: Subscription[] = [];
  const advertisements: Advertisement[] = [];
  const pending: Delayed[] = [];

  const publish = (topic: string, type: string, msg: unknown, latch = false) => {
    bus.publish(topic, type, msg, latch ? { latch: true } : undefined);
    published.set(topic, (published.get(topic) ?? 0) + 1);
  };
  /** Runs `run` now, or after the injected communication delay (in simulated time). */
  const delayed = (run: () => void) => {
    if (sim.commDelay > 0) pending.push({ due: plant.time + sim.commDelay, run });
    else run();
  };

  bus.advertise('/robot_description', 'std_msgs/String', { latch: true });
  publish('/robot_description', 'std_msgs/String', { data: sim.urdfText }, true);
  bus.advertise('/tf_static', 'tf2_msgs/TFMessage', { latch: true });
  publish('/tf_static', 'tf2_msgs/TFMessage', tf.staticMessage(0), true);
  for (const [topic, type] of [
    ['/joint_states', 'sensor_msgs/JointState'], ['/imu/data', 'sensor_msgs/Imu'], ['/ft_sensor/wrench', 'geometry_msgs/WrenchStamped'],
    ['/tf', 'tf2_msgs/TFMessage'], ['/clock', 'rosgraph_msgs/Clock'], ['/sim/status', 'std_msgs/String'],
  ] as const) bus.advertise(topic, type);

  const status = (message: string, success = true) => ({ success, message });
  // Refused commands: counted per topic, logged at most once a second per topic (wall clock).
  const refused = new Map<string, number>();
  const lastLogged = new Map<string, { at: number; count: number }>();
  const refuse = (topic: string, why: string) => {
    const count = (refused.get(topic) ?? 0) + 1;
    refused.set(topic, count);
    const now = Date.now();
    const last = lastLogged.get(topic);
    if (options.log && (last === undefined || now - last.at >= 1000)) {
      const unshown = last === undefined ? 0 : count - last.count - 1;
      options.log(`refused ${topic}: ${why}${unshown > 0 ? ` (${unshown} more refused since the last report)` : ''}`);
      lastLogged.set(topic, { at: now, count });
    }
  };
  const onForward = (kind: 'position' | 'velocity' | 'effort') => (msg: unknown) => {
    const topic = `/forward_${kind}_controller/commands`;
    const data = multiArrayData(msg, topic);
    if (typeof data === 'string') return refuse(topic, data);
    delayed(() => {
      const error = sim.forward(kind, data);
      if (error) refuse(topic, error);
    });
  };
  subscriptions.push(
    bus.subscribe('/forward_position_controller/commands', 'std_msgs/Float64MultiArray', onForward('position')),
    bus.subscribe('/forward_velocity_controller/commands', 'std_msgs/Float64MultiArray', onForward('velocity')),
    bus.subscribe('/forward_effort_controller/commands', 'std_msgs/Float64MultiArray', onForward('effort')),
    bus.subscribe('/motor_current_controller/commands', 'std_msgs/Float64MultiArray', (msg) => {
      const topic = '/motor_current_controller/commands';
      const data = multiArrayData(msg, topic);
      if (typeof data === 'string') return refuse(topic, data);
      delayed(() => {
        const error = sim.motorCurrents(data);
        if (error) refuse(topic, error);
      });
    }),
    bus.subscribe('/joint_trajectory_controller/joint_trajectory', 'trajectory_msgs/JointTrajectory', (msg) => {
      try {
        const input = parseJointTrajectoryMessage(msg);
        delayed(() => {
          const result = sim.followTrajectory(input);
          if (!result.accepted) refuse('/joint_trajectory_controller/joint_trajectory', result.errorString);
        });
      } catch (error) {
        // An invalid trajectory is dropped, as ros2_control's controller does (it logs and ignores it).
        refuse('/joint_trajectory_controller/joint_trajectory', (error as Error).message);
      }
    }),
    bus.subscribe('/sim/payload', 'std_msgs/Float64MultiArray', (msg) => {
      const data = multiArrayData(msg, '/sim/payload');
      if (typeof data === 'string') return refuse('/sim/payload', data);
      if (data.length !== 4 || !data.every(Number.isFinite) || data[0] < 0) return refuse('/sim/payload', `data = ${JSON.stringify(data)}, expected [mass (kg) >= 0, com x, y, z (m)] (mass 0 removes the payload)`);
      sim.setPayload(data[0] > 0 ? { mass: data[0], com: data.slice(1, 4) } : null);
    }),
    bus.subscribe('/sim/fault/delay', 'std_msgs/Float64', (msg) => {
      const value = (msg as { data?: unknown } | null)?.data;
      if (typeof value === 'number' && value >= 0 && value <= 1) sim.commDelay = value;
      else refuse('/sim/fault/delay', `data = ${JSON.stringify(value)}, expected a delay in seconds, 0 to 1`);
    }),
    bus.subscribe('/sim/fault/overheat', 'std_msgs/Float64MultiArray', (msg) => {
      const data = multiArrayData(msg, '/sim/fault/overheat');
      if (typeof data === 'string') return refuse('/sim/fault/overheat', data);
      const error = sim.setOverheat(data);
      if (error) refuse('/sim/fault/overheat', error);
    }),
  );

  /** Applies an embodied_msgs/SetFault request: what it did, or why not (field, value, expected). */
  const injectFault = (args: unknown) => {
    const request = parseFaultRequest(args, names, plant.actuators.kind === 'drive');
    if (typeof request === 'string') {
      refuse('/sim/fault/inject', request);
      return status(request, false);
    }
    const { fault, joints, value } = request;
    if (fault === 'delay') {
      sim.commDelay = value;
      return status(value > 0 ? `state and commands delayed ${value} s each way` : 'communication delay cleared');
    }
    if (fault === 'dropout') {
      sim.setSensorDropout(value === 1);
      return status(value === 1 ? 'every sensor stopped delivering' : 'sensors delivering');
    }
    const heat = Array.from(plant.actuators.faultHeat);
    if (joints.length === 0) heat.fill(value);
    for (const name of joints) heat[names.indexOf(name)] = value;
    const error = sim.setOverheat(heat);
    if (error) {
      refuse('/sim/fault/inject', error);
      return status(error, false);
    }
    return status(`${value} W extra winding heat in ${joints.length > 0 ? joints.join(', ') : 'every joint'}`);
  };

  let paused = options.lockstep ?? false;
  let stepRequests = 0;
  let steps = 0;
  /** Runs `count` steps, then publishes the state at the instant reached unless its last step did. */
  const stepNow = (stepper: (count: number) => void, count: number) => {
    stepper(count);
    if (steps % stateEvery !== 0) publishState();
  };
  advertisements.push(
    bus.advertiseService('/sim/reset', 'std_srvs/Trigger', () => {
      sim.reset();
      pending.length = 0;
      return status(`reset to the initial state at t = ${plant.time} s`);
    }),
    bus.advertiseService('/sim/pause', 'std_srvs/SetBool', (args) => {
      const data = (args as { data?: unknown } | null)?.data;
      if (typeof data !== 'boolean') return status(`field data = ${JSON.stringify(data)}, expected a boolean`, false);
      if (options.lockstep && !data) return status('lockstep: the simulator moves only on /sim/step and /sim/step_simulation, there is no real-time clock to resume', false);
      paused = data;
      return status(paused ? 'paused' : 'running');
    }),
    bus.advertiseService('/sim/step', 'std_srvs/Trigger', () => {
      if (!paused) return status('not paused: call /sim/pause with data: true first', false);
      if (!options.step) {
        stepRequests++;
        return status(`stepping ${plant.dt} s`);
      }
      stepNow(options.step, 1);
      return status(`stepped to t = ${plant.time} s`);
    }),
    bus.advertiseService('/sim/step_simulation', 'simulation_interfaces/StepSimulation', (args) => {
      const answer = (result: number, message = '') => ({ result: { result, error_message: message } });
      const count = field(fieldsOf(args), 'steps', 1); // the .srv's default
      if (!options.step) return answer(RESULT.featureUnsupported, 'this simulator endpoint is stepped by its owner, not by services');
      if (!paused) return answer(RESULT.operationFailed, 'not paused: call /sim/pause with data: true first');
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_STEPS_PER_CALL) {
        return answer(RESULT.operationFailed, `field steps = ${JSON.stringify(count)}: expected an integer from 1 to ${MAX_STEPS_PER_CALL}`);
      }
      stepNow(options.step, count);
      return answer(RESULT.ok);
    }),
    bus.advertiseService('/sim/set_payload', 'ur_msgs/SetPayload', (args) => {
      const payload = payloadOf(args);
      if (typeof payload === 'string') {
        // SetPayload's answer has no message: the reason goes to the refused-command log.
        refuse('/sim/set_payload', payload);
        return { success: false };
      }
      sim.setPayload(payload);
      return { success: true };
    }),
    bus.advertiseService('/sim/fault/sensor_dropout', 'std_srvs/SetBool', (args) => {
      const data = (args as { data?: unknown } | null)?.data;
      if (typeof data !== 'boolean') return status(`field data = ${JSON.stringify(data)}, expected a boolean`, false);
      sim.setSensorDropout(data);
      return status(data ? 'every sensor stopped delivering' : 'sensors delivering');
    }),
    bus.advertiseService('/sim/fault/inject', 'embodied_msgs/SetFault', injectFault),
    bus.advertiseService('/sim/fault/clear', 'std_srvs/Trigger', () => {
      sim.clearFaults();
      return status('faults cleared');
    }),
    bus.advertiseService('/sim/payload/clear', 'std_srvs/Trigger', () => {
      sim.setPayload(null);
      return status('payload removed');
    }),
  );

  // FollowJointTrajectory: one goal at a time; a new goal preempts the running one.
  let goal: GoalContext | undefined;
  advertisements.push(bus.advertiseAction('/joint_trajectory_controller/follow_joint_trajectory', 'control_msgs/FollowJointTrajectory', (raw, context) => {
    let input;
    try {
      input = parseFollowJointTrajectoryGoal(raw);
    } catch (error) {
      context.abort({ error_code: TrajectoryErrorCode.INVALID_GOAL, error_string: error instanceof Error ? error.message : String(error) });
      return;
    }
    const result = sim.followTrajectory(input);
    if (!result.accepted) {
      context.abort({ error_code: result.errorCode, error_string: result.errorString });
      return;
    }
    if (goal) goal.abort({ error_code: TrajectoryErrorCode.SUCCESSFUL, error_string: 'preempted by a new goal' });
    goal = context;
    context.onCancel(() => {
      if (goal !== context) return;
      sim.trajectory.cancel();
      goal = undefined;
      context.canceled({ error_code: TrajectoryErrorCode.SUCCESSFUL, error_string: 'canceled' });
    });
  }));

  const point = (q: ArrayLike<number>, v: ArrayLike<number>) => ({
    positions: Array.from(q), velocities: Array.from(v), accelerations: [], effort: [], time_from_start: makeTime(0, dialect),
  });
  const pollGoal = (steps: number) => {
    if (!goal) return;
    const jtc = sim.trajectory;
    if (jtc.status === 'succeeded') {
      goal.succeed({ error_code: TrajectoryErrorCode.SUCCESSFUL, error_string: '' });
      goal = undefined;
    } else if (jtc.status === 'aborted' || (jtc.status === 'preempted' && sim.active !== 'joint_trajectory_controller')) {
      goal.abort({ error_code: jtc.errorCode, error_string: jtc.errorString || 'stopped' });
      goal = undefined;
    } else if (steps % feedbackEvery === 0) {
      const ctx = sim.trajectoryPipeline.ctx;
      const error = Array.from(ctx.qRef, (r, k) => r - ctx.q[k]);
      goal.feedback({
        header: makeHeader(plant.time, '', dialect), joint_names: names,
        desired: point(ctx.qRef, ctx.vRef), actual: point(ctx.q, ctx.v), error: point(error, Array.from(ctx.vRef, (r, k) => r - ctx.v[k])),
      });
    }
  };

  const publishState = () => {
    const t = plant.time;
    const ports = sim.ports;
    const s = plant.sensors;
    const header = makeHeader(ports.state.stamp, '', dialect);
    const clean = (a: Float64Array) => Array.from(a, (x) => (Number.isFinite(x) ? x : 0));
    const jointState = { header, name: names, position: clean(ports.state.position), velocity: clean(ports.state.velocity), effort: clean(ports.state.effort) };
    const g = s.gyro.value, a = s.accelerometer.value, o = s.orientation, w = s.forceTorque.value;
    const imu = {
      header: makeHeader(s.gyro.stamp, imuFrame, dialect),
      orientation: { x: o[0], y: o[1], z: o[2], w: o[3] }, orientation_covariance: new Array(9).fill(0),
      angular_velocity: { x: g[0], y: g[1], z: g[2] }, angular_velocity_covariance: new Array(9).fill(0),
      linear_acceleration: { x: a[0], y: a[1], z: a[2] }, linear_acceleration_covariance: new Array(9).fill(0),
    };
    const wrench = { header: makeHeader(s.forceTorque.stamp, ftFrame, dialect), wrench: { force: { x: w[0], y: w[1], z: w[2] }, torque: { x: w[3], y: w[4], z: w[5] } } };
    const clock = { clock: makeTime(t, dialect) };
    const fresh = { joints: ports.state.sequence, imu: ports.imu.sequence, wrench: ports.wrench.sequence };
    delayed(() => {
      if (fresh.joints !== lastSent.joints) publish('/joint_states', 'sensor_msgs/JointState', jointState);
      if (fresh.imu !== lastSent.imu && Number.isFinite(g[0])) publish('/imu/data', 'sensor_msgs/Imu', imu);
      if (fresh.wrench !== lastSent.wrench && Number.isFinite(w[0])) publish('/ft_sensor/wrench', 'geometry_msgs/WrenchStamped', wrench);
      Object.assign(lastSent, fresh);
    });
    publish('/clock', 'rosgraph_msgs/Clock', clock);
  };
  const lastSent = { joints: -1, imu: -1, wrench: -1 };

  const endpoint: PausableEndpoint = {
    published,
    refused,
    lockstep: options.lockstep ?? false,
    get paused() { return paused; },
    set paused(value: boolean) { paused = value || (options.lockstep ?? false); },
    takeStepRequest() {
      if (stepRequests === 0) return false;
      stepRequests--;
      return true;
    },
    afterStep() {
      steps++;
      while (pending.length > 0 && pending[0].due <= plant.time + 1e-12) pending.shift()!.run();
      if (steps % stateEvery === 0) publishState();
      if (steps % tfEvery === 0) {
        tf.update(plant.q);
        publish('/tf', 'tf2_msgs/TFMessage', tf.dynamicMessage(plant.time));
      }
      if (steps % statusEvery === 0) {
        publish('/sim/status', 'std_msgs/String', {
          data: JSON.stringify({ time: plant.time, paused, lockstep: options.lockstep ?? false, controller: sim.active, delay: sim.commDelay, payload: plant.payload, dropout: plant.sensors.position.dropout }),
        });
      }
      pollGoal(steps);
    },
    close() {
      for (const s of subscriptions) s.unsubscribe();
      for (const a of advertisements) a.unadvertise();
      if (goal) goal.abort({ error_code: TrajectoryErrorCode.SUCCESSFUL, error_string: 'simulator stopped' });
      goal = undefined;
    },
  };
  return endpoint;
}

