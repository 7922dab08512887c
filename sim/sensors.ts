// The plant's sensors: joint encoders (motor or joint side, quantized), joint velocity, joint
// torque, motor current and temperature, an IMU at a chosen link and a force/torque sensor at
// the flange. Each is a SensorChannel with its own rate, noise, bias and delay, all drawing from
// one seeded random source, so a run is reproducible for a seed.
//
// Ports: in — the plant's state after forward kinematics and link motion (X_WL, LinkMotion,
// q, v, joint torque, actuator state, gravity, payload and tip forces); out — the channels' values.
import type { RobotModel } from '../robot/model.ts';
import type { Actuators } from './actuators.ts';
import type { LinkMotion } from './link-motion.ts';
import { createRandom, Random } from './random.ts';
import { createSensorChannel, IDEAL_CHANNEL, SensorChannel, type ChannelSpec } from './sensor-channel.ts';

/** Encoder: a channel plus counts per revolution (0 = not quantized) on the motor or joint side. */
export interface EncoderSpec extends ChannelSpec {
  side: 'motor' | 'joint';
  countsPerRevolution: number;
}

/** Sensor configuration; every field optional when passed to `createSensors`. */
export interface SensorOptions {
  seed: number;
  encoder: EncoderSpec;
  velocity: ChannelSpec;
  torque: ChannelSpec;
  current: ChannelSpec;
  temperature: ChannelSpec;
  /** IMU link name (default: the tip) and its gyro and accelerometer channels. */
  imuLink?: string;
  gyro: ChannelSpec;
  accelerometer: ChannelSpec;
  /** Flange F/T sensor (measures the payload and forces acting on the tip link). */
  forceTorque: ChannelSpec;
}

/** Partial options, with per-channel partial specs. */
export type SensorOptionsInput = Partial<Omit<SensorOptions, 'encoder' | 'velocity' | 'torque' | 'current' | 'temperature' | 'gyro' | 'accelerometer' | 'forceTorque'>> & {
  encoder?: Partial<EncoderSpec>;
  velocity?: Partial<ChannelSpec>;
  torque?: Partial<ChannelSpec>;
  current?: Partial<ChannelSpec>;
  temperature?: Partial<ChannelSpec>;
  gyro?: Partial<ChannelSpec>;
  accelerometer?: Partial<ChannelSpec>;
  forceTorque?: Partial<ChannelSpec>;
};

/** Every sensor of the plant. */
export interface Sensors {
  readonly random: Random;
  /** Encoder side and resolution used for `position`. */
  readonly encoder: EncoderSpec;
  /** Joint position from the encoder (nv, rad or m). */
  readonly position: SensorChannel;
  readonly velocity: SensorChannel;
  /** Joint torque at the output (nv, N·m). */
  readonly torque: SensorChannel;
  readonly current: SensorChannel;
  readonly temperature: SensorChannel;
  /** IMU link index, orientation of that link in the base frame (4: x y z w, exact). */
  readonly imuLink: number;
  readonly orientation: Float64Array;
  /** Angular rate (3, rad/s) and specific force (3, m/s², +g up at rest), IMU link frame. */
  readonly gyro: SensorChannel;
  readonly accelerometer: SensorChannel;
  /** Force (3, N) then torque (3, N·m) the tool exerts on the flange, flange frame, about its origin. */
  readonly forceTorque: SensorChannel;
  /** Every channel, for fault injection and resets. */
  readonly all: readonly SensorChannel[];
}

const channel = (base: ChannelSpec, input: Partial<ChannelSpec> | undefined): ChannelSpec => ({ ...base, ...(input ?? {}) });

/** Makes the sensors for a model; `dt` is the physics step, `clock[0]` the simulated time (s). */
export function createSensors(model: RobotModel, dt: number, clock: Float64Array, options: SensorOptionsInput = {}): Sensors {
  const random = createRandom(options.seed ?? 1);
  const nv = model.nv;
  const encoder: EncoderSpec = { ...IDEAL_CHANNEL, side: 'motor', countsPerRevolution: 0, ...(options.encoder ?? {}) };
  if (!(encoder.countsPerRevolution >= 0)) throw new Error(`sensors.encoder.countsPerRevolution = ${encoder.countsPerRevolution} must be >= 0`);
  if (encoder.side !== 'motor' && encoder.side !== 'joint') throw new Error(`sensors.encoder.side = ${String(encoder.side)}: expected "motor" or "joint"`);
  let imuLink = model.tip;
  if (options.imuLink !== undefined) {
    imuLink = model.linkNames.indexOf(options.imuLink);
    if (imuLink < 0) throw new Error(`sensors.imuLink = "${options.imuLink}": no such link (links: ${model.linkNames.join(', ')})`);
  }
  const make = (width: number, spec: ChannelSpec) => createSensorChannel(width, spec, random, dt, clock);
  const position = make(nv, encoder);
  const velocity = make(nv, channel(IDEAL_CHANNEL, options.velocity));
  const torque = make(nv, channel(IDEAL_CHANNEL, options.torque));
  const current = make(nv, channel(IDEAL_CHANNEL, options.current));
  const temperature = make(nv, channel({ ...IDEAL_CHANNEL, rate: 10 }, options.temperature));
  const gyro = make(3, channel(IDEAL_CHANNEL, options.gyro));
  const accelerometer = make(3, channel(IDEAL_CHANNEL, options.accelerometer));
  const forceTorque = make(6, channel(IDEAL_CHANNEL, options.forceTorque));
  return {
    random,
    encoder,
    position, velocity, torque, current, temperature,
    imuLink,
    orientation: Float64Array.of(0, 0, 0, 1),
    gyro, accelerometer, forceTorque,
    all: [position, velocity, torque, current, temperature, gyro, accelerometer, forceTorque],
  };
}

/** Writes the quaternion (x y z w) of a row-major rotation at R[o..o+8] into out. */
export function rotationToQuaternion(R: Float64Array, o: number, out: Float64Array): void {
  const m00 = R[o], m01 = R[o + 1], m02 = R[o + 2], m10 = R[o + 3], m11 = R[o + 4], m12 = R[o + 5], m20 = R[o + 6], m21 = R[o + 7], m22 = R[o + 8];
  const trace = m00 + m11 + m22;
  let x, y, z, w;
  if (trace > 0) {
    const s = 2 * Math.sqrt(trace + 1);
    w = s / 4; x = (m21 - m12) / s; y = (m02 - m20) / s; z = (m10 - m01) / s;
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    w = (m21 - m12) / s; x = s / 4; y = (m01 + m10) / s; z = (m02 + m20) / s;
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    w = (m02 - m20) / s; x = (m01 + m10) / s; y = s / 4; z = (m12 + m21) / s;
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    w = (m10 - m01) / s; x = (m02 + m20) / s; y = (m12 + m21) / s; z = s / 4;
  }
  out[0] = x; out[1] = y; out[2] = z; out[3] = w;
}

/** What the sensors read from the plant in one update. */
export interface SensorInputs {
  model: RobotModel;
  X_WL: Float64Array;
  readonly motion: LinkMotion;
  readonly q: Float64Array;
  readonly v: Float64Array;
  /** Joint torque delivered by the actuators (nv). */
  readonly tau: Float64Array;
  readonly actuators: Actuators;
  readonly gravity: Float64Array;
  /** Tool wrench on the flange in the base frame (6: force, torque about the flange origin). */
  readonly toolWrench: Float64Array;
}

/** Samples every due channel at the clock's time and delivers what its delay allows. @realtime */
export function updateSensors(sensors: Sensors, input: SensorInputs): void {
  const { X_WL, motion, q, v, tau, actuators, gravity, toolWrench, model } = input;
  const nv = model.nv;
  const encoder = sensors.encoder;
  const { position, velocity, torque, current, temperature, gyro, accelerometer, forceTorque } = sensors;
  if (position.due()) {
    const motor = encoder.side === 'motor';
    const counts = encoder.countsPerRevolution;
    const perRadian = counts / (2 * Math.PI), quantum = (2 * Math.PI) / counts;
    for (let k = 0; k < nv; k++) {
      // Quantized to the encoder's counts (inline: a helper returning a double would box it).
      const angle = motor ? actuators.motorPosition[k] : q[k];
      const quantized = counts > 0 ? Math.round(angle * perRadian) * quantum : angle;
      position.truth[k] = motor ? quantized / actuators.gearRatio[k] : quantized;
    }
    position.sample();
  }
  if (velocity.due()) {
    velocity.truth.set(v);
    velocity.sample();
  }
  if (torque.due()) {
    torque.truth.set(tau);
    torque.sample();
  }
  if (current.due()) {
    current.truth.set(actuators.current);
    current.sample();
  }
  if (temperature.due()) {
    temperature.truth.set(actuators.temperature);
    temperature.sample();
  }
  const L = sensors.imuLink, o = 12 * L, l3 = 3 * L;
  const gyroDue = gyro.due(), accelDue = accelerometer.due();
  if (gyroDue || accelDue) rotationToQuaternion(X_WL, o, sensors.orientation);
  if (gyroDue) {
    // Rotate the base-frame rate into the link frame: Rᵀ·w.
    const wx = motion.w[l3], wy = motion.w[l3 + 1], wz = motion.w[l3 + 2];
    gyro.truth[0] = X_WL[o] * wx + X_WL[o + 3] * wy + X_WL[o + 6] * wz;
    gyro.truth[1] = X_WL[o + 1] * wx + X_WL[o + 4] * wy + X_WL[o + 7] * wz;
    gyro.truth[2] = X_WL[o + 2] * wx + X_WL[o + 5] * wy + X_WL[o + 8] * wz;
    gyro.sample();
  }
  if (accelDue) {
    // Specific force: acceleration minus gravity, in the link frame (reads +9.81 up at rest).
    const fx = motion.ao[l3] - gravity[0], fy = motion.ao[l3 + 1] - gravity[1], fz = motion.ao[l3 + 2] - gravity[2];
    accelerometer.truth[0] = X_WL[o] * fx + X_WL[o + 3] * fy + X_WL[o + 6] * fz;
    accelerometer.truth[1] = X_WL[o + 1] * fx + X_WL[o + 4] * fy + X_WL[o + 7] * fz;
    accelerometer.truth[2] = X_WL[o + 2] * fx + X_WL[o + 5] * fy + X_WL[o + 8] * fz;
    accelerometer.sample();
  }
  if (forceTorque.due()) {
    const f = 12 * model.tip;
    for (let j = 0; j < 2; j++) {
      const x = toolWrench[3 * j], y = toolWrench[3 * j + 1], z = toolWrench[3 * j + 2];
      forceTorque.truth[3 * j] = X_WL[f] * x + X_WL[f + 3] * y + X_WL[f + 6] * z;
      forceTorque.truth[3 * j + 1] = X_WL[f + 1] * x + X_WL[f + 4] * y + X_WL[f + 7] * z;
      forceTorque.truth[3 * j + 2] = X_WL[f + 2] * x + X_WL[f + 5] * y + X_WL[f + 8] * z;
    }
    forceTorque.sample();
  }
  for (let c = 0; c < sensors.all.length; c++) sensors.all[c].deliver();
}
