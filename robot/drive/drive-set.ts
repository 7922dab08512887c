// DriveSet: the immutable per-joint drive parameters (reducer + servo motor + encoders + firmware),
// and the preallocated DriveState / DriveCommand / DriveOutput the @realtime step works in.
//
// Conventions (DESIGN.md): the two sides of a reducer are `motor` and `joint`;
// q_motor = ratio·q_joint + offset (ratio signed, offset on the motor side, rad). Every array below
// has nq entries (one per independent joint, in model q order) unless said otherwise. SI units:
// motor-side angles in rad, joint-side angles in rad (m for a prismatic joint), torques N·m (N).
import { motorEncoderAngle } from './encoder.ts';
import { stiffnessDeflection } from './reducer.ts';

/** Friction parameters of one side of the drive (motor or joint); nq entries each. */
export interface FrictionSet {
  /** Coulomb (kinetic) friction torque (N·m). */
  readonly coulomb: Float64Array;
  /** Breakaway (static) torque, ≥ coulomb; the Stribeck curve falls from it to coulomb (N·m). */
  readonly breakaway: Float64Array;
  /** Stribeck velocity (rad/s): the speed over which friction falls from breakaway to Coulomb. */
  readonly stribeckVelocity: Float64Array;
  /** Viscous coefficient (N·m·s/rad). */
  readonly viscous: Float64Array;
  /** 1 to use the LuGre bristle model (pre-sliding) instead of the static Stribeck curve. */
  readonly lugre: Uint8Array;
  /** LuGre bristle stiffness σ0 (N·m/rad) and bristle damping σ1 (N·m·s/rad). */
  readonly sigma0: Float64Array;
  readonly sigma1: Float64Array;
  /** Velocity band (rad/s) over which explicit (joint-side) Coulomb friction is regularized. */
  readonly smoothingVelocity: Float64Array;
  /** Derived: 1/stribeckVelocity and 1/smoothingVelocity (s/rad), so the step multiplies instead of dividing. */
  readonly inverseStribeckVelocity: Float64Array;
  readonly inverseSmoothingVelocity: Float64Array;
}

/** Firmware operating modes, stored in `DriveCommand.mode`. */
export const DriveMode = { voltage: 0, current: 1, torque: 2, velocity: 3, position: 4 } as const;
/** One of the DriveMode values. */
export type DriveModeValue = (typeof DriveMode)[keyof typeof DriveMode];

/** DriveMode for a robot-ports command mode ('none' holds zero current, 'effort' is torque mode). */
export const DRIVE_MODE_OF_COMMAND: Readonly<Record<'none' | 'position' | 'velocity' | 'effort', DriveModeValue>> = Object.freeze({
  none: DriveMode.current,
  position: DriveMode.position,
  velocity: DriveMode.velocity,
  effort: DriveMode.torque,
});


/** Samples of a tabulated kinematic error per motor revolution (a power of two), and SIZE/2π. */
export const ERROR_TABLE_SIZE = 1024;
export const ERROR_TABLE_SCALE = ERROR_TABLE_SIZE / (2 * Math.PI);

/** Immutable drive parameters for every joint of a model, built once (see `buildDriveSet`). */
export interface DriveSet {
  readonly nq: number;
  /** Joint names in q order (the model's). */
  readonly jointNames: readonly string[];
  /** 1 for a prismatic joint (joint-side quantities in m and N). */
  readonly prismatic: Uint8Array;

  // Reducer.
  /** Signed gear ratio N = motor angle / joint angle, and its inverse 1/N (derived). */
  readonly ratio: Float64Array;
  readonly inverseRatio: Float64Array;
  /** Motor-side offset (rad): q_motor = N·q_joint + offset. */
  readonly offset: Float64Array;
  /** Motor-side inertia J_rotor + J_gear_input (kg·m²); reflected armature = N²·this. */
  readonly rotorInertia: Float64Array;
  /** Forward-drive efficiency (motor drives the load), in (0, 1]. */
  readonly forwardEfficiency: Float64Array;
  /** Back-drive efficiency (load drives the motor), ≤ 1; ≤ 0 means self-locking. */
  readonly backEfficiency: Float64Array;
  /** Motor speed band (rad/s) over which the efficiency switches between the two directions. */
  readonly efficiencyBand: Float64Array;
  /** Derived: 1/η_f, 1/η_b (for rigid reducers, where η_b > 0) and 1/efficiencyBand. */
  readonly inverseForwardEfficiency: Float64Array;
  readonly inverseBackEfficiency: Float64Array;
  readonly inverseEfficiencyBand: Float64Array;
  /** 1: motor rigidly slaved to the joint (armature goes into the rigid-body dynamics); 0: compliant two-mass drive. */
  readonly rigid: Uint8Array;
  /** Backlash half-width b, joint side (rad): no torque while |deflection| < b. */
  readonly backlash: Float64Array;
  /** Torsional stiffness K1, K2, K3 (N·m/rad) and torque breakpoints T1 ≤ T2 (N·m), joint side. */
  readonly stiffness1: Float64Array;
  readonly stiffness2: Float64Array;
  readonly stiffness3: Float64Array;
  readonly breakTorque1: Float64Array;
  readonly breakTorque2: Float64Array;
  /** Deflections at the breakpoints, T1/K1 and T1/K1 + (T2-T1)/K2 (rad), derived. */
  readonly breakDeflection1: Float64Array;
  readonly breakDeflection2: Float64Array;
  /** Mesh damping when engaged (N·m·s/rad), joint side. */
  readonly meshDamping: Float64Array;
  /** Hysteresis half-height in torque (N·m): the loop's width at zero torque is 2·this/K1 in angle. */
  readonly hysteresisTorque: Float64Array;
  /** Kinematic error: 4 harmonics per joint (index 4·j + h): amplitude (rad, joint side), order (per input revolution), phase (rad). */
  readonly errorAmplitude: Float64Array;
  readonly errorOrder: Float64Array;
  readonly errorPhase: Float64Array;
  /**
   * The kinematic error tabulated over one motor revolution for the joints whose harmonics all have
   * whole orders (errorTabulated[j] = 1; the error is then 2π-periodic in the motor angle):
   * ERROR_TABLE_SIZE + 1 samples per joint, index (ERROR_TABLE_SIZE + 1)·j + i at θ = 2π·i/SIZE.
   * The step interpolates linearly (error ≤ A·n²·(2π/SIZE)²/8 = 4.7e-6·A·n², e.g. 2.7e-9 rad for the
   * harmonic preset) instead of a sine per harmonic, a third of a sub-step's time.
   */
  readonly errorTable: Float64Array;
  readonly errorTabulated: Uint8Array;
  /** Friction on the motor side (in motor-side units) and on the joint side (joint-side units). */
  readonly motorFriction: FrictionSet;
  readonly jointFriction: FrictionSet;

  // Servo motor.
  /** Winding resistance at `referenceTemperature` (ohm). */
  readonly resistance: Float64Array;
  /** Temperature coefficient of the winding resistance (1/K), 0.00393 for copper. */
  readonly temperatureCoefficient: Float64Array;
  /** Temperature at which `resistance` is given (K). */
  readonly referenceTemperature: Float64Array;
  /** Winding inductance (H). */
  readonly inductance: Float64Array;
  /** Torque constant Kt (N·m/A) and back-EMF constant Ke (V·s/rad). */
  readonly torqueConstant: Float64Array;
  readonly backEmfConstant: Float64Array;
  /** DC bus voltage (V): the most the current loop can apply. */
  readonly busVoltage: Float64Array;
  /** Peak and continuous current limits (A). */
  readonly peakCurrent: Float64Array;
  readonly continuousCurrent: Float64Array;
  /** Rated (maximum allowed) motor speed (rad/s); Infinity when only the no-load speed bounds it. */
  readonly ratedSpeed: Float64Array;
  /** Winding-to-ambient thermal resistance (K/W) and winding heat capacity (J/K); capacity 0 = thermal model off. */
  readonly thermalResistance: Float64Array;
  /** Derived: 1/thermalResistance (W/K). */
  readonly thermalConductance: Float64Array;
  readonly thermalCapacity: Float64Array;
  /** Ambient and maximum winding temperature (K); derating starts `deratingBand` (K) below the maximum. */
  readonly ambientTemperature: Float64Array;
  readonly maxTemperature: Float64Array;
  readonly deratingBand: Float64Array;

  // Encoders.
  /** Counts per motor revolution (0 = ideal, unquantized). */
  readonly motorCounts: Float64Array;
  /** Derived: motorCounts/2π (counts per rad). */
  readonly motorCountsPerRadian: Float64Array;
  /** Counts per joint revolution of a joint-side (output) encoder (0 = none). */
  readonly jointCounts: Float64Array;
  /** Absolute offset of the joint encoder (rad): reading = quantize(q + offset). */
  readonly jointEncoderOffset: Float64Array;

  // Firmware.
  /** Current-loop rate (Hz); the drive sub-steps at this rate. */
  readonly currentRate: Float64Array;
  /** Velocity- and position-loop periods in current-loop ticks (integers ≥ 1). */
  readonly velocityDivider: Int32Array;
  /** Derived: the velocity loop's rate, currentRate/velocityDivider (Hz). */
  readonly velocityRate: Float64Array;
  readonly positionDivider: Int32Array;
  /** Current PI gains: V/A and V/(A·s). */
  readonly currentKp: Float64Array;
  readonly currentKi: Float64Array;
  /** Velocity PI gains, motor side: A/(rad/s) and A/rad. */
  readonly velocityKp: Float64Array;
  readonly velocityKi: Float64Array;
  /** Position P gain (1/s): joint velocity reference per joint position error. */
  readonly positionKp: Float64Array;
  /** Velocity-feedback low-pass smoothing factor per velocity tick, in (0, 1] (1 = no filter). */
  readonly velocityFilterAlpha: Float64Array;
  /** Position feedback source: 0 = motor encoder through the ratio, 1 = joint encoder. */
  readonly positionFeedback: Uint8Array;
  /** 1 when position commands get backlash compensation in the maps (off by default). */
  readonly backlashCompensation: Uint8Array;
}

/** Mutable drive state, one entry per joint in every array; allocated once per DriveSet. */
export interface DriveState {
  /** Motor angle (rad) and velocity (rad/s), motor side. */
  readonly motorAngle: Float64Array;
  readonly motorVelocity: Float64Array;
  /** Winding current (A) at the end of the last sub-step, its mean over that sub-step (A, the one that made torque), applied voltage (V). */
  readonly current: Float64Array;
  readonly meanCurrent: Float64Array;
  readonly voltage: Float64Array;
  /** Winding temperature (K). */
  readonly temperature: Float64Array;
  /** Hysteresis (Dahl) torque in the mesh (N·m, joint side). */
  readonly hysteresis: Float64Array;
  /** LuGre bristle deflection, motor side and joint side (rad). */
  readonly motorBristle: Float64Array;
  readonly jointBristle: Float64Array;
  /** Firmware: integrators (current loop: V; velocity loop: A), references, filtered velocity. */
  readonly currentIntegral: Float64Array;
  readonly velocityIntegral: Float64Array;
  readonly currentReference: Float64Array;
  readonly velocityReference: Float64Array;
  readonly filteredVelocity: Float64Array;
  /** Motor-encoder angle at the previous velocity tick (rad). */
  readonly lastEncoderAngle: Float64Array;
  /** Current-loop ticks since reset, and the ticks since the last velocity / position loop run (wrap at their dividers). */
  readonly tick: Float64Array;
  readonly velocityPhase: Int32Array;
  readonly positionPhase: Int32Array;
  /** Last sub-step's torques (N·m): delivered to the joint, through the mesh (joint side), motor-side and joint-side friction. */
  readonly torque: Float64Array;
  readonly meshTorque: Float64Array;
  readonly motorFrictionTorque: Float64Array;
  readonly jointFrictionTorque: Float64Array;
  /** Sub-step inputs (joint position and velocity, sub-step length h) and the kinematic error: the
   *  step's internal calls read them from here, because V8 boxes a double passed to a call it does not inline. */
  readonly jointPosition: Float64Array;
  readonly jointVelocity: Float64Array;
  readonly subStep: Float64Array;
  readonly kinematicError: Float64Array;
  /** The firmware's readings for a loop run: current limit at the winding temperature (A), motor-encoder angle (rad), joint position from the joint encoder (rad). */
  readonly currentLimit: Float64Array;
  readonly motorEncoder: Float64Array;
  readonly jointEncoder: Float64Array;
  /** The 'averaged' fidelity's current-loop decay e^(−ωc·H) and the period H it was computed for (an exp saved per period). */
  readonly currentDecay: Float64Array;
  readonly currentDecayPeriod: Float64Array;
  /** The current's mean over that period relative to its step: (1 − currentDecay)/(ωc·H). */
  readonly currentDecayMean: Float64Array;
}

/** A command to one joint's drive firmware; plain mutable numbers, reuse one object. */
export interface DriveCommand {
  /** A DriveMode value. */
  mode: number;
  /** Joint position (rad) for position mode. */
  position: number;
  /** Joint velocity (rad/s): the reference in velocity mode, feedforward in position mode. */
  velocity: number;
  /** Joint torque (N·m): the command in torque mode, feedforward in position/velocity mode. */
  effort: number;
  /** Motor current (A) for current mode. */
  current: number;
  /** Winding voltage (V) for voltage mode (clamped to the bus). */
  voltage: number;
}

/** What one drive step reports; energies are sums over the step (J), the rest end-of-step values. */
export interface DriveOutput {
  /** Torque delivered to the joint, averaged over the step (N·m). */
  tau: number;
  /** Joint-side friction included in tau, averaged (N·m, opposes motion). */
  tauFriction: number;
  current: number;
  voltage: number;
  temperature: number;
  motorAngle: number;
  motorVelocity: number;
  /** Electrical energy drawn from the bus (J). */
  electricalEnergy: number;
  /** Work done on the joint: ∫ tau·v dt (J). */
  mechanicalEnergy: number;
  /** Losses (J): winding (R·i²), motor friction, joint friction, gear efficiency, mesh damping + hysteresis. */
  copperLoss: number;
  motorFrictionLoss: number;
  jointFrictionLoss: number;
  gearLoss: number;
  meshLoss: number;
}

function floats(nq: number): Float64Array {
  return new Float64Array(nq);
}

/** Allocates a zeroed DriveState for the set; call `resetDriveState` before stepping. */
export function createDriveState(set: DriveSet): DriveState {
  const n = set.nq;
  return {
    motorAngle: floats(n), motorVelocity: floats(n), current: floats(n), meanCurrent: floats(n), voltage: floats(n), temperature: floats(n),
    hysteresis: floats(n), motorBristle: floats(n), jointBristle: floats(n), currentIntegral: floats(n),
    velocityIntegral: floats(n), currentReference: floats(n), velocityReference: floats(n), filteredVelocity: floats(n),
    lastEncoderAngle: floats(n), tick: floats(n), velocityPhase: new Int32Array(n), positionPhase: new Int32Array(n), torque: floats(n), meshTorque: floats(n),
    motorFrictionTorque: floats(n), jointFrictionTorque: floats(n), jointPosition: floats(n), jointVelocity: floats(n),
    subStep: floats(n), kinematicError: floats(n), currentLimit: floats(n), motorEncoder: floats(n), jointEncoder: floats(n),
    currentDecay: floats(n), currentDecayPeriod: floats(n), currentDecayMean: floats(n),
  };
}

/**
 * Resets joint `joint` to joint position q and velocity v: motor angle N·(q + δ) + offset, ambient
 * temperature, firmware at rest. δ is the mesh deflection (backlash included) that carries the
 * joint torque `tau` on a compliant reducer (0 when rigid), so a sim can start loaded without a jolt.
 */
export function resetDriveJoint(set: DriveSet, state: DriveState, joint: number, q: number, v = 0, tau = 0): void {
  const N = set.ratio[joint];
  let deflection = 0;
  if (set.rigid[joint] === 0 && tau !== 0) deflection = stiffnessDeflection(set, joint, tau) + (tau > 0 ? set.backlash[joint] : -set.backlash[joint]);
  state.motorAngle[joint] = N * (q + deflection) + set.offset[joint];
  state.motorVelocity[joint] = N * v;
  state.current[joint] = 0;
  state.meanCurrent[joint] = 0;
  state.voltage[joint] = 0;
  state.temperature[joint] = set.ambientTemperature[joint];
  state.hysteresis[joint] = 0;
  state.motorBristle[joint] = 0;
  state.jointBristle[joint] = 0;
  state.currentIntegral[joint] = 0;
  state.velocityIntegral[joint] = 0;
  state.currentReference[joint] = 0;
  state.velocityReference[joint] = N * v;
  state.filteredVelocity[joint] = N * v;
  state.lastEncoderAngle[joint] = motorEncoderAngle(set, joint, state.motorAngle[joint]);
  state.tick[joint] = 0;
  state.velocityPhase[joint] = 0;
  state.positionPhase[joint] = 0;
  state.torque[joint] = 0;
  state.meshTorque[joint] = 0;
  state.motorFrictionTorque[joint] = 0;
  state.jointFrictionTorque[joint] = 0;
  state.jointPosition[joint] = q;
  state.jointVelocity[joint] = v;
  state.subStep[joint] = 0;
  state.kinematicError[joint] = 0;
}

/** Resets every joint from joint positions q (nq), optional velocities v (nq) and joint torques tau (nq, e.g. gravity). */
export function resetDriveState(set: DriveSet, state: DriveState, q: ArrayLike<number>, v?: ArrayLike<number>, tau?: ArrayLike<number>): void {
  for (let j = 0; j < set.nq; j++) resetDriveJoint(set, state, j, q[j], v ? v[j] : 0, tau ? tau[j] : 0);
}

/**
 * DriveCommand as a class whose number fields start as doubles (NaN), then zero. An object literal
 * (even with -0 constants) gave V8 fields in which every double a step stored (a position command)
 * allocated a heap number: measured 16 B a joint per drive step in the simulator.
 */
class DriveCommandFields implements DriveCommand {
  mode: number = DriveMode.torque;
  position = Number.NaN;
  velocity = Number.NaN;
  effort = Number.NaN;
  current = Number.NaN;
  voltage = Number.NaN;
  constructor() {
    this.position = 0;
    this.velocity = 0;
    this.effort = 0;
    this.current = 0;
    this.voltage = 0;
  }
}

/** A command object (torque mode, all zero) to reuse across steps. */
export function createDriveCommand(): DriveCommand {
  return new DriveCommandFields();
}

/** An output object to reuse across steps (fields start NaN until the first step). */
export function createDriveOutput(): DriveOutput {
  // NaN (not 0) so that V8 stores every field as an unboxed double from the start; objects whose
  // number fields start as small integers can end up boxing each double written (an allocation).
  const nan = Number.NaN;
  return {
    tau: nan, tauFriction: nan, current: nan, voltage: nan, temperature: nan, motorAngle: nan, motorVelocity: nan,
    electricalEnergy: nan, mechanicalEnergy: nan, copperLoss: nan, motorFrictionLoss: nan, jointFrictionLoss: nan, gearLoss: nan, meshLoss: nan,
  };
}
