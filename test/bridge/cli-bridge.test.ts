// `embodied bridge` as a process: prints its URL, serves roslib clients, closes on SIGINT.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Topic } from 'roslib';
import { connectRos, waitFor } from './helpers.ts';

describe('embodied bridge', () => {
  it('listens on the printed URL, requires the token, relays unknown types when told to, and exits cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'cli/main.ts', 'bridge', '--port', '0', '--token', 'tok', '--allow-unknown-types'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      // tsx compiles every cli/commands/*.ts at start-up: 16 s measured on a loaded 2-core machine.
      await waitFor(() => /listening on ws:\/\/127\.0\.0\.1:\d+/.test(out), 60_000, 'the URL line');
      const url = /ws:\/\/127\.0\.0\.1:\d+/.exec(out)![0];
      const ros = await connectRos(url);
      ros.authenticate('tok', '', '', '', 0, '', 0);
      const got: unknown[] = [];
      new Topic({ ros, name: '/echo', messageType: 'std_msgs/String' }).subscribe((m) => got.push(m));
      new Topic({ ros, name: '/echo', messageType: 'std_msgs/String' }).publish({ data: 'hi' });
      await waitFor(() => got.length === 1);
      // A type the server does not know, relayed unvalidated (--allow-unknown-types).
      const custom: unknown[] = [];
      new Topic({ ros, name: '/custom', messageType: 'my_msgs/Reading' }).subscribe((m) => custom.push(m));
      await new Promise((r) => setTimeout(r, 50));
      new Topic({ ros, name: '/custom', messageType: 'my_msgs/Reading' }).publish({ value: 4.5, label: 'x' });
      await waitFor(() => custom.length === 1);
      expect(custom[0]).toEqual({ value: 4.5, label: 'x' });
      ros.close();
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toMatch(/closed/);
  }, 90_000);
});
