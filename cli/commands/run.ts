// `embodied run --url ws://HOST:9090 --robot FILE|NAME [--drive FILE] [--command position|velocity|effort|motor-current]
// [--estimator kalman|pass-through] [--collision off|stop|retreat] [--collision-threshold FRACTION]
// [--rate 1000] [--publish-rate 100] [--wait NAME] [--overrun skip|catch-up]`: the control loop as a
// rosbridge client of any server (a real robot's or our simulator's). The composition lives in
// cli/control-client.ts (startControlClient); the wire contract in control/WIRE.md.
import type { Command } from 'commander';
import { COMMAND_INTERFACES, ESTIMATORS, startControlClient, type CommandInterface } from '../control-client.ts';
import { COLLISION_POLICIES, WAIT_STRATEGIES, type CollisionPolicy } from '../../control/index.ts';
import { parseNumber, untilStopped } from '../options.ts';

interface RunFlags {
  url: string;
  robot: string;
  drive?: string;
  command: string;
  effortController: string;
  rate: string;
  publishRate: string;
  wait: string;
  overrun: string;
  estimator: string;
  collision?: string;
  collisionThreshold?: string;
}

const positiveNumber = (text: string, flag: string) => parseNumber(text, flag, { positive: true });

/** Validates the flags and starts the control client. */
export async function runControl(flags: RunFlags) {
  if (flags.overrun !== 'skip' && flags.overrun !== 'catch-up') throw new Error(`--overrun = "${flags.overrun}", expected skip or catch-up`);
  if (!(COMMAND_INTERFACES as readonly string[]).includes(flags.command)) throw new Error(`--command = "${flags.command}", expected ${COMMAND_INTERFACES.join(', ')}`);
  if (!(ESTIMATORS as readonly string[]).includes(flags.estimator)) throw new Error(`--estimator = "${flags.estimator}", expected ${ESTIMATORS.join(' or ')}`);
  // Default: the client's (stop with effort or motor-current commands) with the Kalman estimator, off with pass-through.
  const collision = flags.collision ?? (flags.estimator === 'kalman' ? undefined : 'off');
  if (collision !== undefined && !(COLLISION_POLICIES as readonly string[]).includes(collision)) throw new Error(`--collision = "${collision}", expected ${COLLISION_POLICIES.join(', ')}`);
  if (flags.effortController !== 'cascade' && flags.effortController !== 'computed-torque') throw new Error(`--effort-controller = "${flags.effortController}", expected cascade or computed-torque`);
  if (!(WAIT_STRATEGIES as readonly string[]).includes(flags.wait)) throw new Error(`--wait = "${flags.wait}", expected one of ${WAIT_STRATEGIES.join(', ')}`);
  return startControlClient({
    url: flags.url,
    robot: flags.robot,
    ...(flags.drive !== undefined ? { drive: flags.drive } : {}),
    command: flags.command as CommandInterface,
    effortController: flags.effortController,
    rate: positiveNumber(flags.rate, '--rate'),
    publishRate: positiveNumber(flags.publishRate, '--publish-rate'),
    wait: flags.wait,
    overrun: flags.overrun,
    estimator: flags.estimator as (typeof ESTIMATORS)[number],
    ...(collision !== undefined ? { collision: collision as CollisionPolicy } : {}),
    ...(flags.collisionThreshold !== undefined ? { collisionThreshold: positiveNumber(flags.collisionThreshold, '--collision-threshold') } : {}),
  });
}

/** Registers `embodied run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run the control loop against a rosbridge server (a real robot or the simulator)')
    .requiredOption('--url <url>', 'rosbridge server, ws://HOST:9090')
    .requiredOption('--robot <file|name>', 'URDF file or built-in robot (servo-arm, ur5e, panda)')
    .option('--drive <file>', 'drive file (reducers and servos)')
    .option('--command <interface>', 'command interface: position, velocity, effort or motor-current (needs a drive file)', 'position')
    .option('--estimator <name>', 'state estimator: kalman or pass-through', 'kalman')
    .option('--collision <policy>', 'reaction to a detected collision: off, stop or retreat (needs --estimator kalman; default: stop with effort and motor-current commands, off otherwise)')
    .option('--collision-threshold <fraction>', 'collision threshold as a fraction of each effort limit (default 0.1 effort/motor-current, 0.3 position/velocity)')
    .option('--effort-controller <name>', 'with --command effort: cascade or computed-torque', 'cascade')
    .option('--rate <hz>', 'loop rate', '1000')
    .option('--publish-rate <hz>', 'command publish rate', '100')
    .option('--wait <strategy>', `loop wait: ${WAIT_STRATEGIES.join(', ')}`, 'atomics')
    .option('--overrun <policy>', 'skip or catch-up', 'skip')
    .action(async (flags: RunFlags) => {
      const running = await runControl(flags);
      await untilStopped();
      await running.stop();
    });
}
