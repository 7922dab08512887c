// Scenario files (YAML or JSON): what to simulate, how to control it, what to disturb it with,
// what to measure and when it passes. `parseScenario` validates from `unknown` into a typed
// Scenario; every error names the file, the field, the value and what was expected.
import { parse as parseYaml } from 'yaml';
import { quantity, quantityVector, ScenarioError, type SiUnit } from './units.ts';

/** Controllers a scenario may run in the stack's loop. */
export const CONTROLLER_KINDS = ['position-forward', 'cascade-effort', 'computed-torque'] as const;
/** Reference kinds. */
export const REFERENCE_KINDS = ['hold', 'steps', 'waypoints', 'trajectory', 'jog'] as const;
/** Disturbance kinds. */
export const DISTURBANCE_KINDS = ['payload', 'force', 'sensor-dropout', 'stream-loss', 'delay', 'estop'] as const;
/** Metric names; each has a unit (see METRIC_UNITS). */
export const METRICS = ['tracking-rms', 'tracking-max', 'overshoot', 'settling-time', 'final-error', 'peak-current', 'peak-temperature', 'energy', 'stop-time', 'travel-after', 'peak-speed'] as const;
/** One of METRICS. */
export type MetricName = (typeof METRICS)[number];
/** The unit each metric is reported and thresholded in. */
export const METRIC_UNITS: Record<MetricName, SiUnit> = {
  'tracking-rms': 'rad', 'tracking-max': 'rad', overshoot: '%', 'settling-time': 's', 'final-error': 'rad', 'peak-current': 'A',
  'peak-temperature': 'K', energy: 'J', 'stop-time': 's', 'travel-after': 'rad', 'peak-speed': 'rad/s',
};

/** A joint named or numbered (0-based) in the file; resolved against the model by the runner. */
export type JointRef = string | number;

/** PID gains for the cascade (per joint arrays or one value for all). */
export interface GainSet { kp?: number | number[]; ki?: number | number[]; kd?: number | number[] }

/** The stack's controller in the scenario. */
export interface ControllerSpec {
  kind: (typeof CONTROLLER_KINDS)[number];
  /** Loop rate (Hz), a divisor of the physics rate. */
  rate: number;
  position: GainSet;
  velocity: GainSet;
  /** Gravity feedforward for effort controllers. */
  gravity: boolean;
  stateTimeout: number;
  commandTimeout: number;
}

/** A step of one joint's reference to an absolute position at a time. */
export interface StepSpec { at: number; joint: JointRef; to: number }
/** Timed waypoints (JointTrajectory points). */
export interface WaypointSpec { time: number; positions: number[] }
/** A jog segment: joint velocity streamed from `at` for `duration`. */
export interface JogSpec { at: number; duration: number; joint: JointRef; velocity: number }

/** The reference the stack follows. */
export type ReferenceSpec =
  | { kind: 'hold' }
  | { kind: 'steps'; steps: StepSpec[] }
  | { kind: 'waypoints'; points: WaypointSpec[] }
  | { kind: 'trajectory'; positions: number[][]; speedScale: number; start: number }
  | { kind: 'jog'; segments: JogSpec[]; streamRate: number };

/** A disturbance, active from `at` for `duration` (Infinity: to the end). */
export type DisturbanceSpec =
  | { kind: 'payload'; at: number; mass: number; com: number[] }
  | { kind: 'force'; at: number; duration: number; link: string; force: number[]; point: number[] }
  | { kind: 'sensor-dropout'; at: number; duration: number }
  | { kind: 'stream-loss'; at: number; duration: number }
  | { kind: 'delay'; at: number; duration: number; delay: number }
  | { kind: 'estop'; at: number; reason: string };

/** A metric with its window and pass/fail bounds (SI, unit per METRIC_UNITS). */
export interface MetricSpec {
  metric: MetricName;
  /** Joints it covers (default all); the worst joint counts. */
  joints?: JointRef[];
  from: number;
  to: number;
  /** For stop-time / travel-after: the event time the metric counts from. */
  after?: number;
  max?: number;
  min?: number;
}

/** A validated scenario. */
export interface Scenario {
  name: string;
  description: string;
  robot: string;
  drive?: string;
  coupling: 'rigid' | 'compliant' | 'ideal';
  integrator: 'semi-implicit-euler' | 'rk4';
  seed: number;
  dt: number;
  duration: number;
  initial?: number[];
  sensorNoise: boolean;
  controller: ControllerSpec;
  reference: ReferenceSpec;
  disturbances: DisturbanceSpec[];
  metrics: MetricSpec[];
}

type Record_ = Record<string, unknown>;

function object(value: unknown, field: string): Record_ {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ScenarioError(`${field}: expected a mapping (object), got ${JSON.stringify(value)}`);
  return value as Record_;
}
function onlyKeys(record: Record_, allowed: readonly string[], field: string): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw new ScenarioError(`${field}.${key}: unknown field (expected one of ${allowed.join(', ')})`);
  }
}
function oneOf<T extends string>(value: unknown, choices: readonly T[], field: string): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected one of ${choices.join(', ')}`);
  return value as T;
}
function text(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected a non-empty string`);
  return value;
}
function list(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected a list`);
  return value;
}
function jointRef(value: unknown, field: string): JointRef {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new ScenarioError(`${field} = ${JSON.stringify(value)}: expected a joint name or a 0-based joint index`);
}
function nonNegative(value: number, field: string): number {
  if (!(value >= 0)) throw new ScenarioError(`${field} = ${value}: expected >= 0`);
  return value;
}
function gains(value: unknown, field: string): GainSet {
  if (value === undefined) return {};
  const g = object(value, field);
  onlyKeys(g, ['kp', 'ki', 'kd'], field);
  const out: GainSet = {};
  for (const key of ['kp', 'ki', 'kd'] as const) {
    const raw = g[key];
    if (raw === undefined) continue;
    if (typeof raw === 'number' && raw >= 0 && Number.isFinite(raw)) out[key] = raw;
    else if (Array.isArray(raw) && raw.every((x) => typeof x === 'number' && x >= 0 && Number.isFinite(x))) out[key] = raw as number[];
    else throw new ScenarioError(`${field}.${key} = ${JSON.stringify(raw)}: expected a number >= 0 or a list of them (one per joint)`);
  }
  return out;
}

function parseController(value: unknown): ControllerSpec {
  const c = object(value ?? {}, 'controller');
  onlyKeys(c, ['kind', 'rate', 'gains', 'gravity', 'safety'], 'controller');
  const g = object(c.gains ?? {}, 'controller.gains');
  onlyKeys(g, ['position', 'velocity'], 'controller.gains');
  const safety = object(c.safety ?? {}, 'controller.safety');
  onlyKeys(safety, ['stateTimeout', 'commandTimeout'], 'controller.safety');
  const rate = quantity(c.rate ?? 1000, 'Hz', 'controller.rate');
  if (!(rate > 0)) throw new ScenarioError(`controller.rate = ${rate}: expected > 0 Hz`);
  if (c.gravity !== undefined && typeof c.gravity !== 'boolean') throw new ScenarioError(`controller.gravity = ${JSON.stringify(c.gravity)}: expected true or false`);
  return {
    kind: oneOf(c.kind ?? 'position-forward', CONTROLLER_KINDS, 'controller.kind'),
    rate,
    position: gains(g.position, 'controller.gains.position'),
    velocity: gains(g.velocity, 'controller.gains.velocity'),
    gravity: c.gravity === undefined ? true : (c.gravity as boolean),
    stateTimeout: nonNegative(quantity(safety.stateTimeout ?? 0.05, 's', 'controller.safety.stateTimeout'), 'controller.safety.stateTimeout'),
    commandTimeout: nonNegative(quantity(safety.commandTimeout ?? 0.1, 's', 'controller.safety.commandTimeout'), 'controller.safety.commandTimeout'),
  };
}

function parseReference(value: unknown): ReferenceSpec {
  const r = object(value ?? { kind: 'hold' }, 'reference');
  const kind = oneOf(r.kind, REFERENCE_KINDS, 'reference.kind');
  switch (kind) {
    case 'hold':
      onlyKeys(r, ['kind'], 'reference');
      return { kind };
    case 'steps':
      onlyKeys(r, ['kind', 'steps'], 'reference');
      return {
        kind,
        steps: list(r.steps, 'reference.steps').map((raw, i) => {
          const f = `reference.steps[${i}]`;
          const s = object(raw, f);
          onlyKeys(s, ['at', 'joint', 'to'], f);
          return { at: nonNegative(quantity(s.at, 's', `${f}.at`), `${f}.at`), joint: jointRef(s.joint, `${f}.joint`), to: quantity(s.to, 'rad', `${f}.to`) };
        }),
      };
    case 'waypoints':
      onlyKeys(r, ['kind', 'points'], 'reference');
      return {
        kind,
        points: list(r.points, 'reference.points').map((raw, i) => {
          const f = `reference.points[${i}]`;
          const p = object(raw, f);
          onlyKeys(p, ['time', 'positions'], f);
          const positions = list(p.positions, `${f}.positions`).map((x, j) => quantity(x, 'rad', `${f}.positions[${j}]`));
          return { time: nonNegative(quantity(p.time, 's', `${f}.time`), `${f}.time`), positions };
        }),
      };
    case 'trajectory': {
      onlyKeys(r, ['kind', 'positions', 'speedScale', 'start'], 'reference');
      const positions = list(r.positions, 'reference.positions').map((row, i) => list(row, `reference.positions[${i}]`).map((x, j) => quantity(x, 'rad', `reference.positions[${i}][${j}]`)));
      if (positions.length === 0) throw new ScenarioError('reference.positions: expected at least one waypoint');
      const speedScale = quantity(r.speedScale ?? 1, '1', 'reference.speedScale');
      if (!(speedScale > 0 && speedScale <= 1)) throw new ScenarioError(`reference.speedScale = ${speedScale}: expected 0 < speedScale <= 1`);
      return { kind, positions, speedScale, start: nonNegative(quantity(r.start ?? 0, 's', 'reference.start'), 'reference.start') };
    }
    case 'jog': {
      onlyKeys(r, ['kind', 'segments', 'streamRate'], 'reference');
      const streamRate = quantity(r.streamRate ?? 100, 'Hz', 'reference.streamRate');
      if (!(streamRate > 0)) throw new ScenarioError(`reference.streamRate = ${streamRate}: expected > 0 Hz`);
      return {
        kind,
        streamRate,
        segments: list(r.segments, 'reference.segments').map((raw, i) => {
          const f = `reference.segments[${i}]`;
          const s = object(raw, f);
          onlyKeys(s, ['at', 'duration', 'joint', 'velocity'], f);
          return {
            at: nonNegative(quantity(s.at, 's', `${f}.at`), `${f}.at`),
            duration: nonNegative(quantity(s.duration, 's', `${f}.duration`), `${f}.duration`),
            joint: jointRef(s.joint, `${f}.joint`),
            velocity: quantity(s.velocity, 'rad/s', `${f}.velocity`),
          };
        }),
      };
    }
  }
}

function parseDisturbance(raw: unknown, i: number): DisturbanceSpec {
  const f = `disturbances[${i}]`;
  const d = object(raw, f);
  const kind = oneOf(d.kind, DISTURBANCE_KINDS, `${f}.kind`);
  const at = nonNegative(quantity(d.at, 's', `${f}.at`), `${f}.at`);
  const duration = d.duration === undefined ? Infinity : nonNegative(quantity(d.duration, 's', `${f}.duration`), `${f}.duration`);
  switch (kind) {
    case 'payload':
      onlyKeys(d, ['kind', 'at', 'mass', 'com'], f);
      return { kind, at, mass: nonNegative(quantity(d.mass, 'kg', `${f}.mass`), `${f}.mass`), com: d.com === undefined ? [0, 0, 0] : quantityVector(d.com, 'm', 3, `${f}.com`) };
    case 'force':
      onlyKeys(d, ['kind', 'at', 'duration', 'link', 'force', 'point'], f);
      return { kind, at, duration, link: text(d.link, `${f}.link`), force: quantityVector(d.force, 'N', 3, `${f}.force`), point: d.point === undefined ? [0, 0, 0] : quantityVector(d.point, 'm', 3, `${f}.point`) };
    case 'sensor-dropout':
    case 'stream-loss':
      onlyKeys(d, ['kind', 'at', 'duration'], f);
      return { kind, at, duration };
    case 'delay': {
      onlyKeys(d, ['kind', 'at', 'duration', 'delay'], f);
      const delay = nonNegative(quantity(d.delay, 's', `${f}.delay`), `${f}.delay`);
      if (delay > 1) throw new ScenarioError(`${f}.delay = ${delay} s: expected at most 1 s`);
      return { kind, at, duration, delay };
    }
    case 'estop':
      onlyKeys(d, ['kind', 'at', 'reason'], f);
      return { kind, at, reason: d.reason === undefined ? 'scenario e-stop' : text(d.reason, `${f}.reason`) };
  }
}

function parseMetric(raw: unknown, i: number, duration: number): MetricSpec {
  const f = `metrics[${i}]`;
  const m = object(raw, f);
  onlyKeys(m, ['metric', 'joints', 'from', 'to', 'after', 'max', 'min'], f);
  const metric = oneOf(m.metric, METRICS, `${f}.metric`);
  const unit = METRIC_UNITS[metric];
  const spec: MetricSpec = {
    metric,
    from: nonNegative(quantity(m.from ?? 0, 's', `${f}.from`), `${f}.from`),
    to: m.to === undefined ? duration : quantity(m.to, 's', `${f}.to`),
  };
  if (m.joints !== undefined) spec.joints = list(m.joints, `${f}.joints`).map((j, k) => jointRef(j, `${f}.joints[${k}]`));
  if (m.after !== undefined) spec.after = nonNegative(quantity(m.after, 's', `${f}.after`), `${f}.after`);
  if ((metric === 'stop-time' || metric === 'travel-after') && spec.after === undefined) throw new ScenarioError(`${f}.after: required for ${metric} (the time of the event it counts from)`);
  if (m.max !== undefined) spec.max = quantity(m.max, unit, `${f}.max`);
  if (m.min !== undefined) spec.min = quantity(m.min, unit, `${f}.min`);
  if (spec.max === undefined && spec.min === undefined) throw new ScenarioError(`${f}: give max and/or min (the pass/fail threshold, ${unit})`);
  if (!(spec.to > spec.from)) throw new ScenarioError(`${f}: window from ${spec.from} s to ${spec.to} s is empty`);
  return spec;
}

/** Validates a parsed document into a Scenario; `source` (file name) prefixes every error. */
export function scenarioFromDocument(document: unknown, source: string): Scenario {
  try {
    const d = object(document, 'scenario');
    onlyKeys(d, ['name', 'description', 'robot', 'drive', 'coupling', 'integrator', 'seed', 'dt', 'duration', 'initial', 'sensorNoise', 'controller', 'reference', 'disturbances', 'metrics'], 'scenario');
    const duration = quantity(d.duration, 's', 'duration');
    if (!(duration > 0 && duration <= 600)) throw new ScenarioError(`duration = ${duration} s: expected 0 < duration <= 600 s`);
    const dt = quantity(d.dt ?? 0.001, 's', 'dt');
    if (!(dt > 0 && dt <= 0.01)) throw new ScenarioError(`dt = ${dt} s: expected 0 < dt <= 10 ms`);
    if (d.seed !== undefined && !(typeof d.seed === 'number' && Number.isInteger(d.seed))) throw new ScenarioError(`seed = ${JSON.stringify(d.seed)}: expected an integer`);
    if (d.sensorNoise !== undefined && typeof d.sensorNoise !== 'boolean') throw new ScenarioError(`sensorNoise = ${JSON.stringify(d.sensorNoise)}: expected true or false`);
    const scenario: Scenario = {
      name: d.name === undefined ? source.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '') : text(d.name, 'name'),
      description: d.description === undefined ? '' : String(d.description),
      robot: d.robot === undefined ? 'servo-arm' : text(d.robot, 'robot'),
      coupling: oneOf(d.coupling ?? 'rigid', ['rigid', 'compliant', 'ideal'] as const, 'coupling'),
      integrator: oneOf(d.integrator ?? 'semi-implicit-euler', ['semi-implicit-euler', 'rk4'] as const, 'integrator'),
      seed: (d.seed as number | undefined) ?? 1,
      dt,
      duration,
      sensorNoise: (d.sensorNoise as boolean | undefined) ?? true,
      controller: parseController(d.controller),
      reference: parseReference(d.reference),
      disturbances: d.disturbances === undefined ? [] : list(d.disturbances, 'disturbances').map(parseDisturbance),
      metrics: list(d.metrics ?? [], 'metrics').map((m, i) => parseMetric(m, i, duration)),
    };
    if (d.drive !== undefined) scenario.drive = text(d.drive, 'drive');
    if (d.initial !== undefined) scenario.initial = list(d.initial, 'initial').map((x, i) => quantity(x, 'rad', `initial[${i}]`));
    if (scenario.metrics.length === 0) throw new ScenarioError('metrics: expected at least one metric with a threshold (a scenario that cannot fail tests nothing)');
    return scenario;
  } catch (error) {
    if (error instanceof ScenarioError) throw new ScenarioError(`${source}: ${error.message}`);
    throw error;
  }
}

/** Parses scenario text (YAML, or JSON when it starts with '{'). */
export function parseScenario(textIn: string, source: string): Scenario {
  let document: unknown;
  try {
    document = textIn.trimStart().startsWith('{') ? JSON.parse(textIn) : parseYaml(textIn);
  } catch (error) {
    throw new ScenarioError(`${source}: not valid ${textIn.trimStart().startsWith('{') ? 'JSON' : 'YAML'}: ${(error as Error).message}`);
  }
  return scenarioFromDocument(document, source);
}
