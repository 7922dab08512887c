// The 'averaged' drive fidelity (current loop as its closed-loop response, 4 kHz outer loops)
// against the 'switching' reference (current loop sub-stepped at 20 kHz), in the simulator with
// the drives in the loop: joint position, velocity and motor current on a step and on a
// trajectory. RMS differences are relative to the RMS of the switching signal. The motor current
// compared is the one the simulator reports, the mean over each 1 ms step (a firmware's current
// changes within a step: its position loop runs at 1 kHz, its velocity loop at 4 kHz).
import { describe, expect, it } from 'vitest';
import { ActuatorMode } from '../../sim/actuators.ts';
import { createDriveActuators, rigidDriveSet } from '../../sim/drive-actuators.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';
import type { DriveFidelity } from '../../robot/drive/index.ts';

interface Trace { q: number[]; v: number[]; current: number[] }

function run(robot: string, fidelity: DriveFidelity, reference: (t: number, k: number) => number, seconds: number): Trace {
  const probe = loadSimRobot(robot);
  const set = rigidDriveSet(probe.driveSet!);
  const { sim } = loadSimRobot(robot, { actuators: (model) => createDriveActuators(model, set, { fidelity }) });
  const plant = sim.plant;
  plant.command.mode.fill(ActuatorMode.position);
  const trace: Trace = { q: [], v: [], current: [] };
  const steps = Math.round(seconds / plant.dt);
  for (let i = 0; i < steps; i++) {
    const t = i * plant.dt;
    for (let k = 0; k < plant.model.nv; k++) plant.command.position[k] = reference(t, k);
    plant.step();
    for (let k = 0; k < plant.model.nv; k++) {
      trace.q.push(plant.q[k]);
      trace.v.push(plant.v[k]);
      trace.current.push(plant.actuators.current[k]);
    }
  }
  return trace;
}

function relativeRms(a: number[], b: number[]): number {
  let difference = 0;
  let size = 0;
  for (let i = 0; i < a.length; i++) {
    difference += (a[i] - b[i]) ** 2;
    size += a[i] ** 2;
  }
  return Math.sqrt(difference / Math.max(size, 1e-30));
}

function compare(robot: string, reference: (t: number, k: number) => number, seconds: number) {
  const switching = run(robot, 'switching', reference, seconds);
  const averaged = run(robot, 'averaged', reference, seconds);
  const result = {
    q: relativeRms(switching.q, averaged.q),
    v: relativeRms(switching.v, averaged.v),
    current: relativeRms(switching.current, averaged.current),
  };
  console.log(`${robot}: relative RMS difference averaged vs switching`, JSON.stringify(result));
  return result;
}

const step = (start: number[]) => (t: number, k: number) => start[k] + (t >= 0.05 ? 0.1 : 0);
const trajectory = (t: number, k: number) => 0.4 * Math.sin(2 * Math.PI * 0.5 * t + k) * Math.min(1, t);

describe('averaged drive fidelity tracks the switching model', () => {
  for (const robot of ['ur5e', 'servo-arm']) {
    it(`${robot}: a 0.1 rad position step on every joint`, () => {
      const start = Array.from(loadSimRobot(robot).sim.plant.q);
      const d = compare(robot, step(start), 0.5);
      // Measured: q 0.003, v 0.019-0.020, current 0.065-0.075.
      expect(d.q).toBeLessThan(0.01);
      expect(d.v).toBeLessThan(0.04);
      expect(d.current).toBeLessThan(0.12);
    }, 120_000);
    it(`${robot}: a sine trajectory on every joint`, () => {
      const d = compare(robot, trajectory, 2);
      // Measured: q 0.0013, v 0.007, current 0.048-0.078.
      expect(d.q).toBeLessThan(0.01);
      expect(d.v).toBeLessThan(0.02);
      expect(d.current).toBeLessThan(0.12);
    }, 120_000);
  }
  it('the comparison can fail: a drive with the current loop switched off differs', () => {
    const switching = run('ur5e', 'switching', trajectory, 0.5);
    const held = run('ur5e', 'switching', () => 0, 0.5);
    expect(relativeRms(switching.q, held.q)).toBeGreaterThan(0.05);
  }, 120_000);
});
