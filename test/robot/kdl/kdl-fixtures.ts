// Loads and validates the KDL reference fixtures (written by tools/kdl/kdl_reference.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder holding the URDFs, models.json and one <model>.json of KDL reference values per model. */
export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** One (q, qd, qdd, tau) sample and KDL's answers for it. */
export interface KdlSample {
  q: number[];
  qd: number[];
  qdd: number[];
  tau: number[];
  /** Tip position (m) and rotation (row-major rows) in the base frame. */
  fk: { p: number[]; R: number[][] };
  /** 6 x n, rows vx vy vz wx wy wz, tip origin, base frame. */
  J: number[][];
  /** Tip twist for (q, qd) (ChainFkSolverVel_recursive): origin velocity then angular velocity, base frame. */
  twist: number[];
  /** J with both halves in tip axes (changeBase(R_tipᵀ)), reference point at the tip. */
  JBody: number[][];
  /** Inverse dynamics for (q, qd, qdd), gravity [0, 0, -9.81]. */
  rnea: number[];
  /** n x n joint-space mass matrix. */
  M: number[][];
  /** Forward dynamics for (q, qd, tau). */
  aba: number[];
  /** C(q, qd)·qd and gravity torques G(q) (ChainDynParam.JntToCoriolis / JntToGravity). */
  coriolis: number[];
  gravity: number[];
}

/** An IK goal: KDL's tip pose for an in-limit configuration, and an in-limit seed. */
export interface KdlIkGoal {
  qGoal: number[];
  seed: number[];
  p: number[];
  /** Row-major rows. */
  R: number[][];
}

/** One model's reference data: the URDF, the chain and the samples. */
export interface KdlFixture {
  model: string;
  urdf: string;
  base: string;
  tip: string;
  gravity: number[];
  /** Independent joints in chain order (a mimic joint whose source is on the chain is not one). */
  joints: string[];
  /** The joints KDL sees (kdl_parser ignores <mimic>). */
  kdlJoints: string[];
  samples: KdlSample[];
  /** Empty for models with a mimic joint on the chain. */
  ik: KdlIkGoal[];
}

function fail(where: string, value: unknown, expected: string): never {
  throw new Error(`${where} = ${JSON.stringify(value)?.slice(0, 80)}: expected ${expected}`);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, value, 'an object');
  return value as Record<string, unknown>;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') fail(where, value, 'a non-empty string');
  return value;
}

function numbers(value: unknown, where: string, length: number): number[] {
  if (!Array.isArray(value) || value.length !== length) fail(where, value, `an array of ${length} numbers`);
  return value.map((x, k) => (typeof x === 'number' && Number.isFinite(x) ? x : fail(`${where}[${k}]`, x, 'a finite number')));
}

function matrix(value: unknown, where: string, rows: number, columns: number): number[][] {
  if (!Array.isArray(value) || value.length !== rows) fail(where, value, `${rows} rows`);
  return value.map((row, r) => numbers(row, `${where}[${r}]`, columns));
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value)) fail(where, value, 'an array of strings');
  return value.map((x, k) => text(x, `${where}[${k}]`));
}

/** Reads and validates <fixturesDir>/<name>.json. */
export function loadFixture(name: string): KdlFixture {
  const where = `${name}.json`;
  const raw = record(JSON.parse(readFileSync(join(fixturesDir, where), 'utf8')) as unknown, where);
  const joints = strings(raw.joints, `${where}.joints`);
  const n = joints.length;
  if (!Array.isArray(raw.samples) || raw.samples.length === 0) fail(`${where}.samples`, raw.samples, 'a non-empty array');
  const samples = raw.samples.map((value: unknown, k: number): KdlSample => {
    const at = `${where}.samples[${k}]`;
    const s = record(value, at);
    const fk = record(s.fk, `${at}.fk`);
    return {
      q: numbers(s.q, `${at}.q`, n),
      qd: numbers(s.qd, `${at}.qd`, n),
      qdd: numbers(s.qdd, `${at}.qdd`, n),
      tau: numbers(s.tau, `${at}.tau`, n),
      fk: { p: numbers(fk.p, `${at}.fk.p`, 3), R: matrix(fk.R, `${at}.fk.R`, 3, 3) },
      J: matrix(s.J, `${at}.J`, 6, n),
      twist: numbers(s.twist, `${at}.twist`, 6),
      JBody: matrix(s.J_body, `${at}.J_body`, 6, n),
      rnea: numbers(s.rnea, `${at}.rnea`, n),
      M: matrix(s.M, `${at}.M`, n, n),
      aba: numbers(s.aba, `${at}.aba`, n),
      coriolis: numbers(s.coriolis, `${at}.coriolis`, n),
      gravity: numbers(s.gravity, `${at}.gravity`, n),
    };
  });
  if (!Array.isArray(raw.ik)) fail(`${where}.ik`, raw.ik, 'an array');
  const ik = raw.ik.map((value: unknown, k: number): KdlIkGoal => {
    const at = `${where}.ik[${k}]`;
    const goal = record(value, at);
    return {
      qGoal: numbers(goal.q_goal, `${at}.q_goal`, n),
      seed: numbers(goal.seed, `${at}.seed`, n),
      p: numbers(goal.p, `${at}.p`, 3),
      R: matrix(goal.R, `${at}.R`, 3, 3),
    };
  });
  return {
    model: text(raw.model, `${where}.model`),
    urdf: text(raw.urdf, `${where}.urdf`),
    base: text(raw.base, `${where}.base`),
    tip: text(raw.tip, `${where}.tip`),
    gravity: numbers(raw.gravity, `${where}.gravity`, 3),
    joints,
    kdlJoints: strings(raw.kdl_joints, `${where}.kdl_joints`),
    samples,
    ik,
  };
}

/** Names of every model in models.json. */
export function fixtureNames(): string[] {
  const list: unknown = JSON.parse(readFileSync(join(fixturesDir, 'models.json'), 'utf8'));
  if (!Array.isArray(list) || list.length === 0) fail('models.json', list, 'a non-empty array');
  return list.map((entry, k) => text(record(entry, `models.json[${k}]`).name, `models.json[${k}].name`));
}

/** Reads a fixture URDF's text. */
export function fixtureUrdf(file: string): string {
  return readFileSync(join(fixturesDir, file), 'utf8');
}

/**
 * Largest error of `actual` against `expected`, relative to max(1, largest |expected|) of the
 * quantity (so a near-zero entry of a large matrix is judged on the matrix's scale).
 */
export function relativeError(actual: ArrayLike<number>, expected: readonly number[]): number {
  if (actual.length < expected.length) return Infinity;
  let scale = 1;
  for (const x of expected) scale = Math.max(scale, Math.abs(x));
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const error = Math.abs(actual[k] - expected[k]);
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error / scale);
  }
  return worst;
}
