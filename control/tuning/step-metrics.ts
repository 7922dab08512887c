// Step-response metrics of a recorded response (time in s, output in the joint's unit).

/** Metrics of a step response; times in s from the step, overshoot as a fraction of the step size. */
export interface StepMetrics {
  /** Time from `riseFrom` to `riseTo` of the step (NaN if never reached). */
  riseTime: number;
  /** (peak − target)/step when the response passes the target, else 0. */
  overshoot: number;
  peak: number;
  peakTime: number;
  /** Time after which the response stays within `settleBand`·|step| of the target (NaN if it never settles). */
  settlingTime: number;
  /** target − mean of the last 5 % of samples. */
  steadyStateError: number;
  /** ∫|e| dt and ∫ t·|e| dt (trapezoidal). */
  iae: number;
  itae: number;
}

/** Options of stepMetrics; fractions of the step size. */
export interface StepMetricOptions {
  riseFrom?: number;
  riseTo?: number;
  settleBand?: number;
}

/** Computes step metrics from samples t[i], y[i] for a step from `initial` to `target` at t[0]. */
export function stepMetrics(t: ArrayLike<number>, y: ArrayLike<number>, initial: number, target: number, options: StepMetricOptions = {}): StepMetrics {
  const n = t.length;
  if (y.length !== n || n < 2) throw new Error(`stepMetrics: t has ${n} samples and y ${y.length}, expected equal lengths >= 2`);
  const step = target - initial;
  if (!(Math.abs(step) > 0)) throw new Error(`stepMetrics: step size ${step}, expected a non-zero step`);
  const riseFrom = options.riseFrom ?? 0.1;
  const riseTo = options.riseTo ?? 0.9;
  const band = options.settleBand ?? 0.02;
  const t0 = t[0];
  const progress = (i: number) => (y[i] - initial) / step;
  let tFrom = Number.NaN;
  let tTo = Number.NaN;
  let peak = y[0];
  let peakTime = 0;
  let best = -Infinity;
  let iae = 0;
  let itae = 0;
  let settledSince = Number.NaN;
  for (let i = 0; i < n; i++) {
    const p = progress(i);
    if (Number.isNaN(tFrom) && p >= riseFrom) tFrom = t[i] - t0;
    if (Number.isNaN(tTo) && p >= riseTo) tTo = t[i] - t0;
    if (p > best) {
      best = p;
      peak = y[i];
      peakTime = t[i] - t0;
    }
    const inside = Math.abs(y[i] - target) <= band * Math.abs(step);
    if (inside && Number.isNaN(settledSince)) settledSince = t[i] - t0;
    if (!inside) settledSince = Number.NaN;
    if (i > 0) {
      const dt = t[i] - t[i - 1];
      const e0 = Math.abs(target - y[i - 1]);
      const e1 = Math.abs(target - y[i]);
      iae += 0.5 * (e0 + e1) * dt;
      itae += 0.5 * ((t[i - 1] - t0) * e0 + (t[i] - t0) * e1) * dt;
    }
  }
  const tail = Math.max(1, Math.floor(n * 0.05));
  let mean = 0;
  for (let i = n - tail; i < n; i++) mean += y[i];
  mean /= tail;
  return {
    riseTime: tTo - tFrom,
    overshoot: best > 1 ? best - 1 : 0,
    peak,
    peakTime,
    settlingTime: settledSince,
    steadyStateError: target - mean,
    iae,
    itae,
  };
}
