// The control loop as a rosbridge client of any server (a real robot's or our simulator's): the
// composition behind `embodied run`, exported so `embodied start` can run it in the same process.
// The wire contract (topics, types, labels) is written down in control/WIRE.md.
import { readFileSync } from 'node:fs';
import { loadRobot } from '../sim/load-robot.ts';
import { parseDriveFile } from '../robot/drive/drive-file.ts';
import type { DriveSet } from '../robot/drive/drive-set.ts';
import { createRobotPorts, type RobotPorts } from '../robot/ports.ts';
import { withArmature, type RobotModel } from '../robot/model.ts';
import { armatureOf, jointLimitsFromDrive } from '../robot/drive/maps.ts';
import { RosbridgeClient } from '../bridge/client.ts';
import { JointStateReader } from '../bridge/adapter-state.ts';
import { DEFAULT_FORWARD_TOPICS, ForwardCommandWriter, type ForwardTopics } from '../bridge/adapter-commands.ts';
import type { GoalContext } from '../bridge/bus.ts';
import {
  CascadeController, ComputedTorqueController, ControlLoop, ControlPipeline, GravityCompensation, JogReference, JointTrajectoryController,
  OtgSetpointReference, PositionForwardController, TUNING_TOPICS, frictionCompensation, createTuningDispatch, applyGainsUpdate, jointLimitsFromModel, buildControllerState, buildDiagnosticArray, decodeGains,
  parseFollowJointTrajectoryGoal, parseJointTrajectoryMessage, waitStrategyByName, type Controller, type OverrunPolicy, type PidGains, type SafetyOptions,
  COLLISION_POLICIES, CollisionReaction, MAX_LOOP_RATE, KalmanEstimator, MotorOutput, collisionDiagnosticStatus, collisionThresholdsFromModel, type CollisionPolicy, type Estimator,
} from '../control/index.ts';

/**
 * Command interface the loop drives: position (forward position controller), velocity or effort (PID
 * cascade), or motor-current (the effort controller's torque turned into winding currents through the
 * drive maps, published on the robot's motor-level controller; needs a drive file).
 */
export type CommandInterface = 'position' | 'velocity' | 'effort' | 'motor-current';

/** The command interfaces, for flag validation. */
export const COMMAND_INTERFACES: readonly CommandInterface[] = ['position', 'velocity', 'effort', 'motor-current'];

/** Estimators the client can run. */
export const ESTIMATORS = ['kalman', 'pass-through'] as const;

/** What `startControlClient` needs; everything but url and robot has a default. */
export interface ControlClientOptions {
  /** rosbridge server, ws://HOST:PORT. */
  url: string;
  /** URDF file or built-in robot name. */
  robot: string;
  /** Drive file (reducers and servos). */
  drive?: string;
  /** Loop rate (Hz); default 1000. */
  rate?: number;
  /** Command interface; default 'position'. */
  command?: CommandInterface;
  /** Token for the server's auth op (rosbridge_server's authentication), sent before anything else. */
  token?: string;
  /** Subscriptions' compression: 'auto' (default: cbor for the high-rate state topics on a server known to carry them) or 'none'. */
  compression?: 'auto' | 'none';
  /** Controller for effort commands: the PID cascade with gravity feedforward (default) or computed torque. */
  effortController?: 'cascade' | 'computed-torque';
  /** Command publish rate (Hz); default 100. */
  publishRate?: number;
  /** Controller-state publish rate (Hz) (also the action feedback rate); default the command publish rate. */
  stateRate?: number;
  /** Loop wait strategy name (see WAIT_STRATEGIES); default 'atomics'. */
  wait?: string;
  /** Overrun policy; default 'skip'. */
  overrun?: OverrunPolicy;
  /** Watchdogs (stale state and stale command stream, s); defaults 0.1 s each. */
  safety?: SafetyOptions;
  /** Where log lines go; default stderr. */
  log?: (line: string) => void;
  /** State estimator: Kalman filter on the measured positions (default) or the message's values as they are. */
  estimator?: (typeof ESTIMATORS)[number];
  /**
   * Collision reaction (momentum observer; needs the Kalman estimator). Default 'stop' with effort and
   * motor-current commands; 'off' with position and velocity commands, where the observer can only use
   * the robot's reported torque of a stiff position loop, sampled: on a loaded machine the simulated
   * servo-arm gave false alarms at trajectory starts even at 30 % of the effort limits.
   */
  collision?: CollisionPolicy;
  /**
   * Collision threshold per joint as a fraction of its effort limit; default 0.1 with effort and
   * motor-current commands, 0.3 with position and velocity commands (the robot's stiff position loop,
   * fed steps at the publish rate, makes torque spikes the observer sees only sampled: measured
   * peaks of 20-22 % of the limits on the simulated servo-arm during a 0.8 rad/s motion).
   */
  collisionThreshold?: number;
  /** Momentum-observer gain (1/s); default 25 (over the wire the torque is sampled, a higher gain amplifies what falls between samples). */
  collisionGain?: number;
  /** Remapped names: any key of CONTROL_WIRE, and the forward command topics (position, velocity, effort). */
  topics?: Partial<Record<keyof typeof CONTROL_WIRE | keyof ForwardTopics, string>>;
  /** Gains set before the loop starts, as /embodied/gains would set them; joint '*' means every joint. */
  gains?: readonly InitialGains[];
  /**
   * The forward command controllers' joints, in the order of their `joints` parameter (a subset of
   * the model's joints, e.g. an arm without its gripper); default every model joint in model order.
   */
  commandJoints?: readonly string[];
}

/** One initial gain setting: a joint (or '*'), a loop (position, velocity or computed-torque) and the fields to set. */
export interface InitialGains {
  joint: string;
  loop: string;
  gains: Partial<PidGains>;
}

/** A running control client. */
export interface ControlClient {
  /** Stops the loop and timers and closes the connection. */
  stop(): Promise<void>;
  readonly pipeline: ControlPipeline;
  readonly loop: ControlLoop;
  readonly client: RosbridgeClient;
  readonly trajectory: JointTrajectoryController;
  readonly jog: JogReference;
  readonly setpoint: OtgSetpointReference;
  readonly controller: Controller;
  /** The collision reaction (undefined with collision 'off' or the pass-through estimator). */
  readonly collision: CollisionReaction | undefined;
  /** The motor map (command 'motor-current' only). */
  readonly motorOutput: MotorOutput | undefined;
}

/** Topic and service names of the contract (control/WIRE.md). */
export const CONTROL_WIRE = {
  jointStates: '/joint_states',
  setpoint: '/embodied/joint_setpoint',
  trajectory: '/embodied/joint_trajectory',
  followTrajectory: '/embodied/follow_joint_trajectory',
  jointJog: '/servo_node/delta_joint_cmds',
  twistJog: '/servo_node/delta_twist_cmds',
  estop: '/embodied/estop',
  reset: '/embodied/reset',
  estopService: '/embodied/trigger_estop',
  gains: '/embodied/gains',
  gainsResult: '/embodied/gains/result',
  diagnostics: '/diagnostics',
  controllerState: '/embodied/controller_state',
  motorCurrent: '/motor_current_controller/commands',
} as const;

/** The e-stop reason set by a `true` on the e-stop topic. */
export const ESTOP_TOPIC_REASON = 'e-stop from /embodied/estop';

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function positive(value: number, name: string): number {
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} = ${value}, expected a positive number`);
  return value;
}

/**
 * The controller for a command interface. With a drive, computed torque uses the model with the
 * drive's reflected rotor inertia (armature) and compensates its reflected friction. The cascade's
 * feedforward stays gravity only: its PID loops absorb friction, and Coulomb compensation inside a
 * position loop tends to hunt around the target (with it, one CI run left the simulated servo-arm
 * 0.061 rad off its target under motor-current commands, where 0.026 rad had been measured).
 */
function controllerFor(command: 'position' | 'velocity' | 'effort', model: RobotModel, effortController: 'cascade' | 'computed-torque', drive: DriveSet | undefined): Controller {
  if (command === 'position') return new PositionForwardController();
  if (command === 'velocity') return new CascadeController(model.nq, { output: 'velocity', position: { kp: 20 } });
  const dynamicModel = drive ? withArmature(model, armatureOf(drive)) : model;
  const friction = drive ? { friction: frictionCompensation(model, drive) } : {};
  if (effortController === 'computed-torque') return new ComputedTorqueController(dynamicModel, { kp: 100, ...friction });
  // Effort: position -> velocity -> effort cascade with gravity feedforward; conservative default gains.
  const gravity = new GravityCompensation(dynamicModel);
  return new CascadeController(model.nq, {
    output: 'effort',
    position: { kp: 20 },
    velocity: { kp: 5, ki: 20, tf: 0.002, integralMin: -20, integralMax: 20 },
    feedforward: gravity.compute,
  });
}

/** Connects to the rosbridge server and runs the control loop; resolves once connected and ticking. */
export async function startControlClient(options: ControlClientOptions): Promise<ControlClient> {
  if (!/^wss?:\/\//.test(options.url)) throw new Error(`url = "${options.url}", expected ws://HOST:PORT or wss://...`);
  const rate = positive(options.rate ?? 1000, 'rate');
  // The loop's own bound, checked before connecting (a bad rate must not wait for a server).
  if (!(rate <= MAX_LOOP_RATE)) throw new Error(`rate = ${rate} Hz, expected 0 < rate <= ${MAX_LOOP_RATE}`);
  const publishRate = positive(options.publishRate ?? 100, 'publishRate');
  const stateRate = positive(options.stateRate ?? publishRate, 'stateRate');
  const command = options.command ?? 'position';
  if (!COMMAND_INTERFACES.includes(command)) throw new Error(`command = "${String(command)}", expected ${COMMAND_INTERFACES.join(', ')}`);
  const estimatorName = options.estimator ?? 'kalman';
  if (!(ESTIMATORS as readonly string[]).includes(estimatorName)) throw new Error(`estimator = "${String(estimatorName)}", expected ${ESTIMATORS.join(' or ')}`);
  const policy = options.collision ?? (command === 'position' || command === 'velocity' ? 'off' : 'stop');
  if (!(COLLISION_POLICIES as readonly string[]).includes(policy)) throw new Error(`collision = "${String(policy)}", expected ${COLLISION_POLICIES.join(', ')}`);
  if (policy !== 'off' && estimatorName !== 'kalman') throw new Error(`collision = "${policy}" needs estimator = "kalman" (the momentum observer runs in it); use collision "off" with "pass-through"`);
  const thresholdFraction = positive(options.collisionThreshold ?? (command === 'position' || command === 'velocity' ? 0.3 : 0.1), 'collisionThreshold');
  const log = options.log ?? ((line: string) => process.stderr.write(`embodied run: ${line}\n`));
  const robot = loadRobot(options.robot, options.drive !== undefined ? { drive: options.drive } : {});
  const model = robot.model;
  let drive: DriveSet | undefined;
  if (robot.driveFile !== undefined) drive = parseDriveFile(readFileSync(robot.driveFile, 'utf8'), model);
  if (command === 'motor-current' && drive === undefined) throw new Error(`command = "motor-current" needs a drive file (--drive FILE): robot ${robot.name} has none`);
  // Effort goes to the motors as current only with the drive's maps; the sim reports measured torque otherwise.
  const estimator: Estimator | undefined = estimatorName === 'kalman'
    ? new KalmanEstimator(model, {
      // Stale on the same horizon as the supervisor's state watchdog (a loop stall must not fault sooner).
      staleAfter: options.safety?.stateTimeout ?? 0.1,
      ...(policy !== 'off' ? { collision: { threshold: collisionThresholdsFromModel(model, thresholdFraction), gain: positive(options.collisionGain ?? 25, 'collisionGain') } } : {}),
      ...(drive !== undefined ? { drive } : {}),
    })
    : undefined;
  const observer = estimator instanceof KalmanEstimator ? estimator.observer : undefined;
  const collision = observer !== undefined ? new CollisionReaction(model, observer, { policy, period: 1 / rate }) : undefined;
  const ports: RobotPorts = createRobotPorts(model.jointNames);
  const limits = jointLimitsFromModel(model);
  if (drive !== undefined) {
    // What the drive can do bounds the URDF limits: speed from the motor's no-load or rated speed
    // through the ratio, torque from the peak current through Kt, the ratio and the efficiency.
    const fromDrive = jointLimitsFromDrive(drive, model);
    for (let k = 0; k < model.nq; k++) {
      limits.velocity[k] = Math.min(limits.velocity[k], fromDrive.velocity[k]);
      limits.effort[k] = Math.min(limits.effort[k], fromDrive.effort[k]);
    }
  }
  // Replacing a running trajectory splices onto the new one within these limits (jerk-limited generator).
  const trajectory = new JointTrajectoryController({ jointNames: model.jointNames, limits, period: 1 / rate });
  const effortController = options.effortController ?? 'cascade';
  if (effortController !== 'cascade' && effortController !== 'computed-torque') throw new Error(`effortController = "${String(effortController)}", expected cascade or computed-torque`);
  const controller = controllerFor(command === 'motor-current' ? 'effort' : command, model, effortController, drive);
  const pipeline = new ControlPipeline({
    model, ports, controller, reference: trajectory, limits,
    ...(options.safety ? { safety: options.safety } : {}),
    ...(estimator ? { estimator } : {}),
    ...(collision ? { collision } : {}),
  });
  const motorOutput = command === 'motor-current' && drive !== undefined ? new MotorOutput(drive) : undefined;
  const jog = new JogReference(model, limits);
  const setpoint = new OtgSetpointReference(limits, { period: 1 / rate });
  const wire = { ...CONTROL_WIRE, ...DEFAULT_FORWARD_TOPICS, ...options.topics };
  const estopReason = `e-stop from ${wire.estop}`; // ESTOP_TOPIC_REASON unless remapped
  for (const { joint, loop, gains } of options.gains ?? []) {
    for (const name of joint === '*' ? model.jointNames : [joint]) {
      const error = applyGainsUpdate(controller, model.jointNames, { joint: name, loop, gains });
      if (error) throw new Error(`gains for ${name}/${loop}: ${error}`);
    }
  }
  const client = new RosbridgeClient({ url: options.url, log, token: options.token, compression: options.compression ?? 'auto' });
  log(`connecting to ${options.url}`);
  await client.connect();
  const reader = new JointStateReader(ports);
  const writer = new ForwardCommandWriter(ports, client, { position: wire.position, velocity: wire.velocity, effort: wire.effort }, options.commandJoints);
  const subscriptions = [
    client.subscribe(wire.jointStates, 'sensor_msgs/JointState', (msg) => reader.apply(msg)),
    client.subscribe(wire.trajectory, 'trajectory_msgs/JointTrajectory', (msg) => {
      try {
        const result = trajectory.setTrajectory(parseJointTrajectoryMessage(msg));
        if (!result.accepted) log(`trajectory rejected: ${result.errorString}`);
        else pipeline.setReference(trajectory);
      } catch (error) {
        log(`trajectory rejected: ${(error as Error).message}`);
      }
    }),
    client.subscribe(wire.setpoint, 'sensor_msgs/JointState', (msg) => {
      // Joints by name; joints not named keep their current setpoint.
      if (!isRecord(msg) || !Array.isArray(msg.name) || !Array.isArray(msg.position) || msg.name.length !== msg.position.length) {
        return log('joint setpoint: expected sensor_msgs/JointState with name and position of equal length');
      }
      const values = Array.from(pipeline.activeReference === setpoint ? setpoint.targetPositions : pipeline.ctx.qRef);
      for (let i = 0; i < msg.name.length; i++) {
        const k = model.jointNames.indexOf(String(msg.name[i]));
        if (k < 0) return log(`joint setpoint: name[${i}] = "${String(msg.name[i])}" is not a joint of ${robot.name}`);
        values[k] = msg.position[i] as number;
      }
      const error = setpoint.setPositions(values);
      if (error) return log(`joint setpoint: ${error}`);
      if (pipeline.activeReference !== setpoint) pipeline.setReference(setpoint);
    }),
    client.subscribe(wire.jointJog, 'control_msgs/JointJog', (msg) => {
      if (!isRecord(msg) || !Array.isArray(msg.joint_names) || !Array.isArray(msg.velocities)) return log('JointJog: expected joint_names and velocities arrays');
      if (msg.joint_names.some((n) => typeof n !== 'string') || msg.velocities.some((v) => typeof v !== 'number')) return log('JointJog: joint_names must be strings and velocities numbers');
      const error = jog.jointJog(msg.joint_names as string[], msg.velocities as number[]);
      if (error) return log(`JointJog: ${error}`);
      if (pipeline.activeReference !== jog) pipeline.setReference(jog);
    }),
    client.subscribe(wire.twistJog, 'geometry_msgs/TwistStamped', (msg) => {
      const twist = isRecord(msg) ? msg.twist : undefined;
      const vector = (x: unknown) => (isRecord(x) ? [x.x, x.y, x.z] : []);
      const linear = vector(isRecord(twist) ? twist.linear : undefined);
      const angular = vector(isRecord(twist) ? twist.angular : undefined);
      if (linear.length !== 3 || angular.length !== 3 || [...linear, ...angular].some((v) => typeof v !== 'number')) return log('TwistStamped: expected twist.linear and twist.angular {x, y, z} numbers');
      const error = jog.twist(linear as number[], angular as number[]);
      if (error) return log(`TwistStamped: ${error}`);
      if (pipeline.activeReference !== jog) pipeline.setReference(jog);
    }),
    client.subscribe(wire.estop, 'std_msgs/Bool', (msg) => {
      const data = isRecord(msg) ? msg.data : undefined;
      if (typeof data !== 'boolean') return log(`estop: data = ${JSON.stringify(data)}, expected a std_msgs/Bool`);
      if (data) pipeline.safety.estop(estopReason);
    }),
    client.subscribe(wire.gains, 'std_msgs/Float64MultiArray', (msg) => {
      // Every gains message is answered on the result topic, so a page or script sees what happened.
      let answer: string;
      try {
        const update = decodeGains(msg);
        const error = applyGainsUpdate(controller, model.jointNames, update);
        answer = error ? `rejected ${update.joint}/${update.loop}: ${error}` : `applied ${update.joint}/${update.loop}`;
      } catch (error) {
        answer = `rejected: ${(error as Error).message}`;
      }
      log(`gains ${answer}`);
      client.publish(wire.gainsResult, 'std_msgs/String', { data: answer });
    }),
  ];
  const reset = client.advertiseService(wire.reset, 'std_srvs/Trigger', () => {
    const state = pipeline.safety.state;
    if (state === 'e-stopped') {
      pipeline.safety.releaseEstop();
      return { success: true, message: 'e-stop released' };
    }
    if (state === 'fault') {
      pipeline.safety.reset();
      return { success: true, message: `fault (${pipeline.safety.reason}) reset requested` };
    }
    return { success: false, message: `nothing to reset: state is ${state}` };
  });
  // The e-stop as a service too (std_srvs/Trigger: nothing to send, like pressing the button).
  const estopService = client.advertiseService(wire.estopService, 'std_srvs/Trigger', () => {
    pipeline.safety.estop(`e-stop from ${wire.estopService}`);
    return { success: true, message: `e-stop latched (release with ${wire.reset})` };
  });
  const goals = new Set<() => void>();
  const action = client.advertiseAction(wire.followTrajectory, 'control_msgs/FollowJointTrajectory', (goal, context) => {
    runGoal(goal, context);
  });
  const runGoal = (goal: unknown, context: GoalContext) => {
    let input;
    try {
      input = parseFollowJointTrajectoryGoal(goal);
    } catch (error) {
      context.abort({ error_code: -1, error_string: (error as Error).message });
      return;
    }
    const submitted = trajectory.setTrajectory(input);
    if (!submitted.accepted) {
      context.abort({ error_code: submitted.errorCode, error_string: submitted.errorString });
      return;
    }
    pipeline.setReference(trajectory);
    const sequence = trajectory.inputSequence;
    const poll = setInterval(() => {
      const mine = trajectory.inputSequence === sequence;
      if (mine && (trajectory.status === 'executing' || trajectory.status === 'pending')) {
        context.feedback(buildControllerState(pipeline.ctx, model.jointNames, Date.now() / 1000, client.dialect));
        return;
      }
      clearInterval(poll);
      goals.delete(stop);
      if (!mine || trajectory.status === 'preempted') context.canceled({ error_code: 0, error_string: 'preempted' });
      else if (trajectory.status === 'succeeded') context.succeed({ error_code: 0, error_string: '' });
      else context.abort({ error_code: trajectory.errorCode, error_string: trajectory.errorString });
    }, 1000 / stateRate);
    const stop = () => clearInterval(poll);
    goals.add(stop);
    context.onCancel(() => trajectory.cancel());
  };
  const tuning = createTuningDispatch(pipeline, model, 1 / rate, (message) => client.publish(TUNING_TOPICS.result, 'std_msgs/Float64MultiArray', message), log);
  subscriptions.push(client.subscribe(TUNING_TOPICS.command, 'std_msgs/Float64MultiArray', (msg) => tuning.handle(msg)));
  const every = Math.max(1, Math.round(rate / publishRate));
  const counter = new Int32Array(1);
  const publishMotorCurrents = () => {
    if (motorOutput === undefined) return;
    const data = Array.from(motorOutput.current);
    if (data.every(Number.isFinite)) client.publish(wire.motorCurrent, 'std_msgs/Float64MultiArray', { layout: { dim: [], data_offset: 0 }, data });
  };
  const loop = new ControlLoop((time) => {
    pipeline.update(time);
    if (motorOutput !== undefined) motorOutput.update(pipeline.ctx);
    if (++counter[0] >= every) {
      counter[0] = 0;
      if (pipeline.safety.state !== 'inactive') {
        if (motorOutput !== undefined) publishMotorCurrents();
        else writer.write();
      }
    }
  }, { rate, wait: waitStrategyByName(options.wait ?? 'atomics'), overrun: options.overrun ?? 'skip' });
  loop.start();
  const diagnostics = setInterval(() => {
    const array = buildDiagnosticArray(pipeline.status(), loop.timing(), { name: robot.name, stamp: Date.now() / 1000, dialect: client.dialect });
    if (collision !== undefined) array.status.push(collisionDiagnosticStatus(collision, { name: robot.name, residual: collision.source.residual, jointNames: model.jointNames }));
    client.publish(wire.diagnostics, 'diagnostic_msgs/DiagnosticArray', array);
  }, 1000);
  const controllerState = setInterval(() => {
    if (pipeline.safety.state === 'inactive') return;
    client.publish(wire.controllerState, 'control_msgs/JointTrajectoryControllerState', buildControllerState(pipeline.ctx, model.jointNames, Date.now() / 1000, client.dialect));
  }, 1000 / stateRate);
  log(`connected to ${options.url}, robot ${robot.name} (${model.nq} joints), ${rate} Hz, ${command} commands, ${estimatorName} estimator, collision ${policy}`);
  return {
    pipeline, loop, client, trajectory, jog, setpoint, controller, collision, motorOutput,
    async stop() {
      clearInterval(diagnostics);
      clearInterval(controllerState);
      for (const stopGoal of goals) stopGoal();
      tuning.stop();
      loop.stop();
      for (const s of subscriptions) s.unsubscribe();
      reset.unadvertise();
      estopService.unadvertise();
      action.unadvertise();
      client.close();
    },
  };
}
