// A token from end to end with the real commands: `embodied sim --token` serves only clients that
// authenticate; `embodied run` with the token from EMBODIED_TOKEN connects and drives it; a client
// without the token gets nothing.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Topic } from 'roslib';
import { connectRos, sleep, waitFor } from '../bridge/helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const embodied = join(root, 'cli', 'embodied.js');

describe('--token across embodied sim and embodied run', () => {
  const children: ReturnType<typeof spawn>[] = [];
  afterAll(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });
  const start = (args: string[], env: Record<string, string>) => {
    const environment: Record<string, string | undefined> = { ...process.env, ...env };
    const child = spawn(process.execPath, [embodied, ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: environment });
    children.push(child);
    const output = { text: '' };
    child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString()));
    return output;
  };

  it('the loop authenticates with the token from EMBODIED_TOKEN and drives the simulator; a client without it gets nothing', async () => {
    const sim = start(['sim', '--port', '0', '--token', 'open sesame'], {});
    await waitFor(() => /on ws:\/\/127\.0\.0\.1:\d+/.test(sim.text), 30_000, 'the sim to listen');
    const url = /(ws:\/\/127\.0\.0\.1:\d+)/.exec(sim.text)![1];
    const loop = start(['run', '--url', url, '--robot', 'servo-arm'], { EMBODIED_TOKEN: 'open sesame' });
    await waitFor(() => /connected to ws:/.test(loop.text), 30_000, 'the loop to connect');
    // The sim reports the loop's forward controller as active once commands arrive.
    await waitFor(() => /controller forward_position_controller/.test(sim.text), 30_000, 'the loop\'s commands to reach the sim');
    // Without the token: the subscription is refused (a status error), nothing is delivered.
    const stranger = await connectRos(url);
    let received = 0;
    new Topic({ ros: stranger, name: '/joint_states', messageType: 'sensor_msgs/JointState' }).subscribe(() => received++);
    await sleep(1500);
    expect(received).toBe(0);
    stranger.close();
  }, 90_000);
});
