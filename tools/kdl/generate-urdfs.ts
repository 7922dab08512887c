// Writes seeded random URDF robots (chains and trees) into test/robot/kdl/fixtures/ and the list
// of models (URDF file, base, tip) that tools/kdl/kdl_reference.py turns into reference data.
//
// Run: npx tsx tools/kdl/generate-urdfs.ts   (then /usr/bin/python3 tools/kdl/kdl_reference.py)
//
// The random robots stress the conventions a second implementation can get wrong: axes that are
// not unit length and not along x/y/z (also negative ones), arbitrary joint origins (xyz and rpy),
// inertials whose frame is rotated and whose tensor has off-diagonal terms, fixed joints between
// moving joints and at the tip, zero-mass links, links without <inertial>, continuous and
// prismatic joints, branches off the chain, and a base that is not the URDF root.
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../robot/random.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', '..', 'test', 'robot', 'kdl', 'fixtures');


/** One model the reference script computes: the URDF file and the chain base -> tip. */
export interface ModelEntry {
  name: string;
  urdf: string;
  base: string;
  tip: string;
}

type Random = () => number;
const uniform = (rand: Random, lo: number, hi: number) => lo + (hi - lo) * rand();
const pick = <T>(rand: Random, items: readonly T[]): T => items[Math.floor(rand() * items.length)];
// Short decimals keep the URDFs readable; both sides parse the same text, so precision is moot.
const num = (x: number) => String(Number(x.toFixed(6)));
const vec = (v: readonly number[]) => v.map(num).join(' ');

const axisChoices: readonly (readonly number[])[] = [
  [0, 0, 1], [0, 0, -1], [1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0],
  [0, 0.6, 0.8], [0.6, -0.8, 0], [0, 0, 2], [-3, 0, 0], [0.3, -0.5, 1.2], [1, 1, 1], [-0.2, 0.7, -0.4],
];

function randomAxis(rand: Random): number[] {
  if (rand() < 0.6) return [...pick(rand, axisChoices)];
  const v = [uniform(rand, -1, 1), uniform(rand, -1, 1), uniform(rand, -1, 1)];
  return Math.hypot(v[0], v[1], v[2]) < 0.2 ? [0.2, 0.1, -0.9] : v;
}

function randomRpy(rand: Random): number[] {
  const special = [0, Math.PI / 2, -Math.PI / 2, Math.PI];
  return [0, 1, 2].map(() => (rand() < 0.3 ? pick(rand, special) : uniform(rand, -Math.PI, Math.PI)));
}

function randomXyz(rand: Random, scale = 0.3): number[] {
  return [0, 1, 2].map(() => (rand() < 0.15 ? 0 : uniform(rand, -scale, scale)));
}

/** A valid inertia tensor (positive principal moments obeying the triangle inequality), rotated so off-diagonal terms appear. */
function randomInertia(rand: Random): number[] {
  const a = uniform(rand, 0.005, 0.1), b = uniform(rand, 0.005, 0.1);
  const c = uniform(rand, Math.abs(a - b) + 0.001, a + b - 0.001);
  const [r, p, y] = randomRpy(rand);
  const cr = Math.cos(r), sr = Math.sin(r), cp = Math.cos(p), sp = Math.sin(p), cy = Math.cos(y), sy = Math.sin(y);
  const R = [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr, sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr, -sp, cp * sr, cp * cr];
  const d = [a, b, c];
  const I = (i: number, j: number) => R[3 * i] * d[0] * R[3 * j] + R[3 * i + 1] * d[1] * R[3 * j + 1] + R[3 * i + 2] * d[2] * R[3 * j + 2];
  return [I(0, 0), I(0, 1), I(0, 2), I(1, 1), I(1, 2), I(2, 2)];
}

function inertialXml(rand: Random, kind: 'full' | 'zero' | 'none'): string {
  if (kind === 'none') return '';
  if (kind === 'zero') {
    return `\n    <inertial><origin xyz="0 0 0" rpy="0 0 0"/><mass value="0"/><inertia ixx="0" ixy="0" ixz="0" iyy="0" iyz="0" izz="0"/></inertial>`;
  }
  const [ixx, ixy, ixz, iyy, iyz, izz] = randomInertia(rand);
  return `\n    <inertial><origin xyz="${vec(randomXyz(rand, 0.15))}" rpy="${vec(randomRpy(rand))}"/><mass value="${num(uniform(rand, 0.2, 5))}"/>` +
    `<inertia ixx="${num(ixx)}" ixy="${num(ixy)}" ixz="${num(ixz)}" iyy="${num(iyy)}" iyz="${num(iyz)}" izz="${num(izz)}"/></inertial>`;
}

interface Joint { name: string; type: string; parent: string; child: string; }

/** One random robot: URDF text and the chain to check. */
function randomRobot(seed: number, tree: boolean, quirks = false): { urdf: string; base: string; tip: string } {
  const rand = mulberry32(seed);
  const links: string[] = [];
  const joints: string[] = [];
  const jointList: Joint[] = [];
  const mimics = new Set<string>();
  const addLink = (name: string, kind: 'full' | 'zero' | 'none') => links.push(`  <link name="${name}">${inertialXml(rand, kind)}\n  </link>`);
  const linkKind = (): 'full' | 'zero' | 'none' => (rand() < 0.12 ? 'zero' : rand() < 0.12 ? 'none' : 'full');
  const addJoint = (type: string, parent: string, child: string) => {
    const name = `j${jointList.length}_${type}`;
    jointList.push({ name, type, parent, child });
    // With quirks: <origin> or <axis> left out now and then (defaults: identity, axis 1 0 0), and
    // moving joints that mimic an earlier moving joint of the chain (any type to any type).
    const omitOrigin = quirks && rand() < 0.15, omitAxis = quirks && rand() < 0.2;
    let xml = `  <joint name="${name}" type="${type}">\n    <parent link="${parent}"/><child link="${child}"/>` +
      (omitOrigin ? '' : `\n    <origin xyz="${vec(randomXyz(rand))}" rpy="${vec(randomRpy(rand))}"/>`);
    if (type !== 'fixed' && !omitAxis) xml += `\n    <axis xyz="${vec(randomAxis(rand))}"/>`;
    const sources = jointList.filter((j) => j.type !== 'fixed' && j.name !== name && !mimics.has(j.name));
    if (quirks && type !== 'fixed' && sources.length > 0 && rand() < 0.35) {
      const source = pick(rand, sources).name;
      mimics.add(name);
      xml += `\n    <mimic joint="${source}" multiplier="${num(uniform(rand, -2, 2))}" offset="${num(uniform(rand, -0.5, 0.5))}"/>`;
    }
    if (type === 'revolute') xml += `\n    <limit lower="-3" upper="3" effort="100" velocity="3"/>`;
    if (type === 'prismatic') xml += `\n    <limit lower="-0.5" upper="0.5" effort="100" velocity="1"/>`;
    joints.push(`${xml}\n  </joint>`);
  };

  addLink('world', 'none');
  let last = 'world';
  let count = 0;
  // A fixed mount under the root half of the time, so that the base is sometimes not the root.
  if (rand() < 0.5) {
    addLink('mount', linkKind());
    addJoint('fixed', 'world', 'mount');
    last = 'mount';
  }
  const nMoving = 3 + Math.floor(rand() * 6);
  const chainLinks: string[] = [last];
  for (let k = 0; k < nMoving; k++) {
    if (rand() < 0.3) {
      const name = `l${count++}`;
      addLink(name, linkKind());
      addJoint('fixed', last, name);
      last = name;
      chainLinks.push(name);
    }
    const name = `l${count++}`;
    // The last moving body must have inertia of its own, or the mass matrix is singular.
    addLink(name, k === nMoving - 1 ? 'full' : linkKind());
    addJoint(rand() < 0.6 ? 'revolute' : rand() < 0.5 ? 'continuous' : 'prismatic', last, name);
    last = name;
    chainLinks.push(name);
    // A branch off the chain (a tree): one or two links that KDL's getChain leaves out.
    if (tree && rand() < 0.4) {
      const side = `b${count++}`;
      addLink(side, 'full');
      addJoint(rand() < 0.5 ? 'revolute' : 'fixed', name, side);
    }
  }
  if (rand() < 0.6) {
    addLink('tool', linkKind());
    addJoint('fixed', last, 'tool');
    last = 'tool';
    if (rand() < 0.5) {
      addLink('tcp', 'none');
      addJoint('fixed', 'tool', 'tcp');
      last = 'tcp';
    }
  }
  // Base: the root, or (for trees) a link part-way up the chain that leaves at least two moving joints.
  let base = 'world';
  if (tree && rand() < 0.5) {
    const candidates = chainLinks.slice(0, Math.max(1, chainLinks.length - 4));
    base = pick(rand, candidates);
  }
  const urdf = `<?xml version="1.0"?>\n<!-- Generated by tools/kdl/generate-urdfs.ts, seed ${seed}. -->\n<robot name="random_${seed}">\n${links.join('\n')}\n${joints.join('\n')}\n</robot>\n`;
  return { urdf, base, tip: last };
}

/** Hand-written fixtures (in the fixtures folder already) and their chains. */
const handWritten: readonly ModelEntry[] = [
  { name: 'ur-like', urdf: 'ur-like.urdf', base: 'base_link', tip: 'tool0' },
  { name: 'ur-like-from-inertia-frame', urdf: 'ur-like.urdf', base: 'base_link_inertia', tip: 'wrist_3_link' },
  { name: 'panda-like', urdf: 'panda-like.urdf', base: 'panda_link0', tip: 'panda_hand_tcp' },
  // The second finger mimics the first, which is on a side branch: outside the chain it is an independent joint.
  { name: 'panda-like-to-right-finger', urdf: 'panda-like.urdf', base: 'panda_link0', tip: 'panda_rightfinger' },
  { name: 'iiwa-like', urdf: 'iiwa-like.urdf', base: 'iiwa_link_0', tip: 'iiwa_link_ee' },
  { name: 'offset-wrist-like', urdf: 'offset-wrist-like.urdf', base: 'base_link', tip: 'tool0' },
  { name: 'quirks', urdf: 'quirks.urdf', base: 'pedestal', tip: 'finger_tip' },
  // Base below the mimic's source joint: the mimic joint becomes an independent coordinate.
  { name: 'quirks-mimic-source-outside', urdf: 'quirks.urdf', base: 'forearm', tip: 'finger_tip' },
  { name: 'quirks-root-to-branch', urdf: 'quirks.urdf', base: 'world', tip: 'camera' },
  { name: 'zero-mass-inertia', urdf: 'zero-mass-inertia.urdf', base: 'base', tip: 'b' },
];

function main(): void {
  mkdirSync(fixtures, { recursive: true });
  const models: ModelEntry[] = [...handWritten];
  for (let k = 0; k < 12; k++) {
    const seed = 1000 + k;
    const tree = k % 2 === 1;
    const { urdf, base, tip } = randomRobot(seed, tree);
    const file = `random-${tree ? 'tree' : 'chain'}-${seed}.urdf`;
    writeFileSync(join(fixtures, file), urdf);
    models.push({ name: file.replace('.urdf', ''), urdf: file, base, tip });
  }
  for (let k = 0; k < 6; k++) {
    const seed = 2000 + k;
    const tree = k % 2 === 1;
    const { urdf, base, tip } = randomRobot(seed, tree, true);
    const file = `random-mimic-${tree ? 'tree' : 'chain'}-${seed}.urdf`;
    writeFileSync(join(fixtures, file), urdf);
    models.push({ name: file.replace('.urdf', ''), urdf: file, base, tip });
  }
  writeFileSync(join(fixtures, 'models.json'), JSON.stringify(models, null, 2) + '\n');
  console.log(`wrote ${models.length} model entries to ${fixtures}`);
}

main();
