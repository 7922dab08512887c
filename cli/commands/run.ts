// `embodied run --url ws://HOST:9090 --robot FILE|NAME [--drive FILE] [--command position|velocity|effort]
// [--rate 1000] [--publish-rate 100] [--wait NAME] [--overrun skip|catch-up]`: the control loop as a
// rosbridge client of any server (a real robot's or our simulator's). The composition lives in
// cli/control-client.ts (startControlClient); the wire contract in control/WIRE.md.
import type { Command } from 'commander';
import { startControlClient, type CommandInterface } from '../control-client.ts';
import { WAIT_STRATEGIES } from '../../control/index.ts';

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
}

function positiveNumber(text: string, flag: string): number {
  const x = Number(text);
  if (!(Number.isFinite(x) && x > 0)) throw new Error(`${flag} = "${text}", expected a positive number`);
  return x;
}

/** Validates the flags and starts the control client. */
export async function runControl(flags: RunFlags) {
  if (flags.overrun !== 'skip' && flags.overrun !== 'catch-up') throw new Error(`--overrun = "${flags.overrun}", expected skip or catch-up`);
  if (!['position', 'velocity', 'effort'].includes(flags.command)) throw new Error(`--command = "${flags.command}", expected position, velocity or effort`);
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
    .option('--command <interface>', 'command interface: position, velocity or effort', 'position')
    .option('--effort-controller <name>', 'with --command effort: cascade or computed-torque', 'cascade')
    .option('--rate <hz>', 'loop rate', '1000')
    .option('--publish-rate <hz>', 'command publish rate', '100')
    .option('--wait <strategy>', `loop wait: ${WAIT_STRATEGIES.join(', ')}`, 'atomics')
    .option('--overrun <policy>', 'skip or catch-up', 'skip')
    .action(async (flags: RunFlags) => {
      const running = await runControl(flags);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await running.stop();
    });
}
