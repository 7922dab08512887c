// Benchmark harness: every benchmark in bench/ registers cases here; `embodied bench` runs them.
//
// A case times a function in batches after a warm-up and reports the median, p99 and worst batch
// time per call. Results are JSON lines: {"name","unit","median","p99","n", ...extra}.

/** One result line. `median`, `p99`, `max` and `mean` are in `unit` per operation. */
export interface BenchResult {
  name: string;
  unit: string;
  median: number;
  p99: number;
  n: number;
  [extra: string]: unknown;
}

/** Options every benchmark receives. */
export interface BenchOptions {
  /** Short smoke run (CI): fewer samples, same code paths. */
  quick: boolean;
  /** Progress for long runs, written to stderr by the runner (fraction 0..1). */
  progress: (fraction: number) => void;
  /** Whether a result of this name is wanted (`--filter`): a group may skip the cases nobody asked for. */
  wanted: (name: string) => boolean;
}

/** A registered benchmark: returns one or more results. */
export interface Benchmark {
  name: string;
  run: (options: BenchOptions) => BenchResult[] | Promise<BenchResult[]>;
  /** Names of the results it gives (for `--filter` on result names); [name] when it gives one. */
  results: readonly string[];
}

const registry: Benchmark[] = [];

/** Adds a benchmark to the run; called at module load by bench/*.bench.ts files. */
export function bench(name: string, run: Benchmark['run'], results: readonly string[] = [name]): void {
  registry.push({ name, run, results });
}

/** The benchmarks registered so far, in registration order. */
export function registeredBenchmarks(): readonly Benchmark[] {
  return registry;
}

/** Sorted-sample statistics in the samples' unit. */
export function summarize(samples: Float64Array | number[]): { median: number; p99: number; max: number; mean: number; min: number } {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  if (n === 0) return { median: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN, min: Number.NaN };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i];
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))];
  return { median: at(0.5), p99: at(0.99), max: sorted[n - 1], mean: sum / n, min: sorted[0] };
}

/** Monotonic time in nanoseconds (float). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/**
 * Times `fn` in batches of `batch` calls: `samples` batches after `warmup` batches, and returns
 * per-call statistics in ns. Batching keeps the timer's own cost (~50 ns) out of sub-µs figures.
 */
export function timeCalls(
  name: string,
  fn: (i: number) => void,
  options: BenchOptions & { batch?: number; samples?: number; warmup?: number },
  extra: Record<string, unknown> = {},
): BenchResult {
  const batch = options.batch ?? 100;
  const samples = options.quick ? Math.min(50, options.samples ?? 2000) : options.samples ?? 2000;
  const warmup = options.quick ? 20 : options.warmup ?? 200;
  const times = new Float64Array(samples);
  let call = 0;
  for (let s = 0; s < warmup; s++) for (let i = 0; i < batch; i++) fn(call++);
  for (let s = 0; s < samples; s++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn(call++);
    times[s] = Number(process.hrtime.bigint() - t0) / batch;
    if ((s & 255) === 0) options.progress(s / samples);
  }
  const stats = summarize(times);
  return { name, unit: 'ns', median: stats.median, p99: stats.p99, n: samples * batch, max: stats.max, mean: stats.mean, ...extra };
}
