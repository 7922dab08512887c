// `embodied run` against the simulator (startSimServer, real time, port 0) with the features where
// control meets the drives and perception: motor-current commands through the drive maps (the
// simulated arm follows a trajectory), and collision detection on the simulated joint torques (a
// scripted force on a link stops the loop and shows in /diagnostics).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimServer, type SimServer } from '../../sim/server.ts';
import { startControlClient, type ControlClient } from '../../cli/control-client.ts';
import { linkIndex } from '../../robot/model.ts';

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function trajectoryTo(names: readonly string[], target: number[], seconds: number) {
  return {
    header: { stamp: { sec: 0, nanosec: 0 }, frame_id: '' }, joint_names: [...names],
    points: [{ positions: target, velocities: [], accelerations: [], effort: [], time_from_start: { sec: seconds, nanosec: 0 } }],
  };
}

describe('control client with motor-current commands against the simulator', () => {
  let sim: SimServer;
  let control: ControlClient;
  let motorMessages = 0;
  beforeAll(async () => {
    sim = await startSimServer({ robot: 'servo-arm', port: 0 });
    sim.server.subscribe('/motor_current_controller/commands', () => motorMessages++);
    control = await startControlClient({ url: sim.url, robot: 'servo-arm', rate: 500, wait: 'timeout', command: 'motor-current', log: () => {}, safety: { stateTimeout: 0.5 } });
  }, 30_000);
  afterAll(async () => {
    await control?.stop();
    await sim?.close();
  });

  it('the arm follows a trajectory under motor-current commands (no collision raised on the way)', async () => {
    await until(() => control.pipeline.safety.state === 'active', 10_000, 'the loop to become active');
    const names = control.pipeline.model.jointNames;
    const start = Array.from(control.pipeline.ctx.q);
    const target = start.map((q, k) => (k === 0 ? q + 0.4 : k === 2 ? q - 0.3 : q));
    sim.server.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', trajectoryTo(names, target, 1));
    await until(() => Math.abs(control.pipeline.ctx.q[0] - target[0]) < 0.02 && Math.abs(control.pipeline.ctx.q[2] - target[2]) < 0.02, 10_000, 'the simulated joints to reach the target').catch((error: Error) => {
      throw new Error(`${error.message} (state ${control.pipeline.safety.state}: ${control.pipeline.safety.reason}, q ${Array.from(control.pipeline.ctx.q, (x) => x.toFixed(3)).join(' ')})`);
    });
    // Settled near the target, in motor-current mode on the simulator's side.
    await new Promise((r) => setTimeout(r, 500));
    const q = sim.sim.plant.q;
    // The effort cascade settles within a few hundredths of a radian (measured 0.026 rad on joint1 0.5 s after arrival).
    expect(Math.abs(q[0] - target[0])).toBeLessThan(0.05);
    expect(Math.abs(q[2] - target[2])).toBeLessThan(0.05);
    expect(motorMessages).toBeGreaterThan(50);
    expect((sim.sim as unknown as { active: string }).active).toBe('motor_current_controller');
    expect(control.motorOutput).toBeDefined();
    expect(control.motorOutput!.current.some((c) => c !== 0)).toBe(true);
    expect(control.pipeline.safety.state).toBe('active');
    expect(control.collision?.count).toBe(0);
  }, 20_000);
});

describe('control client collision detection against the simulator (effort commands)', () => {
  let sim: SimServer;
  let control: ControlClient;
  const diagnostics: unknown[] = [];
  beforeAll(async () => {
    sim = await startSimServer({ robot: 'servo-arm', port: 0 });
    sim.server.subscribe('/diagnostics', (msg) => diagnostics.push(msg));
    control = await startControlClient({ url: sim.url, robot: 'servo-arm', rate: 500, wait: 'timeout', command: 'effort', log: () => {}, safety: { stateTimeout: 0.5 } });
  }, 30_000);
  afterAll(async () => {
    await control?.stop();
    await sim?.close();
  });

  it('a trajectory raises no collision; a force pushing on link3 stops the loop ("collision on <joint>") and /diagnostics lists the event', async () => {
    await until(() => control.pipeline.safety.state === 'active', 10_000, 'the loop to become active');
    const names = control.pipeline.model.jointNames;
    const start = Array.from(control.pipeline.ctx.q);
    const target = start.map((q, k) => (k === 1 ? q + 0.3 : q));
    sim.server.publish('/embodied/joint_trajectory', 'trajectory_msgs/JointTrajectory', trajectoryTo(names, target, 1));
    await until(() => Math.abs(control.pipeline.ctx.q[1] - target[1]) < 0.03, 10_000, 'the simulated joint to reach the target').catch((error: Error) => {
      throw new Error(`${error.message} (state ${control.pipeline.safety.state}: ${control.pipeline.safety.reason}, q ${Array.from(control.pipeline.ctx.q, (x) => x.toFixed(3)).join(' ')})`);
    });
    expect(control.collision?.count).toBe(0);
    // A 200 N push on link3 (horizontal, at its origin): tens of N·m on joints 1-2.
    const forces = sim.sim.plant.forces;
    forces.link[0] = linkIndex(sim.sim.plant.model, 'link3');
    forces.force[0] = 200;
    forces.force[1] = 200;
    await until(() => (control.collision?.count ?? 0) > 0, 3000, 'the collision to be detected');
    await until(() => control.pipeline.safety.state === 'holding', 1000, 'the loop to hold');
    expect(control.pipeline.safety.reason).toMatch(/^collision on joint\d$/);
    const joint = control.pipeline.safety.reason.slice('collision on '.length);
    forces.link[0] = -1;
    await until(() => diagnostics.some((d) => JSON.stringify(d).includes(`collision on ${joint} at t = `)), 3000, 'the collision in /diagnostics');
    const array = diagnostics.at(-1) as { status: { name: string; values: { key: string; value: string }[] }[] };
    const status = array.status.find((s) => s.name === 'servo-arm: collision')!;
    expect(status.values.find((v) => v.key === 'joint')?.value).toBe(joint);
    expect(Math.abs(Number(status.values.find((v) => v.key === 'residual_nm')?.value))).toBeGreaterThan(1);
  }, 25_000);
});
