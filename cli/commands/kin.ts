// `embodied kin --robot FILE.urdf|NAME [--base LINK] [--tip LINK] [--drive FILE]`: a batch tool for
// cross-checking a model. Reads JSON lines on stdin, writes one JSON line per input line on stdout
// (blank lines are skipped); a malformed line gets {"error": "..."} and the tool goes on. q lists
// the independent joints (mimic followers excluded); a q that also lists the mimic joints, as KDL
// and Pinocchio count them, is answered on the mimic-free model.
//   {"op":"fk","q":[…]}                                   -> {"p":[x,y,z],"R":[[…],[…],[…]]}  (tip in base; R's columns are the tip axes)
//   {"op":"jacobian","q":[…]}                             -> {"J":[6 rows vx vy vz wx wy wz]}  (tip origin, base frame)
//   {"op":"rnea","q","qd","qdd","gravity"?}              -> {"tau":[…]}  (rigid body only unless --drive)
//   {"op":"mass","q"}                                     -> {"M":[[…]]}
//   {"op":"aba","q","qd","tau","gravity"?}               -> {"qdd":[…]}
//   {"op":"ik","p":[…],"R"?:[[…]],"seed"?:[…]}           -> {"q":[…],"ok":bool,"status":"…"}  (no R: position only)
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadRobot } from '../../sim/load-robot.ts';
import { buildModel, withArmature, type RobotModel } from '../../robot/model.ts';
import { createData, type RobotData } from '../../robot/data.ts';
import { forwardKinematics, jacobian } from '../../robot/kinematics.ts';
import { aba, crba, jointFriction, rnea } from '../../robot/dynamics.ts';
import { createIkSolver, type IkSolver } from '../../robot/ik.ts';
import { armatureOf, jointFrictionMagnitude, parseDriveFile, type DriveSet } from '../../robot/drive/index.ts';

interface KinFlags {
  robot: string;
  base?: string;
  tip?: string;
  drive?: string;
}

/** A line that cannot be answered: the message names the field, the value and what was expected. */
class LineError extends Error {}

const OPS = ['fk', 'jacobian', 'rnea', 'mass', 'aba', 'ik'] as const;

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A vector of `length` finite numbers from field `name` of the line. */
function vector(line: Record<string, unknown>, name: string, length: number, what: string): Float64Array {
  const value = line[name];
  if (!Array.isArray(value)) throw new LineError(`${name} = ${describe(value)}: expected an array of ${length} numbers (${what})`);
  if (value.length !== length) throw new LineError(`${name} has ${value.length} values, expected ${length} (${what})`);
  const out = new Float64Array(length);
  value.forEach((x, k) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new LineError(`${name}[${k}] = ${describe(x)}: expected a finite number`);
    out[k] = x;
  });
  return out;
}

/** A 3x3 rotation given as 3 rows of 3 numbers (or 9 numbers, row-major). */
function rotation(line: Record<string, unknown>): Float64Array {
  const value = line.R;
  if (Array.isArray(value) && value.length === 3 && value.every(Array.isArray)) {
    const out = new Float64Array(9);
    (value as unknown[][]).forEach((row, r) => {
      if (row.length !== 3) throw new LineError(`R[${r}] has ${row.length} values, expected 3`);
      row.forEach((x, c) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new LineError(`R[${r}][${c}] = ${describe(x)}: expected a finite number`);
        out[3 * r + c] = x;
      });
    });
    return out;
  }
  if (Array.isArray(value) && value.length === 9) return vector(line, 'R', 9, 'rotation, row-major');
  throw new LineError(`R = ${describe(value)}: expected a rotation matrix as 3 rows of 3 numbers`);
}

const rows = (flat: Float64Array, n: number, m: number) => Array.from({ length: n }, (_, r) => Array.from(flat.subarray(r * m, r * m + m)));

/** A model with its workspace and IK solver. */
export interface KinModel {
  model: RobotModel;
  data: RobotData;
  solver: IkSolver;
}

/** Everything one kin session needs, built once. */
export interface KinSession extends KinModel {
  /** With --drive: the drive set whose armature is in `model` and whose friction rnea adds. */
  drive?: DriveSet;
  /**
   * When the model has <mimic> followers (and no --drive): the same links with every moving joint
   * its own q, as KDL and Pinocchio count them. A line whose q (ik: seed) has that many values is
   * answered on it.
   */
  mimicFree?: KinModel;
}

/** The model a line's q (ik: seed) is sized for: the session's, or the mimic-free one. */
function modelFor(session: KinSession, line: Record<string, unknown>): KinModel {
  const free = session.mimicFree;
  const q = line.op === 'ik' ? line.seed : line.q;
  if (free && Array.isArray(q) && q.length === free.model.nq && q.length !== session.model.nq) return free;
  return session;
}

/** Answers one input line (already trimmed, non-empty) with one output object. */
export function answerLine(session: KinSession, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { error: `line is not JSON: ${(error as Error).message}` };
  }
  try {
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new LineError(`line = ${describe(parsed)}: expected a JSON object with "op"`);
    const line = parsed as Record<string, unknown>;
    const { model, data, solver } = modelFor(session, line);
    const nq = model.nq;
    const free = session.mimicFree;
    const joints = `nq = ${nq}: ${model.jointNames.join(', ')}${free && free.model !== model ? `; or ${free.model.nq} with the <mimic> joints as their own: ${free.model.jointNames.join(', ')}` : ''}`;
    const gravity = () => (line.gravity === undefined ? new Float64Array([0, 0, -9.81]) : vector(line, 'gravity', 3, 'm/s² in the base frame'));
    switch (line.op) {
      case 'fk': {
        forwardKinematics(model, data, vector(line, 'q', nq, joints));
        const o = 12 * model.tip;
        return { p: Array.from(data.X_WL.subarray(o + 9, o + 12)), R: rows(data.X_WL.subarray(o, o + 9), 3, 3) };
      }
      case 'jacobian':
        return { J: rows(jacobian(model, data, vector(line, 'q', nq, joints), model.tip), 6, nq) };
      case 'rnea': {
        const q = vector(line, 'q', nq, joints), qd = vector(line, 'qd', nq, joints), qdd = vector(line, 'qdd', nq, joints);
        const tau = Float64Array.from(rnea(model, data, q, qd, qdd, gravity()));
        if (session.drive) {
          // With a drive file: URDF damping and friction, and the drive's joint-side friction.
          const friction = jointFriction(model, q, qd, new Float64Array(nq));
          for (let k = 0; k < nq; k++) tau[k] += friction[k] + Math.sign(qd[k]) * jointFrictionMagnitude(session.drive, k, qd[k]);
        }
        return { tau: Array.from(tau) };
      }
      case 'mass':
        return { M: rows(crba(model, data, vector(line, 'q', nq, joints)), nq, nq) };
      case 'aba': {
        const q = vector(line, 'q', nq, joints), qd = vector(line, 'qd', nq, joints), tau = vector(line, 'tau', nq, joints);
        if (session.drive) {
          const friction = jointFriction(model, q, qd, new Float64Array(nq));
          for (let k = 0; k < nq; k++) tau[k] -= friction[k] + Math.sign(qd[k]) * jointFrictionMagnitude(session.drive, k, qd[k]);
        }
        return { qdd: Array.from(aba(model, data, q, qd, tau, gravity())) };
      }
      case 'ik': {
        const p = vector(line, 'p', 3, 'tip position in the base frame, m');
        const R = line.R === undefined ? undefined : rotation(line);
        const seed = line.seed === undefined ? new Float64Array(nq) : vector(line, 'seed', nq, joints);
        const out = new Float64Array(nq);
        const status = solver.solve({ p, R }, seed, out, { positionOnly: R === undefined });
        if (status === 'invalid-input') throw new LineError(`R = ${describe(line.R)}: expected a rotation matrix (orthonormal, determinant +1, within 1e-6)`);
        return { q: Array.from(out), ok: status === 'converged', status };
      }
      default:
        throw new LineError(`op = ${describe(line.op)}: expected one of ${OPS.join(', ')}`);
    }
  } catch (error) {
    if (error instanceof LineError) return { error: error.message };
    throw error;
  }
}

/** Loads the robot (and drive) for a session; throws naming what is wrong. */
export function openKinSession(flags: KinFlags): KinSession {
  const loaded = loadRobot(flags.robot, { base: flags.base, tip: flags.tip, drive: flags.drive });
  let model = loaded.model;
  let drive: DriveSet | undefined;
  if (flags.drive !== undefined && loaded.driveFile !== undefined) {
    drive = parseDriveFile(readFileSync(loaded.driveFile, 'utf8'), model);
    model = withArmature(model, armatureOf(drive));
  }
  // A batch tool answers once per line: a generous budget (the first solves run before the JIT warms up).
  const kinModel = (m: RobotModel): KinModel => ({ model: m, data: createData(m), solver: createIkSolver(m, { timeBudget: 0.5 }) });
  const session: KinSession = { ...kinModel(model), drive };
  if (drive === undefined) {
    const free = buildModel(loaded.urdfText, { base: flags.base, tip: flags.tip, mimic: 'independent' });
    if (free.nq !== model.nq) session.mimicFree = kinModel(free);
  }
  return session;
}

export function register(program: Command): void {
  program
    .command('kin')
    .description('kinematics and dynamics of a robot, one JSON line in -> one JSON line out (ops: fk, jacobian, rnea, mass, aba, ik)')
    .requiredOption('--robot <urdf-or-name>', 'URDF file or built-in robot (servo-arm, ur5e, panda)')
    .option('--base <link>', 'base link (default: the URDF root)')
    .option('--tip <link>', 'tip link (default: the last link); the model becomes the chain base -> tip')
    .option('--drive <file>', 'drive file: adds rotor inertia (armature) and drive friction to rnea / aba')
    .action(async (flags: KinFlags) => {
      const session = openKinSession(flags);
      const input = createInterface({ input: process.stdin, crlfDelay: Infinity });
      for await (const raw of input) {
        const text = raw.trim();
        if (text === '') continue;
        process.stdout.write(JSON.stringify(answerLine(session, text)) + '\n');
      }
    });
}
