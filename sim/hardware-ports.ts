// The plant seen as ros2_control hardware: its sensors written into robot ports (state, IMU,
// wrench), and command ports applied to its actuators. Both directions are @realtime.
import type { RobotPorts } from '../robot/ports.ts';
import { ActuatorMode } from './actuators.ts';
import type { Plant } from './plant.ts';

/**
 * Copies the latest delivered sensor values into `ports` (joint order of the model), stamps them
 * with the sample time, and bumps each group's sequence only when its sensor delivered something
 * new, so a reader can tell a sensor dropout from fresh data. `received` is set to `now` (s). @realtime
 */
export function writeStatePorts(plant: Plant, ports: RobotPorts, now: number): void {
  const s = plant.sensors;
  const state = ports.state;
  if (s.position.sequence !== lastSequence(ports, 0)) {
    state.position.set(s.position.value);
    state.velocity.set(s.velocity.value);
    state.effort.set(s.torque.value);
    state.motorCurrent.set(s.current.value);
    state.motorTemperature.set(s.temperature.value);
    state.valid.fill(1);
    state.stamp = s.position.stamp;
    state.received = now;
    state.sequence++;
    remember(ports, 0, s.position.sequence);
  }
  if (s.gyro.sequence !== lastSequence(ports, 1)) {
    ports.imu.orientation.set(s.orientation);
    ports.imu.angularVelocity.set(s.gyro.value);
    ports.imu.linearAcceleration.set(s.accelerometer.value);
    ports.imu.stamp = s.gyro.stamp;
    ports.imu.received = now;
    ports.imu.sequence++;
    remember(ports, 1, s.gyro.sequence);
  }
  if (s.forceTorque.sequence !== lastSequence(ports, 2)) {
    const w = s.forceTorque.value;
    ports.wrench.force[0] = w[0]; ports.wrench.force[1] = w[1]; ports.wrench.force[2] = w[2];
    ports.wrench.torque[0] = w[3]; ports.wrench.torque[1] = w[4]; ports.wrench.torque[2] = w[5];
    ports.wrench.stamp = s.forceTorque.stamp;
    ports.wrench.received = now;
    ports.wrench.sequence++;
    remember(ports, 2, s.forceTorque.sequence);
  }
}

// Sensor sequences last copied, per ports object (state, imu, wrench), kept beside the ports.
const seen = new WeakMap<RobotPorts, Int32Array>();
function lastSequence(ports: RobotPorts, group: number): number {
  let slots = seen.get(ports);
  if (slots === undefined) {
    slots = new Int32Array(3).fill(-1);
    seen.set(ports, slots);
  }
  return slots[group];
}
function remember(ports: RobotPorts, group: number, sequence: number): void {
  seen.get(ports)![group] = sequence;
}

/**
 * Applies the command ports to the plant's actuators: mode 'position' -> position (with velocity
 * feedforward), 'velocity', 'effort'; 'none' leaves the actuators as they are. Non-finite
 * setpoints are ignored (the joint keeps its previous command). @realtime
 */
export function applyCommandPorts(ports: RobotPorts, plant: Plant): void {
  const c = ports.command;
  const a = plant.command;
  const nv = plant.model.nv;
  let mode: number;
  switch (c.mode) {
    case 'position': mode = ActuatorMode.position; break;
    case 'velocity': mode = ActuatorMode.velocity; break;
    case 'effort': mode = ActuatorMode.effort; break;
    default: return;
  }
  for (let k = 0; k < nv; k++) {
    if (mode === ActuatorMode.position) {
      if (!Number.isFinite(c.position[k])) continue;
      a.position[k] = c.position[k];
      a.velocity[k] = Number.isFinite(c.velocity[k]) ? c.velocity[k] : 0;
      a.effort[k] = Number.isFinite(c.effort[k]) ? c.effort[k] : 0;
    } else if (mode === ActuatorMode.velocity) {
      if (!Number.isFinite(c.velocity[k])) continue;
      a.velocity[k] = c.velocity[k];
      a.effort[k] = Number.isFinite(c.effort[k]) ? c.effort[k] : 0;
    } else {
      if (!Number.isFinite(c.effort[k])) continue;
      a.effort[k] = c.effort[k];
    }
    a.mode[k] = mode;
  }
}
