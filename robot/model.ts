// RobotModel: the immutable description every algorithm reads (Pinocchio's Model).
//
// Built once from a parsed URDF. Topology lives in Int32Array, parameters in Float64Array. The
// model is a tree of links rooted at the chosen base link (index 0); each other link hangs from
// its parent through one joint (fixed, revolute or prismatic; continuous is revolute without
// position limits). The configuration q has one entry per independent moving joint (nq = nv);
// a mimic joint follows its source joint: q_mimic = multiplier·q_source + offset.
import { parseUrdf, UrdfError, type UrdfJoint, type UrdfRobot } from './urdf.ts';

/** Joint kinds as stored per link in `RobotModel.linkJointType`. */
export const JointType = { fixed: 0, revolute: 1, prismatic: 2 } as const;

/** The immutable robot model. Arrays indexed by link have length `nlinks`, by joint length `nq`. */
export interface RobotModel {
  readonly name: string;
  /** Number of independent joint coordinates (= nv: every joint has one degree of freedom). */
  readonly nq: number;
  readonly nv: number;
  readonly nlinks: number;
  /** Link names; index 0 is the base. */
  readonly linkNames: readonly string[];
  /** Parent link of each link (-1 for the base); parents come before children. */
  readonly parent: Int32Array;
  /** Name of the joint that attaches each link to its parent ('' for the base). */
  readonly linkJointName: readonly string[];
  /** JointType of the joint above each link. */
  readonly linkJointType: Int8Array;
  /** Index into q of the coordinate that drives the joint above each link, -1 when fixed. */
  readonly linkQ: Int32Array;
  /** Mimic multiplier and offset per link (1 and 0 for ordinary joints). */
  readonly linkMultiplier: Float64Array;
  readonly linkOffset: Float64Array;
  /** Joint axis per link, unit vector in the joint frame: 3 per link. */
  readonly axis: Float64Array;
  /** Pose of each joint frame in its parent link frame at q = 0: 12 per link, R row-major (9) then p (3). */
  readonly origin: Float64Array;
  /** Link mass (kg). */
  readonly mass: Float64Array;
  /** Centre of mass in the link frame: 3 per link (m). */
  readonly com: Float64Array;
  /** Rotational inertia about the COM in link-frame axes: 9 per link, row-major (kg·m²). */
  readonly inertia: Float64Array;
  /** Independent joint names, in q order. */
  readonly jointNames: readonly string[];
  /** Link whose parent joint is each independent joint: nq entries. */
  readonly jointLink: Int32Array;
  /** 1 for a continuous joint (no position limits). */
  readonly continuous: Uint8Array;
  /** Position limits (rad or m; ±Infinity for continuous joints). */
  readonly lowerLimit: Float64Array;
  readonly upperLimit: Float64Array;
  /** Velocity (rad/s or m/s) and effort (N·m or N) limits; Infinity when the URDF gives 0 or none. */
  readonly velocityLimit: Float64Array;
  readonly effortLimit: Float64Array;
  /** URDF <dynamics>: viscous damping (N·m·s/rad) and Coulomb friction (N·m). */
  readonly damping: Float64Array;
  readonly friction: Float64Array;
  /** URDF <safety_controller>: soft limits (defaults: the hard limits) and gains (0 when absent). */
  readonly softLowerLimit: Float64Array;
  readonly softUpperLimit: Float64Array;
  readonly kPosition: Float64Array;
  readonly kVelocity: Float64Array;
  /** Rotor inertia reflected to the joint (kg·m²), added to the mass matrix diagonal; the drive layer fills it. */
  readonly armature: Float64Array;
  /** The link chosen as tip (end effector): the last link when none was named. */
  readonly tip: number;
  /** The URDF the model came from (visuals, materials and transmissions for the viewer and drives). */
  readonly urdf: UrdfRobot;
}

/** Options for building a model. */
export interface ModelOptions {
  /** Link to use as the fixed base (default: the URDF root). Must be an ancestor of `tip`. */
  base?: string;
  /** Link to use as the tip; when given, the model is the chain base -> tip alone (as KDL's getChain). */
  tip?: string;
  /**
   * 'follow' (default): a <mimic> joint follows its source (q_mimic = multiplier·q_source + offset)
   * and has no q of its own. 'independent': every moving joint has its own q, as kdl_parser and
   * Pinocchio (which ignore <mimic>) count them.
   */
  mimic?: 'follow' | 'independent';
}

function rpyToMatrix(roll: number, pitch: number, yaw: number, out: Float64Array, offset: number): void {
  const cr = Math.cos(roll), sr = Math.sin(roll);
  const cp = Math.cos(pitch), sp = Math.sin(pitch);
  const cy = Math.cos(yaw), sy = Math.sin(yaw);
  // R = Rz(yaw) · Ry(pitch) · Rx(roll), row-major.
  out[offset + 0] = cy * cp;
  out[offset + 1] = cy * sp * sr - sy * cr;
  out[offset + 2] = cy * sp * cr + sy * sr;
  out[offset + 3] = sy * cp;
  out[offset + 4] = sy * sp * sr + cy * cr;
  out[offset + 5] = sy * sp * cr - cy * sr;
  out[offset + 6] = -sp;
  out[offset + 7] = cp * sr;
  out[offset + 8] = cp * cr;
}

/** Builds the model from URDF text or a parsed URDF; throws UrdfError naming what is wrong. */
export function buildModel(source: string | UrdfRobot, options: ModelOptions = {}): RobotModel {
  const urdf = typeof source === 'string' ? parseUrdf(source) : source;
  const linkByName = new Map(urdf.links.map((l) => [l.name, l]));
  const jointByChild = new Map<string, UrdfJoint>(urdf.joints.map((j) => [j.child, j]));
  const childJoints = new Map<string, UrdfJoint[]>();
  for (const joint of urdf.joints) {
    const list = childJoints.get(joint.parent) ?? [];
    list.push(joint);
    childJoints.set(joint.parent, list);
  }
  const base = options.base ?? urdf.root;
  if (!linkByName.has(base)) throw new UrdfError(`base link "${base}" does not exist (links: ${urdf.links.map((l) => l.name).join(', ')})`);

  // Links in depth-first order from the base (or the single chain base -> tip).
  let order: string[];
  if (options.tip !== undefined) {
    if (!linkByName.has(options.tip)) throw new UrdfError(`tip link "${options.tip}" does not exist (links: ${urdf.links.map((l) => l.name).join(', ')})`);
    const chain = [options.tip];
    while (chain[0] !== base) {
      const up = jointByChild.get(chain[0]);
      if (!up) throw new UrdfError(`tip link "${options.tip}" is not below base link "${base}"`);
      chain.unshift(up.parent);
    }
    order = chain;
  } else {
    order = [];
    const visit = (name: string) => {
      order.push(name);
      for (const joint of childJoints.get(name) ?? []) visit(joint.child);
    };
    visit(base);
  }

  const nlinks = order.length;
  // A joint is in the model when its child is a link below the base (the base's own parent joint is not).
  const inModel = new Set(order.slice(1));
  for (const name of inModel) {
    const joint = jointByChild.get(name)!;
    if (joint.type === 'floating' || joint.type === 'planar') {
      throw new UrdfError(`<joint name="${joint.name}"> type="${joint.type}" is below base link "${base}": this stack models revolute, continuous, prismatic and fixed joints; choose a base at or below its child "${joint.child}" (--base ${joint.child})`);
    }
  }
  // Independent joints in link order; a mimic joint whose source is outside the model becomes independent.
  const movingJoints = order.slice(1).map((name) => jointByChild.get(name)!).filter((j) => j.type !== 'fixed');
  const followsMimic = options.mimic !== 'independent';
  if (options.mimic !== undefined && options.mimic !== 'follow' && options.mimic !== 'independent') throw new UrdfError(`mimic = ${JSON.stringify(options.mimic)}: expected "follow" or "independent"`);
  const independent = movingJoints.filter((j) => !followsMimic || !j.mimic || !inModel.has(urdf.joints.find((s) => s.name === j.mimic!.joint)!.child));
  const qIndex = new Map(independent.map((j, k) => [j.name, k]));
  const nq = independent.length;

  const parent = new Int32Array(nlinks).fill(-1);
  const linkJointType = new Int8Array(nlinks);
  const linkQ = new Int32Array(nlinks).fill(-1);
  const linkMultiplier = new Float64Array(nlinks).fill(1);
  const linkOffset = new Float64Array(nlinks);
  const axis = new Float64Array(3 * nlinks);
  const origin = new Float64Array(12 * nlinks);
  const mass = new Float64Array(nlinks);
  const com = new Float64Array(3 * nlinks);
  const inertia = new Float64Array(9 * nlinks);
  const linkJointName: string[] = [''];
  origin[0] = origin[4] = origin[8] = 1;
  const indexOf = new Map(order.map((n, i) => [n, i]));
  const R = new Float64Array(9);

  for (let i = 0; i < nlinks; i++) {
    const link = linkByName.get(order[i])!;
    if (link.inertial) {
      const inl = link.inertial;
      mass[i] = inl.mass;
      com.set(inl.origin.xyz, 3 * i);
      // Rotate the inertia tensor from the inertial frame into link axes: I_L = R · I · Rᵀ.
      rpyToMatrix(inl.origin.rpy[0], inl.origin.rpy[1], inl.origin.rpy[2], R, 0);
      const I = [inl.ixx, inl.ixy, inl.ixz, inl.ixy, inl.iyy, inl.iyz, inl.ixz, inl.iyz, inl.izz];
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 3; c++) {
          let sum = 0;
          for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) sum += R[3 * r + a] * I[3 * a + b] * R[3 * c + b];
          inertia[9 * i + 3 * r + c] = sum;
        }
      }
    }
    if (i === 0) continue;
    const joint = jointByChild.get(order[i])!;
    linkJointName.push(joint.name);
    parent[i] = indexOf.get(joint.parent)!;
    rpyToMatrix(joint.origin.rpy[0], joint.origin.rpy[1], joint.origin.rpy[2], origin, 12 * i);
    origin.set(joint.origin.xyz, 12 * i + 9);
    axis.set(joint.axis, 3 * i);
    if (joint.type === 'fixed') continue;
    linkJointType[i] = joint.type === 'prismatic' ? JointType.prismatic : JointType.revolute;
    const own = qIndex.get(joint.name);
    if (own !== undefined) {
      linkQ[i] = own;
    } else {
      linkQ[i] = qIndex.get(joint.mimic!.joint)!;
      linkMultiplier[i] = joint.mimic!.multiplier;
      linkOffset[i] = joint.mimic!.offset;
    }
  }

  const jointLink = new Int32Array(nq);
  const continuous = new Uint8Array(nq);
  const lowerLimit = new Float64Array(nq);
  const upperLimit = new Float64Array(nq);
  const velocityLimit = new Float64Array(nq);
  const effortLimit = new Float64Array(nq);
  const damping = new Float64Array(nq);
  const friction = new Float64Array(nq);
  const softLowerLimit = new Float64Array(nq);
  const softUpperLimit = new Float64Array(nq);
  const kPosition = new Float64Array(nq);
  const kVelocity = new Float64Array(nq);
  independent.forEach((joint, k) => {
    jointLink[k] = indexOf.get(joint.child)!;
    const isContinuous = joint.type === 'continuous';
    continuous[k] = isContinuous ? 1 : 0;
    lowerLimit[k] = isContinuous ? -Infinity : joint.limit!.lower;
    upperLimit[k] = isContinuous ? Infinity : joint.limit!.upper;
    velocityLimit[k] = joint.limit && joint.limit.velocity > 0 ? joint.limit.velocity : Infinity;
    effortLimit[k] = joint.limit && joint.limit.effort > 0 ? joint.limit.effort : Infinity;
    damping[k] = joint.dynamics?.damping ?? 0;
    friction[k] = joint.dynamics?.friction ?? 0;
    const safety = joint.safetyController;
    softLowerLimit[k] = safety ? Math.max(safety.softLowerLimit, lowerLimit[k]) : lowerLimit[k];
    softUpperLimit[k] = safety ? Math.min(safety.softUpperLimit, upperLimit[k]) : upperLimit[k];
    kPosition[k] = safety?.kPosition ?? 0;
    kVelocity[k] = safety?.kVelocity ?? 0;
  });

  return Object.freeze({
    name: urdf.name,
    nq,
    nv: nq,
    nlinks,
    linkNames: Object.freeze(order),
    parent,
    linkJointName: Object.freeze(linkJointName),
    linkJointType,
    linkQ,
    linkMultiplier,
    linkOffset,
    axis,
    origin,
    mass,
    com,
    inertia,
    jointNames: Object.freeze(independent.map((j) => j.name)),
    jointLink,
    continuous,
    lowerLimit,
    upperLimit,
    velocityLimit,
    effortLimit,
    damping,
    friction,
    softLowerLimit,
    softUpperLimit,
    kPosition,
    kVelocity,
    armature: new Float64Array(nq),
    tip: nlinks - 1,
    urdf,
  });
}

/** Index of the named link in the model; throws naming the link and the choices when unknown. */
export function linkIndex(model: RobotModel, name: string): number {
  const index = model.linkNames.indexOf(name);
  if (index < 0) throw new Error(`no link named "${name}" in model "${model.name}" (links: ${model.linkNames.join(', ')})`);
  return index;
}

/** Index of the named joint in q; throws naming the joint and the choices when unknown. */
export function jointIndex(model: RobotModel, name: string): number {
  const index = model.jointNames.indexOf(name);
  if (index < 0) throw new Error(`no joint named "${name}" in model "${model.name}" (joints: ${model.jointNames.join(', ')})`);
  return index;
}

/** A copy of the model with the given reflected rotor inertia per joint (nq values, kg·m²). */
export function withArmature(model: RobotModel, armature: ArrayLike<number>): RobotModel {
  if (armature.length !== model.nq) throw new Error(`armature has ${armature.length} values, expected nq = ${model.nq}`);
  for (let k = 0; k < model.nq; k++) {
    if (!(armature[k] >= 0 && Number.isFinite(armature[k]))) {
      throw new Error(`armature[${k}] (joint "${model.jointNames[k]}") = ${armature[k]} must be finite and non-negative`);
    }
  }
  return Object.freeze({ ...model, armature: Float64Array.from(armature) });
}
