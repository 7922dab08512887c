// The Tuning tab: per-joint gains edited live, a step test with its response and metrics, relay
// autotune (Ku, Tu and gains by rule, with Apply) and a chirp whose record becomes a Bode plot with
// bandwidth and margins. Messages follow control/WIRE.md (tuning-wire.ts); responses are recorded
// from the controller state (reference vs feedback) the page already receives.
import type { RobotModel } from '../../robot/model.ts';
import type { Dialect } from '../../bridge/message-build.ts';
import type { Connection } from './connection.ts';
import {
  GAIN_FIELDS, GAINS_TOPIC, MULTI_ARRAY_TYPE, TUNING_TOPIC, buildGains, buildTuningTest, decodeLabeled, testFields,
  type JointRange, type TuningTest,
} from './tuning-wire.ts';
import { RULES, frequencyResponse, gainsByRule, logSpace, loopFigures, openLoopFromClosed, stepResponseMetrics } from './tuning-analysis.ts';
import { createBodeChart, createStepChart, type BodeChart, type StepChart } from './tuning-charts.ts';

/** Control loops whose gains the page edits (the label's <loop> segment). */
export const GAIN_LOOPS = ['position', 'velocity'] as const;
/** Default test settings shown in the inputs (SI). */
const DEFAULTS: Record<TuningTest, Record<string, number>> = {
  step: { amplitude: 0.1, duration: 2 },
  relay: { amplitude: 2, hysteresis: 0.002, setpoint: 0 },
  chirp: { f0: 0.5, f1: 20, duration: 15, amplitude: 0.02 },
};
const MAX_SAMPLES = 200_000;

/** The panel as main.ts drives it. */
export interface TuningPanel {
  /** Feeds one controller-state sample (t in s; arrays in model order). */
  controllerSample(t: number, reference: ArrayLike<number>, feedback: ArrayLike<number>): void;
  /** Handles a message from /embodied/tuning/result. */
  result(message: unknown): void;
  /** What the tab shows, for the e2e suite. */
  readonly status: { running: TuningTest | ''; lastError: string; step?: Record<string, number>; relay?: Record<string, number>; chirp?: Record<string, number> };
  dispose(): void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function kv(container: HTMLElement, rows: [string, string][]): void {
  container.replaceChildren(...rows.flatMap(([k, v]) => [el('span', {}, k), el('span', {}, v)]));
}

const fmt = (x: number, digits = 3, unit = '') => (Number.isFinite(x) ? `${+x.toPrecision(digits)}${unit ? ` ${unit}` : ''}` : '–');

/** Builds the tab for `model` into `container`. */
export function createTuningPanel(options: {
  container: HTMLElement; model: RobotModel; connection: Connection; dialect: Dialect; report: (text: string, bad: boolean) => void;
}): TuningPanel {
  const { model, connection, report, container } = options;
  container.replaceChildren();
  const gainsPublisher = connection.advertise(GAINS_TOPIC, MULTI_ARRAY_TYPE);
  const tuningPublisher = connection.advertise(TUNING_TOPIC, MULTI_ARRAY_TYPE);
  const status: TuningPanel['status'] = { running: '', lastError: '' };
  const fail = (text: string) => {
    status.lastError = text;
    report(text, true);
  };

  // Joint and loop.
  const jointSelect = el('select', { 'data-testid': 'tuning-joint' });
  jointSelect.append(...model.jointNames.map((name, k) => new Option(name, String(k))));
  const loopSelect = el('select', { 'data-testid': 'tuning-loop' });
  loopSelect.append(...GAIN_LOOPS.map((loop) => new Option(loop, loop)));
  const head = el('div', { class: 'row' });
  head.append(el('label', {}, 'joint'), jointSelect, el('label', {}, 'loop'), loopSelect);
  container.append(head);
  const joint = () => Math.max(0, Math.min(model.nq - 1, Number(jointSelect.value) || 0));
  const range = (k: number): JointRange => ({
    lower: model.softLowerLimit[k], upper: model.softUpperLimit[k], velocity: model.velocityLimit[k], effort: model.effortLimit[k],
  });

  // Gains.
  container.append(el('h3', {}, 'Gains'));
  const gainGrid = el('div', { class: 'tuning-grid' });
  const gainInputs = new Map<string, HTMLInputElement>();
  for (const spec of GAIN_FIELDS) {
    const input = el('input', { type: 'number', step: 'any', min: String(spec.min), max: String(spec.max), 'data-testid': `gain-${spec.name}`, title: spec.unit });
    gainInputs.set(spec.name, input);
    gainGrid.append(el('label', {}, spec.name), input);
  }
  container.append(gainGrid);
  const live = el('input', { type: 'checkbox', 'data-testid': 'gains-live' });
  live.checked = true;
  const sendGains = el('button', { 'data-testid': 'gains-send' }, 'send gains');
  const gainRow = el('div', { class: 'row' });
  const liveLabel = el('label');
  liveLabel.append(live, ' live');
  gainRow.append(liveLabel, sendGains);
  container.append(gainRow);

  const publishGains = (raw: Record<string, unknown>): boolean => {
    const name = model.jointNames[joint()];
    try {
      const { message, clamped } = buildGains(name, loopSelect.value, raw);
      if (message.data.length === 0) return false;
      if (!gainsPublisher.publish(message as unknown as Record<string, unknown>)) throw new Error('gains not sent: not connected');
      // Show what was sent (the clamped values).
      message.layout.dim[0].label.split(':')[1].split(',').forEach((field, i) => {
        const input = gainInputs.get(field);
        if (input) input.value = String(message.data[i]);
      });
      if (clamped.length > 0) report(`gains clamped: ${clamped.join(', ')}`, true);
      return true;
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      return false;
    }
  };
  const typedGains = (only?: string): Record<string, unknown> => {
    const raw: Record<string, unknown> = {};
    for (const [name, input] of gainInputs) if ((only === undefined || only === name) && input.value.trim() !== '') raw[name] = input.value;
    return raw;
  };
  for (const [name, input] of gainInputs) input.addEventListener('change', () => live.checked && publishGains(typedGains(name)));
  sendGains.addEventListener('click', () => publishGains(typedGains()));

  // Test sections share this builder: inputs, a start button and a result block.
  const inputsOf = new Map<TuningTest, Map<string, HTMLInputElement>>();
  const section = (kind: TuningTest, title: string) => {
    container.append(el('h3', {}, title));
    const grid = el('div', { class: 'tuning-grid' });
    const inputs = new Map<string, HTMLInputElement>();
    for (const spec of testFields(kind, range(joint()))) {
      const input = el('input', { type: 'number', step: 'any', 'data-testid': `${kind}-${spec.name}`, title: spec.unit });
      input.value = String(DEFAULTS[kind][spec.name]);
      inputs.set(spec.name, input);
      grid.append(el('label', {}, `${spec.name}${spec.unit ? ` [${spec.unit}]` : ''}`), input);
    }
    inputsOf.set(kind, inputs);
    const start = el('button', { 'data-testid': `${kind}-start` }, `start ${kind}`);
    const state = el('span', { class: 'muted', 'data-testid': `${kind}-state` });
    const row = el('div', { class: 'row' });
    row.append(start, state);
    const results = el('div', { class: 'kv', 'data-testid': `${kind}-result` });
    container.append(grid, row, results);
    return { start, state, results };
  };

  // Recording of the selected joint's reference and feedback while a test runs.
  const record = { kind: '' as TuningTest | '', k: 0, t: new Float64Array(0), r: new Float64Array(0), y: new Float64Array(0), n: 0, sentAt: 0, values: {} as Record<string, number> };
  let finishTimer: ReturnType<typeof setTimeout> | undefined;
  const begin = (kind: TuningTest, stateLabel: HTMLElement, recordFor: number) => {
    const k = joint();
    const name = model.jointNames[k];
    const raw: Record<string, unknown> = {};
    for (const [field, input] of inputsOf.get(kind)!) raw[field] = input.value;
    try {
      const { message, values, clamped } = buildTuningTest(kind, name, range(k), raw);
      if (!tuningPublisher.publish(message as unknown as Record<string, unknown>)) throw new Error(`${kind} test not sent: not connected`);
      for (const [field, input] of inputsOf.get(kind)!) input.value = String(+values[field].toPrecision(6));
      if (clamped.length > 0) report(`${kind} settings clamped: ${clamped.join(', ')}`, true);
      const capacity = Math.min(MAX_SAMPLES, Math.ceil((recordFor + 2) * 1000));
      Object.assign(record, { kind, k, n: 0, sentAt: performance.now(), values, t: new Float64Array(capacity), r: new Float64Array(capacity), y: new Float64Array(capacity) });
      status.running = kind;
      stateLabel.textContent = `running on ${name}…`;
      if (finishTimer) clearTimeout(finishTimer);
      finishTimer = setTimeout(() => finish(kind), (recordFor + 0.5) * 1000);
      return true;
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
      return false;
    }
  };

  const step = section('step', 'Step test');
  const stepChartBox = el('div', { class: 'tuning-chart', 'data-testid': 'step-chart' });
  container.append(stepChartBox);
  let stepChart: StepChart | undefined;
  step.start.addEventListener('click', () => {
    const duration = Number(inputsOf.get('step')!.get('duration')!.value);
    begin('step', step.state, Number.isFinite(duration) ? Math.min(10, Math.max(0.2, duration)) + 0.5 : 3);
  });

  const relay = section('relay', 'Relay autotune');
  const ruleSelect = el('select', { 'data-testid': 'relay-rule' });
  ruleSelect.append(...Object.keys(RULES).map((rule) => new Option(rule, rule)));
  const apply = el('button', { 'data-testid': 'relay-apply', disabled: '' }, 'apply gains');
  const ruleRow = el('div', { class: 'row' });
  ruleRow.append(el('label', {}, 'rule'), ruleSelect, apply);
  container.append(ruleRow);
  let suggestion: { kp: number; ki: number; kd: number } | undefined;
  let ultimate: { ku: number; tu: number; joint: string } | undefined;
  const showRelay = () => {
    if (!ultimate) return;
    try {
      suggestion = gainsByRule(ruleSelect.value, ultimate.ku, ultimate.tu);
      apply.disabled = false;
    } catch (error) {
      suggestion = undefined;
      apply.disabled = true;
      status.lastError = error instanceof Error ? error.message : String(error);
    }
    status.relay = { ku: ultimate.ku, tu: ultimate.tu, ...(suggestion ?? {}) };
    kv(relay.results, [
      ['joint', ultimate.joint], ['Ku', fmt(ultimate.ku)], ['Tu', fmt(ultimate.tu, 3, 's')],
      ['kp', fmt(suggestion?.kp ?? Number.NaN)], ['ki', fmt(suggestion?.ki ?? Number.NaN)], ['kd', fmt(suggestion?.kd ?? Number.NaN)],
    ]);
  };
  ruleSelect.addEventListener('change', showRelay);
  relay.start.addEventListener('click', () => {
    if (begin('relay', relay.state, 30)) {
      suggestion = undefined;
      apply.disabled = true;
    }
  });
  apply.addEventListener('click', () => {
    if (!suggestion || !ultimate) return;
    const k = model.jointNames.indexOf(ultimate.joint);
    if (k >= 0) jointSelect.value = String(k);
    if (publishGains({ kp: suggestion.kp, ki: suggestion.ki, kd: suggestion.kd })) report(`gains applied to ${ultimate.joint}/${loopSelect.value}`, false);
  });

  const chirp = section('chirp', 'Chirp → Bode');
  const bodeBox = el('div', { class: 'tuning-chart', 'data-testid': 'bode-chart' });
  container.append(bodeBox);
  let bodeChart: BodeChart | undefined;
  chirp.start.addEventListener('click', () => {
    const duration = Number(inputsOf.get('chirp')!.get('duration')!.value);
    begin('chirp', chirp.state, (Number.isFinite(duration) ? Math.min(60, Math.max(1, duration)) : 15) + 0.5);
  });

  const finish = (kind: TuningTest) => {
    if (record.kind !== kind) return;
    record.kind = '';
    status.running = '';
    const n = record.n;
    const t = record.t.subarray(0, n);
    const r = record.r.subarray(0, n);
    const y = record.y.subarray(0, n);
    const label = kind === 'step' ? step.state : kind === 'relay' ? relay.state : chirp.state;
    if (kind === 'relay') {
      if (!ultimate) label.textContent = 'no result from the loop on /embodied/tuning/result';
      return;
    }
    if (n < 8) {
      label.textContent = `no controller state received (${n} samples): is the loop publishing /embodied/controller_state?`;
      status.lastError = label.textContent;
      return;
    }
    try {
      if (kind === 'step') {
        // The step starts where the reference first leaves its initial value by half the amplitude.
        const amplitude = record.values.amplitude;
        let s = 0;
        while (s < n && Math.abs(r[s] - r[0]) < 0.5 * Math.abs(amplitude)) s++;
        if (s >= n) throw new Error(`no step of ${amplitude} rad seen in the reference of ${model.jointNames[record.k]}`);
        const initial = y[Math.max(0, s - 1)];
        const target = r[0] + amplitude;
        const metrics = stepResponseMetrics(t.subarray(s), y.subarray(s), initial, target, r.subarray(s));
        status.step = { ...metrics };
        kv(step.results, [
          ['rise 10–90 %', fmt(metrics.rise * 1e3, 3, 'ms')], ['overshoot', fmt(metrics.overshoot * 100, 3, '%')],
          ['settling 2 %', fmt(metrics.settling, 3, 's')], ['IAE', fmt(metrics.iae, 3, 'rad·s')], ['steady error', fmt(metrics.steadyStateError, 3, 'rad')],
        ]);
        const t0 = t[s];
        stepChart ??= createStepChart(stepChartBox, 'deg');
        stepChart.show(Array.from(t, (x) => x - t0), Array.from(r, (x) => (x * 180) / Math.PI), Array.from(y, (x) => (x * 180) / Math.PI));
        label.textContent = `${n} samples`;
      } else {
        const closed = frequencyResponse(t, r, y, logSpace(record.values.f0, record.values.f1, 60));
        if (closed.frequency.length < 2) throw new Error(`controller state too sparse (${(n / Math.max(1e-9, t[n - 1] - t[0])).toFixed(0)} Hz) for ${record.values.f0}..${record.values.f1} Hz`);
        const open = openLoopFromClosed(closed);
        const figures = loopFigures(closed, open);
        status.chirp = { ...figures, points: closed.frequency.length };
        kv(chirp.results, [
          ['bandwidth −3 dB', fmt(figures.bandwidth, 3, 'Hz')], ['phase margin', fmt(figures.phaseMargin, 3, '°')], ['at', fmt(figures.gainCrossover, 3, 'Hz')],
          ['gain margin', fmt(figures.gainMargin, 3, 'dB')], ['at', fmt(figures.phaseCrossover, 3, 'Hz')], ['points', String(closed.frequency.length)],
        ]);
        bodeChart ??= createBodeChart(bodeBox);
        bodeChart.show(closed, open);
        label.textContent = `${n} samples, up to ${fmt(closed.frequency[closed.frequency.length - 1], 3, 'Hz')}`;
      }
      status.lastError = '';
    } catch (error) {
      label.textContent = error instanceof Error ? error.message : String(error);
      status.lastError = label.textContent;
    }
  };

  return {
    status,
    controllerSample(time, reference, feedback) {
      if (record.kind === '' || record.n >= record.t.length) return;
      const k = record.k;
      const r = reference[k];
      const y = feedback[k];
      if (!Number.isFinite(r) || !Number.isFinite(y) || !Number.isFinite(time)) return;
      if (record.n > 0 && time <= record.t[record.n - 1]) return;
      record.t[record.n] = time;
      record.r[record.n] = r;
      record.y[record.n] = y;
      record.n++;
    },
    result(message) {
      let decoded;
      try {
        decoded = decodeLabeled(message);
      } catch (error) {
        fail(`/embodied/tuning/result: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      const [head, kind, name] = decoded.path;
      if (head !== 'result' || !model.jointNames.includes(name ?? '')) return;
      const f = decoded.fields;
      if (kind === 'relay') {
        ultimate = { ku: f.ku, tu: f.tu, joint: name };
        relay.state.textContent = Number.isFinite(f.ku) && Number.isFinite(f.tu) ? `done on ${name}` : `failed on ${name}`;
        if (record.kind === 'relay') {
          record.kind = '';
          status.running = '';
        }
        showRelay();
      } else if (kind === 'step' || kind === 'chirp') {
        // The loop's own figures, shown beside the page's.
        const box = kind === 'step' ? step.results : chirp.results;
        for (const [key, value] of Object.entries(f)) box.append(el('span', {}, `loop: ${key}`), el('span', {}, fmt(value)));
      }
    },
    dispose() {
      if (finishTimer) clearTimeout(finishTimer);
      record.kind = '';
    },
  };
}
