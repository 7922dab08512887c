// Reducer elements as pure functions of one joint's parameters: piecewise-linear torsional
// stiffness (harmonic-drive style K1/K2/K3 with breakpoints T1/T2), backlash dead zone, Dahl
// hysteresis, power-flow-dependent efficiency and the periodic kinematic error. All @realtime.
import { ERROR_TABLE_SCALE, ERROR_TABLE_SIZE, type DriveSet } from './drive-set.ts';

/** Torque (N·m, joint side) of the spring at engaged deflection `deflection` (rad): K1 up to T1, K2 up to T2, K3 beyond; odd in deflection. @realtime */
export function stiffnessTorque(set: DriveSet, joint: number, deflection: number): number {
  const x = deflection < 0 ? -deflection : deflection;
  const d1 = set.breakDeflection1[joint];
  let torque: number;
  if (x <= d1) torque = set.stiffness1[joint] * x;
  else {
    const d2 = set.breakDeflection2[joint];
    if (x <= d2) torque = set.breakTorque1[joint] + set.stiffness2[joint] * (x - d1);
    else torque = set.breakTorque2[joint] + set.stiffness3[joint] * (x - d2);
  }
  return deflection < 0 ? -torque : torque;
}

/** Deflection (rad) that carries `torque` (N·m): the data-sheet form T/K1, T1/K1 + (T-T1)/K2, ... ; inverse of stiffnessTorque. @realtime */
export function stiffnessDeflection(set: DriveSet, joint: number, torque: number): number {
  const t = torque < 0 ? -torque : torque;
  const T1 = set.breakTorque1[joint];
  const T2 = set.breakTorque2[joint];
  let x: number;
  if (t <= T1) x = t / set.stiffness1[joint];
  else if (t <= T2) x = set.breakDeflection1[joint] + (t - T1) / set.stiffness2[joint];
  else x = set.breakDeflection2[joint] + (t - T2) / set.stiffness3[joint];
  return torque < 0 ? -x : x;
}

/** Elastic energy (J) stored at engaged deflection `deflection`: the integral of stiffnessTorque. @realtime */
export function springEnergy(set: DriveSet, joint: number, deflection: number): number {
  const x = deflection < 0 ? -deflection : deflection;
  const K1 = set.stiffness1[joint];
  const d1 = set.breakDeflection1[joint];
  if (x <= d1) return 0.5 * K1 * x * x;
  const T1 = set.breakTorque1[joint];
  const d2 = set.breakDeflection2[joint];
  const first = 0.5 * T1 * d1;
  if (x <= d2) return first + T1 * (x - d1) + 0.5 * set.stiffness2[joint] * (x - d1) * (x - d1);
  const T2 = set.breakTorque2[joint];
  return first + 0.5 * (T1 + T2) * (d2 - d1) + T2 * (x - d2) + 0.5 * set.stiffness3[joint] * (x - d2) * (x - d2);
}

/** Deflection beyond the backlash gap: 0 inside |deflection| ≤ b, deflection ∓ b outside. @realtime */
export function backlashDeadZone(deflection: number, halfWidth: number): number {
  if (deflection > halfWidth) return deflection - halfWidth;
  if (deflection < -halfWidth) return deflection + halfWidth;
  return 0;
}

/**
 * Kinematic (transmission) error (rad, joint side) at motor angle `motorAngle`: Σ A·sin(order·θ_motor
 * + phase) over up to 4 harmonics; interpolated in set.errorTable when the orders are whole (see
 * DriveSet.errorTable). @realtime
 */
export function kinematicError(set: DriveSet, joint: number, motorAngle: number): number {
  const x = motorAngle * ERROR_TABLE_SCALE;
  if (set.errorTabulated[joint] === 1 && Math.abs(x) < 2 ** 30) {
    // The sample below x in this joint's table: `& (SIZE - 1)` wraps the revolution (int32 range).
    const whole = Math.floor(x);
    const i = (ERROR_TABLE_SIZE + 1) * joint + (whole & (ERROR_TABLE_SIZE - 1));
    return set.errorTable[i] + (x - whole) * (set.errorTable[i + 1] - set.errorTable[i]);
  }
  let error = 0;
  const base = 4 * joint;
  for (let h = 0; h < 4; h++) {
    const amplitude = set.errorAmplitude[base + h];
    if (amplitude !== 0) error += amplitude * Math.sin(set.errorOrder[base + h] * motorAngle + set.errorPhase[base + h]);
  }
  return error;
}

/**
 * Share of forward drive in (0..1) for a mesh torque and motor speed: 1 when the motor drives the
 * load (power flows motor -> joint), 0 when the load drives the motor, linear across
 * ±efficiencyBand so that a self-locking reducer settles instead of chattering. @realtime
 */
export function forwardShare(set: DriveSet, joint: number, motorSideTorque: number, motorVelocity: number): number {
  const x = (motorSideTorque >= 0 ? motorVelocity : -motorVelocity) / set.efficiencyBand[joint];
  const share = 0.5 + 0.5 * x;
  return share < 0 ? 0 : share > 1 ? 1 : share;
}

/**
 * Torque the mesh reflects onto the motor (N·m, motor side) for a joint-side mesh torque: τ/(N·η_f)
 * in forward drive, τ·η_b/N in back-drive (≤ 0 when self-locking), blended by forwardShare. @realtime
 */
export function reflectedMotorTorque(set: DriveSet, joint: number, meshTorque: number, motorVelocity: number): number {
  const ideal = meshTorque / set.ratio[joint];
  const share = forwardShare(set, joint, ideal, motorVelocity);
  const back = set.backEfficiency[joint];
  // Written as back + share·(forward - back) so that lossless reducers give exactly 1.
  return ideal * (back + share * (1 / set.forwardEfficiency[joint] - back));
}

/** Joint-side torque a rigid reducer delivers for motor-side input torque: N·τ·η_f forward, N·τ/η_b back, blended. @realtime */
export function rigidOutputTorque(set: DriveSet, joint: number, motorTorque: number, motorVelocity: number): number {
  const share = forwardShare(set, joint, motorTorque, motorVelocity);
  const back = 1 / set.backEfficiency[joint];
  return set.ratio[joint] * motorTorque * (back + share * (set.forwardEfficiency[joint] - back));
}

/**
 * Dahl hysteresis torque after a step h at deflection rate `rate` (rad/s), from `previous`: it rises
 * with slope K1 toward ±hysteresisTorque (implicit update, stable for any h). @realtime
 */
export function hysteresisStep(set: DriveSet, joint: number, previous: number, rate: number, h: number): number {
  const limit = set.hysteresisTorque[joint];
  if (limit <= 0) return 0;
  const k = set.stiffness1[joint];
  return (previous + h * k * rate) / (1 + (h * k * (rate < 0 ? -rate : rate)) / limit);
}
