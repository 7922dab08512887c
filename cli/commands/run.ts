// `embodied run --url ws://HOST:9090 --robot FILE|NAME [--drive FILE] [--config FILE]
// [--command position|velocity|effort|motor-current] [--estimator kalman|pass-through]
// [--collision off|stop|retreat] [--collision-threshold FRACTION] [--effort-controller NAME]
// [--rate 1000] [--publish-rate 100] [--wait NAME] [--overrun skip|catch-up] [--token TOKEN]
// [--compression auto|none]`: the control loop as a rosbridge client of any server (a real robot's or
// our simulator's). The token (default: $EMBODIED_TOKEN, which `ps` does not show) goes in an `auth`
// op first on every connection; 'auto' compression carries /joint_states over CBOR where the server
// is known to support it (bridge/client.ts). A config file (cli/run-config.ts)
// holds the same settings plus remapped topics, watchdog times and initial gains; a flag given on the
// command line wins over it. The composition lives in cli/control-client.ts (startControlClient); the
// wire contract in control/WIRE.md.
import type { Command } from 'commander';
import { COMMAND_INTERFACES, ESTIMATORS, startControlClient, type CommandInterface } from '../control-client.ts';
import { COLLISION_POLICIES, WAIT_STRATEGIES, type CollisionPolicy } from '../../control/index.ts';
import { parseChoice, parseNumber, resolveToken, untilStopped } from '../options.ts';
import { loadRunConfig } from '../run-config.ts';

interface RunFlags {
  url: string;
  robot: string;
  drive?: string;
  config?: string;
  command?: string;
  effortController?: string;
  rate?: string;
  publishRate?: string;
  wait?: string;
  overrun?: string;
  estimator?: string;
  collision?: string;
  collisionThreshold?: string;
  token?: string;
  compression?: string;
}

/** Compressions `run` offers: 'cbor' for every topic would hand its handlers typed arrays. */
export const RUN_COMPRESSIONS = ['auto', 'none'] as const;

const positiveNumber = (text: string, flag: string) => parseNumber(text, flag, { positive: true });

/** Validates the flags, merges them over the config file (if any) and starts the control client. */
export async function runControl(flags: RunFlags, environment: Readonly<Record<string, string | undefined>> = process.env) {
  const token = resolveToken(flags.token, environment);
  const compression = parseChoice(flags.compression ?? 'auto', '--compression', RUN_COMPRESSIONS);
  const config = flags.config !== undefined ? loadRunConfig(flags.config) : {};
  const overrun = flags.overrun ?? config.overrun ?? 'skip';
  if (overrun !== 'skip' && overrun !== 'catch-up') throw new Error(`--overrun = "${overrun}", expected skip or catch-up`);
  const command = flags.command ?? config.command ?? 'position';
  if (!(COMMAND_INTERFACES as readonly string[]).includes(command)) throw new Error(`--command = "${command}", expected ${COMMAND_INTERFACES.join(', ')}`);
  const estimator = flags.estimator ?? config.estimator ?? 'kalman';
  if (!(ESTIMATORS as readonly string[]).includes(estimator)) throw new Error(`--estimator = "${estimator}", expected ${ESTIMATORS.join(' or ')}`);
  // Default: the client's (stop with effort or motor-current commands) with the Kalman estimator, off with pass-through.
  const collision = flags.collision ?? config.collision ?? (estimator === 'kalman' ? undefined : 'off');
  if (collision !== undefined && !(COLLISION_POLICIES as readonly string[]).includes(collision)) throw new Error(`--collision = "${collision}", expected ${COLLISION_POLICIES.join(', ')}`);
  const effortController = flags.effortController ?? config.effortController ?? 'cascade';
  if (effortController !== 'cascade' && effortController !== 'computed-torque') throw new Error(`--effort-controller = "${effortController}", expected cascade or computed-torque`);
  const wait = flags.wait ?? config.wait ?? 'atomics';
  if (!(WAIT_STRATEGIES as readonly string[]).includes(wait)) throw new Error(`--wait = "${wait}", expected one of ${WAIT_STRATEGIES.join(', ')}`);
  const collisionThreshold = flags.collisionThreshold !== undefined ? positiveNumber(flags.collisionThreshold, '--collision-threshold') : config.collisionThreshold;
  // The connection's settings: the token in an `auth` op first, the state stream's compression.
  const connection = { ...(token !== undefined ? { token } : {}), compression };
  return startControlClient({
    ...config,
    ...connection,
    url: flags.url,
    robot: flags.robot,
    ...(flags.drive !== undefined ? { drive: flags.drive } : {}),
    command: command as CommandInterface,
    effortController,
    rate: flags.rate !== undefined ? positiveNumber(flags.rate, '--rate') : config.rate ?? 1000,
    publishRate: flags.publishRate !== undefined ? positiveNumber(flags.publishRate, '--publish-rate') : config.publishRate ?? 100,
    wait,
    overrun,
    estimator: estimator as (typeof ESTIMATORS)[number],
    ...(collision !== undefined ? { collision: collision as CollisionPolicy } : {}),
    ...(collisionThreshold !== undefined ? { collisionThreshold } : {}),
  });
}

/** Registers `embodied run`. */
export function register(program: Command): void {
  // No commander defaults: a flag left out must be told apart from one given, so the config file can fill it.
  program
    .command('run')
    .description('run the control loop against a rosbridge server (a real robot or the simulator)')
    .requiredOption('--url <url>', 'rosbridge server, ws://HOST:9090')
    .requiredOption('--robot <file|name>', 'URDF file or built-in robot (servo-arm, ur5e, panda)')
    .option('--drive <file>', 'drive file (reducers and servos)')
    .option('--config <file>', 'YAML or JSON file with the loop settings below, remapped topics, watchdog times and initial gains (flags win over it)')
    .option('--command <interface>', 'command interface: position, velocity, effort or motor-current (needs a drive file) (default: "position")')
    .option('--estimator <name>', 'state estimator: kalman or pass-through (default: "kalman")')
    .option('--collision <policy>', 'reaction to a detected collision: off, stop or retreat (needs --estimator kalman; default: stop with effort and motor-current commands, off otherwise)')
    .option('--collision-threshold <fraction>', 'collision threshold as a fraction of each effort limit (default 0.1 effort/motor-current, 0.3 position/velocity)')
    .option('--effort-controller <name>', 'with --command effort: cascade or computed-torque (default: "cascade")')
    .option('--rate <hz>', 'loop rate (default: "1000")')
    .option('--publish-rate <hz>', 'command publish rate (default: "100")')
    .option('--wait <strategy>', `loop wait: ${WAIT_STRATEGIES.join(', ')} (default: "atomics")`)
    .option('--overrun <policy>', 'skip or catch-up (default: "skip")')
    .option('--token <token>', 'token for the server\'s auth op (default: $EMBODIED_TOKEN, which ps does not show)')
    .option('--compression <mode>', 'compression of the high-rate state topics (/joint_states): auto (cbor where the server is known to support it) or none (JSON) (default: "auto")')
    .action(async (flags: RunFlags) => {
      const running = await runControl(flags);
      await untilStopped();
      await running.stop();
    });
}
