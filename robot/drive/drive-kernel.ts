// The arithmetic of one drive sub-step, in phases that take no computed double arguments, return
// nothing and pass values through DriveState (sub-step inputs in state.jointPosition,
// state.jointVelocity, state.subStep). Why: V8 boxes a double passed to or returned from a call it
// does not inline (a heap allocation per call), and a sub-step calls more code than its inlining
// budget holds. So the formulas of reducer.ts / friction.ts / servo-motor.ts are written out here
// once more; the tests check this kernel against those helpers (stiffness, efficiency, stall, no-load).
import { ERROR_TABLE_SCALE, ERROR_TABLE_SIZE, type DriveOutput, type DriveSet, type DriveState, type FrictionSet } from './drive-set.ts';

/** Friction at the imposed velocity velocities[joint] over h = steps[joint] (LuGre or regularized Stribeck + viscous) -> into[joint]. @realtime */
export function frictionPhase(f: FrictionSet, joint: number, bristle: Float64Array, velocities: Float64Array, steps: Float64Array, into: Float64Array): void {
  const v = velocities[joint];
  const h = steps[joint];
  const speed = v < 0 ? -v : v;
  const ratio = speed * f.inverseStribeckVelocity[joint];
  const coulomb = f.coulomb[joint];
  // Beyond 6 Stribeck velocities the dip is below 3e-16 of it: skip the exponential.
  const magnitude = ratio > 6 ? coulomb : coulomb + (f.breakaway[joint] - coulomb) * Math.exp(-ratio * ratio);
  if (f.lugre[joint] === 1) {
    const sigma0 = f.sigma0[joint];
    const z = bristle[joint];
    const next = magnitude > 0 ? (z + h * v) / (1 + (h * sigma0 * speed) / magnitude) : 0;
    bristle[joint] = next;
    into[joint] = sigma0 * next + f.sigma1[joint] * ((next - z) / h) + f.viscous[joint] * v;
    return;
  }
  const sign = speed >= f.smoothingVelocity[joint] ? (v > 0 ? 1 : -1) : v * f.inverseSmoothingVelocity[joint];
  into[joint] = magnitude * sign + f.viscous[joint] * v;
}

/**
 * Winding current and temperature over the sub-step at state.voltage and state.motorVelocity;
 * energies into out. Trapezoidal (Crank-Nicolson) in the current, so that the discrete energy
 * balance is exact: V·ī·h = R·ī²·h + Δ(½L·i²) + Ke·ω·ī·h with ī the sub-step's mean current,
 * which lands in state.meanCurrent (the torque-producing current). @realtime
 */
export function electricalPhase(set: DriveSet, state: DriveState, joint: number, out: DriveOutput): void {
  const h = state.subStep[joint];
  const omega = state.motorVelocity[joint];
  const voltage = state.voltage[joint];
  const temperature = state.temperature[joint];
  const resistance = set.resistance[joint] * (1 + set.temperatureCoefficient[joint] * (temperature - set.referenceTemperature[joint]));
  const L = set.inductance[joint];
  const drive = voltage - set.backEmfConstant[joint] * omega;
  const previous = state.current[joint];
  const inductive = L / h;
  const current = L === 0 ? drive / resistance : ((inductive - 0.5 * resistance) * previous + drive) / (inductive + 0.5 * resistance);
  const mean = L === 0 ? current : 0.5 * (previous + current);
  state.current[joint] = current;
  state.meanCurrent[joint] = mean;
  const copper = resistance * mean * mean;
  out.electricalEnergy += voltage * mean * h;
  out.copperLoss += copper * h;
  const C = set.thermalCapacity[joint];
  if (C !== 0) {
    const conductance = set.thermalConductance[joint];
    state.temperature[joint] = (C * temperature + h * (copper + set.ambientTemperature[joint] * conductance)) / (C + h * conductance);
  }
}

/** Current limit (A) at state.temperature (servo-motor.ts currentLimit: thermal derating) -> state.currentLimit. @realtime */
export function currentLimitPhase(set: DriveSet, state: DriveState, joint: number): void {
  const temperature = state.temperature[joint];
  const max = set.maxTemperature[joint];
  const band = set.deratingBand[joint];
  const start = max - band;
  const peak = set.peakCurrent[joint];
  state.currentLimit[joint] = temperature > max ? 0
    : temperature <= start || band <= 0 ? peak
      : peak - ((peak - set.continuousCurrent[joint]) * (temperature - start)) / band;
}

/** The motor encoder's angle at state.motorAngle (encoder.ts motorEncoderAngle) -> state.motorEncoder. @realtime */
export function motorEncoderPhase(set: DriveSet, state: DriveState, joint: number): void {
  const angle = state.motorAngle[joint];
  const perRadian = set.motorCountsPerRadian[joint];
  state.motorEncoder[joint] = perRadian > 0 ? Math.floor(angle * perRadian) / perRadian : angle;
}

/** Joint position from the joint encoder at state.jointPosition (encoder.ts jointEncoderPosition) -> state.jointEncoder. @realtime */
export function jointEncoderPhase(set: DriveSet, state: DriveState, joint: number): void {
  const offset = set.jointEncoderOffset[joint];
  const raw = state.jointPosition[joint] + offset;
  const counts = set.jointCounts[joint];
  const step = (2 * Math.PI) / counts;
  state.jointEncoder[joint] = (counts > 0 ? Math.floor(raw / step) * step : raw) - offset;
}

/** Kinematic error (rad, joint side) at state.motorAngle -> state.kinematicError (reducer.ts kinematicError, table included). @realtime */
export function kinematicErrorPhase(set: DriveSet, state: DriveState, joint: number): void {
  const motorAngle = state.motorAngle[joint];
  const x = motorAngle * ERROR_TABLE_SCALE;
  // Tabulated (whole orders): interpolated; `& (SIZE - 1)` wraps the revolution, within int32 range.
  if (set.errorTabulated[joint] === 1 && x < 1073741824 && x > -1073741824) {
    const whole = Math.floor(x);
    const i = (ERROR_TABLE_SIZE + 1) * joint + (whole & (ERROR_TABLE_SIZE - 1));
    const table = set.errorTable;
    const at = table[i];
    state.kinematicError[joint] = at + (x - whole) * (table[i + 1] - at);
    return;
  }
  let error = 0;
  const base = 4 * joint;
  for (let k = 0; k < 4; k++) {
    const amplitude = set.errorAmplitude[base + k];
    if (amplitude !== 0) error += amplitude * Math.sin(set.errorOrder[base + k] * motorAngle + set.errorPhase[base + k]);
  }
  state.kinematicError[joint] = error;
}

/** Rigid reducer (motor already slaved to the joint): mesh torque (joint side) -> state.meshTorque. Call after electricalPhase. @realtime */
export function rigidPhase(set: DriveSet, state: DriveState, joint: number, out: DriveOutput): void {
  const N = set.ratio[joint];
  const h = state.subStep[joint];
  const omega = state.motorVelocity[joint];
  const f = set.motorFriction;
  const bristle = state.motorBristle[joint];
  frictionPhase(f, joint, state.motorBristle, state.motorVelocity, state.subStep, state.motorFrictionTorque);
  const friction = state.motorFrictionTorque[joint];
  const input = set.torqueConstant[joint] * state.meanCurrent[joint] - friction;
  const x = (input >= 0 ? omega : -omega) * set.inverseEfficiencyBand[joint];
  const share = x <= -1 ? 0 : x >= 1 ? 1 : 0.5 + 0.5 * x;
  const back = set.inverseBackEfficiency[joint];
  const factor = back + share * (set.forwardEfficiency[joint] - back);
  const mesh = N * input * factor;
  state.meshTorque[joint] = mesh;
  const after = state.motorBristle[joint];
  out.motorFrictionLoss += friction * omega * h - 0.5 * (after * after - bristle * bristle) * f.sigma0[joint];
  // input·ω - mesh·v, written so that a lossless reducer (factor 1) gives exactly 0.
  out.gearLoss += input * omega * (1 - factor) * h;
}

/**
 * Compliant reducer: mesh torque from the deflection (backlash dead zone, K1/K2/K3 spring, damping,
 * Dahl hysteresis) into state.meshTorque, then the rotor advanced over h (semi-implicit Euler,
 * implicit stick friction) against the reflected torque. Call after kinematicErrorPhase and
 * electricalPhase. @realtime
 */
export function compliantPhase(set: DriveSet, state: DriveState, joint: number, out: DriveOutput): void {
  const q = state.jointPosition[joint];
  const v = state.jointVelocity[joint];
  const h = state.subStep[joint];
  const error = state.kinematicError[joint];
  const inverseN = set.inverseRatio[joint];
  const omega = state.motorVelocity[joint];
  const angle = state.motorAngle[joint];
  const deflection = (angle - set.offset[joint]) * inverseN - error - q;
  const b = set.backlash[joint];
  const engaged = deflection > b ? deflection - b : deflection < -b ? deflection + b : 0;
  const rate = omega * inverseN - v;
  const K1 = set.stiffness1[joint];
  const previousHysteresis = state.hysteresis[joint];
  const limit = set.hysteresisTorque[joint];
  let hysteresis = 0;
  if (engaged !== 0 && limit > 0) hysteresis = (previousHysteresis + h * K1 * rate) / (1 + (h * K1 * (rate < 0 ? -rate : rate)) / limit);
  state.hysteresis[joint] = hysteresis;
  const x = engaged < 0 ? -engaged : engaged;
  const d1 = set.breakDeflection1[joint];
  const d2 = set.breakDeflection2[joint];
  let spring = x <= d1 ? K1 * x : x <= d2 ? set.breakTorque1[joint] + set.stiffness2[joint] * (x - d1) : set.breakTorque2[joint] + set.stiffness3[joint] * (x - d2);
  if (engaged < 0) spring = -spring;
  let mesh = 0;
  if (engaged !== 0) {
    mesh = spring + set.meshDamping[joint] * rate + hysteresis;
    // The teeth can push, not pull: damping never reverses the contact force.
    if ((engaged > 0 && mesh < 0) || (engaged < 0 && mesh > 0)) mesh = 0;
  }
  state.meshTorque[joint] = mesh;
  const ideal = mesh * inverseN;
  // Reflected torque = ideal·(η_b + share·(1/η_f - η_b)). Inside the efficiency band share is
  // linear in ω, so the reflected torque is A + B·ω with B ≥ 0: a stiff damping taken implicitly
  // (explicitly it would chatter whenever B·h/J > 2, e.g. a self-locking reducer at rest).
  const backEfficiency = set.backEfficiency[joint];
  const inverseForward = set.inverseForwardEfficiency[joint];
  const spread = inverseForward - backEfficiency;
  const inverseBand = set.inverseEfficiencyBand[joint];
  const direction = (ideal >= 0 ? omega : -omega) * inverseBand;
  let A: number;
  let B = 0;
  if (direction <= -1) A = ideal * backEfficiency;
  else if (direction >= 1) A = ideal * inverseForward;
  else {
    A = ideal * (backEfficiency + 0.5 * spread);
    B = 0.5 * (ideal < 0 ? -ideal : ideal) * spread * inverseBand;
  }
  const inertia = set.rotorInertia[joint];
  const driving = set.torqueConstant[joint] * state.meanCurrent[joint] - A;
  const f = set.motorFriction;
  let next: number;
  if (f.lugre[joint] === 1) {
    const bristle = state.motorBristle[joint];
    frictionPhase(f, joint, state.motorBristle, state.motorVelocity, state.subStep, state.motorFrictionTorque);
    next = (inertia * omega + h * (driving - state.motorFrictionTorque[joint])) / (inertia + h * B);
    const after = state.motorBristle[joint];
    out.motorFrictionLoss -= 0.5 * (after * after - bristle * bristle) * f.sigma0[joint];
  } else {
    // Viscous exactly, Coulomb/Stribeck as a stick: stops and stays stopped while |torque| ≤ breakaway.
    const damped = inertia + h * (f.viscous[joint] + B);
    const inverseDamped = 1 / damped;
    const free = (inertia * omega + h * driving) * inverseDamped;
    const speed = omega < 0 ? -omega : omega;
    const ratio = speed * f.inverseStribeckVelocity[joint];
    const coulomb = f.coulomb[joint];
    const magnitude = omega === 0 ? f.breakaway[joint] : ratio > 6 ? coulomb : coulomb + (f.breakaway[joint] - coulomb) * Math.exp(-ratio * ratio);
    const stop = h * magnitude * inverseDamped;
    next = free <= stop && free >= -stop ? 0 : free > 0 ? free - stop : free + stop;
    state.motorFrictionTorque[joint] = driving - B * next - (inertia * (next - omega)) / h;
  }
  const reflected = A + B * next;
  state.motorVelocity[joint] = next;
  state.motorAngle[joint] = angle + h * next;
  out.motorFrictionLoss += state.motorFrictionTorque[joint] * next * h;
  out.gearLoss += (reflected - ideal) * next * h;
  const dahlChange = limit > 0 ? (0.5 * (hysteresis * hysteresis - previousHysteresis * previousHysteresis)) / K1 : 0;
  out.meshLoss += (mesh - spring) * (next * inverseN - v) * h - dahlChange;
}
