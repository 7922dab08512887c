// Measures heap growth over many calls with the collector run before, so per-call garbage shows
// up (1e5 calls of even 16 bytes is 1.6 MB, far under the young generation's first scavenge
// being able to hide it completely). Steady state is what counts: the warm-up lets the optimizing
// compiler finish (interpreted code boxes doubles), and on a loaded machine the measurement is
// repeated up to six times (a one-off such as the optimizing compiler installing code lands in one window; garbage made per call lands in all of them), keeping the smallest growth.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Bytes the heap grew by over `n` calls of `fn` after `warmup` calls (garbage included); min of 6 tries. */
export function heapGrowth(fn: () => void, n: number, warmup = 50_000): number {
  for (let i = 0; i < warmup; i++) fn();
  let best = Infinity;
  for (let attempt = 0; attempt < 6 && best > 64 * 1024; attempt++) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < n; i++) fn();
    best = Math.min(best, process.memoryUsage().heapUsed - before);
  }
  return best;
}
