// `embodied run`'s composition against the project's simulator (startSimServer, real time, port 0):
// joint states in, forward position commands out, a trajectory executed by the simulated arm,
// e-stop latched and released by /embodied/reset.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../sim/server.ts';
import { startControlClient, type ControlClient } from '../../cli/control-client.ts';

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('control client against the simulator', () => {
  let sim: SimServer;
  let control: ControlClient;
  beforeAll(async () => {
    sim = await startSimServer({ robot: 'servo-arm', port: 0 });
    control = await startControlClient({ url: sim.url, robot: 'servo-arm', rate: 500, wait: 'timeout', log: () => {}, safety: { stateTimeout: 0.5 } });
  }, 30_000);
  afterAll(async () => {
    await control?.stop();
    await sim?.close();
  });

  it('becomes active on the simulated joint states and moves the simulated arm along a trajectory', async () => {
    await until(() => control.pipeline.safety.state === 'active', 10_000, 'the loop to become active');
    const names = control.pipeline.model.jointNames;
    const start = Array.from(control.pipeline.ctx.q);
    const target = start.map((q, k) => (k === 0 ? q + 0.3 : q));
    sim.server.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', {
      header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: [...names],
      points: [{ positions: target, velocities: [], accelerations: [], effort: [], time_from_start: { sec: 1, nanosec: 0 } }],
    });
    await until(() => Math.abs(control.pipeline.ctx.q[0] - target[0]) < 0.01, 10_000, 'the simulated joint to reach the target');
    expect(control.pipeline.safety.state).toBe('active');
  }, 20_000);

  it('latches the e-stop from /embodied/estop and /embodied/reset releases it', async () => {
    sim.server.publish('/embodied/estop', 'std_msgs/Bool', { data: true });
    await until(() => control.pipeline.safety.state === 'e-stopped', 3000, 'the e-stop');
    const answer = (await sim.server.hub.callService('/embodied/reset', 'std_srvs/Trigger', {}, 3000)) as { success: boolean };
    expect(answer.success).toBe(true);
    await until(() => control.pipeline.safety.state === 'active', 5000, 'the loop to become active again');
  }, 15_000);
});
