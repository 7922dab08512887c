// Allocation probe for @realtime code: bytes allocated per call, measured on the V8 heap after a
// warm-up and a full collection (gc exposed at run time through v8.setFlagsFromString).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/** Runs a full garbage collection (exposes V8's gc on first use). */
export function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

/** What the probe saw over the measured calls. */
export interface AllocationReport {
  /** Bytes allocated per call (average over the measured calls of the best round). */
  bytesPerCall: number;
  /** Total bytes allocated in the best round. */
  totalBytes: number;
  calls: number;
  /** Bytes per call of every round (the first may include code still waiting for the optimizing compiler). */
  rounds: number[];
}

/**
 * Calls `fn` `warmup` times (JIT), collects, then `calls` times while sampling heapUsed every
 * `every` calls; growths between samples are summed, so a scavenge in the middle (the heap
 * shrinks) does not hide what was allocated before it (at most one window's worth is lost to a
 * scavenge, and a young generation of megabytes sees few). One sample costs about 1.5 kB inside a
 * vitest worker, so the default window (10 000 calls) adds ~0.15 B per call.
 */
export function measureAllocation(fn: () => void, calls = 100_000, warmup = 20_000, every = 10_000): AllocationReport {
  for (let i = 0; i < warmup; i++) fn();
  // And at least half a second of wall time: the optimizing compiler works on a background
  // thread, and until its code is installed the interpreter boxes every double.
  for (const end = Date.now() + 500; Date.now() < end; ) for (let i = 0; i < 1000; i++) fn();
  return measureRounds(fn, calls, every, 3);
}

/**
 * Steady-state allocation: the best of `rounds` measured rounds. Code that V8 is still compiling
 * runs in the interpreter, which boxes every double, so one round can show allocation that the
 * optimized code does not make; an allocation the code really makes shows in every round.
 */
function measureRounds(fn: () => void, calls: number, every: number, rounds: number): AllocationReport {
  const seen: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const total = measureOnce(fn, calls, every);
    seen.push(total / calls);
    if (total < best) best = total;
  }
  return { bytesPerCall: best / calls, totalBytes: best, calls, rounds: seen };
}

function measureOnce(fn: () => void, calls: number, every: number): number {
  collectGarbage();
  let total = 0;
  let last = process.memoryUsage().heapUsed;
  for (let i = 0; i < calls; i++) {
    fn();
    if (i % every === every - 1) {
      const now = process.memoryUsage().heapUsed;
      if (now > last) total += now - last;
      last = now;
    }
  }
  return total;
}
