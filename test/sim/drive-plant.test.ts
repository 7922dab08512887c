// The plant with the robot's drives in the loop: a stalled motor against closed forms, and
// position holding through the drive firmware.
import { describe, expect, it } from 'vitest';
import { ActuatorMode } from '../../sim/actuators.ts';
import { loadSimRobot } from '../../sim/load-sim-robot.ts';
import { loadRobot } from '../../sim/load-robot.ts';
import { createPlant } from '../../sim/plant.ts';

describe('plant with drives', () => {
  it('a motor stalled against the joint stop draws V/R and its torque reaches the stop through the reducer', () => {
    const { sim, driveSet } = loadSimRobot('servo-arm', { q0: [2.96, 0, 0, 0, 0, 0] });
    const set = driveSet!;
    const plant = sim.plant;
    const k = 0; // base yaw: no gravity torque, so the stop carries the whole motor torque
    const V = 4;
    plant.command.mode[k] = ActuatorMode.voltage;
    plant.command.voltage[k] = V;
    for (let i = 0; i < 1500; i++) plant.step();
    let current = 0, tau = 0, stop = 0;
    const n = 500;
    for (let i = 0; i < n; i++) {
      plant.step();
      current += plant.actuators.current[k] / n;
      tau += plant.tauActuator[k] / n;
      stop += plant.tauStops[k] / n;
    }
    expect(plant.q[k]).toBeGreaterThan(plant.model.upperLimit[k] - 1e-3);
    // Stall: no back-EMF, so i = V / R(T), R rising with the winding temperature.
    const R = set.resistance[k] * (1 + set.temperatureCoefficient[k] * (plant.actuators.temperature[k] - set.referenceTemperature[k]));
    expect(Math.abs(current - V / R) / (V / R)).toBeLessThan(5e-3);
    // Motor torque Kt·V/R, through the reducer: N·Kt·i within the gear's static efficiency bounds.
    const ideal = set.ratio[k] * set.torqueConstant[k] * current;
    expect(tau).toBeGreaterThan(set.forwardEfficiency[k] * ideal * 0.999);
    expect(tau).toBeLessThan((ideal / Math.min(set.forwardEfficiency[k], set.backEfficiency[k])) * 1.001);
    // At rest the stop reacts the whole joint torque.
    expect(Math.abs(tau + stop) / tau).toBeLessThan(1e-3);
  });

  it('holds a commanded pose through the drives position loops within 0.01 deg, quietly', () => {
    const { sim } = loadSimRobot('servo-arm', { q0: [0, 0.2, 0.4, 0, 0.3, 0] });
    sim.forward('position', [0.3, 0.5, 0.6, -0.2, 0.4, 0.5]);
    for (let i = 0; i < 3000; i++) sim.step();
    let peak = 0;
    for (let i = 0; i < 500; i++) {
      sim.step();
      for (let k = 0; k < 6; k++) peak = Math.max(peak, Math.abs(sim.plant.v[k]));
    }
    [0.3, 0.5, 0.6, -0.2, 0.4, 0.5].forEach((target, k) => expect(Math.abs(sim.plant.q[k] - target)).toBeLessThan((0.01 * Math.PI) / 180));
    // No chatter at standstill (a too-long step for the firmware's velocity loop rings at 500 Hz).
    expect(peak).toBeLessThan(5e-3);
  });
  it('steps the drives once per velocity-loop period against the step\'s mass matrix; bad sub-step options are named', () => {
    for (const robot of ['servo-arm', 'ur5e', 'panda']) {
      const plant = loadSimRobot(robot).sim.plant;
      // 1 ms steps, 4 kHz velocity loops: 4 actuator sub-steps, one rigid-body step.
      expect([robot, plant.substeps, plant.actuatorSubsteps]).toEqual([robot, 1, 4]);
    }
    const { model } = loadRobot('ur5e');
    expect(() => createPlant(model, { actuatorSubsteps: 0 })).toThrow(/actuatorSubsteps = 0: expected an integer 1\.\.1000/);
    expect(() => createPlant(model, { integrator: 'rk4', actuatorSubsteps: 3 })).toThrow(/only semi-implicit Euler/);
    expect(() => createPlant(model, { substeps: 'many' as unknown as number })).toThrow(/substeps = "many"/);
    // A 0.1 rad step on every joint settles on the target, quietly.
    const settle = (actuatorSubsteps: number) => {
      const { sim } = loadSimRobot('servo-arm', { actuatorSubsteps });
      const plant = sim.plant;
      const target = Array.from(plant.q, (q) => q + 0.1);
      sim.forward('position', target);
      for (let i = 0; i < 1500; i++) sim.step();
      let peak = 0;
      for (let i = 0; i < 300; i++) {
        sim.step();
        for (let k = 0; k < 6; k++) peak = Math.max(peak, Math.abs(plant.v[k]));
      }
      return { error: Math.max(...target.map((t, k) => Math.abs(plant.q[k] - t))), peak };
    };
    const four = settle(4);
    expect(four.error).toBeLessThan(1e-3);
    expect(four.peak).toBeLessThan(5e-3);
  });
});
