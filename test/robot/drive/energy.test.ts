// Energy balance: electrical energy from the bus = work done on the joint + winding, friction,
// gear and mesh losses + the change of energy stored in the drive, within 1 %, for the servo-arm's
// drives (all losses on) tracking a motion against gravity-like load, compliant and rigid, with
// static friction and with LuGre.
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import {
  createDriveCommand, createDriveOutput, createDriveState, DriveMode, driveStoredEnergy, parseDriveFile, resetDriveState, stepDriveWithLoad, type DriveLoad,
} from '../../../robot/drive/index.ts';
import { robotFile } from './fixtures.ts';

const model = buildModel(robotFile('servo-arm.urdf'));
const text = robotFile('servo-arm.drive.yaml');

function balance(driveText: string, joint: number): { input: number; residual: number; losses: Record<string, number> } {
  const set = parseDriveFile(driveText, model);
  const state = createDriveState(set);
  resetDriveState(set, state, new Float64Array(set.nq));
  const command = createDriveCommand();
  command.mode = DriveMode.position;
  const out = createDriveOutput();
  const load: DriveLoad = { q: 0, v: 0, inertia: 0.05, externalTorque: -5 };
  const stored0 = driveStoredEnergy(set, state, joint, load.q);
  const sum = { electrical: 0, mechanical: 0, copper: 0, motorFriction: 0, jointFriction: 0, gear: 0, mesh: 0 };
  for (let k = 0; k < 3000; k++) {
    const t = k * 1e-3;
    command.position = 0.4 * Math.sin(Math.PI * t);
    command.velocity = 0.4 * Math.PI * Math.cos(Math.PI * t);
    stepDriveWithLoad(set, state, joint, command, load, 1e-3, out);
    sum.electrical += out.electricalEnergy;
    sum.mechanical += out.mechanicalEnergy;
    sum.copper += out.copperLoss;
    sum.motorFriction += out.motorFrictionLoss;
    sum.jointFriction += out.jointFrictionLoss;
    sum.gear += out.gearLoss;
    sum.mesh += out.meshLoss;
  }
  expect(Math.abs(load.q - 0.4 * Math.sin(Math.PI * 3))).toBeLessThan(0.05); // it did track the motion
  const stored = driveStoredEnergy(set, state, joint, load.q) - stored0;
  const accounted = sum.mechanical + sum.copper + sum.motorFriction + sum.jointFriction + sum.gear + sum.mesh + stored;
  return { input: sum.electrical, residual: sum.electrical - accounted, losses: sum };
}

describe('drive energy balance', () => {
  for (const [label, driveText] of [
    ['compliant harmonic, static friction', text],
    ['compliant harmonic, LuGre friction both sides', text.replace('    lugre: false\n    smoothingVelocity: "0.5 rad/s"', '    lugre: true\n    sigma0: "50 N m/rad"\n    sigma1: "0.001 N m s/rad"\n    smoothingVelocity: "0.5 rad/s"').replace('    lugre: false\n    smoothingVelocity: "0.005 rad/s"', '    lugre: true\n    sigma0: "2e4 N m/rad"\n    sigma1: "5 N m s/rad"\n    smoothingVelocity: "0.005 rad/s"')],
    ['rigid', text.replace('defaults:\n', 'defaults:\n  reducer: {rigid: true}\n')],
  ] as const) {
    it(`closes within 1 % of the electrical input (${label})`, () => {
      const result = balance(driveText, 4);
      expect(result.input).toBeGreaterThan(1);
      // Every loss term is present and dissipative.
      for (const key of ['copper', 'jointFriction', 'gear'] as const) expect(result.losses[key]).toBeGreaterThan(0);
      expect(Math.abs(result.residual) / result.input).toBeLessThan(0.01);
    });
  }
});
