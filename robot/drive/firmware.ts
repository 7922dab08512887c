// Drive firmware: cascaded current PI <- velocity PI <- position P, as servo drives run it. The
// current loop runs every tick (the current rate); the velocity and position loops every
// `velocityDivider` / `positionDivider` ticks. Feedforward: joint velocity into the velocity
// loop, joint torque into the current reference, back-EMF into the voltage. Anti-windup by
// conditional integration; the velocity feedback is the motor-encoder difference, low-passed.
//
// Ports (per joint): in DriveCommand (mode, position, velocity, effort, current, voltage), and from
// the DriveState the joint position (for a joint encoder), motor angle, current, temperature, h;
// out: the winding voltage in state.voltage. Returns nothing, calls nothing that takes or returns a
// computed double (V8 boxes one, i.e. allocates, at a call it does not inline, and past its inlining
// budget it stops inlining): readings go through the kernel's phases, clamps are written out.
import { DriveMode, type DriveCommand, type DriveSet, type DriveState } from './drive-set.ts';
import { currentLimitPhase, jointEncoderPhase, motorEncoderPhase } from './drive-kernel.ts';

/**
 * Runs one current-loop tick of length state.subStep[joint] with the joint at state.jointPosition[joint]:
 * the voltage to apply lands in state.voltage[joint] (V); advances the firmware state. @realtime
 */
export function firmwareTick(set: DriveSet, state: DriveState, joint: number, command: DriveCommand): void {
  const h = state.subStep[joint];
  state.tick[joint] += 1;
  // Integer phase counters, not tick % divider: a float modulo costs more than the rest of a tick.
  let velocityPhase = state.velocityPhase[joint] + 1;
  const velocityDivider = set.velocityDivider[joint];
  const velocityTick = velocityPhase >= velocityDivider;
  if (velocityTick) velocityPhase = 0;
  state.velocityPhase[joint] = velocityPhase;
  let positionPhase = state.positionPhase[joint] + 1;
  const positionTick = positionPhase >= set.positionDivider[joint];
  if (positionTick) positionPhase = 0;
  state.positionPhase[joint] = positionPhase;
  const mode = command.mode;
  const bus = set.busVoltage[joint];
  if (mode === DriveMode.voltage) {
    const wanted = command.voltage;
    state.voltage[joint] = wanted > bus ? bus : wanted < -bus ? -bus : wanted;
    return;
  }
  const N = set.ratio[joint];
  const Kt = set.torqueConstant[joint];
  currentLimitPhase(set, state, joint);
  const limit = state.currentLimit[joint];
  if (velocityTick || positionTick) motorEncoderPhase(set, state, joint);

  if (velocityTick) {
    const encoder = state.motorEncoder[joint];
    const raw = (encoder - state.lastEncoderAngle[joint]) / (velocityDivider * h);
    state.lastEncoderAngle[joint] = encoder;
    state.filteredVelocity[joint] += set.velocityFilterAlpha[joint] * (raw - state.filteredVelocity[joint]);
  }

  let currentReference: number;
  if (mode === DriveMode.position || mode === DriveMode.velocity) {
    if (mode === DriveMode.position && positionTick) {
      const jointSide = set.positionFeedback[joint] === 1;
      if (jointSide) jointEncoderPhase(set, state, joint);
      const measured = jointSide ? state.jointEncoder[joint] : (state.motorEncoder[joint] - set.offset[joint]) / N;
      state.velocityReference[joint] = N * (set.positionKp[joint] * (command.position - measured) + command.velocity);
    } else if (mode === DriveMode.velocity) {
      state.velocityReference[joint] = N * command.velocity;
    }
    if (velocityTick) {
      const error = state.velocityReference[joint] - state.filteredVelocity[joint];
      const feedforward = command.effort / (Kt * N);
      const integral = state.velocityIntegral[joint];
      const unsaturated = set.velocityKp[joint] * error + integral + feedforward;
      const saturated = unsaturated > limit ? limit : unsaturated < -limit ? -limit : unsaturated;
      if (saturated === unsaturated || error * unsaturated < 0) {
        const next = integral + set.velocityKi[joint] * error * velocityDivider * h;
        state.velocityIntegral[joint] = next > limit ? limit : next < -limit ? -limit : next;
      }
      state.currentReference[joint] = saturated;
    }
    currentReference = state.currentReference[joint];
  } else if (mode === DriveMode.torque) {
    currentReference = command.effort / (Kt * N);
  } else {
    currentReference = command.current;
  }
  currentReference = currentReference > limit ? limit : currentReference < -limit ? -limit : currentReference;
  state.currentReference[joint] = currentReference;

  const error = currentReference - state.current[joint];
  const integral = state.currentIntegral[joint];
  const unsaturated = set.currentKp[joint] * error + integral + set.backEmfConstant[joint] * state.filteredVelocity[joint];
  const voltage = unsaturated > bus ? bus : unsaturated < -bus ? -bus : unsaturated;
  if (voltage === unsaturated || error * unsaturated < 0) {
    const next = integral + set.currentKi[joint] * error * h;
    state.currentIntegral[joint] = next > bus ? bus : next < -bus ? -bus : next;
  }
  state.voltage[joint] = voltage;
}
