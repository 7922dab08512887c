// `embodied kin` end to end: spawns `node cli/embodied.js kin` with real stdin and stdout.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel } from '../../robot/model.ts';
import { createData } from '../../robot/data.ts';
import { forwardKinematics, jacobian } from '../../robot/kinematics.ts';
import { aba, crba, rnea } from '../../robot/dynamics.ts';
import { rotationDistance } from '../../robot/se3.ts';
import { armatureOf, jointFrictionMagnitude, parseDriveFile } from '../../robot/drive/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs `embodied kin ARGS`, writes `input` to stdin, and resolves with stdout lines, stderr and the exit code. */
function kin(args: string[], input: string): Promise<{ lines: string[]; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'cli', 'embodied.js'), 'kin', ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ lines: stdout.split('\n').filter((l) => l !== ''), stderr, code }));
    child.stdin.end(input);
  });
}

describe('embodied kin', () => {
  it('answers one JSON line per input line, an error line for malformed ones, and skips blank lines', async () => {
    const fixture = join(root, 'test', 'robot', 'fixtures', 'ur5e-like.urdf');
    const model = buildModel(readFileSync(fixture, 'utf8'));
    const data = createData(model);
    const q = [0.3, -1.1, 1.4, -0.2, 0.9, 2.1], qd = [0.5, -0.3, 0.2, 1, -1, 0.4], qdd = [1, 2, -1, 0.5, 0, -2];
    const input = [
      { op: 'fk', q },
      { op: 'jacobian', q },
      '',
      '{"op": "fk", "q": [1, 2',
      { op: 'rnea', q, qd, qdd, gravity: [0, 0, -9.81] },
      { op: 'mass', q },
      { op: 'aba', q, qd, tau: [10, -20, 5, 1, 0.5, 0.1] },
      { op: 'fk', q: [1, 2, 3] },
      { op: 'ik', p: [0.35, 0.2, 0.4], R: [[1, 0, 0], [0, -1, 0], [0, 0, -1]], seed: [0, -1, 1, 0, 0, 0] },
      { op: 'spin' },
    ].map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
    const { lines, code, stderr } = await kin(['--robot', fixture], input.join('\n') + '\n');
    expect(code, stderr).toBe(0);
    expect(lines).toHaveLength(9);
    const out = lines.map((l) => JSON.parse(l) as Record<string, unknown>);

    forwardKinematics(model, data, q);
    const t = 12 * model.tip;
    const fk = out[0] as { p: number[]; R: number[][] };
    expect(fk.p).toEqual(Array.from(data.X_WL.subarray(t + 9, t + 12)));
    expect(fk.R.flat()).toEqual(Array.from(data.X_WL.subarray(t, t + 9)));
    expect((out[1] as { J: number[][] }).J.flat()).toEqual(Array.from(jacobian(model, data, q, model.tip)));
    expect(out[2].error).toMatch(/not JSON/);
    expect((out[3] as { tau: number[] }).tau).toEqual(Array.from(rnea(model, data, q, qd, qdd)));
    expect((out[4] as { M: number[][] }).M.flat()).toEqual(Array.from(crba(model, data, q)));
    expect((out[5] as { qdd: number[] }).qdd).toEqual(Array.from(aba(model, data, q, qd, [10, -20, 5, 1, 0.5, 0.1])));
    expect(out[6].error).toMatch(/q has 3 values, expected 6/);
    const ik = out[7] as { q: number[]; ok: boolean; status: string };
    expect(ik.status).toBe('converged');
    expect(ik.ok).toBe(true);
    forwardKinematics(model, data, ik.q);
    expect(Math.hypot(data.X_WL[t + 9] - 0.35, data.X_WL[t + 10] - 0.2, data.X_WL[t + 11] - 0.4)).toBeLessThan(1e-6);
    expect(rotationDistance(data.X_WL, t, new Float64Array([1, 0, 0, 0, -1, 0, 0, 0, -1]), 0)).toBeLessThan(1e-6);
    expect(out[8].error).toMatch(/op = "spin": expected one of/);
  }, 120_000);

  it('uses the built-in robots by name and honours --tip', async () => {
    const { lines, code, stderr } = await kin(['--robot', 'panda', '--tip', 'panda_link4'], '{"op":"fk","q":[0,0,0,-1]}\n');
    expect(code, stderr).toBe(0);
    const fk = JSON.parse(lines[0]) as { p: number[] };
    expect(fk.p).toHaveLength(3);
    // Link 4 sits a = 0.0825 m out from the axis of joint 1, above the shoulder (Franka's DH: d1 + d3 = 0.649 m).
    expect(Math.hypot(fk.p[0], fk.p[1])).toBeGreaterThan(0);
    expect(fk.p[2]).toBeGreaterThan(0.6);
  }, 120_000);

  it('adds the drive file armature and joint friction to rnea with --drive, and only then', async () => {
    const urdf = join(root, 'robot', 'robots', 'servo-arm.urdf');
    const driveFile = join(root, 'robot', 'robots', 'servo-arm.drive.yaml');
    const model = buildModel(readFileSync(urdf, 'utf8'));
    const drive = parseDriveFile(readFileSync(driveFile, 'utf8'), model);
    const armature = armatureOf(drive);
    const q = [0.1, -0.4, 0.8, 0, 0.3, 0], qd = [0.5, -0.2, 0, 0.1, 0, 0.3], qdd = [1, -2, 0.5, 0, 3, 1];
    const line = JSON.stringify({ op: 'rnea', q, qd, qdd }) + '\n';
    const rigid = await kin(['--robot', 'servo-arm'], line);
    const driven = await kin(['--robot', 'servo-arm', '--drive', driveFile], line);
    expect(rigid.code, rigid.stderr).toBe(0);
    expect(driven.code, driven.stderr).toBe(0);
    const tauRigid = (JSON.parse(rigid.lines[0]) as { tau: number[] }).tau;
    const tauDriven = (JSON.parse(driven.lines[0]) as { tau: number[] }).tau;
    expect(tauRigid).toEqual(Array.from(rnea(model, createData(model), q, qd, qdd)));
    for (let k = 0; k < 6; k++) {
      const friction = model.damping[k] * qd[k] + model.friction[k] * Math.sign(qd[k]) + Math.sign(qd[k]) * jointFrictionMagnitude(drive, k, qd[k]);
      expect(tauDriven[k] - tauRigid[k]).toBeCloseTo(armature[k] * qdd[k] + friction, 9);
    }
    expect(armature.some((a) => a > 0)).toBe(true);
  }, 120_000);

  it('answers a q that counts the <mimic> joints as their own (as KDL and Pinocchio do) on the mimic-free model', async () => {
    // Two prismatic joints on this chain mimic j2_prismatic: KDL sees 3 joints, the follower model 1.
    const urdf = join(root, 'test', 'robot', 'kdl', 'fixtures', 'random-mimic-chain-2004.urdf');
    const text = readFileSync(urdf, 'utf8');
    const options = { base: 'world', tip: 'l4' };
    const follow = buildModel(text, options);
    const free = buildModel(text, { ...options, mimic: 'independent' });
    expect(follow.nq).toBe(1);
    expect(free.nq).toBe(3);
    const mimics = text.match(/multiplier="([-\d.]+)" offset="([-\d.]+)"/g)!.map((m) => m.match(/[-\d.]+/g)!.map(Number));
    const source = -0.2;
    // Each mimic joint's own value is what the follower model gives it: the two models must agree.
    const qFree = free.jointNames.map((name) => {
      if (name === 'j2_prismatic') return source;
      const [multiplier, offset] = mimics[free.jointNames.filter((n) => n !== 'j2_prismatic').indexOf(name)];
      return multiplier * source + offset;
    });
    const input = [{ op: 'fk', q: [source] }, { op: 'fk', q: qFree }, { op: 'jacobian', q: qFree }, { op: 'fk', q: [...qFree, 0] }].map((l) => JSON.stringify(l)).join('\n') + '\n';
    const { lines, stderr, code } = await kin(['--robot', urdf, '--base', 'world', '--tip', 'l4'], input);
    expect(code, stderr).toBe(0);
    const followed = JSON.parse(lines[0]) as { p: number[] };
    const own = JSON.parse(lines[1]) as { p: number[] };
    for (let k = 0; k < 3; k++) expect(own.p[k]).toBeCloseTo(followed.p[k], 12);
    expect((JSON.parse(lines[2]) as { J: number[][] }).J[0]).toHaveLength(3);
    expect((JSON.parse(lines[3]) as { error: string }).error).toMatch(/q has 4 values, expected 1 .*or 3 with the <mimic> joints as their own/);
  }, 120_000);
});
