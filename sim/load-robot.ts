// Loads a robot in Node (simulator, command line): a built-in robot by name, or a URDF file by path.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type RobotModel } from '../robot/model.ts';
import { BUILTIN_ROBOTS, builtinRobotFiles, isBuiltinRobot } from '../robot/robots/index.ts';

/** Options for loadRobot. */
export interface LoadRobotOptions {
  /** Base link of the model (default: the URDF root). */
  base?: string;
  /** Tip link; when given the model is the chain base -> tip. */
  tip?: string;
  /** A drive file path overriding the built-in robot's (it must exist). */
  drive?: string;
}

/** A loaded robot: its name, URDF text, model and, when there is one, the drive file's path. */
export interface LoadedRobot {
  /** Built-in name, or the URDF's robot name (the file name when the URDF has none). */
  name: string;
  /** Absolute path of the URDF file that was read. */
  urdfFile: string;
  urdfText: string;
  model: RobotModel;
  /** Absolute path of the drive file: the option, or the built-in robot's `<name>.drive.yaml` when it exists. */
  driveFile?: string;
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${what} "${path}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** Loads a built-in robot (`servo-arm`, `ur5e`, `panda`) or a URDF file; throws naming the argument and the choices. */
export function loadRobot(nameOrPath: string, options: LoadRobotOptions = {}): LoadedRobot {
  if (typeof nameOrPath !== 'string' || nameOrPath.trim() === '') {
    throw new Error(`robot = ${JSON.stringify(nameOrPath)}: expected a built-in robot name (${BUILTIN_ROBOTS.join(', ')}) or a URDF file path`);
  }
  let urdfFile: string;
  let builtinDrive: string | undefined;
  if (isBuiltinRobot(nameOrPath)) {
    const files = builtinRobotFiles(nameOrPath);
    urdfFile = fileURLToPath(files.urdf);
    const drive = fileURLToPath(files.drive);
    if (existsSync(drive)) builtinDrive = drive;
  } else {
    urdfFile = resolve(nameOrPath);
    if (!existsSync(urdfFile) || !statSync(urdfFile).isFile()) {
      throw new Error(`robot "${nameOrPath}" is neither a built-in robot (${BUILTIN_ROBOTS.join(', ')}) nor an existing URDF file`);
    }
  }
  const urdfText = readText(urdfFile, 'URDF file');
  let model: RobotModel;
  try {
    model = buildModel(urdfText, { base: options.base, tip: options.tip });
  } catch (error) {
    throw new Error(`${urdfFile}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let driveFile = builtinDrive;
  if (options.drive !== undefined) {
    driveFile = resolve(options.drive);
    if (!existsSync(driveFile) || !statSync(driveFile).isFile()) throw new Error(`drive file "${options.drive}" does not exist`);
  }
  const name = isBuiltinRobot(nameOrPath) ? nameOrPath : model.name || basename(urdfFile, extname(urdfFile));
  const loaded: LoadedRobot = { name, urdfFile, urdfText, model };
  if (driveFile !== undefined) loaded.driveFile = driveFile;
  return loaded;
}
