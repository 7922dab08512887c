// Motor-level commands through the drive maps: the limited joint command (ctx.command, model joint
// order) turned into motor angles (with optional backlash compensation), motor velocities and
// winding currents (the drive's efficiency and friction through currentForJointTorque), clamped to
// each drive's peak current.
//
// Ports: in ctx.command (position, velocity, effort), ctx.v (estimated joint velocity);
//        out `position` (motor angle, rad), `velocity` (motor rad/s), `current` (A), nq each.
import type { DriveSet } from '../robot/drive/drive-set.ts';
import { compensateBacklash, currentForJointTorque, jointToMotorPosition, jointToMotorVelocity } from '../robot/drive/maps.ts';
import type { ControlContext } from './context.ts';

/** Motor-level command kinds a client can publish. */
export const MOTOR_COMMANDS = ['motor-current'] as const;
/** One of MOTOR_COMMANDS. */
export type MotorCommandKind = (typeof MOTOR_COMMANDS)[number];

/** Options of the motor map. */
export interface MotorOutputOptions {
  /** Include the reducer's efficiency and the friction curves in the current (default true). */
  withLosses?: boolean;
  /** Add the drive's backlash on the side of the commanded motion (default: as the drive file says). */
  backlashCompensation?: boolean;
}

/** Joint command -> motor command through one DriveSet; allocation-free per update. */
export class MotorOutput {
  readonly drive: DriveSet;
  /** Motor angles (rad), motor velocities (rad/s) and winding currents (A); nq each, model joint order. */
  readonly position: Float64Array;
  readonly velocity: Float64Array;
  readonly current: Float64Array;
  /** Currents clamped to the peak limit in the last update. */
  clamped = 0;
  private readonly withLosses: boolean;
  private readonly backlash: boolean;
  private readonly nq: number;

  constructor(drive: DriveSet, options: MotorOutputOptions = {}) {
    this.drive = drive;
    this.nq = drive.nq;
    this.position = new Float64Array(drive.nq);
    this.velocity = new Float64Array(drive.nq);
    this.current = new Float64Array(drive.nq);
    this.withLosses = options.withLosses ?? true;
    this.backlash = options.backlashCompensation ?? true;
  }

  /** Maps this tick's limited command. @realtime */
  update(ctx: ControlContext): void {
    const drive = this.drive, c = ctx.command;
    let clamped = 0;
    for (let k = 0; k < this.nq; k++) {
      const q = c.position[k], v = c.velocity[k];
      // Backlash closes on the side the motion (or, at rest, the torque) pushes.
      const direction = v !== 0 ? v : c.effort[k];
      const qc = this.backlash ? compensateBacklash(drive, k, q, direction) : q;
      this.position[k] = jointToMotorPosition(drive, k, qc);
      this.velocity[k] = jointToMotorVelocity(drive, k, v);
      let current = currentForJointTorque(drive, k, c.effort[k], ctx.v[k], this.withLosses);
      const peak = drive.peakCurrent[k];
      if (current > peak) {
        current = peak;
        clamped++;
      } else if (current < -peak) {
        current = -peak;
        clamped++;
      }
      this.current[k] = Number.isFinite(current) ? current : 0;
    }
    this.clamped = clamped;
  }
}
