// The simulated robot: rigid-body dynamics (the robot core's ABA) driven by actuators (drives or
// ideal), with joint damping and friction, hard joint stops as stiff damped springs, a payload at
// the tip, scripted external forces on links, and sensors. One `step()` advances `dt` seconds and
// allocates nothing.
//
// Ports: in — `command` (per-joint mode and setpoints), `forces` (scripted wrenches), payload;
// out — `q`, `v`, `qdd`, `tauActuator`, `sensors`, `time`.
import { createData, type RobotData } from '../robot/data.ts';
import { aba, crba, massMatrixAndBias } from '../robot/dynamics.ts';
import { choleskyFactor, choleskySolve } from '../robot/dynamics-bodies.ts';
import { forwardKinematics } from '../robot/kinematics.ts';
import { withArmature, type RobotModel } from '../robot/model.ts';
import type { ActuatorCommand, Actuators } from './actuators.ts';
import { createIdealActuators } from './actuators.ts';
import { addLinkWrenchTorques, computeLinkMotion, createLinkMotion, type LinkMotion } from './link-motion.ts';
import { modelWithPayload, type Payload } from './payload.ts';
import { createSensors, updateSensors, type SensorInputs, type SensorOptionsInput, type Sensors } from './sensors.ts';
import { effectiveInertia } from './effective-inertia.ts';

/** Integration schemes. */
export type Integrator = 'semi-implicit-euler' | 'rk4';

/** Options for `createPlant`. */
export interface PlantOptions {
  /** Physics step (s), default 1e-3. */
  dt?: number;
  integrator?: Integrator;
  /** Gravity in the base frame (3, m/s²), default [0, 0, -9.81]. */
  gravity?: readonly number[];
  /** Make actuators for the model; default: ideal actuators keeping the model's armature. */
  actuators?: (model: RobotModel, inertia: Float64Array) => Actuators;
  /**
   * Rigid-body sub-steps per step (default 'auto': 1 with semi-implicit Euler, whose actuators are
   * sub-stepped instead, see actuatorSubsteps; with RK4 as many as the actuators' `maxStableStep`
   * needs). A number sets it (and actuatorSubsteps to 1).
   */
  substeps?: number | 'auto';
  /** Actuator sub-steps per rigid-body sub-step with semi-implicit Euler (default 'auto', see Plant.actuatorSubsteps). */
  actuatorSubsteps?: number | 'auto';
  /** URDF joint damping and friction on (default true). */
  jointLosses?: boolean;
  /** Hard stops at the URDF position limits (default true), with natural frequency as a fraction of 1/dt. */
  jointStops?: boolean;
  /** Number of scripted-force slots (default 4). */
  forceSlots?: number;
  sensors?: SensorOptionsInput;
  /** Initial joint positions (nv), default 0 clamped into the limits. */
  q0?: readonly number[];
}

/** Scripted wrenches: per slot the link (-1: inactive), force (3, N, base frame), point (3, m, link frame), moment (3, N·m, base frame). */
export interface ForceSlots {
  readonly count: number;
  readonly link: Int32Array;
  readonly force: Float64Array;
  readonly point: Float64Array;
  readonly moment: Float64Array;
}

/** The simulated robot. */
export interface Plant {
  /** The model the dynamics use (armature from the actuators, payload folded in). Replaced by setPayload. */
  readonly model: RobotModel;
  readonly data: RobotData;
  readonly dt: number;
  readonly integrator: Integrator;
  /** Rigid-body sub-steps per step (each dt / substeps long; sensors sample once per step). */
  readonly substeps: number;
  /**
   * Actuator sub-steps per rigid-body sub-step (semi-implicit Euler): the actuators' fast loops
   * (drive firmware, stiff reducers) and the joints they move are stepped this many times against
   * the mass matrix and bias forces of the sub-step's start, factored once — the rigid body's
   * inertia changes with the pose far slower than a velocity loop acts. As many as the actuators'
   * `maxStableStep` needs, else 1.
   */
  readonly actuatorSubsteps: number;
  /** Simulated time (s). */
  readonly time: number;
  /** Number of steps taken since the last reset. */
  readonly steps: number;
  readonly gravity: Float64Array;
  /** Joint positions, velocities, accelerations (nv each). Writing q or v between steps is allowed. */
  readonly q: Float64Array;
  readonly v: Float64Array;
  readonly qdd: Float64Array;
  /** Joint torque from the actuators over the last step (nv, N·m). */
  readonly tauActuator: Float64Array;
  /** Joint torque from scripted forces (nv), joint stops (nv), damping + friction (nv, a loss: subtracted). */
  readonly tauExternal: Float64Array;
  readonly tauStops: Float64Array;
  readonly tauLosses: Float64Array;
  /** Wrench the tool (payload + forces on the tip link) exerts on the flange: 6, base frame, about the flange origin. */
  readonly toolWrench: Float64Array;
  readonly actuators: Actuators;
  readonly command: ActuatorCommand;
  readonly forces: ForceSlots;
  readonly motion: LinkMotion;
  readonly sensors: Sensors;
  readonly payload: Payload | null;
  /** Advances one physics step. @realtime */
  step(): void;
  /** Puts the robot at rest at q (default: the initial configuration), time 0, sensors cleared. */
  reset(q?: ArrayLike<number>): void;
  /** Attaches a payload to the tip (null removes it). Rebuilds the dynamics workspace: not @realtime. */
  setPayload(payload: Payload | null): void;
  /** Kinetic plus potential energy of the rigid bodies at the current state (J); for tests. */
  mechanicalEnergy(): number;
}

/** Builds a plant for `model`; the dynamics use the actuators' armature (ideal actuators keep the model's). */
export function createPlant(modelIn: RobotModel, options: PlantOptions = {}): Plant {
  const dt = options.dt ?? 1e-3;
  if (!(dt > 0 && dt <= 0.1)) throw new Error(`plant dt = ${dt} s: expected 0 < dt <= 0.1`);
  const integrator = options.integrator ?? 'semi-implicit-euler';
  if (integrator !== 'semi-implicit-euler' && integrator !== 'rk4') throw new Error(`plant integrator = "${String(integrator)}": expected "semi-implicit-euler" or "rk4"`);
  const gravity = Float64Array.from(options.gravity ?? [0, 0, -9.81]);
  if (gravity.length !== 3 || !gravity.every(Number.isFinite)) throw new Error(`plant gravity = ${JSON.stringify(options.gravity)}: expected 3 finite numbers`);
  const nv = modelIn.nv;
  const inertia0 = effectiveInertia(modelIn);
  const actuators = options.actuators ? options.actuators(modelIn, inertia0) : createIdealActuators(modelIn, inertia0);
  const baseModel = withArmature(modelIn, actuators.armature);
  let substeps = 1;
  let actuatorSubsteps = 1;
  if (typeof options.substeps === 'number') {
    if (!(Number.isInteger(options.substeps) && options.substeps >= 1 && options.substeps <= 1000)) throw new Error(`plant substeps = ${options.substeps}: expected an integer 1..1000 or "auto"`);
    substeps = options.substeps;
  } else if (options.substeps !== undefined && options.substeps !== 'auto') {
    throw new Error(`plant substeps = ${JSON.stringify(options.substeps)}: expected an integer 1..1000 or "auto"`);
  } else if (actuators.maxStableStep) {
    const stable = actuators.maxStableStep(inertia0);
    const needed = stable < dt ? Math.min(1000, Math.ceil(dt / stable)) : 1;
    if (integrator === 'semi-implicit-euler') actuatorSubsteps = needed;
    else substeps = needed;
  }
  if (options.actuatorSubsteps !== undefined && options.actuatorSubsteps !== 'auto') {
    const wanted = options.actuatorSubsteps;
    if (!(Number.isInteger(wanted) && wanted >= 1 && wanted <= 1000)) throw new Error(`plant actuatorSubsteps = ${JSON.stringify(wanted)}: expected an integer 1..1000 or "auto"`);
    if (integrator !== 'semi-implicit-euler' && wanted !== 1) throw new Error(`plant actuatorSubsteps = ${wanted}: only semi-implicit Euler sub-steps its actuators (use substeps with ${integrator})`);
    actuatorSubsteps = wanted;
  }
  const h = dt / substeps;
  const hActuator = h / actuatorSubsteps;
  let model = baseModel;
  let data = createData(model);
  let payload: Payload | null = null;

  const losses = options.jointLosses ?? true;
  const stops = options.jointStops ?? true;
  // Stop springs: natural frequency 0.5/h (the sub-step) over the joint's smallest effective inertia (with armature),
  // damping ratio 0.7 — stiff enough to hold a limit to a fraction of a degree, stable for both integrators.
  const stopInertia = effectiveInertia(baseModel);
  const stopK = new Float64Array(nv);
  const stopC = new Float64Array(nv);
  const omega = 0.5 / h;
  for (let k = 0; k < nv; k++) {
    stopK[k] = stopInertia[k] * omega * omega;
    stopC[k] = 2 * 0.7 * stopInertia[k] * omega;
  }
  // Coulomb friction regularised below a velocity where its slope is still stable for the step
  // (kept as its inverse: the step multiplies).
  const inverseFrictionVelocity = new Float64Array(nv);
  for (let k = 0; k < nv; k++) inverseFrictionVelocity[k] = 1 / Math.max(1e-4, (2 * baseModel.friction[k] * h) / stopInertia[k]);

  const q0 = new Float64Array(nv);
  for (let k = 0; k < nv; k++) {
    const wanted = options.q0?.[k] ?? 0;
    q0[k] = Math.min(Math.max(wanted, baseModel.lowerLimit[k]), baseModel.upperLimit[k]);
  }
  if (options.q0 && options.q0.length !== nv) throw new Error(`plant q0 has ${options.q0.length} values, expected nv = ${nv}`);

  const q = Float64Array.from(q0);
  const v = new Float64Array(nv);
  const qdd = new Float64Array(nv);
  const tauActuator = new Float64Array(nv);
  const tauExternal = new Float64Array(nv);
  const tauStops = new Float64Array(nv);
  const tauLosses = new Float64Array(nv);
  const tauTotal = new Float64Array(nv);
  const toolWrench = new Float64Array(6);
  const wrench = new Float64Array(9);
  // RK4 stage buffers.
  const qs = new Float64Array(nv), vs = new Float64Array(nv);
  const k1q = new Float64Array(nv), k1v = new Float64Array(nv), k2q = new Float64Array(nv), k2v = new Float64Array(nv);
  const k3q = new Float64Array(nv), k3v = new Float64Array(nv), k4q = new Float64Array(nv), k4v = new Float64Array(nv);

  const slotCount = options.forceSlots ?? 4;
  const forces: ForceSlots = {
    count: slotCount,
    link: new Int32Array(slotCount).fill(-1),
    force: new Float64Array(3 * slotCount),
    point: new Float64Array(3 * slotCount),
    moment: new Float64Array(3 * slotCount),
  };
  const motion = createLinkMotion(model);
  const { lowerLimit, upperLimit, damping, friction } = baseModel;
  const tip = baseModel.tip;

  /** Joint stop and loss torques at (qx, vx), and the total joint torque into tauTotal. */
  const jointTorques = (qx: Float64Array, vx: Float64Array): void => {
    for (let k = 0; k < nv; k++) {
      let stop = 0;
      if (stops) {
        const below = lowerLimit[k] - qx[k], above = qx[k] - upperLimit[k];
        if (below > 0) stop = Math.max(0, stopK[k] * below - stopC[k] * vx[k]);
        else if (above > 0) stop = Math.min(0, -stopK[k] * above - stopC[k] * vx[k]);
      }
      let loss = 0;
      if (losses) {
        const ratio = vx[k] * inverseFrictionVelocity[k];
        loss = damping[k] * vx[k] + friction[k] * (ratio > 1 ? 1 : ratio < -1 ? -1 : ratio);
      }
      tauStops[k] = stop;
      tauLosses[k] = loss;
      tauTotal[k] = tauActuator[k] + tauExternal[k] + stop - loss;
    }
  };

  /** Joint stop and loss torques at (qx, vx), then ABA into data.qdd. */
  const accelerate = (qx: Float64Array, vx: Float64Array): Float64Array => {
    jointTorques(qx, vx);
    aba(model, data, qx, vx, tauTotal, gravity);
    return data.qdd;
  };

  // Actuator sub-steps: the mass matrix's Cholesky factor and the bias forces of the sub-step's start.
  const massFactor = new Float64Array(nv * nv);
  const bias = new Float64Array(nv);
  const acceleration = new Float64Array(nv);
  const tauSum = new Float64Array(nv);

  /** Scripted forces and the tool wrench at the current pose (after forwardKinematics). */
  const applyForces = (): void => {
    const X = data.X_WL;
    tauExternal.fill(0);
    toolWrench.fill(0);
    for (let s = 0; s < slotCount; s++) {
      const link = forces.link[s];
      if (link < 0) continue;
      const o = 12 * link, s3 = 3 * s;
      const lx = forces.point[s3], ly = forces.point[s3 + 1], lz = forces.point[s3 + 2];
      const px = X[o + 9] + X[o] * lx + X[o + 1] * ly + X[o + 2] * lz;
      const py = X[o + 10] + X[o + 3] * lx + X[o + 4] * ly + X[o + 5] * lz;
      const pz = X[o + 11] + X[o + 6] * lx + X[o + 7] * ly + X[o + 8] * lz;
      const fx = forces.force[s3], fy = forces.force[s3 + 1], fz = forces.force[s3 + 2];
      const mx = forces.moment[s3], my = forces.moment[s3 + 1], mz = forces.moment[s3 + 2];
      wrench[0] = fx; wrench[1] = fy; wrench[2] = fz; wrench[3] = px; wrench[4] = py; wrench[5] = pz;
      wrench[6] = mx; wrench[7] = my; wrench[8] = mz;
      addLinkWrenchTorques(model, X, motion.z, link, wrench, tauExternal);
      if (link === tip) {
        const t = 12 * tip;
        const rx = px - X[t + 9], ry = py - X[t + 10], rz = pz - X[t + 11];
        toolWrench[0] += fx; toolWrench[1] += fy; toolWrench[2] += fz;
        toolWrench[3] += ry * fz - rz * fy + mx; toolWrench[4] += rz * fx - rx * fz + my; toolWrench[5] += rx * fy - ry * fx + mz;
      }
    }
  };

  /** Adds the payload's weight and inertial reaction to the tool wrench (after link motion). */
  const addPayloadWrench = (): void => {
    if (!payload || payload.mass === 0) return;
    const X = data.X_WL, t = 12 * tip, t3 = 3 * tip;
    const cl = payload.com;
    const cx = X[t] * cl[0] + X[t + 1] * cl[1] + X[t + 2] * cl[2];
    const cy = X[t + 3] * cl[0] + X[t + 4] * cl[1] + X[t + 5] * cl[2];
    const cz = X[t + 6] * cl[0] + X[t + 7] * cl[1] + X[t + 8] * cl[2];
    const { w, alpha, ao } = motion;
    const wx = w[t3], wy = w[t3 + 1], wz = w[t3 + 2];
    // COM acceleration: a + alpha × c + w × (w × c).
    const wcx = wy * cz - wz * cy, wcy = wz * cx - wx * cz, wcz = wx * cy - wy * cx;
    const ax = ao[t3] + (alpha[t3 + 1] * cz - alpha[t3 + 2] * cy) + (wy * wcz - wz * wcy);
    const ay = ao[t3 + 1] + (alpha[t3 + 2] * cx - alpha[t3] * cz) + (wz * wcx - wx * wcz);
    const az = ao[t3 + 2] + (alpha[t3] * cy - alpha[t3 + 1] * cx) + (wx * wcy - wy * wcx);
    const m = payload.mass;
    const fx = m * (gravity[0] - ax), fy = m * (gravity[1] - ay), fz = m * (gravity[2] - az);
    toolWrench[0] += fx; toolWrench[1] += fy; toolWrench[2] += fz;
    toolWrench[3] += cy * fz - cz * fy; toolWrench[4] += cz * fx - cx * fz; toolWrench[5] += cx * fy - cy * fx;
  };

    // Time in a typed slot: a closure variable holding a double would box on every write.
  const clock = new Float64Array(1);
  let steps = 0;
  const sensors = createSensors(model, dt, clock, options.sensors);
  const sensorInputs: SensorInputs = { model, X_WL: data.X_WL, motion, q, v, tau: tauActuator, actuators, gravity, toolWrench };
  /** Sensors sample the state at the start of a step, with its acceleration in qdd. */
  const sample = (): void => {
    computeLinkMotion(model, data.X_WL, v, qdd, motion);
    addPayloadWrench();
    sensorInputs.model = model;
    sensorInputs.X_WL = data.X_WL;
    updateSensors(sensors, sensorInputs);
  };

  /**
   * A semi-implicit Euler sub-step of length h made of actuatorSubsteps actuator sub-steps, each
   * M·a = τ − b with M and b = C·v + g from the sub-step's start (M factored once); tauActuator ends
   * as the actuators' mean torque. @realtime
   */
  const actuatorSubstepped = (withSensors: boolean): void => {
    massMatrixAndBias(model, data, q, v, gravity, massFactor, bias);
    const regular = choleskyFactor(massFactor, nv);
    tauSum.fill(0);
    for (let i = 0; i < actuatorSubsteps; i++) {
      actuators.update(q, v, hActuator, tauActuator, i);
      jointTorques(q, v);
      for (let k = 0; k < nv; k++) acceleration[k] = regular ? tauTotal[k] - bias[k] : Number.NaN;
      if (regular) choleskySolve(massFactor, nv, acceleration);
      if (i === 0) {
        qdd.set(acceleration);
        if (withSensors) sample();
      }
      for (let k = 0; k < nv; k++) {
        v[k] += hActuator * acceleration[k];
        q[k] += hActuator * v[k];
        tauSum[k] += tauActuator[k];
      }
    }
    for (let k = 0; k < nv; k++) tauActuator[k] = tauSum[k] / actuatorSubsteps;
  };

  /** One physics sub-step of length h; sensors sample on the first of a step. @realtime */
  const substep = (withSensors: boolean): void => {
    forwardKinematics(model, data, q);
    let forced = false;
    for (let s = 0; s < slotCount; s++) if (forces.link[s] >= 0) forced = true;
    if (forced) computeLinkMotion(model, data.X_WL, v, qdd, motion); // axes for the forces; motion refreshed below
    applyForces();
    if (actuatorSubsteps > 1) {
      actuatorSubstepped(withSensors);
      return;
    }
    actuators.update(q, v, h, tauActuator);
    const a = accelerate(q, v);
    qdd.set(a);
    if (withSensors) sample();
    if (integrator === 'semi-implicit-euler') {
      for (let k = 0; k < nv; k++) {
        v[k] += h * qdd[k];
        q[k] += h * v[k];
      }
      return;
    }
    const half = h / 2;
    for (let k = 0; k < nv; k++) { k1q[k] = v[k]; k1v[k] = qdd[k]; qs[k] = q[k] + half * k1q[k]; vs[k] = v[k] + half * k1v[k]; }
    let s = accelerate(qs, vs);
    for (let k = 0; k < nv; k++) { k2q[k] = vs[k]; k2v[k] = s[k]; }
    for (let k = 0; k < nv; k++) { qs[k] = q[k] + half * k2q[k]; vs[k] = v[k] + half * k2v[k]; }
    s = accelerate(qs, vs);
    for (let k = 0; k < nv; k++) { k3q[k] = vs[k]; k3v[k] = s[k]; }
    for (let k = 0; k < nv; k++) { qs[k] = q[k] + h * k3q[k]; vs[k] = v[k] + h * k3v[k]; }
    s = accelerate(qs, vs);
    for (let k = 0; k < nv; k++) { k4q[k] = vs[k]; k4v[k] = s[k]; }
    for (let k = 0; k < nv; k++) {
      q[k] += (h / 6) * (k1q[k] + 2 * k2q[k] + 2 * k3q[k] + k4q[k]);
      v[k] += (h / 6) * (k1v[k] + 2 * k2v[k] + 2 * k3v[k] + k4v[k]);
    }
  };

  const plant: Plant = {
    get model() { return model; },
    get data() { return data; },
    dt,
    integrator,
    substeps,
    actuatorSubsteps,
    get time() { return clock[0]; },
    get steps() { return steps; },
    gravity,
    q, v, qdd,
    tauActuator, tauExternal, tauStops, tauLosses, toolWrench,
    actuators,
    command: actuators.command,
    forces,
    motion,
    sensors,
    get payload() { return payload; },
    step(): void {
      for (let sub = 0; sub < substeps; sub++) substep(sub === 0);
      steps++;
      clock[0] = steps * dt;
    },
    reset(qNew?: ArrayLike<number>): void {
      if (qNew !== undefined && qNew.length !== nv) throw new Error(`reset q has ${qNew.length} values, expected nv = ${nv}`);
      for (let k = 0; k < nv; k++) q[k] = qNew ? qNew[k] : q0[k];
      v.fill(0);
      qdd.fill(0);
      tauActuator.fill(0);
      actuators.reset(q);
      for (const channel of sensors.all) channel.reset();
      forces.link.fill(-1);
      clock[0] = 0;
      steps = 0;
    },
    setPayload(next: Payload | null): void {
      payload = next && next.mass > 0 ? next : null;
      model = payload ? modelWithPayload(baseModel, tip, payload) : baseModel;
      data = createData(model);
    },
    mechanicalEnergy(): number {
      forwardKinematics(model, data, q);
      crba(model, data, q);
      let kinetic = 0;
      for (let r = 0; r < nv; r++) for (let c = 0; c < nv; c++) kinetic += 0.5 * v[r] * data.M[r * nv + c] * v[c];
      let potential = 0;
      const X = data.X_WL;
      for (let l = 0; l < model.nlinks; l++) {
        const o = 12 * l, c = 3 * l;
        const px = X[o + 9] + X[o] * model.com[c] + X[o + 1] * model.com[c + 1] + X[o + 2] * model.com[c + 2];
        const py = X[o + 10] + X[o + 3] * model.com[c] + X[o + 4] * model.com[c + 1] + X[o + 5] * model.com[c + 2];
        const pz = X[o + 11] + X[o + 6] * model.com[c] + X[o + 7] * model.com[c + 1] + X[o + 8] * model.com[c + 2];
        potential -= model.mass[l] * (gravity[0] * px + gravity[1] * py + gravity[2] * pz);
      }
      return kinetic + potential;
    },
  };
  actuators.reset(q);
  return plant;
}
