// Charts of the Tuning tab (uPlot): a step response (reference and feedback against time since the
// step) and a Bode plot (magnitude in dB and phase in degrees against log frequency, closed and
// open loop). Charts are sized from their container and follow its width.
import uPlot from 'uplot';
import type { Bode } from './tuning-analysis.ts';

const AXIS = { stroke: '#7d8896', grid: { stroke: '#222a35', width: 1 }, ticks: { stroke: '#2a3240', width: 1 } };

function line(label: string, stroke: string, dash?: number[]): uPlot.Series {
  return { label, stroke, width: 1.5, points: { show: false }, ...(dash ? { dash } : {}) };
}

function follow(plot: uPlot, container: HTMLElement, height: number): void {
  const width = () => Math.max(240, container.clientWidth || 380);
  new ResizeObserver(() => {
    if (container.clientWidth > 0) plot.setSize({ width: width(), height });
  }).observe(container);
}

/** A chart the tab refills after each test. */
export interface StepChart {
  /** Shows samples (t in s since the step, values in the joint's display unit). */
  show(t: ArrayLike<number>, reference: ArrayLike<number>, feedback: ArrayLike<number>): void;
  readonly points: number;
}

/** Step response chart in `container`. */
export function createStepChart(container: HTMLElement, unit: string): StepChart {
  const height = 170;
  const plot = new uPlot(
    {
      width: Math.max(240, container.clientWidth || 380), height,
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [{ ...AXIS, label: 't since step [s]', labelSize: 14, size: 30 }, { ...AXIS, label: unit, labelSize: 14, size: 50 }],
      series: [{ label: 't' }, line('reference', '#4fc3f7'), line('feedback', '#f0883e')],
    },
    [[], [], []],
    container,
  );
  follow(plot, container, height);
  let points = 0;
  return {
    get points() {
      return points;
    },
    show(t, reference, feedback) {
      points = t.length;
      plot.setData([Array.from(t), Array.from(reference), Array.from(feedback)]);
    },
  };
}

/** Bode chart: magnitude above, phase below. */
export interface BodeChart {
  show(closed: Bode, open: Bode): void;
  readonly points: number;
}

/** Bode chart in `container` (two stacked uPlot charts sharing a log frequency axis). */
export function createBodeChart(container: HTMLElement): BodeChart {
  const height = 140;
  const options = (label: string): uPlot.Options => ({
    width: Math.max(240, container.clientWidth || 380), height,
    legend: { live: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, distr: 3, log: 10 } },
    axes: [{ ...AXIS, label: 'f [Hz]', labelSize: 14, size: 30 }, { ...AXIS, label, labelSize: 14, size: 50 }],
    series: [{ label: 'f' }, line('closed loop', '#4fc3f7'), line('open loop', '#f0883e', [5, 4])],
  });
  const magnitude = new uPlot(options('|H| [dB]'), [[], [], []], container);
  const phase = new uPlot(options('∠H [deg]'), [[], [], []], container);
  follow(magnitude, container, height);
  follow(phase, container, height);
  let points = 0;
  return {
    get points() {
      return points;
    },
    show(closed, open) {
      // One shared x column: the closed loop's frequencies; the open loop aligned onto it (null where absent).
      const x = closed.frequency;
      const aligned = (values: number[]) => x.map((f) => {
        const i = open.frequency.indexOf(f);
        return i >= 0 && Number.isFinite(values[i]) ? values[i] : null;
      });
      points = x.length;
      magnitude.setData([x, closed.magnitudeDb, aligned(open.magnitudeDb)] as uPlot.AlignedData);
      phase.setData([x, closed.phaseDeg, aligned(open.phaseDeg)] as uPlot.AlignedData);
    },
  };
}
