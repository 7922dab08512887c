// Motor-level commands through the drive maps: the limited joint command (ctx.command, model joint
// order) turned into motor angles (with optional backlash compensation), motor velocities and
// winding currents (the drive's efficiency and friction through currentForJointTorque), clamped to
// each drive's peak current.
//
// Ports: in ctx.command (position, velocity, effort), ctx.v (estimated joint velocity);
//        out `position` (motor angle, rad), `velocity` (motor rad/s), `current` (A), nq each.
import type { DriveSet } from '../robot/drive/drive-set.ts';
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
    // One loop per quantity: each stays small enough for V8 to inline the drive maps into it
    // (a double crossing a call that is not inlined is boxed).
    this.positions(ctx);
    this.velocities(ctx);
    this.currents(ctx);
  }

  // Written out (N·q + offset, backlash side, N·v) as robot/drive maps.ts does, without calls.
  private positions(ctx: ControlContext): void {
    const drive = this.drive, c = ctx.command, backlash = this.backlash;
    for (let k = 0; k < this.nq; k++) {
      const v = c.velocity[k];
      // Backlash closes on the side the motion (or, at rest, the torque) pushes.
      const direction = v !== 0 ? v : c.effort[k];
      let q = c.position[k];
      if (backlash && drive.backlashCompensation[k] === 1 && direction !== 0) q += direction > 0 ? drive.backlash[k] : -drive.backlash[k];
      this.position[k] = drive.ratio[k] * q + drive.offset[k];
    }
  }

  private velocities(ctx: ControlContext): void {
    const drive = this.drive, c = ctx.command;
    for (let k = 0; k < this.nq; k++) this.velocity[k] = drive.ratio[k] * c.velocity[k];
  }

  // The current is computed here with the formulas of robot/drive (maps.ts jointToMotorTorque,
  // reducer.ts reflectedMotorTorque/forwardShare, friction.ts regularizedFriction) written out in
  // one loop (LuGre friction is not modelled here: its static curve is used): called through those functions, every double crossing a call V8 did not inline was
  // boxed (measured 270-440 B per update). Kept equal to currentForJointTorque by a test.
  private currents(ctx: ControlContext): void {
    const drive = this.drive, c = ctx.command, losses = this.withLosses;
    const jf = drive.jointFriction, mf = drive.motorFriction;
    let clamped = 0;
    for (let k = 0; k < this.nq; k++) {
      const N = drive.ratio[k], tau = c.effort[k], v = ctx.v[k];
      let motorTorque: number;
      if (!losses) {
        motorTorque = tau / N;
      } else {
        const omega = N * v;
        let speed = v < 0 ? -v : v;
        let ratio = speed / jf.stribeckVelocity[k];
        let magnitude = jf.coulomb[k] + (jf.breakaway[k] - jf.coulomb[k]) * Math.exp(-ratio * ratio);
        let eps = jf.smoothingVelocity[k];
        const jointFriction = magnitude * (speed >= eps ? (v > 0 ? 1 : -1) : v / eps) + jf.viscous[k] * v;
        speed = omega < 0 ? -omega : omega;
        ratio = speed / mf.stribeckVelocity[k];
        magnitude = mf.coulomb[k] + (mf.breakaway[k] - mf.coulomb[k]) * Math.exp(-ratio * ratio);
        eps = mf.smoothingVelocity[k];
        const motorFriction = magnitude * (speed >= eps ? (omega > 0 ? 1 : -1) : omega / eps) + mf.viscous[k] * omega;
        const mesh = tau + jointFriction;
        const ideal = mesh / N;
        const x = (ideal >= 0 ? omega : -omega) / drive.efficiencyBand[k];
        let share = 0.5 + 0.5 * x;
        share = share < 0 ? 0 : share > 1 ? 1 : share;
        const back = drive.backEfficiency[k];
        motorTorque = ideal * (back + share * (1 / drive.forwardEfficiency[k] - back)) + motorFriction;
      }
      let current = motorTorque / drive.torqueConstant[k];
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
