// /diagnostics shown as a list, plus what the status bar needs from it: the control loop's jitter,
// e-stop state and reason, faults, collision events and per-joint motor readings.
import type { RobotModel } from '../../robot/model.ts';
import type { DiagnosticEntry } from './sensor-store.ts';
import type { MotorReadings } from './joint-table.ts';

/** What the page extracted from the last DiagnosticArray. */
export interface DiagnosticSummary {
  /** Control loop jitter (lateness p99) in ms, NaN when not reported. */
  jitterMs: number;
  /** True when a status reports the e-stop latched; its reason. */
  estop: boolean;
  estopReason: string;
  /** Statuses at ERROR or STALE level. */
  faults: string[];
  /** Collision statuses (name or key mentions collision) at WARN or worse. */
  collisions: string[];
}

const LEVEL_NAMES = ['OK', 'WARN', 'ERROR', 'STALE'];

function numberIn(text: string): number {
  const match = /-?\d+(\.\d+)?(e-?\d+)?/i.exec(text);
  return match ? Number(match[0]) : Number.NaN;
}

/** A duration in ms from a value and its key: the unit is taken from the key suffix (`_us`, `_ms`, `_s`) or the value text. */
function durationMs(key: string, value: string): number {
  const x = numberIn(value);
  const unit = /(?:_|\b)(us|µs|ms|s)$/i.exec(key.trim())?.[1] ?? /(us|µs|ms|s)\s*$/i.exec(value.trim())?.[1] ?? 'ms';
  const u = unit.toLowerCase();
  return u === 'us' || u === 'µs' ? x / 1000 : u === 's' ? x * 1000 : x;
}

/**
 * Extracts the summary and motor readings. Keys are matched loosely so both our loop and other
 * ROS drivers fit: `jitter`/`lateness p99` (ms unless a unit says otherwise), `estop`/`e-stop`,
 * `reason`, and per joint `current` (A) / `temperature` (°C) on a status whose name or
 * hardware_id is the joint name (or keys `<joint> current`).
 */
export function summarizeDiagnostics(status: DiagnosticEntry[], model: RobotModel | undefined, motors: MotorReadings | undefined): DiagnosticSummary {
  const summary: DiagnosticSummary = { jitterMs: Number.NaN, estop: false, estopReason: '', faults: [], collisions: [] };
  for (const entry of status) {
    const lowerName = entry.name.toLowerCase();
    if (entry.level >= 2) summary.faults.push(`${entry.name}: ${entry.message}`);
    if (lowerName.includes('collision') && entry.level >= 1) summary.collisions.push(`${entry.name}: ${entry.message}`);
    let joint = model ? model.jointNames.findIndex((n) => n === entry.name || n === entry.hardwareId || lowerName.endsWith(`/${n.toLowerCase()}`)) : -1;
    for (const { key, value } of entry.values) {
      const lowerKey = key.toLowerCase();
      const isJitter = lowerKey.includes('jitter') || /lateness[ _]p99/.test(lowerKey);
      if (isJitter && !Number.isFinite(summary.jitterMs)) summary.jitterMs = durationMs(lowerKey, value);
      if (lowerKey.includes('estop') || lowerKey.includes('e-stop') || lowerKey === 'safety state' || lowerKey === 'state') {
        const v = value.toLowerCase();
        if (v === 'true' || v.includes('e-stop') || v.includes('estop') || v === 'latched') summary.estop = true;
      }
      if (lowerKey.includes('reason') && value) summary.estopReason = value;
      if (lowerKey.includes('collision') && value && value !== 'false' && value !== '0' && value !== 'none') summary.collisions.push(`${entry.name}: ${key} = ${value}`);
      if (model && motors) {
        let k = joint;
        const prefixed = model.jointNames.findIndex((n) => lowerKey.startsWith(`${n.toLowerCase()} `) || lowerKey.startsWith(`${n.toLowerCase()}/`));
        if (prefixed >= 0) k = prefixed;
        if (k < 0) continue;
        if (lowerKey.includes('current')) motors.current[k] = numberIn(value);
        if (lowerKey.includes('temperature')) {
          const t = numberIn(value);
          motors.temperature[k] = /\bK\b/.test(value) ? t - 273.15 : t;
        }
      }
    }
    joint = -1;
  }
  return summary;
}

/** Renders the statuses into `list` (replaced wholesale; diagnostics arrive at about 1 Hz). */
export function renderDiagnostics(list: HTMLElement, status: DiagnosticEntry[]): void {
  const items = status.map((entry) => {
    const item = document.createElement('li');
    item.className = `level-${entry.level}`;
    const title = document.createElement('div');
    title.innerHTML = '<b></b> <span class="muted"></span>';
    (title.firstChild as HTMLElement).textContent = `${LEVEL_NAMES[entry.level] ?? entry.level} ${entry.name}`;
    (title.lastChild as HTMLElement).textContent = entry.message;
    item.append(title);
    if (entry.values.length > 0) {
      const values = document.createElement('div');
      values.className = 'values';
      values.textContent = entry.values.map((kv) => `${kv.key}: ${kv.value}`).join(' · ');
      item.append(values);
    }
    return item;
  });
  list.replaceChildren(...items);
}
