// URDF text -> a validated, plain description of the robot (pure: no files, no meshes, no DOM).
//
// Follows the URDF XML specification (wiki.ros.org/urdf/XML): <link>, <joint>, <material>,
// <transmission> in both the ROS 1 (<type>, <hardwareInterface>, <mechanicalReduction>) and the
// ROS 2 / ros2_control (<plugin>, <mechanical_reduction>, <offset>) spellings. Anything wrong is a
// UrdfError naming the element and what is wrong; nothing half-built is returned.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An error in a URDF document; the message names the element, the value and what was expected. */
export class UrdfError extends Error {
  constructor(message: string) {
    super(`URDF: ${message}`);
    this.name = 'UrdfError';
  }
}

/** A pose: translation (m) and fixed-axis roll, pitch, yaw (rad), R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export interface UrdfPose {
  xyz: [number, number, number];
  rpy: [number, number, number];
}

/** Visual or collision geometry, kept for the viewer and collision checks. */
export type UrdfGeometry =
  | { type: 'box'; size: [number, number, number] }
  | { type: 'cylinder'; radius: number; length: number }
  | { type: 'sphere'; radius: number }
  | { type: 'mesh'; filename: string; scale: [number, number, number] };

/** A named material: RGBA colour in 0..1 and an optional texture filename. */
export interface UrdfMaterial {
  name: string;
  color?: [number, number, number, number];
  texture?: string;
}

/** One <visual> or <collision> element of a link. */
export interface UrdfShape {
  name?: string;
  origin: UrdfPose;
  geometry: UrdfGeometry;
  material?: UrdfMaterial;
}

/** Mass (kg), centre of mass frame, and inertia (kg·m²) about the COM in that frame. */
export interface UrdfInertial {
  origin: UrdfPose;
  mass: number;
  ixx: number;
  ixy: number;
  ixz: number;
  iyy: number;
  iyz: number;
  izz: number;
}

/** A <link>. */
export interface UrdfLink {
  name: string;
  inertial?: UrdfInertial;
  visuals: UrdfShape[];
  collisions: UrdfShape[];
}

/**
 * URDF joint types. Floating and planar joints are read (a description may hang its arm from
 * `world` by one), but a model refuses one between its base and its links (buildModel).
 */
export type UrdfJointType = 'revolute' | 'continuous' | 'prismatic' | 'fixed' | 'floating' | 'planar';

/** A <joint>. Limits are in SI (rad, m, rad/s, m/s, N·m, N). */
export interface UrdfJoint {
  name: string;
  type: UrdfJointType;
  parent: string;
  child: string;
  origin: UrdfPose;
  /** Unit vector in the joint frame. */
  axis: [number, number, number];
  limit?: { lower: number; upper: number; effort: number; velocity: number };
  dynamics?: { damping: number; friction: number };
  safetyController?: { softLowerLimit: number; softUpperLimit: number; kPosition: number; kVelocity: number };
  mimic?: { joint: string; multiplier: number; offset: number };
}

/** A <transmission>, ROS 1 or ROS 2 spelling, normalized. */
export interface UrdfTransmission {
  name: string;
  /** `<type>` (ROS 1) or `<plugin>` (ROS 2), e.g. transmission_interface/SimpleTransmission. */
  type: string;
  joints: { name: string; role?: string; hardwareInterfaces: string[]; mechanicalReduction?: number; offset?: number }[];
  actuators: { name: string; role?: string; hardwareInterfaces: string[]; mechanicalReduction?: number }[];
}

/** A parsed URDF document. `root` is the single link that is no joint's child. */
export interface UrdfRobot {
  name: string;
  links: UrdfLink[];
  joints: UrdfJoint[];
  materials: UrdfMaterial[];
  transmissions: UrdfTransmission[];
  root: string;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: true,
  isArray: () => true,
});

function children(node: XmlNode, tag: string): XmlNode[] {
  const value = node[tag];
  if (!Array.isArray(value)) return [];
  return value.map((v) => (typeof v === 'object' && v !== null ? (v as XmlNode) : { '#text': String(v) }));
}

function child(node: XmlNode, tag: string, where: string): XmlNode | undefined {
  const list = children(node, tag);
  if (list.length > 1) throw new UrdfError(`${where} has ${list.length} <${tag}> elements, expected at most one`);
  return list[0];
}

function attr(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return value === undefined ? undefined : String(value);
}

function text(node: XmlNode | undefined): string | undefined {
  if (!node) return undefined;
  const value = node['#text'];
  if (Array.isArray(value)) return value.join('').trim();
  return value === undefined ? undefined : String(value).trim();
}

function requireAttr(node: XmlNode, name: string, where: string): string {
  const value = attr(node, name);
  if (value === undefined || value === '') throw new UrdfError(`${where} is missing the attribute "${name}"`);
  return value;
}

function parseNumber(raw: string, where: string): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UrdfError(`${where} = "${raw}" is not a finite number`);
  }
  return value;
}

function numberAttr(node: XmlNode, name: string, where: string, fallback?: number): number {
  const raw = attr(node, name);
  if (raw === undefined) {
    if (fallback === undefined) throw new UrdfError(`${where} is missing the attribute "${name}"`);
    return fallback;
  }
  return parseNumber(raw, `${where} ${name}`);
}

function vectorAttr(node: XmlNode | undefined, name: string, length: number, where: string, fallback: number[]): number[] {
  const raw = node ? attr(node, name) : undefined;
  if (raw === undefined) return [...fallback];
  const parts = raw.trim().split(/\s+/);
  if (parts.length !== length) {
    throw new UrdfError(`${where} ${name}="${raw}" has ${parts.length} values, expected ${length}`);
  }
  return parts.map((p) => parseNumber(p, `${where} ${name}`));
}

function parsePose(node: XmlNode | undefined, where: string): UrdfPose {
  return {
    xyz: vectorAttr(node, 'xyz', 3, `${where} <origin>`, [0, 0, 0]) as [number, number, number],
    rpy: vectorAttr(node, 'rpy', 3, `${where} <origin>`, [0, 0, 0]) as [number, number, number],
  };
}

function parseMaterial(node: XmlNode, where: string): UrdfMaterial {
  const name = attr(node, 'name') ?? '';
  const material: UrdfMaterial = { name };
  const color = child(node, 'color', where);
  if (color) {
    const rgba = vectorAttr(color, 'rgba', 4, `${where} <color>`, [0.8, 0.8, 0.8, 1]);
    for (const c of rgba) {
      if (c < 0 || c > 1) throw new UrdfError(`${where} <color> rgba component ${c} is outside 0..1`);
    }
    material.color = rgba as [number, number, number, number];
  }
  const texture = child(node, 'texture', where);
  if (texture) material.texture = requireAttr(texture, 'filename', `${where} <texture>`);
  return material;
}

function positive(value: number, where: string): number {
  if (!(value > 0)) throw new UrdfError(`${where} = ${value} must be positive`);
  return value;
}

function parseGeometry(node: XmlNode | undefined, where: string): UrdfGeometry {
  if (!node) throw new UrdfError(`${where} has no <geometry>`);
  const box = child(node, 'box', where);
  const cylinder = child(node, 'cylinder', where);
  const sphere = child(node, 'sphere', where);
  const mesh = child(node, 'mesh', where);
  const count = [box, cylinder, sphere, mesh].filter(Boolean).length;
  if (count !== 1) throw new UrdfError(`${where} <geometry> must hold exactly one of box, cylinder, sphere, mesh (found ${count})`);
  if (box) {
    const size = vectorAttr(box, 'size', 3, `${where} <box>`, [NaN, NaN, NaN]);
    if (attr(box, 'size') === undefined) throw new UrdfError(`${where} <box> is missing the attribute "size"`);
    size.forEach((s) => positive(s, `${where} <box> size`));
    return { type: 'box', size: size as [number, number, number] };
  }
  if (cylinder) {
    return {
      type: 'cylinder',
      radius: positive(numberAttr(cylinder, 'radius', `${where} <cylinder>`), `${where} <cylinder> radius`),
      length: positive(numberAttr(cylinder, 'length', `${where} <cylinder>`), `${where} <cylinder> length`),
    };
  }
  if (sphere) {
    return { type: 'sphere', radius: positive(numberAttr(sphere, 'radius', `${where} <sphere>`), `${where} <sphere> radius`) };
  }
  const m = mesh as XmlNode;
  const scaleRaw = attr(m, 'scale');
  const scale = scaleRaw !== undefined && scaleRaw.trim().split(/\s+/).length === 1
    ? Array(3).fill(parseNumber(scaleRaw, `${where} <mesh> scale`))
    : vectorAttr(m, 'scale', 3, `${where} <mesh>`, [1, 1, 1]);
  return { type: 'mesh', filename: requireAttr(m, 'filename', `${where} <mesh>`), scale: scale as [number, number, number] };
}

function parseShapes(link: XmlNode, tag: 'visual' | 'collision', where: string, materials: Map<string, UrdfMaterial>): UrdfShape[] {
  return children(link, tag).map((node, k) => {
    const at = `${where} <${tag}> #${k + 1}`;
    const shape: UrdfShape = {
      origin: parsePose(child(node, 'origin', at), at),
      geometry: parseGeometry(child(node, 'geometry', at), at),
    };
    const name = attr(node, 'name');
    if (name) shape.name = name;
    const materialNode = tag === 'visual' ? child(node, 'material', at) : undefined;
    if (materialNode) {
      const local = parseMaterial(materialNode, `${at} <material>`);
      const global = local.name ? materials.get(local.name) : undefined;
      shape.material = local.color || local.texture || !global ? { ...global, ...local } : global;
    }
    return shape;
  });
}

function parseInertial(node: XmlNode | undefined, where: string): UrdfInertial | undefined {
  if (!node) return undefined;
  const at = `${where} <inertial>`;
  const massNode = child(node, 'mass', at);
  if (!massNode) throw new UrdfError(`${at} has no <mass>`);
  const mass = numberAttr(massNode, 'value', `${at} <mass>`);
  if (mass < 0) throw new UrdfError(`${at} <mass> value = ${mass} must not be negative`);
  const inertia = child(node, 'inertia', at);
  if (!inertia) throw new UrdfError(`${at} has no <inertia>`);
  const n = (name: string) => numberAttr(inertia, name, `${at} <inertia>`, 0);
  return { origin: parsePose(child(node, 'origin', at), at), mass, ixx: n('ixx'), ixy: n('ixy'), ixz: n('ixz'), iyy: n('iyy'), iyz: n('iyz'), izz: n('izz') };
}

const JOINT_TYPES = new Set(['revolute', 'continuous', 'prismatic', 'fixed', 'floating', 'planar']);

function parseJoint(node: XmlNode): UrdfJoint {
  const name = requireAttr(node, 'name', '<joint>');
  const where = `<joint name="${name}">`;
  const type = requireAttr(node, 'type', where);
  if (!JOINT_TYPES.has(type)) throw new UrdfError(`${where} type="${type}" is unknown; expected revolute, continuous, prismatic, fixed, floating or planar`);
  const parentNode = child(node, 'parent', where);
  const childNode = child(node, 'child', where);
  if (!parentNode) throw new UrdfError(`${where} has no <parent>`);
  if (!childNode) throw new UrdfError(`${where} has no <child>`);
  const joint: UrdfJoint = {
    name,
    type: type as UrdfJointType,
    parent: requireAttr(parentNode, 'link', `${where} <parent>`),
    child: requireAttr(childNode, 'link', `${where} <child>`),
    origin: parsePose(child(node, 'origin', where), where),
    axis: [1, 0, 0],
  };
  const axis = vectorAttr(child(node, 'axis', where), 'xyz', 3, `${where} <axis>`, [1, 0, 0]);
  const norm = Math.hypot(axis[0], axis[1], axis[2]);
  if (type !== 'fixed' && type !== 'floating') {
    if (!(norm > 1e-12)) throw new UrdfError(`${where} <axis> xyz="${axis.join(' ')}" is a zero vector`);
    joint.axis = [axis[0] / norm, axis[1] / norm, axis[2] / norm];
  }
  const limit = child(node, 'limit', where);
  if (limit) {
    const at = `${where} <limit>`;
    const lower = numberAttr(limit, 'lower', at, 0);
    const upper = numberAttr(limit, 'upper', at, 0);
    const effort = numberAttr(limit, 'effort', at, type === 'fixed' ? 0 : undefined);
    const velocity = numberAttr(limit, 'velocity', at, type === 'fixed' ? 0 : undefined);
    if (effort < 0) throw new UrdfError(`${at} effort = ${effort} must not be negative`);
    if (velocity < 0) throw new UrdfError(`${at} velocity = ${velocity} must not be negative`);
    if (type !== 'continuous' && upper < lower) throw new UrdfError(`${at} upper = ${upper} is below lower = ${lower}`);
    joint.limit = { lower, upper, effort, velocity };
  } else if (type === 'revolute' || type === 'prismatic') {
    throw new UrdfError(`${where} is ${type} but has no <limit> (lower, upper, effort and velocity are required)`);
  }
  const dynamics = child(node, 'dynamics', where);
  if (dynamics) {
    joint.dynamics = {
      damping: numberAttr(dynamics, 'damping', `${where} <dynamics>`, 0),
      friction: numberAttr(dynamics, 'friction', `${where} <dynamics>`, 0),
    };
  }
  const safety = child(node, 'safety_controller', where);
  if (safety) {
    const at = `${where} <safety_controller>`;
    joint.safetyController = {
      softLowerLimit: numberAttr(safety, 'soft_lower_limit', at, joint.limit?.lower ?? -Infinity),
      softUpperLimit: numberAttr(safety, 'soft_upper_limit', at, joint.limit?.upper ?? Infinity),
      kPosition: numberAttr(safety, 'k_position', at, 0),
      kVelocity: numberAttr(safety, 'k_velocity', at),
    };
  }
  const mimic = child(node, 'mimic', where);
  if (mimic) {
    joint.mimic = {
      joint: requireAttr(mimic, 'joint', `${where} <mimic>`),
      multiplier: numberAttr(mimic, 'multiplier', `${where} <mimic>`, 1),
      offset: numberAttr(mimic, 'offset', `${where} <mimic>`, 0),
    };
  }
  return joint;
}

function optionalNumber(node: XmlNode, tags: string[], where: string): number | undefined {
  for (const tag of tags) {
    const value = text(child(node, tag, where));
    if (value !== undefined && value !== '') return parseNumber(value, `${where} <${tag}>`);
  }
  return undefined;
}

function parseTransmission(node: XmlNode): UrdfTransmission {
  const name = requireAttr(node, 'name', '<transmission>');
  const where = `<transmission name="${name}">`;
  const type = text(child(node, 'type', where)) ?? text(child(node, 'plugin', where)) ?? attr(node, 'type') ?? '';
  const interfaces = (n: XmlNode) =>
    children(n, 'hardwareInterface').map((h) => text(h) ?? '').concat(children(n, 'hardware_interface').map((h) => text(h) ?? '')).filter((s) => s !== '');
  const joints = children(node, 'joint').map((j) => {
    const at = `${where} <joint>`;
    const entry: UrdfTransmission['joints'][number] = { name: requireAttr(j, 'name', at), hardwareInterfaces: interfaces(j) };
    const role = attr(j, 'role');
    if (role) entry.role = role;
    const reduction = optionalNumber(j, ['mechanical_reduction', 'mechanicalReduction'], at);
    if (reduction !== undefined) entry.mechanicalReduction = reduction;
    const offset = optionalNumber(j, ['offset'], at);
    if (offset !== undefined) entry.offset = offset;
    return entry;
  });
  const actuators = children(node, 'actuator').map((a) => {
    const at = `${where} <actuator>`;
    const entry: UrdfTransmission['actuators'][number] = { name: requireAttr(a, 'name', at), hardwareInterfaces: interfaces(a) };
    const role = attr(a, 'role');
    if (role) entry.role = role;
    const reduction = optionalNumber(a, ['mechanicalReduction', 'mechanical_reduction'], at);
    if (reduction !== undefined) entry.mechanicalReduction = reduction;
    return entry;
  });
  return { name, type, joints, actuators };
}

/** Parses URDF XML text into a validated description; throws UrdfError on anything wrong. */
export function parseUrdf(xml: string): UrdfRobot {
  if (typeof xml !== 'string' || xml.trim() === '') throw new UrdfError('the document is empty');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new UrdfError(`not well-formed XML: ${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  }
  // The validator lets a few truncated documents through (`<robot/`), on which the parser throws.
  let document: XmlNode;
  try {
    document = parser.parse(xml) as XmlNode;
  } catch (error) {
    throw new UrdfError(`not well-formed XML: ${error instanceof Error ? error.message : String(error)}`);
  }
  const robots = children(document, 'robot');
  if (robots.length !== 1) throw new UrdfError(robots.length === 0 ? 'no <robot> element at the top level' : 'more than one <robot> element');
  const robot = robots[0];
  const name = attr(robot, 'name') ?? '';

  const materials = new Map<string, UrdfMaterial>();
  for (const m of children(robot, 'material')) {
    const material = parseMaterial(m, `<material name="${attr(m, 'name') ?? ''}">`);
    if (!material.name) throw new UrdfError('a top-level <material> is missing the attribute "name"');
    materials.set(material.name, material);
  }

  const links: UrdfLink[] = [];
  const linkNames = new Set<string>();
  for (const node of children(robot, 'link')) {
    const linkName = requireAttr(node, 'name', '<link>');
    if (linkNames.has(linkName)) throw new UrdfError(`<link name="${linkName}"> is defined twice`);
    linkNames.add(linkName);
    const where = `<link name="${linkName}">`;
    links.push({
      name: linkName,
      inertial: parseInertial(child(node, 'inertial', where), where),
      visuals: parseShapes(node, 'visual', where, materials),
      collisions: parseShapes(node, 'collision', where, materials),
    });
  }
  if (links.length === 0) throw new UrdfError(`<robot name="${name}"> has no <link>`);

  const joints = children(robot, 'joint').map(parseJoint);
  const jointNames = new Set<string>();
  const parentOf = new Map<string, string>();
  for (const joint of joints) {
    const where = `<joint name="${joint.name}">`;
    if (jointNames.has(joint.name)) throw new UrdfError(`${where} is defined twice`);
    jointNames.add(joint.name);
    if (!linkNames.has(joint.parent)) throw new UrdfError(`${where} names the parent link "${joint.parent}", which does not exist`);
    if (!linkNames.has(joint.child)) throw new UrdfError(`${where} names the child link "${joint.child}", which does not exist`);
    if (joint.parent === joint.child) throw new UrdfError(`${where} has the same link "${joint.child}" as parent and child`);
    const earlier = parentOf.get(joint.child);
    if (earlier !== undefined) throw new UrdfError(`link "${joint.child}" is the child of two joints ("${earlier}" and "${joint.name}")`);
    parentOf.set(joint.child, joint.name);
  }
  for (const joint of joints) {
    if (joint.mimic) {
      const source = joints.find((j) => j.name === joint.mimic!.joint);
      if (!source) throw new UrdfError(`<joint name="${joint.name}"> <mimic> names the joint "${joint.mimic.joint}", which does not exist`);
      if (source.mimic) throw new UrdfError(`<joint name="${joint.name}"> <mimic> names "${source.name}", which itself mimics another joint`);
      if (source.type === 'fixed') throw new UrdfError(`<joint name="${joint.name}"> <mimic> names the fixed joint "${source.name}"`);
    }
  }

  const roots = links.filter((l) => !parentOf.has(l.name)).map((l) => l.name);
  if (roots.length === 0) throw new UrdfError('no root link: every link is some joint\'s child, so the joints form a cycle');
  if (roots.length > 1) throw new UrdfError(`several root links (${roots.join(', ')}): the links must form one tree`);
  // Walk up from every link; a walk longer than the link count is a cycle.
  const jointByName = new Map(joints.map((j) => [j.name, j]));
  for (const link of links) {
    let current = link.name;
    for (let steps = 0; parentOf.has(current); steps++) {
      if (steps > links.length) throw new UrdfError(`the joints form a cycle through link "${link.name}"`);
      current = jointByName.get(parentOf.get(current)!)!.parent;
    }
  }

  const transmissions = children(robot, 'transmission').map(parseTransmission);
  for (const control of children(robot, 'ros2_control')) transmissions.push(...children(control, 'transmission').map(parseTransmission));

  return { name, links, joints, materials: [...materials.values()], transmissions, root: roots[0] };
}
