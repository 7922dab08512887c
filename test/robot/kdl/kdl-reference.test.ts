// Our kinematics and dynamics against Orocos KDL on robots neither side was written for.
//
// The fixtures are KDL's answers (tools/kdl/kdl_reference.py, PyKDL 1.5 from Debian, URDF -> KDL
// tree by kdl_parser's conventions) for seeded random URDF robots (tools/kdl/generate-urdfs.ts)
// and hand-written UR-, Panda-, iiwa- and offset-wrist-like arms plus URDF corner cases. Each model
// is the chain base -> tip (KDL's getChain, our buildModel {base, tip}); 20 random (q, qd, qdd,
// tau) each. The same comparisons run through `embodied kin` once that command exists.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../../../robot/model.ts';
import { createData } from '../../../robot/data.ts';
import { bodyJacobian, forwardKinematics, jacobian, linkPose, linkVelocity } from '../../../robot/kinematics.ts';
import { createIkSolver } from '../../../robot/ik.ts';
import { aba, coriolis, crba, gravityTorques, rnea } from '../../../robot/dynamics.ts';
import { fixtureNames, fixtureUrdf, fixturesDir, loadFixture, relativeError, type KdlFixture } from './kdl-fixtures.ts';

const kinematicsTolerance = 1e-9;
const dynamicsTolerance = 1e-7;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

type Quantity = 'fk' | 'J' | 'JBody' | 'twist' | 'rnea' | 'M' | 'aba' | 'coriolis' | 'gravity';
const worst: Record<string, Record<Quantity, number>> = { library: { fk: 0, J: 0, JBody: 0, twist: 0, rnea: 0, M: 0, aba: 0, coriolis: 0, gravity: 0 }, cli: { fk: 0, J: 0, JBody: 0, twist: 0, rnea: 0, M: 0, aba: 0, coriolis: 0, gravity: 0 } };


const flatten = (rows: number[][]) => rows.flat();
const pose = (fk: { p: number[]; R: number[][] }) => [...flatten(fk.R), ...fk.p];

const ikSolved = { solved: 0, goals: 0 };

afterAll(() => {
  // The figures the report quotes: largest relative error per quantity over every model and sample.
  console.log(`kdl-reference worst relative errors: ${JSON.stringify(worst)}; IK ${ikSolved.solved}/${ikSolved.goals} KDL goals solved`);
});

const names = fixtureNames();

/**
 * Disagreements found and traced to their cause, kept visible: these checks are expected to fail
 * (it.fails) until the cause is fixed, and then fail loudly so the entry is removed.
 */
// Found and fixed so far: zero-mass links lost their rotational inertia (robot/data.ts, d7055a1);
// a mimic joint whose source is the base link's parent joint followed q[0] (robot/model.ts).
const knownDisagreements: Record<string, { checks: readonly string[]; cause: string }> = {};
const check = (name: string, what: string) => (knownDisagreements[name]?.checks.includes(what) ? it.fails : it);
// Known disagreements stay out of the figures.
const note = (via: string, quantity: Quantity, error: number, name: string) => {
  if (!(name in knownDisagreements)) worst[via][quantity] = Math.max(worst[via][quantity], error);
};

describe.each(names)('KDL reference %s (robot/ library)', (name) => {
  const fixture = loadFixture(name);
  const model = buildModel(fixtureUrdf(fixture.urdf), { base: fixture.base, tip: fixture.tip });
  const data = createData(model);
  const out12 = new Float64Array(12);

  check(name, 'joints')('has the same independent joints, in chain order, as the KDL chain (mimic followers excluded)', () => {
    expect([...model.jointNames]).toEqual(fixture.joints);
    expect(model.linkNames[model.tip]).toBe(fixture.tip);
    expect(model.linkNames[0]).toBe(fixture.base);
  });

  check(name, 'fk')('forward kinematics of the tip matches ChainFkSolverPos_recursive', () => {
    fixture.samples.forEach((s, k) => {
      forwardKinematics(model, data, s.q);
      const error = relativeError(linkPose(model, data, model.tip, out12), pose(s.fk));
      note('library', 'fk', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(kinematicsTolerance);
    });
  });

  check(name, 'J')('the tip Jacobian matches ChainJntToJacSolver (tip origin, base frame)', () => {
    fixture.samples.forEach((s, k) => {
      const error = relativeError(jacobian(model, data, s.q, model.tip), flatten(s.J));
      note('library', 'J', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(kinematicsTolerance);
    });
  });

  check(name, 'J')('bodyJacobian matches the KDL Jacobian turned into tip axes (changeBase)', () => {
    const out = new Float64Array(6 * model.nv);
    fixture.samples.forEach((s, k) => {
      const error = relativeError(bodyJacobian(model, data, s.q, model.tip, out), flatten(s.JBody));
      note('library', 'JBody', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(kinematicsTolerance);
    });
  });

  check(name, 'J')('linkVelocity of the tip matches ChainFkSolverVel_recursive', () => {
    const out6 = new Float64Array(6);
    fixture.samples.forEach((s, k) => {
      const error = relativeError(linkVelocity(model, data, s.q, s.qd, model.tip, out6), s.twist);
      note('library', 'twist', error, name);
      expect(error, `sample ${k}, q = ${s.q}, qd = ${s.qd}`).toBeLessThan(kinematicsTolerance);
    });
  });

  check(name, 'rnea')('rnea matches ChainIdSolver_RNE with gravity [0, 0, -9.81]', () => {
    fixture.samples.forEach((s, k) => {
      const error = relativeError(rnea(model, data, s.q, s.qd, s.qdd, fixture.gravity), s.rnea);
      note('library', 'rnea', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(dynamicsTolerance);
    });
  });

  check(name, 'M')('crba matches ChainDynParam.JntToMass', () => {
    fixture.samples.forEach((s, k) => {
      const error = relativeError(crba(model, data, s.q), flatten(s.M));
      note('library', 'M', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(dynamicsTolerance);
    });
  });

  check(name, 'rnea')('coriolis and gravityTorques match ChainDynParam.JntToCoriolis / JntToGravity', () => {
    fixture.samples.forEach((s, k) => {
      const errorC = relativeError(coriolis(model, data, s.q, s.qd), s.coriolis);
      const errorG = relativeError(gravityTorques(model, data, s.q, fixture.gravity), s.gravity);
      note('library', 'coriolis', errorC, name);
      note('library', 'gravity', errorG, name);
      expect(errorC, `coriolis sample ${k}, q = ${s.q}`).toBeLessThan(dynamicsTolerance);
      expect(errorG, `gravity sample ${k}, q = ${s.q}`).toBeLessThan(dynamicsTolerance);
    });
  });

  check(name, 'aba')('aba matches M⁻¹(tau − C − G) from ChainDynParam', () => {
    fixture.samples.forEach((s, k) => {
      const error = relativeError(aba(model, data, s.q, s.qd, s.tau, fixture.gravity), s.aba);
      note('library', 'aba', error, name);
      expect(error, `sample ${k}, q = ${s.q}`).toBeLessThan(dynamicsTolerance);
    });
  });

  (fixture.ik.length === 0 ? it.skip : check(name, 'ik'))('IK reaches KDL\'s tip pose of in-limit configurations, inside the limits', () => {
    // A generous budget: the machine is shared and speed is the benchmarks' business, not this test's.
    const solver = createIkSolver(model, { timeBudget: 2 });
    const out = new Float64Array(model.nq);
    const tolerance = 1e-6 * (1 + 1e-9);
    let solved = 0;
    fixture.ik.forEach((goal, k) => {
      const status = solver.solve({ p: Float64Array.from(goal.p), R: Float64Array.from(goal.R.flat()) }, goal.seed, out);
      if (status !== 'converged') return;
      forwardKinematics(model, data, out);
      const X = linkPose(model, data, model.tip, out12);
      const positionError = Math.hypot(X[9] - goal.p[0], X[10] - goal.p[1], X[11] - goal.p[2]);
      // Rotation angle of R_ours·R_goalᵀ from its trace.
      let trace = 0;
      for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) trace += X[3 * r + c] * goal.R[r][c];
      const angle = Math.acos(Math.min(1, Math.max(-1, (trace - 1) / 2)));
      expect(positionError, `goal ${k}: position error`).toBeLessThan(tolerance);
      expect(angle, `goal ${k}: orientation error`).toBeLessThan(tolerance * 2);
      for (let j = 0; j < model.nq; j++) {
        expect(out[j], `goal ${k}: ${model.jointNames[j]} below its lower limit`).toBeGreaterThanOrEqual(model.lowerLimit[j]);
        expect(out[j], `goal ${k}: ${model.jointNames[j]} above its upper limit`).toBeLessThanOrEqual(model.upperLimit[j]);
      }
      solved++;
    });
    if (!(name in knownDisagreements)) {
      ikSolved.solved += solved;
      ikSolved.goals += fixture.ik.length;
    }
    if (solved < fixture.ik.length) console.log(`IK ${name}: ${solved} of ${fixture.ik.length} KDL goals solved`);
    // Every goal is reachable inside the limits; allow one miss per model for a restart budget cut short.
    expect(solved, `${solved} of ${fixture.ik.length} goals solved`).toBeGreaterThanOrEqual(fixture.ik.length - 1);
  });
});

/** Runs `embodied kin` on the fixture's URDF and chain, feeding `lines`; resolves with its stdout lines. */
function runKin(fixture: KdlFixture, lines: string[]): Promise<string[]> {
  const args = [join(repoRoot, 'cli', 'embodied.js'), 'kin', '--robot', join(fixturesDir, fixture.urdf), '--base', fixture.base, '--tip', fixture.tip];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`embodied kin exited with ${code}: ${stderr.slice(0, 400)}`));
      else resolve(stdout.split('\n').filter((line) => line.trim() !== ''));
    });
    child.stdin.end(lines.map((line) => line + '\n').join(''));
  });
}

function field(line: string, key: string): unknown {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || !(key in value)) throw new Error(`embodied kin answered ${line.slice(0, 200)}: expected a "${key}" field`);
  return (value as Record<string, unknown>)[key];
}

function numberList(value: unknown, where: string): number[] {
  const flat = Array.isArray(value) ? value.flat() : [];
  if (!Array.isArray(value) || !flat.every((x) => typeof x === 'number')) throw new Error(`${where} = ${JSON.stringify(value)?.slice(0, 120)}: expected numbers`);
  return flat as number[];
}

const kinExists = existsSync(join(repoRoot, 'cli', 'commands', 'kin.ts'));

// Each run starts tsx and the whole CLI (about 6 s of CPU): a few models that cover the chain
// shapes (UR frames, modified DH, mimic, base not the root, tree, random mimic) keep CI short.
const cliModels = ['ur-like', 'panda-like', 'quirks', 'random-tree-1011', 'random-mimic-chain-2002'];

describe.skipIf(!kinExists).each(cliModels)('KDL reference %s (embodied kin)', (name) => {
  const fixture = loadFixture(name);
  const model = buildModel(fixtureUrdf(fixture.urdf), { base: fixture.base, tip: fixture.tip });
  const data = createData(model);

  check(name, 'cli')('fk, jacobian, rnea, mass and aba lines answer as KDL does; ik lines reach KDL\'s poses', async () => {
    const lines: string[] = [];
    for (const s of fixture.samples) {
      lines.push(JSON.stringify({ op: 'fk', q: s.q }));
      lines.push(JSON.stringify({ op: 'jacobian', q: s.q }));
      lines.push(JSON.stringify({ op: 'rnea', q: s.q, qd: s.qd, qdd: s.qdd, gravity: fixture.gravity }));
      lines.push(JSON.stringify({ op: 'mass', q: s.q }));
      lines.push(JSON.stringify({ op: 'aba', q: s.q, qd: s.qd, tau: s.tau, gravity: fixture.gravity }));
    }
    for (const goal of fixture.ik) lines.push(JSON.stringify({ op: 'ik', p: goal.p, R: goal.R, seed: goal.seed }));
    const answers = await runKin(fixture, lines);
    expect(answers.length).toBe(lines.length);
    // IK answers: converged, inside the limits, and our FK (checked against KDL above) at KDL's pose.
    let solved = 0;
    fixture.ik.forEach((goal, k) => {
      const line = answers[5 * fixture.samples.length + k];
      if (field(line, 'ok') !== true) return;
      expect(field(line, 'status'), `ik goal ${k}`).toBe('converged');
      const q = numberList(field(line, 'q'), 'q');
      expect(q.length, `ik goal ${k}`).toBe(model.nq);
      q.forEach((x, j) => expect(x >= model.lowerLimit[j] && x <= model.upperLimit[j], `ik goal ${k}: ${model.jointNames[j]} = ${x} outside its limits`).toBe(true));
      forwardKinematics(model, data, q);
      const X = linkPose(model, data, model.tip, new Float64Array(12));
      expect(Math.hypot(X[9] - goal.p[0], X[10] - goal.p[1], X[11] - goal.p[2]), `ik goal ${k}: position error`).toBeLessThan(2e-6);
      solved++;
    });
    // The CLI's default time budget is short and the machine shared: most goals, not all, within it.
    expect(solved, `${solved} of ${fixture.ik.length} ik lines converged`).toBeGreaterThanOrEqual(Math.floor(fixture.ik.length / 2));
    fixture.samples.forEach((s, k) => {
      const at = (op: number) => answers[5 * k + op];
      const fk = [...numberList(field(at(0), 'R'), 'R'), ...numberList(field(at(0), 'p'), 'p')];
      const checks: [Quantity, number[], number[], number][] = [
        ['fk', fk, pose(s.fk), kinematicsTolerance],
        ['J', numberList(field(at(1), 'J'), 'J'), flatten(s.J), kinematicsTolerance],
        ['rnea', numberList(field(at(2), 'tau'), 'tau'), s.rnea, dynamicsTolerance],
        ['M', numberList(field(at(3), 'M'), 'M'), flatten(s.M), dynamicsTolerance],
        ['aba', numberList(field(at(4), 'qdd'), 'qdd'), s.aba, dynamicsTolerance],
      ];
      for (const [quantity, actual, expected, tolerance] of checks) {
        expect(actual.length, `${quantity} sample ${k}`).toBe(expected.length);
        const error = relativeError(actual, expected);
        note('cli', quantity, error, name);
        expect(error, `${quantity} sample ${k}, q = ${s.q}`).toBeLessThan(tolerance);
      }
    });
  }, 180_000);
});
