// Rolling reference / feedback / error plot (uPlot). Samples arrive at message rate and are
// decimated into fixed 10 ms buckets (the last sample of a bucket wins) in preallocated rings for
// every joint; the chart is redrawn at 10 Hz for the chosen joint.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Plot window (s) and bucket width (s). */
export const PLOT_WINDOW = 10;
export const PLOT_BUCKET = 0.01;
const CAPACITY = Math.round(PLOT_WINDOW / PLOT_BUCKET);

/** Rolling per-joint history of reference, feedback and error (rad, rad, rad). */
export interface PlotHistory {
  readonly nq: number;
  /** Records one sample at time t (s) for joint k. @realtime */
  sample(t: number, k: number, reference: number, feedback: number, error: number): void;
  /** Number of buckets held for joint k. */
  count(k: number): number;
  /** Total samples offered (before decimation) and buckets written. */
  readonly offered: number;
  readonly written: number;
  /** Copies joint k's history, oldest first, into the four arrays; returns the count. */
  copy(k: number, time: Float64Array, reference: Float64Array, feedback: Float64Array, error: Float64Array): number;
}

/** Preallocated history for nq joints. */
export function createPlotHistory(nq: number): PlotHistory {
  const time = new Float64Array(nq * CAPACITY);
  const reference = new Float64Array(nq * CAPACITY);
  const feedback = new Float64Array(nq * CAPACITY);
  const error = new Float64Array(nq * CAPACITY);
  const head = new Int32Array(nq); // next write slot
  const size = new Int32Array(nq);
  const lastBucket = new Float64Array(nq).fill(Number.NaN);
  let offered = 0;
  let written = 0;
  return {
    nq,
    get offered() {
      return offered;
    },
    get written() {
      return written;
    },
    sample(t, k, r, f, e) {
      offered++;
      const bucket = Math.floor(t / PLOT_BUCKET);
      let slot: number;
      if (bucket === lastBucket[k] && size[k] > 0) {
        slot = (head[k] + CAPACITY - 1) % CAPACITY;
      } else {
        slot = head[k];
        head[k] = (slot + 1) % CAPACITY;
        if (size[k] < CAPACITY) size[k]++;
        lastBucket[k] = bucket;
        written++;
      }
      const i = k * CAPACITY + slot;
      time[i] = t;
      reference[i] = r;
      feedback[i] = f;
      error[i] = e;
    },
    count: (k) => size[k],
    copy(k, outTime, outReference, outFeedback, outError) {
      const n = size[k];
      const start = (head[k] + CAPACITY - n) % CAPACITY;
      for (let j = 0; j < n; j++) {
        const i = k * CAPACITY + ((start + j) % CAPACITY);
        outTime[j] = time[i];
        outReference[j] = reference[i];
        outFeedback[j] = feedback[i];
        outError[j] = error[i];
      }
      return n;
    },
  };
}

/** The chart bound to a history; `redraw(k, now)` shows joint k with time relative to `now` (s). */
export interface RollingPlot {
  redraw(k: number, now: number, unit: 'deg' | 'm'): void;
  /** Number of points shown in the last redraw. */
  readonly shown: number;
}

/** Creates the chart in `container`. */
export function createRollingPlot(container: HTMLElement, history: PlotHistory): RollingPlot {
  const t = new Float64Array(CAPACITY);
  const r = new Float64Array(CAPACITY);
  const f = new Float64Array(CAPACITY);
  const e = new Float64Array(CAPACITY);
  const series = (label: string, stroke: string, scale = 'y'): uPlot.Series => ({ label, stroke, width: 1.5, scale, spanGaps: false, points: { show: false } });
  const axisStyle = { stroke: '#7d8896', grid: { stroke: '#222a35', width: 1 }, ticks: { stroke: '#2a3240', width: 1 } };
  const plot = new uPlot(
    {
      width: Math.max(200, container.clientWidth),
      height: Math.max(100, container.clientHeight - 30),
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false, range: [-PLOT_WINDOW, 0] } },
      axes: [{ ...axisStyle, label: 't − now [s]', labelSize: 14, size: 30 }, { ...axisStyle, size: 52 }, { ...axisStyle, side: 1, scale: 'e', size: 52 }],
      series: [{ label: 't' }, series('reference', '#4fc3f7'), series('feedback', '#f0883e'), series('error', '#f85149', 'e')],
    },
    [[], [], [], []],
    container,
  );
  new ResizeObserver(() => plot.setSize({ width: Math.max(200, container.clientWidth), height: Math.max(100, container.clientHeight - 30) })).observe(container);
  // uPlot wants plain arrays with null for gaps (a NaN would poison the axis range).
  const columns: (number | null)[][] = [[], [], [], []];
  let shown = 0;
  return {
    get shown() {
      return shown;
    },
    redraw(k, now, unit) {
      const n = history.copy(k, t, r, f, e);
      const gain = unit === 'deg' ? 180 / Math.PI : 1;
      const sources = [t, r, f, e];
      for (let c = 0; c < 4; c++) {
        const column = columns[c];
        const source = sources[c];
        column.length = n;
        for (let j = 0; j < n; j++) {
          const x = source[j];
          column[j] = Number.isFinite(x) ? (c === 0 ? x - now : x * gain) : null;
        }
      }
      shown = n;
      plot.setData(columns as uPlot.AlignedData);
    },
  };
}
