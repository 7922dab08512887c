// The page's half of the control loop's tuning wire API (control/WIRE.md): labelled
// std_msgs/Float64MultiArray messages whose single dimension is labelled "<path>:<field>,<field>,..."
// with data[i] the value of field i. Every value typed into the page is validated and clamped here
// before it is published; nothing non-finite ever leaves the page. Pure; unit-tested in Node.
//
// Outgoing: gains "gains/<joint>/<loop>:kp,ki,kd,..." on /embodied/gains; tests on /embodied/tuning:
// "tune/step/<joint>:amplitude,duration", "tune/relay/<joint>:amplitude,hysteresis,setpoint",
// "tune/chirp/<joint>:f0,f1,duration,amplitude". Incoming results on /embodied/tuning/result.

/** Wire names (control/WIRE.md). */
export const GAINS_TOPIC = '/embodied/gains';
export const TUNING_TOPIC = '/embodied/tuning';
export const TUNING_RESULT_TOPIC = '/embodied/tuning/result';
/** std_msgs/String from the loop for every gains message: "applied <joint>/<loop>" or "rejected <joint>/<loop>: <why>". */
export const GAINS_RESULT_TOPIC = '/embodied/gains/result';
export const MULTI_ARRAY_TYPE = 'std_msgs/Float64MultiArray';

/** A std_msgs/Float64MultiArray-shaped message. */
export interface LabeledArray {
  layout: { dim: { label: string; size: number; stride: number }[]; data_offset: number };
  data: number[];
}

/** A decoded labelled array: path segments and named values. */
export interface Labeled {
  path: string[];
  fields: Record<string, number>;
}

/** Range of one field typed into the page: [min, max] in the field's unit; `nonZero` rejects 0. */
export interface FieldSpec {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly nonZero?: boolean;
}

/** Result of clamping one value. */
export interface Clamped {
  value: number;
  /** True when the value typed was outside [min, max] and was moved to the nearest bound. */
  clamped: boolean;
}

/** Gains a page may set, with ranges generous enough for any servo arm (units: per rad, per rad/s). */
export const GAIN_FIELDS: readonly FieldSpec[] = [
  { name: 'kp', min: 0, max: 1e5, unit: '1/s or N·m/rad' },
  { name: 'ki', min: 0, max: 1e5, unit: '1/s²' },
  { name: 'kd', min: 0, max: 1e4, unit: 's' },
  { name: 'b', min: 0, max: 1, unit: '' },
  { name: 'c', min: 0, max: 1, unit: '' },
  { name: 'tf', min: 0, max: 1, unit: 's' },
];

/** Validates `raw` (a number or the text of an input) for `spec` and clamps it; throws naming the field. */
export function clampField(spec: FieldSpec, raw: unknown, where = spec.name): Clamped {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`${where} = ${JSON.stringify(raw)}, expected a finite number in [${spec.min}, ${spec.max}]${spec.unit ? ` ${spec.unit}` : ''}`);
  }
  const clamped = Math.min(spec.max, Math.max(spec.min, value));
  if (spec.nonZero && clamped === 0) throw new Error(`${where} = ${JSON.stringify(raw)}, expected a non-zero value`);
  return { value: clamped, clamped: clamped !== value };
}

/** Encodes a labelled array; path segments must be non-empty and free of ':', '/' and ','. */
export function encodeLabeled(path: readonly string[], fields: Record<string, number>): LabeledArray {
  for (const segment of path) {
    if (segment === '' || /[:/,\s]/.test(segment)) throw new Error(`label segment ${JSON.stringify(segment)}: expected a non-empty name without ':', '/', ',' or spaces`);
  }
  const names = Object.keys(fields);
  if (names.length === 0) throw new Error(`label ${path.join('/')}: expected at least one field`);
  for (const name of names) {
    if (!Number.isFinite(fields[name])) throw new Error(`${path.join('/')}:${name} = ${fields[name]}, expected a finite number`);
  }
  return {
    layout: { dim: [{ label: `${path.join('/')}:${names.join(',')}`, size: names.length, stride: names.length }], data_offset: 0 },
    data: names.map((n) => fields[n]),
  };
}

/** Decodes a labelled array from an unknown message; throws naming the field and value. */
export function decodeLabeled(message: unknown): Labeled {
  const bad = (field: string, value: unknown, expected: string): never => {
    throw new Error(`${field} = ${JSON.stringify(value)?.slice(0, 80)}, expected ${expected}`);
  };
  if (typeof message !== 'object' || message === null) return bad('message', message, 'a std_msgs/Float64MultiArray');
  const record = message as Record<string, unknown>;
  const layout = record.layout;
  if (typeof layout !== 'object' || layout === null) return bad('layout', layout, 'a MultiArrayLayout');
  const dims = (layout as Record<string, unknown>).dim;
  if (!Array.isArray(dims) || dims.length !== 1) return bad('layout.dim', dims, 'exactly one dimension');
  const dim = dims[0] as Record<string, unknown> | null;
  const label = typeof dim === 'object' && dim !== null ? dim.label : undefined;
  if (typeof label !== 'string') return bad('layout.dim[0].label', label, 'a string "<path>:<field>,..."');
  const colon = label.lastIndexOf(':');
  if (colon <= 0) return bad('layout.dim[0].label', label, '"<path>:<field>,<field>,..."');
  const path = label.slice(0, colon).split('/');
  const names = label.slice(colon + 1).split(',');
  if (names.some((n) => n === '')) return bad('layout.dim[0].label', label, 'non-empty field names');
  const offset = (layout as Record<string, unknown>).data_offset ?? 0;
  if (offset !== 0) return bad('layout.data_offset', offset, '0');
  const data = record.data;
  if (!Array.isArray(data) || data.length !== names.length) return bad('data', data, `${names.length} numbers (one per field of "${label}")`);
  const fields: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) {
    const x = data[i];
    // NaN is allowed in results ("not measured"); JSON carries it as null.
    if (x === null) fields[names[i]] = Number.NaN;
    else if (typeof x === 'number') fields[names[i]] = x;
    else bad(`data[${i}] (${names[i]})`, x, 'a number');
  }
  return { path, fields };
}

/** A gains message for `joint`'s `loop` from raw inputs (partial: only the fields given); clamps every value. */
export function buildGains(joint: string, loop: string, raw: Record<string, unknown>): { message: LabeledArray; clamped: string[] } {
  const fields: Record<string, number> = {};
  const clamped: string[] = [];
  for (const spec of GAIN_FIELDS) {
    if (!(spec.name in raw) || raw[spec.name] === '' || raw[spec.name] === undefined) continue;
    const result = clampField(spec, raw[spec.name], `gains ${joint}/${loop}.${spec.name}`);
    fields[spec.name] = result.value;
    if (result.clamped) clamped.push(`${spec.name} → ${result.value}`);
  }
  for (const key of Object.keys(raw)) {
    if (!GAIN_FIELDS.some((s) => s.name === key)) throw new Error(`gain field ${JSON.stringify(key)}, expected one of ${GAIN_FIELDS.map((s) => s.name).join(', ')}`);
  }
  return { message: encodeLabeled(['gains', joint, loop], fields), clamped };
}

/** Joint range the tests must stay inside (rad or m); infinite limits become ±π. */
export interface JointRange {
  lower: number;
  upper: number;
  /** Velocity limit (rad/s); effort limit (N·m) bounds the relay amplitude. */
  velocity: number;
  effort: number;
}

/** The kinds of test the page starts. */
export type TuningTest = 'step' | 'relay' | 'chirp';

/** Field specs of each test for one joint (ranges depend on the joint's limits). */
export function testFields(kind: TuningTest, range: JointRange): FieldSpec[] {
  const lower = Number.isFinite(range.lower) ? range.lower : -Math.PI;
  const upper = Number.isFinite(range.upper) ? range.upper : Math.PI;
  const span = Math.max(0, upper - lower);
  const effort = Number.isFinite(range.effort) && range.effort > 0 ? range.effort : 100;
  switch (kind) {
    case 'step': {
      const a = Math.min(0.5, 0.25 * span);
      return [
        { name: 'amplitude', min: -a, max: a, unit: 'rad', nonZero: true },
        { name: 'duration', min: 0.2, max: 10, unit: 's' },
      ];
    }
    case 'relay':
      return [
        { name: 'amplitude', min: 1e-3 * effort, max: 0.5 * effort, unit: 'N·m', nonZero: true },
        { name: 'hysteresis', min: 0, max: 0.05, unit: 'rad' },
        { name: 'setpoint', min: lower + 0.1 * span, max: upper - 0.1 * span, unit: 'rad' },
      ];
    case 'chirp':
      return [
        { name: 'f0', min: 0.05, max: 20, unit: 'Hz' },
        { name: 'f1', min: 0.1, max: 50, unit: 'Hz' },
        { name: 'duration', min: 1, max: 60, unit: 's' },
        { name: 'amplitude', min: 1e-3, max: Math.min(0.2, 0.1 * span), unit: 'rad', nonZero: true },
      ];
  }
}

/** A tuning-test message ("tune/<kind>/<joint>:fields") from raw inputs, every field clamped; chirp needs f1 > f0. */
export function buildTuningTest(kind: TuningTest, joint: string, range: JointRange, raw: Record<string, unknown>): { message: LabeledArray; values: Record<string, number>; clamped: string[] } {
  const values: Record<string, number> = {};
  const clamped: string[] = [];
  for (const spec of testFields(kind, range)) {
    const result = clampField(spec, raw[spec.name], `${kind} ${joint}.${spec.name}`);
    values[spec.name] = result.value;
    if (result.clamped) clamped.push(`${spec.name} → ${+result.value.toPrecision(4)}`);
  }
  if (kind === 'chirp' && !(values.f1 > values.f0)) throw new Error(`chirp ${joint}.f1 = ${values.f1} Hz, expected above f0 = ${values.f0} Hz`);
  return { message: encodeLabeled(['tune', kind, joint], values), values, clamped };
}
