// Quantities with units in drive files ("0.42 ohm", "3000 rpm", "12 mH", "0.5 arcmin", "25 degC"),
// parsed with mathjs into SI numbers after a dimension check. Config-time only (mathjs is far too
// slow for a tick). Angles count as dimensionless, so "N m/A" and "V s/rad" are the same quantity.
import { all, create, type MathJsInstance, type Unit } from 'mathjs';
import { DriveError } from './joint-drive.ts';

/** The physical quantity a drive-file field holds. */
export type QuantityKind =
  | 'ratio' | 'angle' | 'jointAngle' | 'speed' | 'jointSpeed' | 'inertia' | 'torque' | 'jointTorque' | 'stiffness'
  | 'damping' | 'motorDamping' | 'resistance' | 'inductance' | 'torqueConstant' | 'voltage' | 'current' | 'temperature'
  | 'temperatureCoefficient' | 'temperatureDifference' | 'thermalResistance' | 'thermalCapacity' | 'time' | 'frequency'
  | 'velocityGain' | 'velocityIntegralGain' | 'currentGain' | 'currentIntegralGain';

interface KindInfo {
  name: string;
  example: string;
  /** Example for a prismatic joint's joint-side quantity, when it differs. */
  prismatic?: string;
}

const KINDS: Record<QuantityKind, KindInfo> = {
  ratio: { name: 'a plain number', example: '0.8' },
  angle: { name: 'an angle', example: '0.5 arcmin' },
  jointAngle: { name: 'a joint angle', example: '0.5 arcmin', prismatic: '0.01 mm' },
  speed: { name: 'a speed', example: '3000 rpm' },
  jointSpeed: { name: 'a joint speed', example: '1 rad/s', prismatic: '0.1 m/s' },
  inertia: { name: 'an inertia', example: '0.5 kg cm^2' },
  torque: { name: 'a torque', example: '0.02 N m' },
  jointTorque: { name: 'a joint torque', example: '10 N m', prismatic: '10 N' },
  stiffness: { name: 'a torsional stiffness', example: '1.3e4 N m/rad', prismatic: '1e7 N/m' },
  damping: { name: 'a joint-side damping', example: '20 N m s/rad', prismatic: '200 N s/m' },
  motorDamping: { name: 'a damping', example: '1e-5 N m s/rad' },
  resistance: { name: 'a resistance', example: '0.42 ohm' },
  inductance: { name: 'an inductance', example: '12 mH' },
  torqueConstant: { name: 'a torque or back-EMF constant', example: '0.05 N m/A' },
  voltage: { name: 'a voltage', example: '48 V' },
  current: { name: 'a current', example: '10 A' },
  temperature: { name: 'a temperature with its unit', example: '25 degC' },
  temperatureCoefficient: { name: 'a temperature coefficient', example: '0.00393 K^-1' },
  temperatureDifference: { name: 'a temperature difference', example: '20 K' },
  thermalResistance: { name: 'a thermal resistance', example: '1.5 K/W' },
  thermalCapacity: { name: 'a heat capacity', example: '60 J/K' },
  time: { name: 'a time', example: '2 ms' },
  frequency: { name: 'a frequency', example: '20 kHz' },
  velocityGain: { name: 'a velocity-loop gain', example: '0.05 A s/rad' },
  velocityIntegralGain: { name: 'a velocity-loop integral gain', example: '20 A/rad' },
  currentGain: { name: 'a current-loop gain', example: '5 V/A' },
  currentIntegralGain: { name: 'a current-loop integral gain', example: '4000 V/(A s)' },
};

let instance: MathJsInstance | undefined;

function math(): MathJsInstance {
  if (!instance) {
    instance = create(all);
    // mathjs has no rpm; 1 rpm = 2π/60 rad/s, with short prefixes for "krpm".
    instance.createUnit('rpm', { definition: `${(2 * Math.PI) / 60} rad/s`, prefixes: 'short' });
  }
  return instance;
}

const ANGLE = 7; // index of ANGLE in mathjs' base dimensions (radians are dimensionless in SI)

function sameDimension(a: Unit, b: Unit): boolean {
  const da = a.dimensions, db = b.dimensions;
  for (let i = 0; i < da.length; i++) if (i !== ANGLE && Math.abs(da[i] - db[i]) > 1e-12) return false;
  return true;
}

const expectedUnits = new Map<string, Unit>();

function expectedUnit(example: string): Unit {
  let unit = expectedUnits.get(example);
  if (!unit) {
    unit = math().unit(example.replace(/^\S+\s+/, '1 '));
    expectedUnits.set(example, unit);
  }
  return unit;
}

/**
 * Parses a drive-file value of the given kind into an SI number: a number is taken as SI already
 * (temperatures must carry a unit), a string is "<number> <unit>" checked for dimension, "80 %"
 * works for plain numbers. Throws DriveError naming `where` (joint and field), the value and the expected unit.
 */
export function parseQuantity(value: unknown, kind: QuantityKind, where: string, prismatic = false): number {
  const info = KINDS[kind];
  const example = prismatic && info.prismatic ? info.prismatic : info.example;
  const fail = (why: string): never => {
    throw new DriveError(`${where} = ${JSON.stringify(value)} ${why}, expected ${info.name} like "${example}"`);
  };
  if (typeof value === 'number') {
    if (!Number.isFinite(value) && !(value === Infinity && kind !== 'ratio')) fail('is not finite');
    if (kind === 'temperature') fail('has no unit');
    return value;
  }
  if (typeof value !== 'string') return fail('is not a number or a "<number> <unit>" string');
  const text = value.trim();
  const bare = Number(text);
  if (text !== '' && !Number.isNaN(bare)) return parseQuantity(bare, kind, where, prismatic);
  if (/^inf(inity)?$/i.test(text) && kind !== 'ratio' && kind !== 'temperature') return Infinity;
  if (kind === 'ratio') {
    const percent = /^([-+0-9.eE]+)\s*%$/.exec(text);
    if (percent && !Number.isNaN(Number(percent[1]))) return Number(percent[1]) / 100;
    return fail('is not a plain number');
  }
  let unit: Unit;
  try {
    unit = math().unit(text);
  } catch {
    return fail('is not a "<number> <unit>" quantity mathjs understands');
  }
  if (unit.units.length === 0 || unit.value === null) return fail('has no unit');
  if (!sameDimension(unit, expectedUnit(example))) fail('has the wrong unit');
  const si = unit.toSI().toNumber();
  if (!Number.isFinite(si)) fail('is not finite');
  return si;
}
