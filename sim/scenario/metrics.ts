// Metrics of a recorded scenario run, and their pass/fail verdicts. A recording holds one sample
// per control tick: time, reference and true response per joint, joint speed, and per-joint
// motor current, winding temperature and cumulative energy.
import { stepMetrics } from '../../control/tuning/step-metrics.ts';
import { METRIC_UNITS, type MetricSpec, type ReferenceSpec } from './schema.ts';

/** Samples of one run, `count` ticks of `nv` joints (row-major: tick, joint). */
export interface Recording {
  nv: number;
  count: number;
  t: Float64Array;
  reference: Float64Array;
  response: Float64Array;
  velocity: Float64Array;
  current: Float64Array;
  temperature: Float64Array;
  /** Energy drawn since the start, summed over joints (J). */
  energy: Float64Array;
}

/** Allocates a recording for `capacity` ticks. */
export function createRecording(nv: number, capacity: number): Recording {
  return {
    nv, count: 0,
    t: new Float64Array(capacity),
    reference: new Float64Array(capacity * nv), response: new Float64Array(capacity * nv), velocity: new Float64Array(capacity * nv),
    current: new Float64Array(capacity * nv), temperature: new Float64Array(capacity * nv), energy: new Float64Array(capacity),
  };
}

/** One evaluated metric. */
export interface MetricResult {
  metric: string;
  /** Joint (name) the value comes from: the worst of the metric's joints; '' for whole-robot metrics. */
  joint: string;
  value: number;
  unit: string;
  max?: number;
  min?: number;
  passed: boolean;
  /** Why it failed, in words ('' when it passed). */
  reason: string;
}

const STILL = 0.01; // rad/s: "stopped"

function windowIndices(rec: Recording, from: number, to: number): [number, number] {
  let a = 0;
  while (a < rec.count && rec.t[a] < from - 1e-9) a++;
  let b = a;
  while (b < rec.count && rec.t[b] <= to + 1e-9) b++;
  return [a, b];
}

/** Value of one metric for one joint (or the whole robot when joint < 0). */
function evaluate(rec: Recording, spec: MetricSpec, joint: number, reference: ReferenceSpec, stepJoint: (ref: number | string) => number): number {
  const { nv } = rec;
  const [a, b] = windowIndices(rec, spec.from, spec.to);
  if (b <= a) return Number.NaN;
  switch (spec.metric) {
    case 'tracking-rms': {
      let sum = 0;
      for (let i = a; i < b; i++) sum += (rec.reference[i * nv + joint] - rec.response[i * nv + joint]) ** 2;
      return Math.sqrt(sum / (b - a));
    }
    case 'tracking-max': {
      let worst = 0;
      for (let i = a; i < b; i++) worst = Math.max(worst, Math.abs(rec.reference[i * nv + joint] - rec.response[i * nv + joint]));
      return worst;
    }
    case 'final-error':
      return Math.abs(rec.reference[(b - 1) * nv + joint] - rec.response[(b - 1) * nv + joint]);
    case 'peak-speed': {
      let worst = 0;
      for (let i = a; i < b; i++) worst = Math.max(worst, Math.abs(rec.velocity[i * nv + joint]));
      return worst;
    }
    case 'peak-current': {
      let worst = 0;
      for (let i = a; i < b; i++) worst = Math.max(worst, Math.abs(rec.current[i * nv + joint]));
      return worst;
    }
    case 'peak-temperature': {
      let worst = -Infinity;
      for (let i = a; i < b; i++) worst = Math.max(worst, rec.temperature[i * nv + joint]);
      return worst;
    }
    case 'energy':
      return rec.energy[b - 1] - (a > 0 ? rec.energy[a - 1] : 0);
    case 'stop-time': {
      const [start] = windowIndices(rec, spec.after ?? 0, spec.to);
      let stoppedSince = Number.NaN;
      for (let i = start; i < b; i++) {
        const moving = Math.abs(rec.velocity[i * nv + joint]) >= STILL;
        if (moving) stoppedSince = Number.NaN;
        else if (Number.isNaN(stoppedSince)) stoppedSince = rec.t[i];
      }
      return Number.isNaN(stoppedSince) ? Infinity : Math.max(0, stoppedSince - (spec.after ?? 0));
    }
    case 'travel-after': {
      const [start] = windowIndices(rec, spec.after ?? 0, spec.to);
      if (start >= b) return Number.NaN;
      const q0 = rec.response[start * nv + joint];
      let worst = 0;
      for (let i = start; i < b; i++) worst = Math.max(worst, Math.abs(rec.response[i * nv + joint] - q0));
      return worst;
    }
    case 'overshoot':
    case 'settling-time': {
      if (reference.kind !== 'steps') return Number.NaN;
      const steps = reference.steps.filter((s) => stepJoint(s.joint) === joint).sort((x, y) => x.at - y.at);
      let worst = Number.NaN;
      for (let s = 0; s < steps.length; s++) {
        const end = s + 1 < steps.length ? steps[s + 1].at : spec.to;
        const [i0, i1] = windowIndices(rec, Math.max(steps[s].at, spec.from), Math.min(end, spec.to));
        if (i1 - i0 < 2) continue;
        const t = rec.t.subarray(i0, i1);
        const y = Float64Array.from({ length: i1 - i0 }, (_, i) => rec.response[(i0 + i) * nv + joint]);
        const initial = i0 > 0 ? rec.reference[(i0 - 1) * nv + joint] : y[0];
        if (Math.abs(steps[s].to - initial) < 1e-9) continue;
        const m = stepMetrics(t, y, initial, steps[s].to);
        const value = spec.metric === 'overshoot' ? 100 * m.overshoot : Number.isNaN(m.settlingTime) ? Infinity : m.settlingTime;
        worst = Number.isNaN(worst) ? value : Math.max(worst, value);
      }
      return worst;
    }
  }
}

/** Evaluates every metric spec: per joint, the worst joint decides; whole-robot metrics once. */
export function evaluateMetrics(
  rec: Recording, specs: readonly MetricSpec[], reference: ReferenceSpec, jointNames: readonly string[], resolveJoint: (ref: number | string, field: string) => number,
): MetricResult[] {
  const results: MetricResult[] = [];
  specs.forEach((spec, index) => {
    const unit = METRIC_UNITS[spec.metric];
    const joints = spec.joints ? spec.joints.map((j, k) => resolveJoint(j, `metrics[${index}].joints[${k}]`)) : jointNames.map((_, k) => k);
    let value: number;
    let joint = '';
    if (spec.metric === 'energy') {
      value = evaluate(rec, spec, -1, reference, (r) => resolveJoint(r, 'reference'));
    } else {
      value = Number.NaN;
      for (const k of joints) {
        const v = evaluate(rec, spec, k, reference, (r) => resolveJoint(r, 'reference'));
        if (Number.isNaN(v)) continue;
        const worse = Number.isNaN(value) || (spec.min !== undefined && spec.max === undefined ? v < value : v > value);
        if (worse) {
          value = v;
          joint = jointNames[k];
        }
      }
    }
    let reason = '';
    if (Number.isNaN(value)) reason = `${spec.metric} could not be computed (no samples in the window${spec.metric === 'overshoot' || spec.metric === 'settling-time' ? ' or no step of these joints' : ''})`;
    else if (spec.max !== undefined && !(value <= spec.max)) reason = `${spec.metric}${joint ? ` (${joint})` : ''} = ${format(value)} ${unit} > max ${format(spec.max)} ${unit}`;
    else if (spec.min !== undefined && !(value >= spec.min)) reason = `${spec.metric}${joint ? ` (${joint})` : ''} = ${format(value)} ${unit} < min ${format(spec.min)} ${unit}`;
    const result: MetricResult = { metric: spec.metric, joint, value, unit, passed: reason === '', reason };
    if (spec.max !== undefined) result.max = spec.max;
    if (spec.min !== undefined) result.min = spec.min;
    results.push(result);
  });
  return results;
}

/** A number with 4 significant digits for messages. */
export function format(value: number): string {
  return Number.isFinite(value) ? String(+value.toPrecision(4)) : String(value);
}
