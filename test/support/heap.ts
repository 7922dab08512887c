// Heap probes for the zero-allocation tests (vitest project `alloc`, one file at a time).
//
// Two kinds of measurement:
// - heap growth: run `fn` many times between two readings of V8's heapUsed, with a full
//   collection before (and optionally after) the run. Repeated and the smallest round kept: V8
//   allocates now and then on its own (optimized code, feedback vectors), while a function that
//   allocates per call does so in every round (one boxed double a call is 1.6 MB over 1e5 calls).
//   `measureHeapGrowthAsync` also counts the collections that started during the run.
// - sampled allocations: V8's sampling heap profiler sees every allocation, also what a scavenge
//   collects, and attributes bytes to the frame that made them; only frames whose script URL
//   matches a pattern are counted, so the harness's own allocations stay out.
// Steady state is what counts: interpreted code boxes every double, and the optimizing compiler
// works on a background thread, so each measurement starts with a warm-up by calls and/or by
// wall time. gc is exposed at run time through v8.setFlagsFromString.
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, performance } from 'node:perf_hooks';
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

/** heapUsed in bytes after `collections` full garbage collections. */
export function heapUsedAfterGc(collections = 1): number {
  for (let k = 0; k < collections; k++) collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Warm-up before a measurement, run inside each measuring function (next to its measured loop, for the JIT): `passes` x `calls` calls (index 0..calls-1 each pass), then calls in batches of 1000 until `seconds` of wall time have passed. */
export interface Warmup {
  calls?: number;
  passes?: number;
  seconds?: number;
}

/** How `measureHeapGrowth` runs; only `calls` is required. */
export interface HeapGrowthOptions {
  /** Measured calls per round; `fn` gets the index 0..calls-1. */
  calls: number;
  /** Default: none. */
  warmup?: Warmup;
  /** Most rounds measured; the smallest growth is kept. Default 1. */
  rounds?: number;
  /** Stop repeating once a round reads at most this many bytes. Default: run every round. */
  stopBelow?: number;
  /**
   * Read heapUsed every `sampleEvery` calls and sum the growths between readings, so a scavenge
   * in the middle (the heap shrinks) does not hide what was allocated before it; calls after the
   * last reading are not counted. One reading costs about 1.5 kB inside a vitest worker. Default:
   * one reading before and one after the run, whose difference may be negative.
   */
  sampleEvery?: number;
  /** Full collections before each round. Default 1. */
  collectBefore?: number;
  /** Full collections before the final reading (measures what is retained, not garbage). Default 0. */
  collectAfter?: number;
}

/** What a heap-growth measurement saw. */
export interface HeapGrowthReport {
  /** Heap growth in bytes of the smallest round. */
  bytes: number;
  /** `bytes / calls`. */
  bytesPerCall: number;
  calls: number;
  /** Bytes per call of every round run (the first may include code still waiting for the optimizing compiler). */
  rounds: number[];
}

/** Heap growth over `options.calls` calls of `fn` after a warm-up; smallest of up to `options.rounds` rounds. */
export function measureHeapGrowth(fn: (i: number) => void, options: HeapGrowthOptions): HeapGrowthReport {
  const rounds = options.sampleEvery === undefined ? endpointRounds(fn, options) : sampledRounds(fn, options, options.sampleEvery);
  const best = Math.min(...rounds);
  return { bytes: best, bytesPerCall: best / options.calls, calls: options.calls, rounds: rounds.map((bytes) => bytes / options.calls) };
}

// Each of the two loops below keeps its warm-up and measured loop in one small function, as the
// helpers they replace did: where the measured loop sits changes what the JIT has compiled when
// the first round starts. With the measured loop in a function of its own (cold in round 1), the
// collision tick with a drive file read 1.1-2.1 B a call in 3 runs of 3; laid out like this, its
// rounds read as with the old helper (first round 0.6-3.7 B a call, later rounds 0.003).

/** Bytes of every round, heapUsed read every `every` calls and the growths summed. */
function sampledRounds(fn: (i: number) => void, options: HeapGrowthOptions, every: number): number[] {
  const { calls, warmup = {}, rounds = 1, stopBelow = Number.NEGATIVE_INFINITY } = options;
  const warmupCalls = (warmup.calls ?? 0) * (warmup.passes ?? 1), seconds = warmup.seconds ?? 0;
  for (let i = 0; i < warmupCalls; i++) fn(i);
  if (seconds > 0) for (const end = Date.now() + seconds * 1000; Date.now() < end; ) for (let i = 0; i < 1000; i++) fn(i);
  const seen: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds && best > stopBelow; r++) {
    let last = heapUsedAfterGc(options.collectBefore ?? 1);
    let total = 0;
    for (let i = 0; i < calls; i++) {
      fn(i);
      if (i % every === every - 1) {
        const now = process.memoryUsage().heapUsed;
        if (now > last) total += now - last;
        last = now;
      }
    }
    seen.push(total);
    best = Math.min(best, total);
  }
  return seen;
}

/** Bytes of every round, one reading before the calls and one after (the difference may be negative). */
function endpointRounds(fn: (i: number) => void, options: HeapGrowthOptions): number[] {
  const { calls, warmup = {}, rounds = 1, stopBelow = Number.NEGATIVE_INFINITY } = options;
  const passes = warmup.passes ?? 1, warmupCalls = warmup.calls ?? 0, seconds = warmup.seconds ?? 0;
  for (let pass = 0; pass < passes; pass++) for (let i = 0; i < warmupCalls; i++) fn(i);
  if (seconds > 0) for (const end = Date.now() + seconds * 1000; Date.now() < end; ) for (let i = 0; i < 1000; i++) fn(i);
  const seen: number[] = [];
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds && best > stopBelow; r++) {
    const before = heapUsedAfterGc(options.collectBefore ?? 1);
    for (let i = 0; i < calls; i++) fn(i);
    const growth = heapUsedAfterGc(options.collectAfter ?? 0) - before;
    seen.push(growth);
    best = Math.min(best, growth);
  }
  return seen;
}

/** A heap-growth report with the number of collections that started during the measured calls of the smallest round. */
export interface HeapGrowthCollectionsReport extends HeapGrowthReport {
  collections: number;
}

/**
 * `measureHeapGrowth` (one before/after reading per round, no sampling) that also counts the
 * collections starting during the run: an allocation-free loop starts none. Waits 20 ms after the
 * collection before a round and 50 ms after it, so the collector's own work and the delivery of
 * its events stay out of and in the count respectively.
 */
export async function measureHeapGrowthAsync(fn: (i: number) => void, options: Omit<HeapGrowthOptions, 'sampleEvery'>): Promise<HeapGrowthCollectionsReport> {
  const { calls: warmupCalls = 0, passes = 1, seconds = 0 } = options.warmup ?? {};
  for (let pass = 0; pass < passes; pass++) for (let i = 0; i < warmupCalls; i++) fn(i);
  if (seconds > 0) for (const end = Date.now() + seconds * 1000; Date.now() < end; ) for (let i = 0; i < 1000; i++) fn(i);
  const rounds: number[] = [];
  let best = { bytes: Number.POSITIVE_INFINITY, collections: 0 };
  const stopBelow = options.stopBelow ?? Number.NEGATIVE_INFINITY;
  for (let r = 0; r < (options.rounds ?? 1) && best.bytes > stopBelow; r++) {
    const starts: number[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) starts.push(entry.startTime);
    });
    observer.observe({ entryTypes: ['gc'] });
    heapUsedAfterGc(options.collectBefore ?? 1);
    await sleep(20);
    const before = process.memoryUsage().heapUsed;
    const from = performance.now();
    for (let i = 0; i < options.calls; i++) fn(i);
    const to = performance.now();
    const bytes = heapUsedAfterGc(options.collectAfter ?? 0) - before;
    await sleep(50);
    observer.disconnect();
    rounds.push(bytes / options.calls);
    if (bytes < best.bytes) best = { bytes, collections: starts.filter((t) => t >= from && t <= to).length };
  }
  return { bytes: best.bytes, bytesPerCall: best.bytes / options.calls, calls: options.calls, rounds, collections: best.collections };
}

/** How `sampleAllocations` runs. */
export interface SampledAllocationOptions {
  /** Measured calls; `fn` gets the index 0..calls-1. */
  calls: number;
  /**
   * Only bytes allocated in frames whose script URL matches this are counted. Code inlined into
   * the measuring loop is booked to this file's frame (test/support/heap.ts), not to its own
   * script: measured, a 64 B-a-call closure from a test file read ~210 B a call here and ~30 under
   * the test file. A positive control should match this file too.
   */
  where: RegExp;
  /** Default: none. */
  warmup?: Warmup;
  /** Mean bytes between samples. Default 64. */
  samplingInterval?: number;
  /**
   * Measured rounds (default 1), each profiled on its own; the report is the round with the fewest
   * bytes. Rounds stop at the first under 0.1 B a call. A compile the optimizing compiler finishes
   * inside a round (with the CLI's inlining budget: tens of kB of code for a drive step's inlined
   * tree, booked to the running frames) lands in one round; garbage made per call lands in all.
   */
  rounds?: number;
}

/** What the sampling heap profiler saw. */
export interface SampledAllocationReport {
  /** Sampled bytes allocated in matching frames, per call. */
  bytesPerCall: number;
  /** Heap growth over the run, one collection before it and none inside. */
  growth: number;
}

interface ProfileNode {
  callFrame: { url: string; functionName: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Bytes the sampling heap profiler attributes to frames matching `options.where` over `options.calls` calls of `fn` after a warm-up. */
export async function sampleAllocations(fn: (i: number) => void, options: SampledAllocationOptions): Promise<SampledAllocationReport> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    const { calls: warmupCalls = 0, passes = 1, seconds = 0 } = options.warmup ?? {};
    for (let pass = 0; pass < passes; pass++) for (let i = 0; i < warmupCalls; i++) fn(i);
    if (seconds > 0) for (const end = Date.now() + seconds * 1000; Date.now() < end; ) for (let i = 0; i < 1000; i++) fn(i);
    let best: SampledAllocationReport = { bytesPerCall: Number.POSITIVE_INFINITY, growth: Number.POSITIVE_INFINITY };
    for (let round = 0; round < (options.rounds ?? 1) && best.bytesPerCall >= 0.1; round++) {
      collectGarbage();
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: options.samplingInterval ?? 64,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
      const before = process.memoryUsage().heapUsed;
      for (let i = 0; i < options.calls; i++) fn(i);
      const growth = process.memoryUsage().heapUsed - before;
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
      let bytes = 0;
      const walk = (node: ProfileNode): void => {
        if (options.where.test(node.callFrame.url)) bytes += node.selfSize;
        node.children.forEach(walk);
      };
      walk(profile.head);
      if (process.env.HEAP_SITES) logSites(profile.head, options.calls);
      if (bytes / options.calls < best.bytesPerCall) best = { bytesPerCall: bytes / options.calls, growth };
    }
    return best;
  } finally {
    session.disconnect();
  }
}

/** HEAP_SITES=1: prints a profile's largest allocation sites (caller > frame, bytes a call), to find what allocates. */
function logSites(head: ProfileNode, calls: number): void {
  const sites = new Map<string, number>();
  const visit = (node: ProfileNode, parent: string): void => {
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    const here = `${functionName}@${url.split('/').pop()}:${lineNumber}:${columnNumber}`;
    if (node.selfSize > 0) sites.set(`${parent} > ${here}`, (sites.get(`${parent} > ${here}`) ?? 0) + node.selfSize);
    node.children.forEach((child) => visit(child, here));
  };
  visit(head, '');
  const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(top.map(([site, bytes]) => `${(bytes / calls).toFixed(2)} B/call ${site}`).join('\n'));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
