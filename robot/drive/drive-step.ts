// One joint's drive advanced in time: firmware -> winding (electrical + thermal) -> motor rotor ->
// reducer (efficiency, backlash, stiffness, hysteresis, kinematic error) -> joint, with friction on
// both sides, and an energy account of every loss.
//
// Two couplings, chosen per joint by `DriveSet.rigid`:
// - rigid: the motor is slaved to the joint (θ_m = N·(q + e(θ_m)) + offset, ω_m = N·v); its
//   inertia belongs in the rigid-body dynamics as armature (`simulationArmatureOf`).
// - compliant: the rotor is a second body integrated here (semi-implicit Euler, implicit stick
//   friction) and pushes the joint through the mesh; the sim must NOT add its armature.
// Ports: in DriveCommand, joint position q and velocity v (held over the step, q extrapolated with
// v); out DriveOutput (joint torque averaged over the step, end-of-step electrical and motor state,
// energies). The step is sub-divided at the current-loop rate (n = round(dt·rate) ≥ 1 sub-steps),
// so a simulator may call it with any dt (best a multiple of the current period).
import type { DriveCommand, DriveOutput, DriveSet, DriveState } from './drive-set.ts';
import { firmwareTick } from './firmware.ts';
import { compliantPhase, electricalPhase, frictionPhase, kinematicErrorPhase, rigidPhase } from './drive-kernel.ts';
import { stribeckMagnitude } from './friction.ts';
import { backlashDeadZone, kinematicError, springEnergy } from './reducer.ts';

/** A load inertia stepped together with the drive by `stepDriveWithLoad`; q and v are advanced in place. */
export interface DriveLoad {
  /** Joint position (rad) and velocity (rad/s). */
  q: number;
  v: number;
  /** Joint-side load inertia (kg·m²), without the drive's armature. */
  inertia: number;
  /** Constant external torque on the joint (N·m), e.g. gravity. */
  externalTorque: number;
}

function clearOutput(out: DriveOutput): void {
  out.tau = 0;
  out.tauFriction = 0;
  out.electricalEnergy = 0;
  out.mechanicalEnergy = 0;
  out.copperLoss = 0;
  out.motorFrictionLoss = 0;
  out.jointFrictionLoss = 0;
  out.gearLoss = 0;
  out.meshLoss = 0;
}

function finishOutput(state: DriveState, joint: number, n: number, out: DriveOutput): void {
  out.tau /= n;
  out.tauFriction /= n;
  out.current = state.current[joint];
  out.voltage = state.voltage[joint];
  out.temperature = state.temperature[joint];
  out.motorAngle = state.motorAngle[joint];
  out.motorVelocity = state.motorVelocity[joint];
}

function halfSquare(x: number): number {
  return 0.5 * x * x;
}

/** One sub-step with inputs in state.jointPosition/jointVelocity/subStep; the joint torque lands in state.torque[joint], energies in `out`. @realtime */
function subStep(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  firmwareTick(set, state, joint, command);
  kinematicErrorPhase(set, state, joint);
  if (set.rigid[joint] === 1) {
    const N = set.ratio[joint];
    state.motorVelocity[joint] = N * state.jointVelocity[joint];
    state.motorAngle[joint] = N * (state.jointPosition[joint] + state.kinematicError[joint]) + set.offset[joint];
    electricalPhase(set, state, joint, out);
    rigidPhase(set, state, joint, out);
  } else {
    electricalPhase(set, state, joint, out);
    compliantPhase(set, state, joint, out);
  }
  const f = set.jointFriction;
  const bristle = state.jointBristle[joint];
  frictionPhase(f, joint, state.jointBristle, state.jointVelocity, state.subStep, state.jointFrictionTorque);
  const friction = state.jointFrictionTorque[joint];
  const after = state.jointBristle[joint];
  const v = state.jointVelocity[joint];
  const h = state.subStep[joint];
  out.jointFrictionLoss += friction * v * h - 0.5 * (after * after - bristle * bristle) * f.sigma0[joint];
  const tau = state.meshTorque[joint] - friction;
  out.tau += tau;
  out.tauFriction += friction;
  out.mechanicalEnergy += tau * v * h;
  state.torque[joint] = tau;
}

/** Runs a whole step from the inputs already in state.jointPosition/jointVelocity and `dt` in state.subStep (replaced by h). */
function advance(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  const dt = state.subStep[joint];
  const n = Math.max(1, Math.round(dt * set.currentRate[joint]));
  const h = dt / n;
  state.subStep[joint] = h;
  const q0 = state.jointPosition[joint];
  const v = state.jointVelocity[joint];
  clearOutput(out);
  for (let k = 0; k < n; k++) {
    state.jointPosition[joint] = q0 + v * k * h;
    subStep(set, state, joint, command, out);
  }
  state.jointPosition[joint] = q0;
  finishOutput(state, joint, n, out);
}

/**
 * Advances joint `joint`'s drive by dt with the joint held at position q (extrapolated with v) and
 * velocity v; writes the torque delivered to the joint (mean over dt), electrical and motor state
 * and the step's energies into `out`. Sub-steps at the current-loop rate (n = round(dt·rate) ≥ 1). @realtime
 */
export function driveStep(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, q: number, v: number, dt: number, out: DriveOutput): void {
  state.jointPosition[joint] = q;
  state.jointVelocity[joint] = v;
  state.subStep[joint] = dt;
  advance(set, state, joint, command, out);
}

/**
 * driveStep with its inputs already staged in state.jointPosition[joint], state.jointVelocity[joint]
 * and state.subStep[joint] (= dt): for a caller that would otherwise pass computed doubles to a
 * non-inlined call (V8 boxes them: a heap allocation per call). state.subStep[joint] is replaced by
 * the sub-step length. @realtime
 */
export function driveStepStaged(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  advance(set, state, joint, command, out);
}

/** Loads `load` and steps drive + load; separate so that the caller's doubles are never passed to a non-inlined call. */
function advanceWithLoad(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, load: DriveLoad, out: DriveOutput): void {
  const dt = state.subStep[joint];
  const n = Math.max(1, Math.round(dt * set.currentRate[joint]));
  const h = dt / n;
  state.subStep[joint] = h;
  const N = set.ratio[joint];
  const inertia = load.inertia + (set.rigid[joint] === 1 ? N * N * set.rotorInertia[joint] : 0);
  clearOutput(out);
  for (let k = 0; k < n; k++) {
    state.jointPosition[joint] = load.q;
    state.jointVelocity[joint] = load.v;
    subStep(set, state, joint, command, out);
    load.v += (h * (state.torque[joint] + load.externalTorque)) / inertia;
    load.q += h * load.v;
  }
  finishOutput(state, joint, n, out);
}

/**
 * Advances the drive together with a load inertia for dt (semi-implicit Euler at the current-loop
 * rate; a rigid drive adds its armature N²·J_rotor to the load): a bench-top motor + reducer + load,
 * for tests and tuning. Updates load.q and load.v; `out` as in driveStep. @realtime
 */
export function stepDriveWithLoad(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, load: DriveLoad, dt: number, out: DriveOutput): void {
  state.subStep[joint] = dt;
  advanceWithLoad(set, state, joint, command, load, out);
}

/**
 * Energy stored in the drive (J) with the joint at q: magnetic ½L·i², and for a compliant drive the
 * rotor's ½J·ω², the mesh spring, the hysteresis element and the LuGre bristles. Rigid drives keep
 * the rotor's kinetic energy in the rigid-body dynamics (armature), so it is not counted here.
 */
export function driveStoredEnergy(set: DriveSet, state: DriveState, joint: number, q: number): number {
  const current = state.current[joint];
  let energy = 0.5 * set.inductance[joint] * current * current;
  energy += halfSquare(state.motorBristle[joint]) * set.motorFriction.sigma0[joint];
  energy += halfSquare(state.jointBristle[joint]) * set.jointFriction.sigma0[joint];
  if (set.rigid[joint] === 1) return energy;
  const omega = state.motorVelocity[joint];
  energy += 0.5 * set.rotorInertia[joint] * omega * omega;
  const angle = state.motorAngle[joint];
  const deflection = (angle - set.offset[joint]) / set.ratio[joint] - kinematicError(set, joint, angle) - q;
  energy += springEnergy(set, joint, backlashDeadZone(deflection, set.backlash[joint]));
  if (set.hysteresisTorque[joint] > 0) energy += halfSquare(state.hysteresis[joint]) / set.stiffness1[joint];
  return energy;
}

/**
 * Largest sub-step (s) for which the explicit coupling of a compliant drive to a joint of inertia
 * `loadInertia` stays stable (h·ω_n < 1, a margin under the symplectic-Euler bound 2), counting the
 * mesh's steepest stiffness; Infinity for a rigid drive. A simulator steps its joints no coarser.
 */
export function maxStableStep(set: DriveSet, joint: number, loadInertia: number): number {
  if (set.rigid[joint] === 1) return Infinity;
  const stiffness = Math.max(set.stiffness1[joint], set.stiffness2[joint], set.stiffness3[joint]);
  const N = set.ratio[joint];
  const reduced = 1 / (1 / loadInertia + 1 / (N * N * set.rotorInertia[joint]));
  const omega = Math.sqrt(stiffness / reduced);
  const damping = set.meshDamping[joint];
  const dampingBound = damping > 0 ? reduced / damping : Infinity;
  return Math.min(1 / omega, dampingBound);
}

/** Sliding friction magnitude (N·m) the joint side shows at speed |v|, for a simulator that applies friction implicitly. @realtime */
export function jointFrictionMagnitude(set: DriveSet, joint: number, v: number): number {
  return stribeckMagnitude(set.jointFriction, joint, v < 0 ? -v : v);
}
