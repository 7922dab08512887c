// `embodied view [--url ws://HOST:9090] [--port 8080] [--host 127.0.0.1] [--robot FILE] [--dialect ros2]
// [--token TOKEN]`: serves the web page against any rosbridge server (a real robot's or ours) until
// Ctrl-C. With a token (default: $EMBODIED_TOKEN) the printed page address carries it in its fragment
// (#token=...), which the browser keeps to itself: the page server never holds it (page-config.ts).
import type { Command } from 'commander';
import { startWebServer } from '../web-server.ts';
import { parseChoice, parsePort, resolveToken, untilStopped } from '../options.ts';
import { pageAddressWithToken } from '../../web/src/page-config.ts';

/** Adds the `view` subcommand. */
export function register(program: Command): void {
  program
    .command('view')
    .description('serve the web page (viewer, teleop, tuning) for a rosbridge server')
    .option('--url <ws-url>', 'rosbridge server URL', 'ws://127.0.0.1:9090')
    .option('--host <host>', 'interface for the page server', '127.0.0.1')
    .option('--port <port>', 'port for the page server', '8080')
    .option('--robot <file>', 'URDF file to show (default: the /robot_description topic)')
    .option('--dialect <ros1|ros2>', 'ROS dialect of the server', 'ros2')
    .option('--token <token>', 'token for the server\'s auth op, handed to the page in the printed address (default: $EMBODIED_TOKEN, which ps does not show)')
    .action(async (flags: { url: string; host: string; port: string; robot?: string; dialect: string; token?: string }) => {
      const port = parsePort(flags.port, '--port');
      const dialect = parseChoice(flags.dialect, '--dialect', ['ros1', 'ros2'] as const);
      const token = resolveToken(flags.token);
      const server = await startWebServer({
        host: flags.host, port, rosbridgeUrl: flags.url, robotFile: flags.robot, dialect,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`embodied view: ${pageAddressWithToken(server.url, token)} (rosbridge ${flags.url}); Ctrl-C stops\n`);
      await untilStopped();
      await server.close();
    });
}
