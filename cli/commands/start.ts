// `embodied start` (the `npm start` default): the whole stack on 127.0.0.1 — the simulated robot
// behind its rosbridge server (port 9090), the control loop as a rosbridge client of it (its own
// process, so its fixed-rate wait never stalls the simulator's event loop), and the web page
// (port 8080). Prints the page's URL; Ctrl-C stops everything. With a token (--token, default
// $EMBODIED_TOKEN) the simulator's server requires it, the loop gets it through its environment (not
// its command line, which `ps` shows) and the page through the printed address's fragment.
import type { Command } from 'commander';
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimServer, type SimServer } from '../../sim/server.ts';
import { ensureWebBuilt, startWebServer, type WebServer } from '../web-server.ts';
import { parseChoice, parseNumber, parsePort, resolveToken, TOKEN_VARIABLE } from '../options.ts';
import { COMMAND_INTERFACES } from '../control-client.ts';
import { MAX_LOOP_RATE } from '../../control/loop.ts';
import { pageAddressWithToken } from '../../web/src/page-config.ts';

interface StartFlags {
  robot: string;
  drive?: string;
  host: string;
  simPort: string;
  webPort: string;
  rate: string;
  command: string;
  control: boolean;
  token?: string;
}

/** Starts `embodied run` as a child process against the simulator; resolves when it is running. */
function startControlProcess(url: string, flags: StartFlags, token: string | undefined, log: (line: string) => void): ChildProcess {
  const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'embodied.js');
  const args = [entry, 'run', '--url', url, '--robot', flags.robot, '--rate', flags.rate, '--command', flags.command];
  if (flags.drive) args.push('--drive', flags.drive);
  // The token goes through the environment, never argv.
  const env = token === undefined ? process.env : { ...process.env, [TOKEN_VARIABLE]: token };
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') log(`control: ${line}`);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

/** Registers `embodied start`. */
export function register(program: Command): void {
  program
    .command('start')
    .description('run the whole stack: simulator + rosbridge server, control loop, web page (127.0.0.1)')
    .option('--robot <name|file>', 'built-in robot (servo-arm, ur5e, panda) or URDF file', 'servo-arm')
    .option('--drive <file>', 'drive file overriding the robot\'s own')
    .option('--host <address>', 'interface for the rosbridge server and the page', '127.0.0.1')
    .option('--sim-port <port>', 'rosbridge port of the simulator (0: any free port)', '9090')
    .option('--web-port <port>', 'port of the web page (0: any free port)', '8080')
    .option('--rate <hz>', 'control loop rate', '1000')
    .option('--command <interface>', 'command interface of the loop: position (forwarded to the robot\'s own position loop), velocity, effort or motor-current', 'position')
    .option('--no-control', 'do not start the control loop (the page talks to the simulator alone)')
    .option('--token <token>', 'token the simulator\'s rosbridge server requires; the loop and the page get it (default: $EMBODIED_TOKEN, which ps does not show)')
    .action(async (flags: StartFlags) => {
      const log = (line: string) => process.stderr.write(`${line}\n`);
      const simPort = parsePort(flags.simPort, '--sim-port');
      const webPort = parsePort(flags.webPort, '--web-port');
      // Checked here, before anything starts (the loop's child process would only fail later, alone).
      parseChoice(flags.command, '--command', COMMAND_INTERFACES);
      const rate = parseNumber(flags.rate, '--rate', { positive: true });
      if (rate > MAX_LOOP_RATE) throw new Error(`--rate = ${flags.rate}: expected 0 < rate <= ${MAX_LOOP_RATE} Hz`);
      const token = resolveToken(flags.token);
      let sim: SimServer | undefined;
      let web: WebServer | undefined;
      let control: ChildProcess | undefined;
      let stopping = false;
      const stop = async (code: number) => {
        if (stopping) return;
        stopping = true;
        log('embodied start: stopping');
        if (control && control.exitCode === null) {
          const exited = new Promise<void>((resolve) => control!.once('exit', () => resolve()));
          control.kill('SIGINT');
          await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
          if (control.exitCode === null) control.kill('SIGKILL');
        }
        await web?.close();
        await sim?.close();
        process.exit(code);
      };
      process.once('SIGINT', () => void stop(0));
      process.once('SIGTERM', () => void stop(0));
      try {
        // Build the page first: a build in this process would stall the simulator's event loop,
        // and the control loop would see stale state.
        await ensureWebBuilt({ log });
        sim = await startSimServer({ robot: flags.robot, drive: flags.drive, host: flags.host, port: simPort, server: { token } });
        log(`embodied start: simulator (${sim.robotName}) on ${sim.url}`);
        if (flags.control) {
          control = startControlProcess(sim.url, flags, token, log);
          control.once('exit', (code, signal) => {
            if (!stopping) log(`embodied start: the control loop exited (${signal ?? `code ${code}`}); the simulator and the page keep running`);
          });
        }
        web = await startWebServer({ host: flags.host, port: webPort, rosbridgeUrl: sim.url, log });
      } catch (error) {
        log(`embodied start: ${error instanceof Error ? error.message : String(error)}`);
        await stop(1);
        return;
      }
      process.stdout.write(`embodied is running: open ${pageAddressWithToken(web.url, token)} (rosbridge ${sim.url}); Ctrl-C stops it\n`);
      await new Promise<never>(() => {});
    });
}
