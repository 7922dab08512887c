// `embodied run --url ws://HOST:9090 --robot FILE|NAME [--drive FILE] [--rate 1000] [--wait NAME]`:
// the control loop as a rosbridge client of any server (a real robot's or our simulator's).
//
// Wiring: /joint_states -> state ports; the loop (estimate -> joint trajectory / jog / hold ->
// position forward controller -> limiter + safety) -> command ports -> the robot's forward
// position controller (std_msgs/Float64MultiArray), published at --publish-rate. Inputs:
// /embodied/joint_trajectory (trajectory_msgs/JointTrajectory), /servo_node/delta_joint_cmds
// (control_msgs/JointJog), /embodied/estop (std_msgs/String: a reason latches, "release" releases),
// /embodied/gains (labelled std_msgs/Float64MultiArray, see control/wire.ts). Output: /diagnostics at 1 Hz.
import type { Command } from 'commander';
import { loadRobot } from '../load-robot.ts';
import { createRobotPorts } from '../../robot/ports.ts';
import { RosbridgeClient } from '../../bridge/client.ts';
import { JointStateReader } from '../../bridge/adapter-state.ts';
import { ForwardCommandWriter } from '../../bridge/adapter-commands.ts';
import {
  ControlLoop, ControlPipeline, JogReference, JointTrajectoryController, PositionForwardController,
  buildDiagnosticArray, decodeGains, parseJointTrajectoryMessage, waitStrategyByName, WAIT_STRATEGIES,
} from '../../control/index.ts';

interface RunFlags {
  url: string;
  robot: string;
  drive?: string;
  rate: string;
  publishRate: string;
  wait: string;
  overrun: string;
}

function positiveNumber(text: string, flag: string): number {
  const x = Number(text);
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${flag} = "${text}", expected a positive number`);
  return x;
}

/** Starts the loop against a rosbridge server; resolves with a stop function once connected. */
export async function runControl(flags: RunFlags): Promise<() => void> {
  if (!/^wss?:\/\//.test(flags.url)) throw new Error(`--url = "${flags.url}", expected ws://HOST:PORT or wss://...`);
  const rate = positiveNumber(flags.rate, '--rate');
  const publishRate = positiveNumber(flags.publishRate, '--publish-rate');
  if (flags.overrun !== 'skip' && flags.overrun !== 'catch-up') throw new Error(`--overrun = "${flags.overrun}", expected skip or catch-up`);
  const robot = loadRobot(flags.robot, flags.drive !== undefined ? { drive: flags.drive } : {});
  const model = robot.model;
  const ports = createRobotPorts(model.jointNames);
  const jtc = new JointTrajectoryController({ jointNames: model.jointNames });
  const pipeline = new ControlPipeline({ model, ports, controller: new PositionForwardController(), reference: jtc });
  const jog = new JogReference(model, pipeline.limiter.limits);
  const client = new RosbridgeClient({ url: flags.url });
  await client.connect();
  const reader = new JointStateReader(ports);
  const writer = new ForwardCommandWriter(ports, client);
  const log = (text: string) => process.stderr.write(`embodied run: ${text}\n`);
  client.subscribe('/joint_states', 'sensor_msgs/JointState', (msg) => reader.apply(msg));
  client.subscribe('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', (msg) => {
    try {
      const result = jtc.setTrajectory(parseJointTrajectoryMessage(msg));
      if (!result.accepted) log(`trajectory rejected: ${result.errorString}`);
      else pipeline.setReference(jtc);
    } catch (error) {
      log(`trajectory rejected: ${(error as Error).message}`);
    }
  });
  client.subscribe('/servo_node/delta_joint_cmds', 'control_msgs/JointJog', (msg) => {
    const m = msg as { joint_names?: unknown; velocities?: unknown };
    if (!Array.isArray(m.joint_names) || !Array.isArray(m.velocities)) return log('JointJog: expected joint_names and velocities arrays');
    const error = jog.jointJog(m.joint_names.map(String), m.velocities.map(Number));
    if (error) return log(`JointJog: ${error}`);
    if (pipeline.activeReference !== jog) pipeline.setReference(jog);
  });
  client.subscribe('/embodied/estop', 'std_msgs/String', (msg) => {
    const data = (msg as { data?: unknown }).data;
    if (typeof data !== 'string') return log('estop: expected std_msgs/String');
    if (data === 'release') pipeline.safety.releaseEstop();
    else pipeline.safety.estop(data);
  });
  client.subscribe('/embodied/gains', 'std_msgs/Float64MultiArray', (msg) => {
    try {
      decodeGains(msg);
      log('gains received, but the position forward controller has no PID gains (use a cascade controller)');
    } catch (error) {
      log(`gains rejected: ${(error as Error).message}`);
    }
  });
  const every = Math.max(1, Math.round(rate / publishRate));
  let count = 0;
  const loop = new ControlLoop((time) => {
    pipeline.update(time);
    if (++count % every === 0 && pipeline.safety.state !== 'inactive') writer.write();
  }, { rate, wait: waitStrategyByName(flags.wait), overrun: flags.overrun });
  loop.start();
  const diagnostics = setInterval(() => {
    client.publish('/diagnostics', 'diagnostic_msgs/DiagnosticArray', buildDiagnosticArray(pipeline.status(), loop.timing(), { name: robot.name, stamp: Date.now() / 1000, dialect: client.dialect }));
  }, 1000);
  log(`connected to ${flags.url}, robot ${robot.name} (${model.nq} joints), ${rate} Hz, wait ${flags.wait}`);
  return () => {
    clearInterval(diagnostics);
    loop.stop();
    client.close();
  };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run the control loop against a rosbridge server (a real robot or the simulator)')
    .requiredOption('--url <url>', 'rosbridge server, ws://HOST:9090')
    .requiredOption('--robot <file|name>', 'URDF file or built-in robot (servo-arm, ur5e, panda)')
    .option('--drive <file>', 'drive file (reducers and servos)')
    .option('--rate <hz>', 'loop rate', '1000')
    .option('--publish-rate <hz>', 'command publish rate', '100')
    .option('--wait <strategy>', `loop wait: ${WAIT_STRATEGIES.join(', ')}`, 'atomics')
    .option('--overrun <policy>', 'skip or catch-up', 'skip')
    .action(async (flags: RunFlags) => {
      const stop = await runControl(flags);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      stop();
    });
}
