// Reducer deflection, transmitted torque and backlash state from a motor-side and a joint-side
// encoder, through the drive's own stiffness model.
//
// Ports: in  — motor angles (rad, motor side, nq) and joint positions (rad, joint side, nq);
//        out — `deflection` (rad, joint side: motor-side position seen through the ratio minus the
//              joint position, kinematic error removed), `torque` (N·m the reducer transmits to
//              the joint: the spring plus the Dahl hysteresis, run on the deflection history as the
//              drive model does; mesh damping is left out, as differenced encoders are too noisy),
//              `backlash` (-1 engaged negative, 0 inside the gap, +1 engaged positive).
import type { DriveSet } from '../robot/drive/drive-set.ts';

/** Deflection, torque and backlash state of every reducer from two encoders; allocation-free. */
export class DualEncoderEstimator {
  readonly deflection: Float64Array;
  readonly torque: Float64Array;
  readonly backlash: Int8Array;
  /** Estimated hysteresis torque per joint (N·m). */
  readonly hysteresis: Float64Array;
  private started = false;
  // Deflection at the last hysteresis update, and the deflection quantum of the two encoders:
  // the hysteresis only moves on changes over two quanta, so encoder chatter cannot erase it.
  private readonly anchor: Float64Array;
  private readonly quantum: Float64Array;

  constructor(readonly drives: DriveSet) {
    this.hysteresis = new Float64Array(drives.nq);
    this.anchor = new Float64Array(drives.nq);
    this.quantum = new Float64Array(drives.nq);
    for (let k = 0; k < drives.nq; k++) {
      const joint = drives.jointCounts[k] > 0 ? (2 * Math.PI) / drives.jointCounts[k] : 0;
      const motor = drives.motorCounts[k] > 0 ? (2 * Math.PI) / (drives.motorCounts[k] * Math.abs(drives.ratio[k])) : 0;
      this.quantum[k] = joint + motor;
    }
    this.deflection = new Float64Array(drives.nq);
    this.torque = new Float64Array(drives.nq);
    this.backlash = new Int8Array(drives.nq);
  }

  /** One update from both encoders' positions. @realtime */
  update(motorAngle: ArrayLike<number>, q: ArrayLike<number>): void {
    const set = this.drives;
    for (let k = 0; k < set.nq; k++) {
      // The drive model's formulas (robot/drive/reducer.ts) written out here: V8 boxes the doubles
      // passed to calls it does not inline, and this runs every tick for every joint.
      const angle = motorAngle[k];
      let error = 0;
      for (let h = 4 * k; h < 4 * k + 4; h++) {
        const amplitude = set.errorAmplitude[h];
        if (amplitude !== 0) error += amplitude * Math.sin(set.errorOrder[h] * angle + set.errorPhase[h]);
      }
      const deflection = (angle - set.offset[k]) / set.ratio[k] - error - q[k];
      const b = set.backlash[k];
      const engaged = deflection > b ? deflection - b : deflection < -b ? deflection + b : 0;
      // Dahl hysteresis, the drive model's law written per deflection increment.
      const limit = set.hysteresisTorque[k];
      let hysteresis = 0;
      if (engaged !== 0 && limit > 0 && this.started) {
        hysteresis = this.hysteresis[k];
        const change = deflection - this.anchor[k];
        if ((change < 0 ? -change : change) > 2 * this.quantum[k]) {
          const step = set.stiffness1[k] * change;
          hysteresis = (hysteresis + step) / (1 + (step < 0 ? -step : step) / limit);
          this.anchor[k] = deflection;
        }
      } else {
        this.anchor[k] = deflection;
      }
      this.hysteresis[k] = hysteresis;
      this.deflection[k] = deflection;
      this.backlash[k] = engaged > 0 ? 1 : engaged < 0 ? -1 : 0;
      const x = engaged < 0 ? -engaged : engaged;
      const d1 = set.breakDeflection1[k], d2 = set.breakDeflection2[k];
      let spring = x <= d1 ? set.stiffness1[k] * x : x <= d2 ? set.breakTorque1[k] + set.stiffness2[k] * (x - d1) : set.breakTorque2[k] + set.stiffness3[k] * (x - d2);
      if (engaged < 0) spring = -spring;
      this.torque[k] = engaged === 0 ? 0 : spring + hysteresis;
    }
    this.started = true;
  }
}
