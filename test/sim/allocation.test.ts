// A physics step (dynamics, actuators, forces, sensors with noise and delay) allocates nothing.
import { describe, expect, it } from 'vitest';
import { loadRobot } from '../../sim/load-robot.ts';
import { ActuatorMode } from '../../sim/actuators.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';
import { createPlant } from '../../sim/plant.ts';
import { measureHeapGrowth } from '../support/heap.ts';

// Heap growth over n calls after `warmup` calls and a second of wall time, two collections before each round (garbage
// included, no sampling); up to 6 rounds, stopping once one reads at most 64 KiB: a one-off such
// as the optimizing compiler installing code lands in one round, garbage made per call in all.
const heapGrowth = (fn: () => void, n: number, warmup = 50_000) =>
  measureHeapGrowth(fn, { calls: n, warmup: { calls: warmup, seconds: 1 }, rounds: 6, stopBelow: 64 * 1024, collectBefore: 2 }).bytes;

describe('plant allocation', () => {
  it('the measurement sees a deliberately allocating step (positive control)', () => {
    const sink: number[][] = [];
    const growth = heapGrowth(() => {
      sink.length = 0;
      sink.push([1, 2, 3]);
    }, 1e5);
    expect(growth).toBeGreaterThan(1e6);
  });

  for (const integrator of ['semi-implicit-euler', 'rk4'] as const) {
    it(`steps 1e5 times with ${integrator}, sensors, forces and payload without heap growth`, () => {
      const { model } = loadRobot('ur5e');
      const plant = createPlant(model, {
        integrator,
        sensors: {
          seed: 3,
          encoder: { countsPerRevolution: 1 << 17, noise: 1e-5, delay: 0.002 },
          velocity: { noise: 1e-3 },
          gyro: { rate: 500, noise: 1e-3, bias: 0.01 },
          accelerometer: { rate: 500, noise: 0.05 },
          forceTorque: { rate: 250, noise: 0.1, delay: 0.004 },
        },
      });
      plant.setPayload({ mass: 1, com: [0, 0, 0.05] });
      plant.forces.link[0] = model.tip;
      plant.forces.force[2] = -5;
      plant.command.mode.fill(ActuatorMode.position);
      let i = 0;
      const growth = heapGrowth(() => {
        plant.command.position[0] = 0.1 * Math.sin(++i * 1e-3);
        plant.step();
      }, 1e5);
      expect(Number.isFinite(plant.q[0])).toBe(true);
      expect(plant.sensors.forceTorque.sequence).toBeGreaterThan(1000);
      expect(growth).toBeLessThan(64 * 1024);
    });
  }

  // With the drives in the loop (4 actuator sub-steps a step), both fidelities, two robots (ur5e
  // averaged is the sim/step-ur5e benchmark's workload). The heap is read every 1000 steps and the
  // increases summed, so that garbage a scavenge collects during the run still counts.
  for (const [robot, fidelity] of [['servo-arm', 'averaged'], ['ur5e', 'averaged'], ['ur5e', 'switching']] as const) {
    it(`steps 1e5 times with the drives in the loop (${robot}, ${fidelity}) allocating nothing`, () => {
      const { sim } = loadSimRobot(robot, { fidelity, sensors: { seed: 2, velocity: { noise: 1e-3 }, gyro: { noise: 1e-3 } } });
      const plant = sim.plant;
      expect(plant.actuators.kind).toBe('drive');
      plant.command.mode.fill(ActuatorMode.position);
      const report = measureHeapGrowth((i) => {
        plant.command.position[1] = 0.2 * Math.sin(i * 1e-3);
        plant.step();
      // Up to 5 rounds, stopping at the first under 1 B a call: a round that overlaps the optimizing
      // compiler's work (late on a loaded machine: once 3.9 B a call in every one of 3 rounds while
      // another test run shared the cores) does not decide; garbage made per step is in every round.
      }, { calls: 1e5, warmup: { calls: 150_000, seconds: 1 }, rounds: 5, stopBelow: 1e5, sampleEvery: 1000 });
      expect(plant.actuators.current.every(Number.isFinite)).toBe(true);
      // A boxed double is 16 B a call.
      expect(report.bytesPerCall).toBeLessThan(2);
    }, 120_000);
  }
});
