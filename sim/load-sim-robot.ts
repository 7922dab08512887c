// Builds a SimRobot from a built-in robot name or a URDF path, with the robot's drive file when it
// has one (Node: reads files). Drives default to rigid coupling (rotor inertia in the rigid-body
// dynamics): compliant reducers need physics sub-steps as short as their stiffness demands
// (tens of kHz for a light wrist), so they are opt-in.
import { readFileSync } from 'node:fs';
import { loadRobot } from './load-robot.ts';
import { parseDriveFile, type DriveFidelity, type DriveSet } from '../robot/drive/index.ts';
import { createDriveActuators, rigidDriveSet } from './drive-actuators.ts';
import { SimRobot, type SimRobotOptions } from './sim-robot.ts';

/** How the drives couple to the joints. */
export type DriveCoupling = 'rigid' | 'compliant' | 'ideal';

/** Options for loadSimRobot. */
export interface LoadSimRobotOptions extends SimRobotOptions {
  /** A drive file overriding the robot's own. */
  drive?: string;
  /** 'rigid' (default), 'compliant' (as the drive file says, sub-stepped), or 'ideal' (no drives). */
  coupling?: DriveCoupling;
  /** Drive model: 'averaged' (default) or 'switching' (current loop at its own rate), see createDriveActuators. */
  fidelity?: DriveFidelity;
}

/** A loaded simulated robot and where it came from. */
export interface LoadedSimRobot {
  name: string;
  sim: SimRobot;
  driveSet?: DriveSet;
  driveFile?: string;
}

/** Loads robot + drives and builds the SimRobot; throws naming the file or field that is wrong. */
export function loadSimRobot(nameOrPath: string, options: LoadSimRobotOptions = {}): LoadedSimRobot {
  const loaded = loadRobot(nameOrPath, { drive: options.drive });
  const coupling = options.coupling ?? 'rigid';
  if (!['rigid', 'compliant', 'ideal'].includes(coupling)) throw new Error(`coupling = ${JSON.stringify(coupling)}: expected "rigid", "compliant" or "ideal"`);
  let driveSet: DriveSet | undefined;
  if (loaded.driveFile !== undefined && coupling !== 'ideal') {
    try {
      driveSet = parseDriveFile(readFileSync(loaded.driveFile, 'utf8'), loaded.model);
    } catch (error) {
      throw new Error(`${loaded.driveFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (coupling === 'rigid') driveSet = rigidDriveSet(driveSet);
  }
  const set = driveSet;
  const sim = new SimRobot(loaded.model, {
    ...options,
    urdfText: loaded.urdfText,
    actuators: options.actuators ?? (set ? (model) => createDriveActuators(model, set, { fidelity: options.fidelity }) : undefined),
  });
  const result: LoadedSimRobot = { name: loaded.name, sim };
  if (driveSet) result.driveSet = driveSet;
  if (loaded.driveFile) result.driveFile = loaded.driveFile;
  return result;
}
