// JointDrive: one joint's drive parameters as a plain SI record (what a drive file becomes), and
// `buildDriveSet` that checks them and packs all joints into the immutable, array-based DriveSet.
import type { RobotModel } from '../model.ts';
import { ERROR_TABLE_SIZE, type DriveSet, type FrictionSet } from './drive-set.ts';

/** Friction on one side of the drive (SI, that side's units). */
export interface FrictionParams {
  coulomb: number;
  /** Breakaway torque; defaults to coulomb (no Stribeck dip). */
  breakaway: number;
  stribeckVelocity: number;
  viscous: number;
  lugre: boolean;
  sigma0: number;
  sigma1: number;
  smoothingVelocity: number;
}

/** One harmonic of the kinematic error: amplitude (rad, joint side), order (per input revolution), phase (rad). */
export interface KinematicErrorTerm {
  amplitude: number;
  order: number;
  phase: number;
}

/** One joint's drive, every value SI. NaN in a firmware gain means "derive from the motor". */
export interface JointDrive {
  reducer: {
    ratio: number;
    offset: number;
    /** J_gear_input: inertia of the reducer's input stage (wave generator, sun gear, ...), kg·m². */
    inputInertia: number;
    forwardEfficiency: number;
    backEfficiency: number;
    efficiencyBand: number;
    rigid: boolean;
    backlash: number;
    stiffness: [number, number, number];
    breakTorque: [number, number];
    damping: number;
    /** Hysteresis loss: full width of the torque-deflection loop at zero torque (rad). */
    hysteresisLoss: number;
    kinematicError: KinematicErrorTerm[];
  };
  motorFriction: FrictionParams;
  jointFriction: FrictionParams;
  motor: {
    rotorInertia: number;
    resistance: number;
    temperatureCoefficient: number;
    referenceTemperature: number;
    inductance: number;
    torqueConstant: number;
    backEmfConstant: number;
    busVoltage: number;
    peakCurrent: number;
    continuousCurrent: number;
    ratedSpeed: number;
    thermalResistance: number;
    thermalCapacity: number;
    ambientTemperature: number;
    maxTemperature: number;
    deratingBand: number;
  };
  encoder: { motorCounts: number; jointCounts: number; jointOffset: number };
  firmware: {
    currentRate: number;
    velocityRate: number;
    positionRate: number;
    currentKp: number;
    currentKi: number;
    velocityKp: number;
    velocityKi: number;
    positionKp: number;
    /** Velocity-feedback low-pass cutoff (Hz); Infinity = no filter. */
    velocityFilter: number;
    /** Load inertia over rotor inertia assumed when deriving the velocity gains. */
    inertiaRatio: number;
    positionFeedback: 'motor' | 'joint';
    backlashCompensation: boolean;
  };
}

/** Friction off. */
export function noFriction(): FrictionParams {
  return { coulomb: 0, breakaway: 0, stribeckVelocity: 0.01, viscous: 0, lugre: false, sigma0: 0, sigma1: 0, smoothingVelocity: 1e-3 };
}

/** An ideal drive (rigid, lossless, ratio 1, a generic 48 V motor): the base every file value overrides. */
export function defaultJointDrive(): JointDrive {
  return {
    reducer: {
      ratio: 1, offset: 0, inputInertia: 0, forwardEfficiency: 1, backEfficiency: 1, efficiencyBand: 0.5, rigid: true, backlash: 0,
      stiffness: [Infinity, Infinity, Infinity], breakTorque: [Infinity, Infinity], damping: 0, hysteresisLoss: 0, kinematicError: [],
    },
    motorFriction: noFriction(),
    jointFriction: noFriction(),
    motor: {
      rotorInertia: 1e-5, resistance: 1, temperatureCoefficient: 0.00393, referenceTemperature: 293.15, inductance: 1e-3,
      torqueConstant: 0.1, backEmfConstant: 0.1, busVoltage: 48, peakCurrent: 10, continuousCurrent: 3, ratedSpeed: Infinity,
      thermalResistance: 2, thermalCapacity: 0, ambientTemperature: 298.15, maxTemperature: 428.15, deratingBand: 20,
    },
    encoder: { motorCounts: 0, jointCounts: 0, jointOffset: 0 },
    firmware: {
      currentRate: 20000, velocityRate: 4000, positionRate: 4000, currentKp: NaN, currentKi: NaN, velocityKp: NaN, velocityKi: NaN,
      positionKp: NaN, velocityFilter: 1000, inertiaRatio: 1, positionFeedback: 'motor', backlashCompensation: false,
    },
  };
}

/** Error in drive parameters; the message names the joint, the field, the value and what was expected. */
export class DriveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DriveError';
  }
}

function check(ok: boolean, joint: string, field: string, value: unknown, expected: string): void {
  if (!ok) throw new DriveError(`drive: joint "${joint}": ${field} = ${String(value)} is invalid, expected ${expected}`);
}

const finite = Number.isFinite;

function validate(name: string, d: JointDrive): void {
  const r = d.reducer;
  check(finite(r.ratio) && r.ratio !== 0, name, 'reducer.ratio', r.ratio, 'a finite non-zero number');
  check(finite(r.offset), name, 'reducer.offset', r.offset, 'a finite angle');
  check(finite(r.inputInertia) && r.inputInertia >= 0, name, 'reducer.inputInertia', r.inputInertia, 'a finite inertia ≥ 0');
  check(r.forwardEfficiency > 0 && r.forwardEfficiency <= 1, name, 'reducer.forwardEfficiency', r.forwardEfficiency, 'a number in (0, 1]');
  check(r.backEfficiency <= 1 && r.backEfficiency > -1, name, 'reducer.backEfficiency', r.backEfficiency, 'a number in (-1, 1] (≤ 0 = self-locking)');
  check(!(r.rigid && r.backEfficiency <= 0), name, 'reducer.backEfficiency', r.backEfficiency, '> 0 for a rigid reducer (self-locking needs a compliant one: give stiffness)');
  check(r.efficiencyBand > 0 && finite(r.efficiencyBand), name, 'reducer.efficiencyBand', r.efficiencyBand, 'a speed > 0');
  check(finite(r.backlash) && r.backlash >= 0, name, 'reducer.backlash', r.backlash, 'a finite angle ≥ 0');
  check(!(r.rigid && r.backlash > 0), name, 'reducer.backlash', r.backlash, '0 for a rigid reducer (backlash needs stiffness)');
  if (!r.rigid) {
    r.stiffness.forEach((k, i) => check(k > 0 && finite(k), name, `reducer.stiffness[${i}]`, k, 'a finite stiffness > 0 (N·m/rad)'));
    check(r.breakTorque[0] >= 0 && r.breakTorque[1] >= r.breakTorque[0], name, 'reducer.breakTorque', r.breakTorque.join(', '), '0 ≤ T1 ≤ T2');
  }
  check(finite(r.damping) && r.damping >= 0, name, 'reducer.damping', r.damping, 'a finite damping ≥ 0');
  check(finite(r.hysteresisLoss) && r.hysteresisLoss >= 0, name, 'reducer.hysteresisLoss', r.hysteresisLoss, 'a finite angle ≥ 0');
  check(r.kinematicError.length <= 4, name, 'reducer.kinematicError', `${r.kinematicError.length} terms`, 'at most 4 harmonics');
  r.kinematicError.forEach((t, i) =>
    check(finite(t.amplitude) && finite(t.order) && finite(t.phase), name, `reducer.kinematicError[${i}]`, JSON.stringify(t), 'finite amplitude, order and phase'));
  for (const [side, f] of [['motorFriction', d.motorFriction], ['jointFriction', d.jointFriction]] as const) {
    for (const key of ['coulomb', 'stribeckVelocity', 'viscous', 'sigma0', 'sigma1', 'smoothingVelocity'] as const) {
      check(finite(f[key]) && f[key] >= 0, name, `${side}.${key}`, f[key], 'a finite value ≥ 0');
    }
    check(finite(f.breakaway) && f.breakaway >= f.coulomb, name, `${side}.breakaway`, f.breakaway, `≥ coulomb (${f.coulomb})`);
    check(f.stribeckVelocity > 0 && f.smoothingVelocity > 0, name, `${side}.stribeckVelocity`, f.stribeckVelocity, 'a speed > 0');
    check(!f.lugre || f.sigma0 > 0, name, `${side}.sigma0`, f.sigma0, '> 0 when lugre is on');
  }
  const m = d.motor;
  const positive: (keyof JointDrive['motor'])[] = ['rotorInertia', 'resistance', 'torqueConstant', 'backEmfConstant', 'busVoltage', 'peakCurrent', 'continuousCurrent', 'ratedSpeed', 'thermalResistance', 'ambientTemperature', 'maxTemperature'];
  for (const key of positive) check(m[key] > 0 && !Number.isNaN(m[key]), name, `motor.${key}`, m[key], 'a value > 0');
  for (const key of ['inductance', 'thermalCapacity', 'temperatureCoefficient', 'deratingBand'] as const) check(finite(m[key]) && m[key] >= 0, name, `motor.${key}`, m[key], 'a finite value ≥ 0');
  check(m.continuousCurrent <= m.peakCurrent, name, 'motor.continuousCurrent', m.continuousCurrent, `≤ peakCurrent (${m.peakCurrent} A)`);
  check(m.maxTemperature > m.ambientTemperature, name, 'motor.maxTemperature', m.maxTemperature, `> ambientTemperature (${m.ambientTemperature} K)`);
  const e = d.encoder;
  for (const key of ['motorCounts', 'jointCounts'] as const) check(Number.isInteger(e[key]) && e[key] >= 0, name, `encoder.${key}`, e[key], 'an integer ≥ 0 (0 = ideal/none)');
  check(finite(e.jointOffset), name, 'encoder.jointOffset', e.jointOffset, 'a finite angle');
  const w = d.firmware;
  check(finite(w.currentRate) && w.currentRate > 0, name, 'firmware.currentRate', w.currentRate, 'a rate > 0 Hz');
  for (const key of ['velocityRate', 'positionRate'] as const) {
    const divider = w.currentRate / w[key];
    check(w[key] > 0 && Math.abs(divider - Math.round(divider)) < 1e-9 && divider >= 1, name, `firmware.${key}`, w[key], `a rate that divides currentRate (${w.currentRate} Hz)`);
  }
  for (const key of ['currentKp', 'currentKi', 'velocityKp', 'velocityKi', 'positionKp'] as const) check(Number.isNaN(w[key]) || (finite(w[key]) && w[key] >= 0), name, `firmware.${key}`, w[key], 'a finite gain ≥ 0');
  check(w.velocityFilter > 0, name, 'firmware.velocityFilter', w.velocityFilter, 'a cutoff > 0 Hz');
  check(finite(w.inertiaRatio) && w.inertiaRatio >= 0, name, 'firmware.inertiaRatio', w.inertiaRatio, 'a finite ratio ≥ 0');
  check(!(w.positionFeedback === 'joint' && e.jointCounts === 0), name, 'firmware.positionFeedback', w.positionFeedback, '"motor" unless encoder.jointCounts > 0');
}

function frictionSet(drives: readonly JointDrive[], pick: (d: JointDrive) => FrictionParams): FrictionSet {
  const of = (f: (p: FrictionParams) => number) => Float64Array.from(drives, (d) => f(pick(d)));
  return {
    coulomb: of((p) => p.coulomb), breakaway: of((p) => p.breakaway), stribeckVelocity: of((p) => p.stribeckVelocity), viscous: of((p) => p.viscous),
    lugre: Uint8Array.from(drives, (d) => (pick(d).lugre ? 1 : 0)), sigma0: of((p) => p.sigma0), sigma1: of((p) => p.sigma1), smoothingVelocity: of((p) => p.smoothingVelocity),
    inverseStribeckVelocity: of((p) => 1 / p.stribeckVelocity), inverseSmoothingVelocity: of((p) => 1 / p.smoothingVelocity),
  };
}

/** Checks one JointDrive per model joint (q order) and packs them into an immutable DriveSet; throws DriveError. */
export function buildDriveSet(model: RobotModel, drives: readonly JointDrive[]): DriveSet {
  if (drives.length !== model.nq) throw new DriveError(`drive: ${drives.length} joint drives given, expected nq = ${model.nq} (${model.jointNames.join(', ')})`);
  drives.forEach((d, j) => validate(model.jointNames[j], d));
  const of = (f: (d: JointDrive) => number) => Float64Array.from(drives, f);
  const nq = model.nq;
  const twoPi = 2 * Math.PI;
  // Gains derived from the motor when not given. Current loop: bandwidth a tenth of its rate,
  // pole-zero cancellation (Kp = L·ωc, Ki = R·ωc). Velocity loop: crossover ωv a twentieth of its
  // rate on the inertia it sees at that frequency: rotor + assumed load (inertiaRatio) for a rigid
  // reducer; the rotor alone for a compliant one (above the mesh resonance the load decouples, and
  // a gain sized for the load would be unstable there), which leaves a lower bandwidth ωlow on the
  // whole inertia. Integral corner and position gain a quarter of ωlow.
  const omegaCurrent = (d: JointDrive) => (twoPi * d.firmware.currentRate) / 10;
  const omegaVelocity = (d: JointDrive) => (twoPi * d.firmware.velocityRate) / 20;
  const rotor = (d: JointDrive) => d.motor.rotorInertia + d.reducer.inputInertia;
  const inertia = (d: JointDrive) => rotor(d) * (1 + d.firmware.inertiaRatio);
  const derivedKp = (d: JointDrive) => ((d.reducer.rigid ? inertia(d) : rotor(d)) * omegaVelocity(d)) / d.motor.torqueConstant;
  const velocityKp = (d: JointDrive) => (Number.isNaN(d.firmware.velocityKp) ? derivedKp(d) : d.firmware.velocityKp);
  const omegaLow = (d: JointDrive) => (velocityKp(d) * d.motor.torqueConstant) / inertia(d);
  const gain = (given: number, derived: number) => (Number.isNaN(given) ? derived : given);
  const errorArray = (f: (t: KinematicErrorTerm) => number) => {
    const out = new Float64Array(4 * nq);
    drives.forEach((d, j) => d.reducer.kinematicError.forEach((t, h) => (out[4 * j + h] = f(t))));
    return out;
  };
  const K1 = of((d) => d.reducer.stiffness[0]);
  const K2 = of((d) => d.reducer.stiffness[1]);
  const T1 = of((d) => d.reducer.breakTorque[0]);
  const T2 = of((d) => d.reducer.breakTorque[1]);
  const breakDeflection1 = Float64Array.from(K1, (k, j) => (d1(T1[j], k)));
  const breakDeflection2 = Float64Array.from(K2, (k, j) => breakDeflection1[j] + d1(T2[j] - T1[j], k));
  return Object.freeze({
    nq,
    jointNames: model.jointNames,
    prismatic: Uint8Array.from(model.jointLink, (link) => (model.linkJointType[link] === 2 ? 1 : 0)),
    ratio: of((d) => d.reducer.ratio),
    inverseRatio: of((d) => 1 / d.reducer.ratio),
    offset: of((d) => d.reducer.offset),
    rotorInertia: of((d) => d.motor.rotorInertia + d.reducer.inputInertia),
    forwardEfficiency: of((d) => d.reducer.forwardEfficiency),
    backEfficiency: of((d) => d.reducer.backEfficiency),
    efficiencyBand: of((d) => d.reducer.efficiencyBand),
    inverseForwardEfficiency: of((d) => 1 / d.reducer.forwardEfficiency),
    inverseBackEfficiency: of((d) => 1 / d.reducer.backEfficiency),
    inverseEfficiencyBand: of((d) => 1 / d.reducer.efficiencyBand),
    rigid: Uint8Array.from(drives, (d) => (d.reducer.rigid ? 1 : 0)),
    backlash: of((d) => d.reducer.backlash),
    stiffness1: K1,
    stiffness2: K2,
    stiffness3: of((d) => d.reducer.stiffness[2]),
    breakTorque1: T1,
    breakTorque2: T2,
    breakDeflection1,
    breakDeflection2,
    meshDamping: of((d) => d.reducer.damping),
    hysteresisTorque: of((d) => (d.reducer.rigid || !finite(d.reducer.stiffness[0]) ? 0 : (d.reducer.stiffness[0] * d.reducer.hysteresisLoss) / 2)),
    errorAmplitude: errorArray((t) => t.amplitude),
    errorOrder: errorArray((t) => t.order),
    errorPhase: errorArray((t) => t.phase),
    ...errorTable(drives),
    motorFriction: frictionSet(drives, (d) => d.motorFriction),
    jointFriction: frictionSet(drives, (d) => d.jointFriction),
    resistance: of((d) => d.motor.resistance),
    temperatureCoefficient: of((d) => d.motor.temperatureCoefficient),
    referenceTemperature: of((d) => d.motor.referenceTemperature),
    inductance: of((d) => d.motor.inductance),
    torqueConstant: of((d) => d.motor.torqueConstant),
    backEmfConstant: of((d) => d.motor.backEmfConstant),
    busVoltage: of((d) => d.motor.busVoltage),
    peakCurrent: of((d) => d.motor.peakCurrent),
    continuousCurrent: of((d) => d.motor.continuousCurrent),
    ratedSpeed: of((d) => d.motor.ratedSpeed),
    thermalResistance: of((d) => d.motor.thermalResistance),
    thermalConductance: of((d) => 1 / d.motor.thermalResistance),
    thermalCapacity: of((d) => d.motor.thermalCapacity),
    ambientTemperature: of((d) => d.motor.ambientTemperature),
    maxTemperature: of((d) => d.motor.maxTemperature),
    deratingBand: of((d) => d.motor.deratingBand),
    motorCounts: of((d) => d.encoder.motorCounts),
    motorCountsPerRadian: of((d) => d.encoder.motorCounts / twoPi),
    jointCounts: of((d) => d.encoder.jointCounts),
    jointEncoderOffset: of((d) => d.encoder.jointOffset),
    currentRate: of((d) => d.firmware.currentRate),
    velocityDivider: Int32Array.from(drives, (d) => Math.round(d.firmware.currentRate / d.firmware.velocityRate)),
    velocityRate: of((d) => d.firmware.currentRate / Math.round(d.firmware.currentRate / d.firmware.velocityRate)),
    positionDivider: Int32Array.from(drives, (d) => Math.round(d.firmware.currentRate / d.firmware.positionRate)),
    currentKp: of((d) => gain(d.firmware.currentKp, d.motor.inductance * omegaCurrent(d))),
    currentKi: of((d) => gain(d.firmware.currentKi, d.motor.resistance * omegaCurrent(d))),
    velocityKp: of(velocityKp),
    velocityKi: of((d) => gain(d.firmware.velocityKi, (velocityKp(d) * omegaLow(d)) / 4)),
    positionKp: of((d) => gain(d.firmware.positionKp, omegaLow(d) / 4)),
    velocityFilterAlpha: of((d) => 1 - Math.exp((-twoPi * d.firmware.velocityFilter) / d.firmware.velocityRate)),
    positionFeedback: Uint8Array.from(drives, (d) => (d.firmware.positionFeedback === 'joint' ? 1 : 0)),
    backlashCompensation: Uint8Array.from(drives, (d) => (d.firmware.backlashCompensation ? 1 : 0)),
  });
}

/** The kinematic error of every joint whose harmonics all have whole orders, sampled over one motor revolution. */
function errorTable(drives: readonly JointDrive[]): { errorTable: Float64Array; errorTabulated: Uint8Array } {
  const stride = ERROR_TABLE_SIZE + 1;
  const errorTable = new Float64Array(stride * drives.length);
  const errorTabulated = Uint8Array.from(drives, (d) => {
    const terms = d.reducer.kinematicError.filter((t) => t.amplitude !== 0);
    return terms.length > 0 && terms.every((t) => Number.isInteger(t.order)) ? 1 : 0;
  });
  drives.forEach((d, j) => {
    if (errorTabulated[j] === 0) return;
    for (let i = 0; i < stride; i++) {
      const angle = (2 * Math.PI * i) / ERROR_TABLE_SIZE;
      let error = 0;
      for (const t of d.reducer.kinematicError) if (t.amplitude !== 0) error += t.amplitude * Math.sin(t.order * angle + t.phase);
      errorTable[stride * j + i] = error;
    }
  });
  return { errorTable, errorTabulated };
}

// Deflection taken by a torque span on a stiffness (0 for an infinite span on an infinite stiffness).
function d1(torque: number, stiffness: number): number {
  if (!Number.isFinite(torque)) return Infinity;
  return torque / stiffness;
}
