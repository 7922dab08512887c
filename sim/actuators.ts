// What turns commands into joint torque inside the plant. Two kinds share one interface:
// drive actuators (robot/drive: motor, reducer and firmware loops, see drive-actuators.ts) and
// ideal actuators (a torque source, or a stiff joint-side servo when asked for position or
// velocity) for fidelity tests and robots without a drive file.
//
// Ports: in — command (mode + setpoints per joint), joint q and v; out — joint torque tau,
// motor current, winding temperature, motor-side position and velocity.
import type { RobotModel } from '../robot/model.ts';

/** Per-joint command modes the actuators accept (stored in an Int8Array). */
export const ActuatorMode = { off: 0, position: 1, velocity: 2, effort: 3, current: 4, voltage: 5 } as const;
/** One of ActuatorMode's values. */
export type ActuatorModeValue = (typeof ActuatorMode)[keyof typeof ActuatorMode];

/** Setpoints per joint (nv each, joint side, SI; `current` (A) and `voltage` (V) on the motor side). */
export interface ActuatorCommand {
  readonly mode: Int8Array;
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly effort: Float64Array;
  readonly current: Float64Array;
  readonly voltage: Float64Array;
}

/** A bank of actuators, one per joint. */
export interface Actuators {
  readonly kind: 'drive' | 'ideal';
  readonly command: ActuatorCommand;
  /** Reflected rotor inertia per joint (kg·m²) the dynamics must include. */
  readonly armature: Float64Array;
  /** Motor current (A): its mean over the last update, as a drive reports its filtered current; NaN where the actuator has no motor. */
  readonly current: Float64Array;
  /** Winding temperature (K), NaN where unknown. */
  readonly temperature: Float64Array;
  /** Motor-side angle (rad) and rate (rad/s); for ideal actuators the joint's. */
  readonly motorPosition: Float64Array;
  readonly motorVelocity: Float64Array;
  /** Gear ratio motor/joint per joint (1 for ideal actuators). */
  readonly gearRatio: Float64Array;
  /** Extra heat (W) injected per joint by a fault; 0 normally. */
  readonly faultHeat: Float64Array;
  /**
   * Advances by dt (s) with the joint state (q, v) held and writes the mean joint torque over the
   * step into tau (nv). `substep` (default 0) counts the calls within one physics step: reported
   * means (current, friction) cover the calls since the last substep 0. @realtime
   */
  update(q: Float64Array, v: Float64Array, dt: number, tau: Float64Array, substep?: number): void;
  /** Largest physics sub-step (s) the actuators stay stable with, given joint inertias (nv); absent: any. */
  maxStableStep?(inertia: Float64Array): number;
  /** Puts motors at rest at joint positions q, controllers cleared, at ambient temperature. */
  reset(q: Float64Array): void;
}

/** Makes the command block for nv joints, every joint off. */
export function createActuatorCommand(nv: number): ActuatorCommand {
  return {
    mode: new Int8Array(nv),
    position: new Float64Array(nv),
    velocity: new Float64Array(nv),
    effort: new Float64Array(nv),
    current: new Float64Array(nv),
    voltage: new Float64Array(nv),
  };
}

/** Gains of the ideal joint-side servo used for position and velocity modes. */
export interface IdealServoGains {
  /** Closed-loop bandwidth of the position servo (rad/s); the velocity loop runs 4x faster. */
  bandwidth: number;
}

/**
 * Ideal actuators: effort mode applies the command as joint torque (clamped to the URDF effort
 * limit); position and velocity modes run a critically damped joint-side servo whose gains scale
 * with each joint's effective inertia `inertia` (nv, kg·m²). Off applies nothing. The model's own
 * armature (see `withArmature`) is kept as the actuators' reflected inertia.
 */
export function createIdealActuators(model: RobotModel, inertia: Float64Array, gains: IdealServoGains = { bandwidth: 60 }): Actuators {
  const nv = model.nv;
  const command = createActuatorCommand(nv);
  const nan = () => new Float64Array(nv).fill(Number.NaN);
  const motorPosition = new Float64Array(nv);
  const motorVelocity = new Float64Array(nv);
  const kp = new Float64Array(nv);
  const kd = new Float64Array(nv);
  for (let k = 0; k < nv; k++) {
    kp[k] = inertia[k] * gains.bandwidth * gains.bandwidth;
    kd[k] = 2 * inertia[k] * gains.bandwidth;
  }
  return {
    kind: 'ideal',
    command,
    armature: Float64Array.from(model.armature),
    current: nan(),
    temperature: nan(),
    motorPosition,
    motorVelocity,
    gearRatio: new Float64Array(nv).fill(1),
    faultHeat: new Float64Array(nv),
    update(q, v, _dt, tau) {
      for (let k = 0; k < nv; k++) {
        motorPosition[k] = q[k];
        motorVelocity[k] = v[k];
        let t = 0;
        switch (command.mode[k]) {
          case ActuatorMode.effort:
            t = command.effort[k];
            break;
          case ActuatorMode.position:
            t = kp[k] * (command.position[k] - q[k]) + kd[k] * (command.velocity[k] - v[k]) + command.effort[k];
            break;
          case ActuatorMode.velocity:
            t = 4 * kd[k] * (command.velocity[k] - v[k]) + command.effort[k];
            break;
          default:
            t = 0;
        }
        const limit = model.effortLimit[k];
        tau[k] = t > limit ? limit : t < -limit ? -limit : t === t ? t : 0;
      }
    },
    reset(q) {
      motorPosition.set(q);
      motorVelocity.fill(0);
    },
  };
}
