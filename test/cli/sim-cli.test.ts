// `embodied sim --lockstep` as a user runs it: the simulator stands still until a client (roslib,
// over the socket the command prints) calls /sim/step or /sim/step_simulation; /clock follows
// the calls step for step; Ctrl-C stops it cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Service, Topic, type Ros } from 'roslib';
import { connectRos, sleep, waitFor } from '../bridge/helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const embodied = join(root, 'cli', 'embodied.js');

describe('embodied sim --lockstep', () => {
  let child: ReturnType<typeof spawn> | undefined;
  let ros: Ros | undefined;
  afterAll(() => {
    ros?.close();
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('is in the help text', () => {
    const help = spawnSync(process.execPath, [embodied, 'sim', '--help'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    expect(help.stdout).toMatch(/--lockstep\s+start paused in lockstep/);
  }, 60_000);

  it('advances only on /sim/step and /sim/step_simulation calls, one /clock per physics step, and stops on SIGINT', async () => {
    child = spawn(process.execPath, [embodied, 'sim', '--lockstep', '--port', '0'], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Two lines, two writes: wait for the second, which may arrive in a later chunk.
    await waitFor(() => /on ws:\/\/127\.0\.0\.1:\d+/.test(stderr) && /lockstep: waiting/.test(stderr), 30_000, 'the sim to listen');
    expect(stderr).toMatch(/lockstep: waiting for \/sim\/step or \/sim\/step_simulation calls \(0\.001 s a step\)/);
    ros = await connectRos(/(ws:\/\/127\.0\.0\.1:\d+)/.exec(stderr)![1]);
    const clocks: number[] = [];
    new Topic({ ros, name: '/clock', messageType: 'rosgraph_msgs/msg/Clock' }).subscribe((m) => {
      const { clock } = m as { clock: { sec: number; nanosec: number } };
      clocks.push(clock.sec * 1e9 + clock.nanosec);
    });
    const call = (name: string, type: string, args: unknown) =>
      new Promise<unknown>((resolve, reject) => new Service({ ros: ros!, name, serviceType: type }).callService(args as never, resolve, (e) => reject(new Error(String(e)))));
    await sleep(500);
    expect(clocks).toEqual([]);
    expect(await call('/sim/step', 'std_srvs/srv/Trigger', {})).toMatchObject({ success: true, message: 'stepped to t = 0.001 s' });
    expect(await call('/sim/step_simulation', 'simulation_interfaces/srv/StepSimulation', { steps: 4 })).toEqual({ result: { result: 1, error_message: '' } });
    expect(clocks).toEqual([1e6, 2e6, 3e6, 4e6, 5e6]);
    await sleep(300);
    expect(clocks).toHaveLength(5);
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/embodied sim: stopping/);
  }, 60_000);
});
