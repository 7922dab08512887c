// RobotData: the workspace every algorithm writes (Pinocchio's Data), allocated once per model.
//
// Besides the result buffers it holds constants derived from the model once, so that the hot
// paths only index typed arrays:
// - per link, a joint code (fixed, revolute about x / y / z / a general axis, prismatic) with the
//   axis sign and mimic multiplier folded into a scale and bias: angle = scale·q[linkQ] + bias;
// - per link, the path of links from the base to it (for chain-only kinematics);
// - the moving bodies used by the dynamics: every fixed-joint subtree is lumped (mass, first
//   moment, rotational inertia) into its moving ancestor, and every body frame is rotated so that
//   its joint axis is +z, so RNEA / CRBA / ABA run over moving bodies only with z-specialised code.
// The model is never mutated; `withArmature` copies share its geometry, so one data serves both.
import { JointType, type RobotModel } from './model.ts';
import { rotationFromAxisAngle, rotationMultiply, rotationTransposeMultiply, transformIdentity, transformMultiply } from './se3.ts';

/** Joint codes in `RobotData.linkCode`. */
export const LinkCode = { fixed: 0, revoluteX: 1, revoluteY: 2, revoluteZ: 3, revolute: 4, prismatic: 5 } as const;

/** The workspace of one model: result buffers, scratch and derived constants. */
export interface RobotData {
  /** 12 per link: pose of each link in the base frame, R row-major (9) then p (3) (forwardKinematics). */
  readonly X_WL: Float64Array;
  /** nv: joint torques from rnea. */
  readonly tau: Float64Array;
  /** nv: gravity torques from gravityTorques. */
  readonly g: Float64Array;
  /** nv: Coriolis and centrifugal torques from coriolis. */
  readonly c: Float64Array;
  /** nv·nv, row-major: joint-space mass matrix from crba (armature on the diagonal). */
  readonly M: Float64Array;
  /** nv: joint accelerations from aba. */
  readonly qdd: Float64Array;
  /** 6·nv, row-major, rows vx vy vz wx wy wz: Jacobian from jacobian / bodyJacobian. */
  readonly J: Float64Array;

  /** Per link: LinkCode of the joint above it. */
  readonly linkCode: Int8Array;
  /** Per link: joint value = linkScale·q[linkQ] + linkBias (axis sign and mimic folded in). */
  readonly linkScale: Float64Array;
  readonly linkBias: Float64Array;
  /** Links on the path base -> link (base excluded, link included): pathLinks[pathStart[l] .. pathStart[l+1]). */
  readonly pathStart: Int32Array;
  readonly pathLinks: Int32Array;

  /** Number of moving bodies (links with a moving joint). */
  readonly nb: number;
  /** Per body: its link, parent body (-1: the base), q index, multiplier, offset, 1 if prismatic. */
  readonly bodyLink: Int32Array;
  readonly bodyParent: Int32Array;
  readonly bodyQ: Int32Array;
  readonly bodyScale: Float64Array;
  readonly bodyBias: Float64Array;
  readonly bodyPrismatic: Uint8Array;
  /** 12 per body: joint frame at zero motion in the parent body frame (body frames have their axis on +z). */
  readonly bodyFixed: Float64Array;
  /** 9 per body: rotation from the body frame to its link frame (its columns: body axes in link axes). */
  readonly bodyToLink: Float64Array;
  /** 10 per body: lumped spatial inertia in the body frame: m, h = m·c (3), I about the origin (xx xy xz yy yz zz). */
  readonly bodyInertia: Float64Array;
  /** True when every q drives exactly one body with multiplier 1 (ABA runs natively; otherwise CRBA + Cholesky). */
  readonly simpleJoints: boolean;

  /** Scratch for the dynamics: 12 per body (current parent <- body transform), 6 per body spatial vectors [ω, v] / [n, f]. */
  readonly bodyX: Float64Array;
  readonly bodyV: Float64Array;
  readonly bodyA: Float64Array;
  readonly bodyF: Float64Array;
  /** 10 per body: composite inertia (CRBA). */
  readonly bodyComposite: Float64Array;
  /** ABA scratch: 36 per body articulated inertia (row-major 6x6), 6 per body bias force, bias acceleration, U; per body 1/D and u. */
  readonly bodyIA: Float64Array;
  readonly bodyPA: Float64Array;
  readonly bodyC: Float64Array;
  readonly bodyU: Float64Array;
  readonly bodyDinv: Float64Array;
  readonly bodyu: Float64Array;
  /** nv zeros (never written). */
  readonly zero: Float64Array;
  /** nv·nv and 2·nv scratch for factorisations. */
  readonly factor: Float64Array;
  readonly vector: Float64Array;
  /** 36 scratch each: a 6x6 articulated inertia, and the rotated blocks while transforming it. */
  readonly articulated: Float64Array;
  readonly blocks: Float64Array;
}

/** Rotation with +z onto the unit axis u (9, row-major): columns are the body axes in link axes. */
function rotationZTo(ux: number, uy: number, uz: number, out: Float64Array, oo: number): void {
  if (uz > 1 - 1e-12) {
    for (let k = 0; k < 9; k++) out[oo + k] = k % 4 === 0 ? 1 : 0;
    return;
  }
  if (uz < -1 + 1e-12) {
    for (let k = 0; k < 9; k++) out[oo + k] = 0;
    out[oo] = 1;
    out[oo + 4] = -1;
    out[oo + 8] = -1;
    return;
  }
  // Rotate about z × u by the angle between them.
  const ax = -uy, ay = ux, norm = Math.sqrt(ax * ax + ay * ay);
  rotationFromAxisAngle(ax / norm, ay / norm, 0, Math.acos(uz), out, oo);
}

/** Allocates the workspace for `model` and derives the constants the algorithms index. */
export function createData(model: RobotModel): RobotData {
  const { nlinks, nv, parent } = model;
  const linkCode = new Int8Array(nlinks);
  const linkScale = new Float64Array(nlinks);
  const linkBias = new Float64Array(nlinks);
  for (let i = 1; i < nlinks; i++) {
    const type = model.linkJointType[i];
    if (type === JointType.fixed) continue;
    const ax = model.axis[3 * i], ay = model.axis[3 * i + 1], az = model.axis[3 * i + 2];
    let code: number = type === JointType.prismatic ? LinkCode.prismatic : LinkCode.revolute;
    let sign = 1;
    if (code === LinkCode.revolute) {
      if (ay === 0 && az === 0) (code = LinkCode.revoluteX), (sign = Math.sign(ax));
      else if (ax === 0 && az === 0) (code = LinkCode.revoluteY), (sign = Math.sign(ay));
      else if (ax === 0 && ay === 0) (code = LinkCode.revoluteZ), (sign = Math.sign(az));
    }
    linkCode[i] = code;
    linkScale[i] = sign * model.linkMultiplier[i];
    linkBias[i] = sign * model.linkOffset[i];
  }

  // Paths base -> link.
  const pathStart = new Int32Array(nlinks + 1);
  const paths: number[] = [];
  for (let l = 0; l < nlinks; l++) {
    pathStart[l] = paths.length;
    const chain: number[] = [];
    for (let k = l; k > 0; k = parent[k]) chain.unshift(k);
    paths.push(...chain);
  }
  pathStart[nlinks] = paths.length;

  // Owner body of each link (nearest moving ancestor-or-self) and the link's pose in the owner's link frame.
  const bodyOfLink = new Int32Array(nlinks).fill(-1);
  const inOwner = new Float64Array(12 * nlinks);
  const movingLinks: number[] = [];
  transformIdentity(inOwner, 0);
  for (let i = 1; i < nlinks; i++) {
    if (model.linkJointType[i] !== JointType.fixed) {
      bodyOfLink[i] = movingLinks.length;
      movingLinks.push(i);
      transformIdentity(inOwner, 12 * i);
    } else {
      bodyOfLink[i] = bodyOfLink[parent[i]];
      transformMultiply(inOwner, 12 * parent[i], model.origin, 12 * i, inOwner, 12 * i);
    }
  }
  const nb = movingLinks.length;
  const bodyLink = Int32Array.from(movingLinks);
  const bodyParent = new Int32Array(nb);
  const bodyQ = new Int32Array(nb);
  const bodyScale = new Float64Array(nb);
  const bodyBias = new Float64Array(nb);
  const bodyPrismatic = new Uint8Array(nb);
  const bodyFixed = new Float64Array(12 * nb);
  const bodyToLink = new Float64Array(9 * nb);
  const bodyInertia = new Float64Array(10 * nb);
  const t12 = new Float64Array(12);
  const t9 = new Float64Array(9);
  const identity = new Float64Array(9);
  identity[0] = identity[4] = identity[8] = 1;
  for (let b = 0; b < nb; b++) {
    const i = bodyLink[b];
    rotationZTo(model.axis[3 * i], model.axis[3 * i + 1], model.axis[3 * i + 2], bodyToLink, 9 * b);
  }
  const drivers = new Int32Array(nv);
  let simpleJoints = true;
  for (let b = 0; b < nb; b++) {
    const i = bodyLink[b];
    const pb = bodyOfLink[parent[i]];
    bodyParent[b] = pb;
    bodyQ[b] = model.linkQ[i];
    bodyScale[b] = model.linkMultiplier[i];
    bodyBias[b] = model.linkOffset[i];
    bodyPrismatic[b] = model.linkJointType[i] === JointType.prismatic ? 1 : 0;
    if (++drivers[bodyQ[b]] > 1 || bodyScale[b] !== 1) simpleJoints = false;
    // Joint frame in the parent link frame, then both ends re-expressed in body frames: Qλᵀ · T · Q.
    transformMultiply(inOwner, 12 * parent[i], model.origin, 12 * i, t12, 0);
    const parentQ = pb < 0 ? identity : bodyToLink;
    const parentOffset = pb < 0 ? 0 : 9 * pb;
    rotationTransposeMultiply(parentQ, parentOffset, t12, 0, t9, 0);
    rotationMultiply(t9, 0, bodyToLink, 9 * b, bodyFixed, 12 * b);
    for (let r = 0; r < 3; r++) {
      bodyFixed[12 * b + 9 + r] =
        parentQ[parentOffset + r] * t12[9] + parentQ[parentOffset + 3 + r] * t12[10] + parentQ[parentOffset + 6 + r] * t12[11];
    }
  }
  for (let b = 0; b < nb; b++) if (drivers[bodyQ[b]] !== 1) simpleJoints = false;

  // Lump every link's inertia into its owner body, expressed in the body frame.
  const Rl = new Float64Array(9);
  for (let l = 1; l < nlinks; l++) {
    const b = bodyOfLink[l];
    const m = model.mass[l];
    // A massless link may still carry rotational inertia (KDL keeps it too); only links on the base are skipped.
    if (b < 0) continue;
    // Link frame in body frame: Qᵀ · inOwner.
    rotationTransposeMultiply(bodyToLink, 9 * b, inOwner, 12 * l, Rl, 0);
    const c = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      let sum = 0;
      for (let k = 0; k < 3; k++) sum += bodyToLink[9 * b + 3 * k + r] * (inOwner[12 * l + 9 + k] + inOwner[12 * l + 3 * k] * model.com[3 * l] + inOwner[12 * l + 3 * k + 1] * model.com[3 * l + 1] + inOwner[12 * l + 3 * k + 2] * model.com[3 * l + 2]);
      c[r] = sum;
    }
    // Rotational inertia about the COM in body axes: Rl · I · Rlᵀ, then shifted to the body origin.
    const Ib = new Float64Array(9);
    for (let r = 0; r < 3; r++) {
      for (let s = 0; s < 3; s++) {
        let sum = 0;
        for (let x = 0; x < 3; x++) for (let y = 0; y < 3; y++) sum += Rl[3 * r + x] * model.inertia[9 * l + 3 * x + y] * Rl[3 * s + y];
        Ib[3 * r + s] = sum;
      }
    }
    const cc = c[0] * c[0] + c[1] * c[1] + c[2] * c[2];
    const o = 10 * b;
    bodyInertia[o] += m;
    bodyInertia[o + 1] += m * c[0];
    bodyInertia[o + 2] += m * c[1];
    bodyInertia[o + 3] += m * c[2];
    bodyInertia[o + 4] += Ib[0] + m * (cc - c[0] * c[0]);
    bodyInertia[o + 5] += Ib[1] - m * c[0] * c[1];
    bodyInertia[o + 6] += Ib[2] - m * c[0] * c[2];
    bodyInertia[o + 7] += Ib[4] + m * (cc - c[1] * c[1]);
    bodyInertia[o + 8] += Ib[5] - m * c[1] * c[2];
    bodyInertia[o + 9] += Ib[8] + m * (cc - c[2] * c[2]);
  }

  const X_WL = new Float64Array(12 * nlinks);
  X_WL[0] = X_WL[4] = X_WL[8] = 1;
  return {
    X_WL,
    tau: new Float64Array(nv),
    g: new Float64Array(nv),
    c: new Float64Array(nv),
    M: new Float64Array(nv * nv),
    qdd: new Float64Array(nv),
    J: new Float64Array(6 * nv),
    linkCode,
    linkScale,
    linkBias,
    pathStart,
    pathLinks: Int32Array.from(paths),
    nb,
    bodyLink,
    bodyParent,
    bodyQ,
    bodyScale,
    bodyBias,
    bodyPrismatic,
    bodyFixed,
    bodyToLink,
    bodyInertia,
    simpleJoints,
    bodyX: new Float64Array(12 * nb),
    bodyV: new Float64Array(6 * nb),
    bodyA: new Float64Array(6 * nb),
    bodyF: new Float64Array(6 * nb),
    bodyComposite: new Float64Array(10 * nb),
    bodyIA: new Float64Array(36 * nb),
    bodyPA: new Float64Array(6 * nb),
    bodyC: new Float64Array(6 * nb),
    bodyU: new Float64Array(6 * nb),
    bodyDinv: new Float64Array(nb),
    bodyu: new Float64Array(nb),
    zero: new Float64Array(nv),
    factor: new Float64Array(nv * nv),
    vector: new Float64Array(2 * nv),
    articulated: new Float64Array(36),
    blocks: new Float64Array(36),
  };
}
