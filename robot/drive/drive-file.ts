// Drive files: a per-robot description of every joint's drive in YAML or JSON, values with units.
//
//   robot: servo-arm            # optional; must match the model's name when given
//   defaults:                   # optional; applied to every joint before its own entry
//     motor: {busVoltage: "48 V"}
//   joints:
//     shoulder:
//       reducer: {preset: harmonic, ratio: 100, backlash: "0.5 arcmin"}
//       motor: {resistance: "0.42 ohm", inductance: "1.2 mH", torqueConstant: "0.05 N m/A", ...}
//       motorFriction: {...}  jointFriction: {...}  encoder: {...}  firmware: {...}
//
// Layers, lowest first: the ideal drive (defaultJointDrive), the reducer preset, the URDF
// <transmission> (ratio; its joint-side offset o becomes the motor-side offset -N·o, as
// ros2_control's SimpleTransmission has joint = actuator/N + o), `defaults`, the joint's entry.
// Unknown keys, wrong units and bad values are DriveErrors naming the joint, field, value and unit.
import { parse as parseYaml } from 'yaml';
import type { RobotModel } from '../model.ts';
import type { DriveSet } from './drive-set.ts';
import { buildDriveSet, defaultJointDrive, DriveError, type FrictionParams, type JointDrive } from './joint-drive.ts';
import { REDUCER_PRESETS } from './presets.ts';
import { parseQuantity, type QuantityKind } from './units.ts';

type Field = QuantityKind | 'boolean' | 'integer' | 'feedback' | 'stiffness3' | 'breakTorque' | 'kinematicError' | 'preset' | 'timeConstant';

const REDUCER: Record<string, Field> = {
  preset: 'preset', ratio: 'ratio', offset: 'angle', inputInertia: 'inertia', forwardEfficiency: 'ratio', backEfficiency: 'ratio',
  efficiencyBand: 'speed', rigid: 'boolean', backlash: 'jointAngle', stiffness: 'stiffness3', breakTorque: 'breakTorque', damping: 'damping',
  hysteresisLoss: 'jointAngle', kinematicError: 'kinematicError',
};
const MOTOR_FRICTION: Record<string, Field> = {
  coulomb: 'torque', breakaway: 'torque', stribeckVelocity: 'speed', viscous: 'motorDamping', lugre: 'boolean', sigma0: 'stiffness',
  sigma1: 'motorDamping', smoothingVelocity: 'speed',
};
const JOINT_FRICTION: Record<string, Field> = {
  coulomb: 'jointTorque', breakaway: 'jointTorque', stribeckVelocity: 'jointSpeed', viscous: 'damping', lugre: 'boolean', sigma0: 'stiffness',
  sigma1: 'damping', smoothingVelocity: 'jointSpeed',
};
const MOTOR: Record<string, Field> = {
  rotorInertia: 'inertia', resistance: 'resistance', temperatureCoefficient: 'temperatureCoefficient', referenceTemperature: 'temperature',
  inductance: 'inductance', torqueConstant: 'torqueConstant', backEmfConstant: 'torqueConstant', busVoltage: 'voltage', peakCurrent: 'current',
  continuousCurrent: 'current', ratedSpeed: 'speed', thermalResistance: 'thermalResistance', thermalCapacity: 'thermalCapacity',
  thermalTimeConstant: 'timeConstant', ambientTemperature: 'temperature', maxTemperature: 'temperature', deratingBand: 'temperatureDifference',
};
const ENCODER: Record<string, Field> = { motorCounts: 'integer', jointCounts: 'integer', jointOffset: 'jointAngle' };
const FIRMWARE: Record<string, Field> = {
  currentRate: 'frequency', velocityRate: 'frequency', positionRate: 'frequency', currentKp: 'currentGain', currentKi: 'currentIntegralGain',
  velocityKp: 'velocityGain', velocityKi: 'velocityIntegralGain', positionKp: 'frequency', velocityFilter: 'frequency', inertiaRatio: 'ratio',
  positionFeedback: 'feedback', backlashCompensation: 'boolean',
};
const GROUPS: Record<string, Record<string, Field>> = {
  reducer: REDUCER, motorFriction: MOTOR_FRICTION, jointFriction: JOINT_FRICTION, motor: MOTOR, encoder: ENCODER, firmware: FIRMWARE,
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected a mapping of keys to values`);
  return value;
}

function checkKeys(entry: Record<string, unknown>, known: readonly string[], where: string): void {
  for (const key of Object.keys(entry)) {
    if (!known.includes(key)) throw new DriveError(`${where}: unknown key "${key}" (known: ${known.join(', ')})`);
  }
}

/** Value of one field converted to SI (or boolean/string), checked. */
function fieldValue(value: unknown, field: Field, where: string, prismatic: boolean): unknown {
  switch (field) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected true or false`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected a whole number of counts ≥ 0`);
      return value;
    case 'feedback':
      if (value !== 'motor' && value !== 'joint') throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected "motor" or "joint"`);
      return value;
    case 'preset':
      if (typeof value !== 'string' || !(value in REDUCER_PRESETS)) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected one of ${Object.keys(REDUCER_PRESETS).join(', ')}`);
      return value;
    case 'stiffness3': {
      if (Array.isArray(value)) {
        if (value.length !== 3) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected one stiffness or three [K1, K2, K3]`);
        return value.map((k, i) => parseQuantity(k, 'stiffness', `${where}[${i}]`, prismatic));
      }
      const k = parseQuantity(value, 'stiffness', where, prismatic);
      return [k, k, k];
    }
    case 'breakTorque':
      if (!Array.isArray(value) || value.length !== 2) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected two torques [T1, T2]`);
      return value.map((t, i) => parseQuantity(t, 'jointTorque', `${where}[${i}]`, prismatic));
    case 'kinematicError': {
      if (!Array.isArray(value)) throw new DriveError(`${where} = ${JSON.stringify(value)} is invalid, expected a list of {amplitude, order, phase}`);
      return value.map((term, i) => {
        const at = `${where}[${i}]`;
        const t = record(term, at);
        checkKeys(t, ['amplitude', 'order', 'phase'], at);
        return {
          amplitude: parseQuantity(t.amplitude, 'jointAngle', `${at}.amplitude`, prismatic),
          order: parseQuantity(t.order ?? 1, 'ratio', `${at}.order`),
          phase: parseQuantity(t.phase ?? 0, 'angle', `${at}.phase`),
        };
      });
    }
    case 'timeConstant':
      return parseQuantity(value, 'time', where);
    default:
      return parseQuantity(value, field, where, prismatic);
  }
}

/** Applies one raw joint entry (a drive-file joint mapping) on top of `drive`, in place. */
function applyEntry(drive: JointDrive, raw: unknown, where: string, prismatic: boolean): void {
  const entry = record(raw, where);
  checkKeys(entry, Object.keys(GROUPS), where);
  for (const [group, fields] of Object.entries(GROUPS)) {
    if (entry[group] === undefined) continue;
    const at = `${where}: ${group}`;
    const values = record(entry[group], at);
    checkKeys(values, Object.keys(fields), at);
    const parsed: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(values)) parsed[key] = fieldValue(value, fields[key], `${at}.${key}`, prismatic);
    delete parsed.preset;
    if (group === 'reducer') {
      const reducer = drive.reducer as unknown as Record<string, unknown>;
      if (parsed.rigid === undefined && parsed.stiffness !== undefined) parsed.rigid = false;
      if (parsed.stiffness !== undefined && !Array.isArray(values.stiffness) && parsed.breakTorque === undefined) parsed.breakTorque = [Infinity, Infinity];
      if (parsed.rigid === true) {
        for (const key of ['backlash', 'hysteresisLoss'] as const) if (parsed[key] === undefined) parsed[key] = 0;
      }
      Object.assign(reducer, parsed);
    } else if (group === 'motor') {
      const timeConstant = parsed.thermalTimeConstant as number | undefined;
      delete parsed.thermalTimeConstant;
      if (parsed.torqueConstant !== undefined && parsed.backEmfConstant === undefined) parsed.backEmfConstant = parsed.torqueConstant;
      if (parsed.backEmfConstant !== undefined && parsed.torqueConstant === undefined) parsed.torqueConstant = parsed.backEmfConstant;
      Object.assign(drive.motor, parsed);
      if (timeConstant !== undefined) {
        if (values.thermalCapacity !== undefined) throw new DriveError(`${at}: give thermalCapacity or thermalTimeConstant, not both`);
        drive.motor.thermalCapacity = timeConstant / drive.motor.thermalResistance;
      }
    } else if (group === 'motorFriction' || group === 'jointFriction') {
      const friction: FrictionParams = drive[group];
      if (parsed.coulomb !== undefined && parsed.breakaway === undefined) parsed.breakaway = Math.max(friction.breakaway, parsed.coulomb as number);
      Object.assign(friction, parsed);
    } else {
      Object.assign(drive[group as 'encoder' | 'firmware'], parsed);
    }
  }
}

function presetOf(raw: unknown): string | undefined {
  if (!isRecord(raw) || !isRecord(raw.reducer)) return undefined;
  return typeof raw.reducer.preset === 'string' ? raw.reducer.preset : undefined;
}

/** Options for parseDriveFile. */
export interface DriveFileOptions {
  /** 'yaml' or 'json'; by default JSON when the text starts with "{", else YAML. */
  format?: 'yaml' | 'json';
}

/** Per-joint drives (q order, SI) from an already-parsed drive document; throws DriveError. */
export function jointDrivesFromDocument(document: unknown, model: RobotModel): JointDrive[] {
  const top = record(document, 'drive file');
  checkKeys(top, ['robot', 'defaults', 'joints'], 'drive file');
  if (top.robot !== undefined && top.robot !== model.name) {
    throw new DriveError(`drive file: robot = ${JSON.stringify(top.robot)} does not match the model "${model.name}"`);
  }
  const joints = record(top.joints ?? {}, 'drive file: joints');
  for (const name of Object.keys(joints)) {
    if (!model.jointNames.includes(name)) throw new DriveError(`drive file: joints: unknown joint "${name}" (model "${model.name}" has: ${model.jointNames.join(', ')})`);
  }
  const missing = model.jointNames.filter((name) => joints[name] === undefined);
  if (top.defaults === undefined && missing.length > 0) {
    throw new DriveError(`drive file: joints ${missing.map((n) => `"${n}"`).join(', ')} have no entry and there are no defaults`);
  }
  return model.jointNames.map((name, j) => {
    const prismatic = model.linkJointType[model.jointLink[j]] === 2;
    const drive = defaultJointDrive();
    const where = `drive file: joint "${name}"`;
    const own = joints[name];
    if (top.defaults !== undefined) record(top.defaults, 'drive file: defaults');
    const preset = presetOf(own) ?? presetOf(top.defaults);
    if (preset !== undefined) {
      fieldValue(preset, 'preset', `${where}: reducer.preset`, prismatic);
      applyEntry(drive, { reducer: REDUCER_PRESETS[preset] }, `preset "${preset}"`, prismatic);
    }
    for (const transmission of model.urdf.transmissions) {
      const entry = transmission.joints.find((t) => t.name === name);
      if (!entry) continue;
      const reduction = entry.mechanicalReduction ?? transmission.actuators[0]?.mechanicalReduction;
      if (reduction !== undefined) drive.reducer.ratio = reduction;
      drive.reducer.offset = -drive.reducer.ratio * (entry.offset ?? 0);
    }
    if (top.defaults !== undefined) applyEntry(drive, top.defaults, 'drive file: defaults', prismatic);
    if (own !== undefined && own !== null) applyEntry(drive, own, where, prismatic);
    return drive;
  });
}

/** Parses a drive file (YAML or JSON text) for `model` into an immutable DriveSet; throws DriveError naming joint, field, value and unit. */
export function parseDriveFile(text: string, model: RobotModel, options: DriveFileOptions = {}): DriveSet {
  if (typeof text !== 'string' || text.trim() === '') throw new DriveError('drive file: the text is empty');
  const format = options.format ?? (text.trimStart().startsWith('{') ? 'json' : 'yaml');
  let document: unknown;
  try {
    document = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new DriveError(`drive file is not valid ${format.toUpperCase()}: ${(error as Error).message}`);
  }
  return buildDriveSet(model, jointDrivesFromDocument(document, model));
}
