// The 'averaged' drive fidelity: the same drive as driveStep ('switching', the reference) with the
// current loop replaced by its closed-loop response, so the step runs at the velocity/position-loop
// rate (4 kHz: 4 sub-steps per 1 ms) instead of the current-loop rate (20 kHz: 20 sub-steps).
//
// What is kept: the velocity and position loops (same gains, filter, anti-windup, encoder
// quantization, feedforward) at their own rate; current and thermal derating limits; the bus
// voltage bound (the current target is clamped to what (±V_bus − Ke·ω)/R(T) allows, back-EMF
// included); R(T), copper loss and the thermal model; the reducer (efficiency, friction on both
// sides, kinematic error; a compliant mesh is still integrated at the current-loop rate).
// What is left out: the current PI's own dynamics (overshoot, integrator wind-up, the discrete
// 20 kHz sampling), the current ripple inside a velocity period, the back-EMF feedforward error,
// and the voltage limit's transient (only its steady-state current bound is respected).
//
// The current follows i' = (i_target − i)·ωc, ωc = currentKp/L (the bandwidth of a PI tuned by
// pole-zero cancellation, as buildDriveSet derives it), discretised exactly over the period H:
// i(H) = i_t + (i0 − i_t)·e^(−ωc·H), mean ī = i_t + (i0 − i_t)·(1 − e^(−ωc·H))/(ωc·H).
// Ports as driveStep: in DriveCommand, joint q and v held over the step; out DriveOutput.
import { DriveMode, type DriveCommand, type DriveOutput, type DriveSet, type DriveState } from './drive-set.ts';
import { compliantPhase, currentLimitPhase, frictionPhase, jointEncoderPhase, kinematicErrorPhase, motorEncoderPhase, rigidPhase } from './drive-kernel.ts';

/** Which drive model a simulator steps: 'switching' (current loop at its rate, the reference) or 'averaged' (its closed-loop response). */
export type DriveFidelity = 'switching' | 'averaged';

// Like firmware.ts, nothing here calls code that takes or returns a computed double (boxed at a call
// V8 does not inline): readings go through the kernel's phases and clamps are written out.

/** Velocity/position loops over one period H = state.subStep[joint]: the current target -> state.currentReference. @realtime */
function averagedFirmware(set: DriveSet, state: DriveState, joint: number, command: DriveCommand): void {
  const H = state.subStep[joint];
  const mode = command.mode;
  const N = set.ratio[joint];
  const Kt = set.torqueConstant[joint];
  currentLimitPhase(set, state, joint);
  const limit = state.currentLimit[joint];
  const divider = set.velocityDivider[joint];
  state.tick[joint] += divider;
  motorEncoderPhase(set, state, joint);
  const encoder = state.motorEncoder[joint];
  const raw = (encoder - state.lastEncoderAngle[joint]) / H;
  state.lastEncoderAngle[joint] = encoder;
  state.filteredVelocity[joint] += set.velocityFilterAlpha[joint] * (raw - state.filteredVelocity[joint]);
  if (mode === DriveMode.position || mode === DriveMode.velocity) {
    let positionPhase = state.positionPhase[joint] + divider;
    const positionTick = positionPhase >= set.positionDivider[joint];
    if (positionTick) positionPhase = 0;
    state.positionPhase[joint] = positionPhase;
    if (mode === DriveMode.position && positionTick) {
      const jointSide = set.positionFeedback[joint] === 1;
      if (jointSide) jointEncoderPhase(set, state, joint);
      const measured = jointSide ? state.jointEncoder[joint] : (encoder - set.offset[joint]) * set.inverseRatio[joint];
      state.velocityReference[joint] = N * (set.positionKp[joint] * (command.position - measured) + command.velocity);
    } else if (mode === DriveMode.velocity) {
      state.velocityReference[joint] = N * command.velocity;
    }
    const error = state.velocityReference[joint] - state.filteredVelocity[joint];
    const feedforward = command.effort / (Kt * N);
    const integral = state.velocityIntegral[joint];
    const unsaturated = set.velocityKp[joint] * error + integral + feedforward;
    const saturated = unsaturated > limit ? limit : unsaturated < -limit ? -limit : unsaturated;
    if (saturated === unsaturated || error * unsaturated < 0) {
      const next = integral + set.velocityKi[joint] * error * H;
      state.velocityIntegral[joint] = next > limit ? limit : next < -limit ? -limit : next;
    }
    state.currentReference[joint] = saturated;
  } else if (mode === DriveMode.torque || mode === DriveMode.current) {
    const wanted = mode === DriveMode.torque ? command.effort / (Kt * N) : command.current;
    state.currentReference[joint] = wanted > limit ? limit : wanted < -limit ? -limit : wanted;
  }
}

/**
 * Winding over H = state.subStep[joint]: current as the closed current loop's first-order response
 * (voltage mode: the winding's own L/R response), bounded by the bus; mean current, voltage,
 * temperature and energies (V·ī·H = R·ī²·H + Δ(½L·i²) + Ke·ω·ī·H exactly). @realtime
 */
function averagedElectrical(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  const H = state.subStep[joint];
  const omega = state.motorVelocity[joint];
  const temperature = state.temperature[joint];
  const R = set.resistance[joint] * (1 + set.temperatureCoefficient[joint] * (temperature - set.referenceTemperature[joint]));
  const L = set.inductance[joint];
  const Ke = set.backEmfConstant[joint];
  const bus = set.busVoltage[joint];
  const emf = Ke * omega;
  let target: number;
  let rate: number;
  if (command.mode === DriveMode.voltage) {
    const voltage = command.voltage > bus ? bus : command.voltage < -bus ? -bus : command.voltage;
    target = (voltage - emf) / R;
    rate = R / L;
  } else {
    target = state.currentReference[joint];
    const inverseR = 1 / R;
    const highest = (bus - emf) * inverseR;
    const lowest = (-bus - emf) * inverseR;
    if (target > highest) target = highest;
    if (target < lowest) target = lowest;
    rate = set.currentKp[joint] / L;
  }
  const previous = state.current[joint];
  let current = target;
  let mean = target;
  if (L > 0 && rate * H < 700) {
    // e^(−rate·H) and the mean's factor (1 − e^(−rate·H))/(rate·H).
    let decay: number;
    let meanFactor: number;
    if (command.mode === DriveMode.voltage) {
      decay = Math.exp(-rate * H); // R/L: R changes with temperature
      meanFactor = (1 - decay) / (rate * H);
    } else {
      if (state.currentDecayPeriod[joint] !== H) {
        const e = Math.exp(-rate * H);
        state.currentDecay[joint] = e;
        state.currentDecayMean[joint] = (1 - e) / (rate * H);
        state.currentDecayPeriod[joint] = H;
      }
      decay = state.currentDecay[joint];
      meanFactor = state.currentDecayMean[joint];
    }
    current = target + (previous - target) * decay;
    mean = target + (previous - target) * meanFactor;
  }
  state.current[joint] = current;
  state.meanCurrent[joint] = mean;
  const copper = R * mean * mean;
  const magnetic = 0.5 * L * (current * current - previous * previous);
  const electrical = copper * H + magnetic + emf * mean * H;
  const voltage = electrical / (mean === 0 ? 1 : mean * H);
  state.voltage[joint] = voltage > bus ? bus : voltage < -bus ? -bus : voltage;
  out.electricalEnergy += electrical;
  out.copperLoss += copper * H;
  const C = set.thermalCapacity[joint];
  if (C !== 0) {
    const conductance = set.thermalConductance[joint];
    state.temperature[joint] = (C * temperature + H * (copper + set.ambientTemperature[joint] * conductance)) / (C + H * conductance);
  }
}

/**
 * Joint-side friction over state.subStep, and the torque delivered to the joint; mesh torque already
 * in state.meshTorque. The same lines end drive-step.ts's subStep: one shared kernel function made
 * driveStep allocate 3–7 B a call (test/robot/drive/allocation.test.ts, measured twice), so the
 * copy stays. @realtime
 */
function jointSide(set: DriveSet, state: DriveState, joint: number, out: DriveOutput): void {
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

/** One velocity-loop period with the inputs in state (jointPosition, jointVelocity, subStep = H). @realtime */
function averagedPeriod(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  averagedFirmware(set, state, joint, command);
  averagedElectrical(set, state, joint, command, out);
  if (set.rigid[joint] === 1) {
    kinematicErrorPhase(set, state, joint);
    const N = set.ratio[joint];
    state.motorVelocity[joint] = N * state.jointVelocity[joint];
    state.motorAngle[joint] = N * (state.jointPosition[joint] + state.kinematicError[joint]) + set.offset[joint];
    rigidPhase(set, state, joint, out);
    jointSide(set, state, joint, out);
    return;
  }
  // A compliant mesh is stiff: its rotor and spring keep the current-loop step, with the period's mean current.
  const H = state.subStep[joint];
  const n = set.velocityDivider[joint];
  const h = H / n;
  const q0 = state.jointPosition[joint];
  const v = state.jointVelocity[joint];
  state.subStep[joint] = h;
  for (let k = 0; k < n; k++) {
    state.jointPosition[joint] = q0 + v * k * h;
    kinematicErrorPhase(set, state, joint);
    compliantPhase(set, state, joint, out);
    jointSide(set, state, joint, out);
  }
  state.jointPosition[joint] = q0;
  state.subStep[joint] = H;
}

/**
 * driveStep's 'averaged' counterpart with its inputs staged in state.jointPosition[joint],
 * state.jointVelocity[joint] and state.subStep[joint] (= dt): n = round(dt·velocityRate) ≥ 1
 * periods. Writes `out` as driveStep does. @realtime
 */
export function driveStepAveragedStaged(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, out: DriveOutput): void {
  const dt = state.subStep[joint];
  // Divisions only where they change something: a simulator's actuator sub-step is one period.
  const n = Math.max(1, Math.round(dt * set.velocityRate[joint]));
  const H = n === 1 ? dt : dt / n;
  state.subStep[joint] = H;
  const q0 = state.jointPosition[joint];
  const v = state.jointVelocity[joint];
  out.tau = 0;
  out.tauFriction = 0;
  out.electricalEnergy = 0;
  out.mechanicalEnergy = 0;
  out.copperLoss = 0;
  out.motorFrictionLoss = 0;
  out.jointFrictionLoss = 0;
  out.gearLoss = 0;
  out.meshLoss = 0;
  for (let k = 0; k < n; k++) {
    state.jointPosition[joint] = q0 + v * k * H;
    averagedPeriod(set, state, joint, command, out);
  }
  state.jointPosition[joint] = q0;
  // Sums over every joint-side sub-step: one per period (rigid) or velocityDivider per period (compliant).
  const count = set.rigid[joint] === 1 ? n : n * set.velocityDivider[joint];
  if (count !== 1) {
    out.tau /= count;
    out.tauFriction /= count;
  }
  out.current = state.current[joint];
  out.voltage = state.voltage[joint];
  out.temperature = state.temperature[joint];
  out.motorAngle = state.motorAngle[joint];
  out.motorVelocity = state.motorVelocity[joint];
}

/** Advances joint `joint`'s drive by dt like driveStep, with the 'averaged' fidelity (see the file header). @realtime */
export function driveStepAveraged(set: DriveSet, state: DriveState, joint: number, command: DriveCommand, q: number, v: number, dt: number, out: DriveOutput): void {
  state.jointPosition[joint] = q;
  state.jointVelocity[joint] = v;
  state.subStep[joint] = dt;
  driveStepAveragedStaged(set, state, joint, command, out);
}
