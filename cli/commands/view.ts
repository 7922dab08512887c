// `embodied view [--url ws://HOST:9090] [--port 8080] [--host 127.0.0.1] [--robot FILE] [--dialect ros2]`:
// serves the web page against any rosbridge server (a real robot's or ours) until Ctrl-C.
import type { Command } from 'commander';
import { startWebServer } from '../web-server.ts';
import { parseChoice, parsePort, untilStopped } from '../options.ts';

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
    .action(async (flags: { url: string; host: string; port: string; robot?: string; dialect: string }) => {
      const port = parsePort(flags.port, '--port');
      const dialect = parseChoice(flags.dialect, '--dialect', ['ros1', 'ros2'] as const);
      const server = await startWebServer({
        host: flags.host, port, rosbridgeUrl: flags.url, robotFile: flags.robot, dialect,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      process.stdout.write(`embodied view: ${server.url} (rosbridge ${flags.url}); Ctrl-C stops\n`);
      await untilStopped();
      await server.close();
    });
}
