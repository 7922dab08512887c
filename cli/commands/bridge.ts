// `embodied bridge [--host 127.0.0.1] [--port 9090] [--token T] [--origin O...] [--allow-unknown-types]`:
// a standalone rosbridge v2 server without ROS (browser-to-browser teleop, tests). It validates the
// message, service and action types it knows field by field and refuses others, unless
// --allow-unknown-types relays them unchecked (your own interfaces). Ctrl-C closes it cleanly.
import type { Command } from 'commander';
import { RosbridgeServer } from '../../bridge/node.ts';
import { parseChoice, parsePort, resolveToken, untilStopped } from '../options.ts';

interface BridgeFlags {
  host: string;
  port: string;
  token?: string;
  origin?: string[];
  dialect: string;
  allowUnknownTypes?: boolean;
}

/** Adds the `bridge` subcommand. */
export function register(program: Command): void {
  program
    .command('bridge')
    .description('run a standalone rosbridge v2 server (no ROS needed)')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0 picks a free one)', '9090')
    .option('--token <token>', 'require {"op":"auth","token":...} before anything else (default: $EMBODIED_TOKEN)')
    .option('--origin <origin...>', 'allowed browser Origins (default: any)')
    .option('--dialect <dialect>', 'ros1 or ros2: what rosapi reports', 'ros2')
    .option('--allow-unknown-types', 'relay message, service and action types it does not know, unvalidated (default: refuse them with a status error)')
    .action(async (flags: BridgeFlags) => {
      const port = parsePort(flags.port, '--port');
      const dialect = parseChoice(flags.dialect, '--dialect', ['ros1', 'ros2'] as const);
      const server = new RosbridgeServer({ host: flags.host, port, token: resolveToken(flags.token), allowedOrigins: flags.origin, dialect, allowUnknownTypes: flags.allowUnknownTypes === true });
      await server.start();
      process.stdout.write(`rosbridge server listening on ${server.url}\n`);
      await untilStopped();
      await server.close();
      process.stdout.write('rosbridge server closed\n');
    });
}
