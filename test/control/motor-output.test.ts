// MotorOutput against the drive maps' inverses: motor angle back to the joint position (plus the
// backlash side), motor velocity back to joint velocity, winding current back through the
// torque constant and motorToJointTorque (with losses) to the commanded joint torque; clamping at
// the peak current; no allocation per update.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadRobot } from '../../sim/load-robot.ts';
import { parseDriveFile } from '../../robot/drive/drive-file.ts';
import { currentForJointTorque, motorToJointPosition, motorToJointTorque, motorToJointVelocity } from '../../robot/drive/maps.ts';
import { createControlContext } from '../../control/context.ts';
import { MotorOutput } from '../../control/motor-output.ts';
import { measureHeapGrowth } from '../support/heap.ts';

const robot = loadRobot('servo-arm');
const drive = parseDriveFile(readFileSync(robot.driveFile!, 'utf8'), robot.model);
const nq = robot.model.nq;

describe('motor-level command outputs', () => {
  it('inverts through the drive maps: angle and velocity exactly, current exactly without losses and within 5 % of the effort limit with them (the maps\' own round trip)', () => {
    const output = new MotorOutput(drive, { backlashCompensation: false });
    const ideal = new MotorOutput(drive, { backlashCompensation: false, withLosses: false });
    const ctx = createControlContext(nq);
    let worst = 0;
    fc.assert(fc.property(
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: nq, maxLength: nq }),
      fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: nq, maxLength: nq }),
      fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { minLength: nq, maxLength: nq }),
      (q, v, effortFraction) => {
        for (let k = 0; k < nq; k++) {
          ctx.command.position[k] = q[k];
          ctx.command.velocity[k] = v[k];
          ctx.v[k] = v[k];
          ctx.command.effort[k] = effortFraction[k] * robot.model.effortLimit[k];
        }
        output.update(ctx);
        ideal.update(ctx);
        for (let k = 0; k < nq; k++) {
          expect(motorToJointPosition(drive, k, output.position[k])).toBeCloseTo(q[k], 9);
          expect(motorToJointVelocity(drive, k, output.velocity[k])).toBeCloseTo(v[k], 9);
          if (Math.abs(output.current[k]) < drive.peakCurrent[k]) {
            const tau = motorToJointTorque(drive, k, output.current[k] * drive.torqueConstant[k], v[k], true);
            worst = Math.max(worst, Math.abs(tau - ctx.command.effort[k]) / robot.model.effortLimit[k]);
            expect(output.current[k]).toBeCloseTo(currentForJointTorque(drive, k, ctx.command.effort[k], v[k], true), 12);
            const idealTau = ideal.current[k] * drive.torqueConstant[k] * drive.ratio[k];
            expect(Math.abs(idealTau - ctx.command.effort[k])).toBeLessThan(1e-9 * (1 + Math.abs(ctx.command.effort[k])));
          }
        }
      },
    ), { seed: 7, numRuns: 2000 });
    // Lossless: exact. With losses, robot/drive's jointToMotorTorque and motorToJointTorque are not
    // exact inverses where the efficiency blend switches (near zero motor speed): measured worst
    // 3.4 % of the joint's effort limit (reported to the drives' owner; MotorOutput equals
    // currentForJointTorque, checked above).
    console.log(`motor current round trip with losses: worst joint-torque error ${(worst * 100).toFixed(3)} % of the effort limit`);
    expect(worst).toBeLessThan(0.05);
  });

  it('losses raise the current needed when driving (efficiency < 1 and friction)', () => {
    const ideal = new MotorOutput(drive, { withLosses: false });
    const lossy = new MotorOutput(drive);
    const ctx = createControlContext(nq);
    for (let k = 0; k < nq; k++) {
      ctx.command.effort[k] = 0.1 * robot.model.effortLimit[k];
      ctx.v[k] = 0.5;
      ctx.command.velocity[k] = 0.5;
    }
    ideal.update(ctx);
    lossy.update(ctx);
    for (let k = 0; k < nq; k++) expect(Math.abs(lossy.current[k])).toBeGreaterThan(Math.abs(ideal.current[k]));
  });

  it('clamps the current to the peak limit and counts it', () => {
    const output = new MotorOutput(drive);
    const ctx = createControlContext(nq);
    ctx.command.effort.fill(1e6);
    output.update(ctx);
    expect(output.clamped).toBe(nq);
    for (let k = 0; k < nq; k++) expect(output.current[k]).toBe(drive.peakCurrent[k]);
  });

  it('update allocates < 1 B per call over 1e5 calls', () => {
    const output = new MotorOutput(drive);
    const ctx = createControlContext(nq);
    const phase = new Float64Array(1);
    const report = measureHeapGrowth(() => {
      phase[0] += 0.001;
      for (let k = 0; k < nq; k++) {
        ctx.command.position[k] = Math.sin(phase[0] + k);
        ctx.command.velocity[k] = Math.cos(phase[0] + k);
        ctx.v[k] = ctx.command.velocity[k];
        ctx.command.effort[k] = 5 * Math.sin(2 * phase[0] + k);
      }
      output.update(ctx);
    }, { calls: 100_000, warmup: { calls: 20_000, seconds: 0.5 }, rounds: 3, sampleEvery: 10_000 });
    expect(output.current.some((c) => c !== 0)).toBe(true);
    expect(report.bytesPerCall).toBeLessThan(1);
  });
});
