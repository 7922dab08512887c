// Shared test helpers for robot/: fixtures, seeded random configurations (heap probes: test/support/heap.ts).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildModel, type ModelOptions, type RobotModel } from '../../robot/model.ts';
import { mulberry32 } from '../../robot/random.ts';
export { mulberry32 };

const here = dirname(fileURLToPath(import.meta.url));

/** Text of a fixture in test/robot/fixtures/. */
export function fixtureText(name: string): string {
  return readFileSync(join(here, 'fixtures', name), 'utf8');
}

/** Model built from a fixture file. */
export function fixtureModel(name: string, options: ModelOptions = {}): RobotModel {
  return buildModel(fixtureText(name), options);
}

/** A configuration uniformly inside the joint limits ([-π, π] for continuous joints). */
export function randomConfiguration(model: RobotModel, next: () => number, out = new Float64Array(model.nq)): Float64Array {
  for (let k = 0; k < model.nq; k++) {
    const lo = Number.isFinite(model.lowerLimit[k]) ? model.lowerLimit[k] : -Math.PI;
    const hi = Number.isFinite(model.upperLimit[k]) ? model.upperLimit[k] : Math.PI;
    out[k] = lo + (hi - lo) * next();
  }
  return out;
}

/** A vector of n entries uniform in [-scale, scale]. */
export function randomVector(n: number, next: () => number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = scale * (2 * next() - 1);
  return out;
}

/** Largest absolute entry-wise difference. */
export function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]));
  return worst;
}

/** A planar arm in the x-y plane: n links along x (0.7 m then 0.5 m), joints about z, a fixed `tip` link. */
export function planarUrdf(n: 1 | 2, masses = [2, 1.5], coms = [0.35, 0.2], izz = [0.1, 0.05]): string {
  const lengths = [0.7, 0.5];
  let xml = '<robot name="planar"><link name="base"/>';
  for (let k = 0; k < n; k++) {
    xml += `<link name="l${k + 1}"><inertial><origin xyz="${coms[k]} 0 0" rpy="0 0 0"/><mass value="${masses[k]}"/>
      <inertia ixx="0.01" ixy="0" ixz="0" iyy="0.02" iyz="0" izz="${izz[k]}"/></inertial></link>`;
    xml += `<joint name="j${k + 1}" type="continuous"><parent link="${k === 0 ? 'base' : `l${k}`}"/><child link="l${k + 1}"/>
      <origin xyz="${k === 0 ? 0 : lengths[k - 1]} 0 0" rpy="0 0 0"/><axis xyz="0 0 1"/></joint>`;
  }
  xml += `<link name="tip"/><joint name="tip_joint" type="fixed"><parent link="l${n}"/><child link="tip"/><origin xyz="${lengths[n - 1]} 0 0" rpy="0 0 0"/></joint></robot>`;
  return xml;
}
