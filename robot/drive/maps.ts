// Joint <-> motor maps for controllers: positions, velocities, torques (ideal, or through the
// reducer's efficiency and the static friction curves), current for a desired joint torque,
// optional backlash compensation, drive-derived joint limits and the reflected armature.
import type { RobotModel } from '../model.ts';
import type { DriveSet } from './drive-set.ts';
import { regularizedFriction } from './friction.ts';
import { reflectedMotorTorque, rigidOutputTorque } from './reducer.ts';
import { noLoadSpeed } from './servo-motor.ts';

/** Motor angle (rad) for joint position q: N·q + offset. @realtime */
export function jointToMotorPosition(set: DriveSet, joint: number, q: number): number {
  return set.ratio[joint] * q + set.offset[joint];
}

/** Joint position for motor angle θ: (θ - offset)/N. @realtime */
export function motorToJointPosition(set: DriveSet, joint: number, motorAngle: number): number {
  return (motorAngle - set.offset[joint]) / set.ratio[joint];
}

/** Motor velocity (rad/s) for joint velocity v: N·v. @realtime */
export function jointToMotorVelocity(set: DriveSet, joint: number, v: number): number {
  return set.ratio[joint] * v;
}

/** Joint velocity for motor velocity ω: ω/N. @realtime */
export function motorToJointVelocity(set: DriveSet, joint: number, motorVelocity: number): number {
  return motorVelocity / set.ratio[joint];
}

/**
 * Joint torque delivered for motor torque τ_m at joint velocity v: ideally N·τ_m; with losses,
 * motor friction comes off first, then the efficiency of the power-flow direction, then joint friction. @realtime
 */
export function motorToJointTorque(set: DriveSet, joint: number, motorTorque: number, v: number, withLosses: boolean): number {
  const N = set.ratio[joint];
  if (!withLosses) return N * motorTorque;
  const omega = N * v;
  const input = motorTorque - regularizedFriction(set.motorFriction, joint, omega);
  return rigidOutputTorque(set, joint, input, omega) - regularizedFriction(set.jointFriction, joint, v);
}

/**
 * Motor torque (N·m) needed for joint torque τ at joint velocity v: ideally τ/N; with losses,
 * joint friction is added, the mesh torque reflected through the efficiency of the power-flow
 * direction (÷η_f driving, ×η_b back-driven), and motor friction added. @realtime
 */
export function jointToMotorTorque(set: DriveSet, joint: number, tau: number, v: number, withLosses: boolean): number {
  const N = set.ratio[joint];
  if (!withLosses) return tau / N;
  const omega = N * v;
  const mesh = tau + regularizedFriction(set.jointFriction, joint, v);
  return reflectedMotorTorque(set, joint, mesh, omega) + regularizedFriction(set.motorFriction, joint, omega);
}

/** Motor current (A) for joint torque τ at joint velocity v (jointToMotorTorque / Kt), not clamped to the current limits. @realtime */
export function currentForJointTorque(set: DriveSet, joint: number, tau: number, v: number, withLosses: boolean): number {
  return jointToMotorTorque(set, joint, tau, v, withLosses) / set.torqueConstant[joint];
}

/**
 * Joint position command with backlash compensation: q + b·sign(direction) when the drive has
 * `backlashCompensation` on, else q unchanged. `direction` is the sign the mesh torque will have
 * (the motion direction against friction, the load-torque sign against gravity); 0 = no change. @realtime
 */
export function compensateBacklash(set: DriveSet, joint: number, q: number, direction: number): number {
  if (set.backlashCompensation[joint] !== 1 || direction === 0) return q;
  return direction > 0 ? q + set.backlash[joint] : q - set.backlash[joint];
}

/** Joint-side limits a drive imposes (nq entries each), already combined (min) with the URDF's. */
export interface DriveJointLimits {
  /** Joint speed (rad/s): min(URDF, min(V_bus/Ke, rated speed)/|N|). */
  velocity: Float64Array;
  /** Peak joint torque (N·m): min(URDF, I_peak·Kt·|N|·η_f). */
  effort: Float64Array;
  /** Continuous joint torque (N·m): min(URDF, I_cont·Kt·|N|·η_f). */
  continuousEffort: Float64Array;
  /** Acceleration hint (rad/s²): peak effort / (armature + load inertia); load inertia defaults to the armature (inertia-matched drive). */
  acceleration: Float64Array;
}

/** Derives the joint-side limits from the drive (see DriveJointLimits); `loadInertia` (nq, kg·m², e.g. diag of M) sharpens the acceleration hint. */
export function jointLimitsFromDrive(set: DriveSet, model: RobotModel, loadInertia?: ArrayLike<number>): DriveJointLimits {
  if (model.nq !== set.nq) throw new Error(`jointLimitsFromDrive: drive has ${set.nq} joints, model "${model.name}" has nq = ${model.nq}`);
  if (loadInertia && loadInertia.length !== set.nq) throw new Error(`jointLimitsFromDrive: loadInertia has ${loadInertia.length} values, expected nq = ${set.nq}`);
  const n = set.nq;
  const limits: DriveJointLimits = { velocity: new Float64Array(n), effort: new Float64Array(n), continuousEffort: new Float64Array(n), acceleration: new Float64Array(n) };
  const armature = armatureOf(set);
  for (let j = 0; j < n; j++) {
    const N = Math.abs(set.ratio[j]);
    const motorSpeed = Math.min(noLoadSpeed(set, j), set.ratedSpeed[j]);
    limits.velocity[j] = Math.min(model.velocityLimit[j], motorSpeed / N);
    const torquePerAmp = set.torqueConstant[j] * N * set.forwardEfficiency[j];
    limits.effort[j] = Math.min(model.effortLimit[j], set.peakCurrent[j] * torquePerAmp);
    limits.continuousEffort[j] = Math.min(model.effortLimit[j], set.continuousCurrent[j] * torquePerAmp);
    const load = loadInertia ? loadInertia[j] : armature[j];
    limits.acceleration[j] = limits.effort[j] / (armature[j] + load);
  }
  return limits;
}

/** Reflected rotor inertia per joint, N²·(J_rotor + J_gear_input) (nq, kg·m²), for `withArmature` in a controller's model. */
export function armatureOf(set: DriveSet): Float64Array {
  return Float64Array.from(set.rotorInertia, (J, j) => set.ratio[j] * set.ratio[j] * J);
}

/** Armature for a simulator's rigid-body model: armatureOf for rigid drives, 0 for compliant ones (driveStep integrates their rotor itself). */
export function simulationArmatureOf(set: DriveSet): Float64Array {
  return Float64Array.from(armatureOf(set), (a, j) => (set.rigid[j] === 1 ? a : 0));
}
