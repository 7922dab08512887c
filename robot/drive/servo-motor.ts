// Servo motor (brushless, dq-equivalent single phase): v = R(T)·i + L·di/dt + Ke·ω, τ = Kt·i, a
// first-order winding thermal model, current limits with thermal derating and the torque-speed
// envelope the bus voltage allows. All @realtime.
import type { DriveSet } from './drive-set.ts';

/** Winding resistance (ohm) at temperature T (K): R_ref·(1 + α·(T - T_ref)). @realtime */
export function windingResistance(set: DriveSet, joint: number, temperature: number): number {
  return set.resistance[joint] * (1 + set.temperatureCoefficient[joint] * (temperature - set.referenceTemperature[joint]));
}

/** Current limit (A) at winding temperature T: peak below the derating band, falling linearly to continuous at maxTemperature, 0 above it. @realtime */
export function currentLimit(set: DriveSet, joint: number, temperature: number): number {
  const max = set.maxTemperature[joint];
  if (temperature > max) return 0;
  const band = set.deratingBand[joint];
  const start = max - band;
  const peak = set.peakCurrent[joint];
  if (temperature <= start || band <= 0) return peak;
  return peak - ((peak - set.continuousCurrent[joint]) * (temperature - start)) / band;
}

/** Winding current at the end of a step h at voltage V and motor speed ω (trapezoidal, as the drive step; L = 0 gives the quasi-static current). @realtime */
export function currentStep(set: DriveSet, joint: number, current: number, voltage: number, motorVelocity: number, resistance: number, h: number): number {
  const L = set.inductance[joint];
  const drive = voltage - set.backEmfConstant[joint] * motorVelocity;
  if (L === 0) return drive / resistance;
  return ((L / h - 0.5 * resistance) * current + drive) / (L / h + 0.5 * resistance);
}

/** Winding temperature after a step h with copper loss P (W): C·dT/dt = P - (T - T_amb)/R_th (backward Euler); unchanged when the capacity is 0. @realtime */
export function thermalStep(set: DriveSet, joint: number, temperature: number, power: number, h: number): number {
  const C = set.thermalCapacity[joint];
  if (C === 0) return temperature;
  const Rth = set.thermalResistance[joint];
  return (C * temperature + h * (power + set.ambientTemperature[joint] / Rth)) / (C + h / Rth);
}

/** Most motor torque (N·m) available at motor speed ω in the motoring quadrant: min(Kt·I_limit(T), Kt·(V_bus - Ke·|ω|)/R(T)), ≥ 0. @realtime */
export function motorTorqueEnvelope(set: DriveSet, joint: number, motorVelocity: number, temperature: number): number {
  const Kt = set.torqueConstant[joint];
  const speed = motorVelocity < 0 ? -motorVelocity : motorVelocity;
  const byVoltage = (Kt * (set.busVoltage[joint] - set.backEmfConstant[joint] * speed)) / windingResistance(set, joint, temperature);
  const byCurrent = Kt * currentLimit(set, joint, temperature);
  const torque = byVoltage < byCurrent ? byVoltage : byCurrent;
  return torque > 0 ? torque : 0;
}

/** No-load motor speed V_bus/Ke (rad/s). @realtime */
export function noLoadSpeed(set: DriveSet, joint: number): number {
  return set.busVoltage[joint] / set.backEmfConstant[joint];
}

/** Stall torque Kt·V_bus/R(T) (N·m), ignoring the current limit. @realtime */
export function stallTorque(set: DriveSet, joint: number, temperature: number): number {
  return (set.torqueConstant[joint] * set.busVoltage[joint]) / windingResistance(set, joint, temperature);
}
