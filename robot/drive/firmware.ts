// Drive firmware: cascaded current PI <- velocity PI <- position P, as servo drives run it. The
// current loop runs every tick (the current rate); the velocity and position loops every
// `velocityDivider` / `positionDivider` ticks. Feedforward: joint velocity into the velocity
// loop, joint torque into the current reference, back-EMF into the voltage. Anti-windup by
// conditional integration; the velocity feedback is the motor-encoder difference, low-passed.
//
// Ports (per joint): in DriveCommand (mode, position, velocity, effort, current, voltage), and from
// the DriveState the joint position (for a joint encoder), motor angle, current, temperature, h;
// out: the winding voltage in state.voltage. Returns nothing (a returned double would be boxed
// when the call is not inlined, i.e. allocate).
import { DriveMode, type DriveCommand, type DriveSet, type DriveState } from './drive-set.ts';
import { jointEncoderPosition, motorEncoderAngle } from './encoder.ts';
import { currentLimit } from './servo-motor.ts';

function clamp(x: number, limit: number): number {
  return x > limit ? limit : x < -limit ? -limit : x;
}

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
    const voltage = clamp(command.voltage, bus);
    state.voltage[joint] = voltage;
    return;
  }
  const N = set.ratio[joint];
  const Kt = set.torqueConstant[joint];
  const limit = currentLimit(set, joint, state.temperature[joint]);

  if (velocityTick) {
    const encoder = motorEncoderAngle(set, joint, state.motorAngle[joint]);
    const raw = (encoder - state.lastEncoderAngle[joint]) / (velocityDivider * h);
    state.lastEncoderAngle[joint] = encoder;
    state.filteredVelocity[joint] += set.velocityFilterAlpha[joint] * (raw - state.filteredVelocity[joint]);
  }

  let currentReference: number;
  if (mode === DriveMode.position || mode === DriveMode.velocity) {
    if (mode === DriveMode.position && positionTick) {
      const measured = set.positionFeedback[joint] === 1
        ? jointEncoderPosition(set, joint, state.jointPosition[joint])
        : (motorEncoderAngle(set, joint, state.motorAngle[joint]) - set.offset[joint]) / N;
      state.velocityReference[joint] = N * (set.positionKp[joint] * (command.position - measured) + command.velocity);
    } else if (mode === DriveMode.velocity) {
      state.velocityReference[joint] = N * command.velocity;
    }
    if (velocityTick) {
      const error = state.velocityReference[joint] - state.filteredVelocity[joint];
      const feedforward = command.effort / (Kt * N);
      const integral = state.velocityIntegral[joint];
      const unsaturated = set.velocityKp[joint] * error + integral + feedforward;
      const saturated = clamp(unsaturated, limit);
      if (saturated === unsaturated || error * unsaturated < 0) {
        // clamp written out: V8 did not inline a call here (past its inlining budget) and boxed the
        // computed argument, 16 B a velocity tick.
        const next = integral + set.velocityKi[joint] * error * velocityDivider * h;
        state.velocityIntegral[joint] = next > limit ? limit : next < -limit ? -limit : next;
      }
      state.currentReference[joint] = saturated;
    }
    currentReference = clamp(state.currentReference[joint], limit);
  } else if (mode === DriveMode.torque) {
    currentReference = clamp(command.effort / (Kt * N), limit);
  } else {
    currentReference = clamp(command.current, limit);
  }
  state.currentReference[joint] = currentReference;

  const error = currentReference - state.current[joint];
  const integral = state.currentIntegral[joint];
  const unsaturated = set.currentKp[joint] * error + integral + set.backEmfConstant[joint] * state.filteredVelocity[joint];
  const voltage = clamp(unsaturated, bus);
  if (voltage === unsaturated || error * unsaturated < 0) {
    state.currentIntegral[joint] = clamp(integral + set.currentKi[joint] * error * h, bus);
  }
  state.voltage[joint] = voltage;
}
