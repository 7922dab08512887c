// Runs many scenario files in parallel over worker threads (sim/ts-worker.ts), with progress
// callbacks; `jobs: 0` runs in this thread.
import { availableParallelism } from 'node:os';
import { startTsWorker } from '../ts-worker.ts';
import { failedResult, runScenarioFile } from './files.ts';
import type { ScenarioResult } from './run.ts';
import type { WorkerMessage } from './worker.ts';

/** Batch options. */
export interface BatchOptions {
  /** Worker threads (default: available cores, at most the number of files); 0 = in this thread. */
  jobs?: number;
  /** Called with (done fraction over all files, files finished, total). */
  onProgress?: (fraction: number, finished: number, total: number) => void;
}

/** Batch outcome: results in the order of `files`, and the wall time (s). */
export interface BatchResult {
  results: ScenarioResult[];
  wallTime: number;
  jobs: number;
}

/** Runs every file; resolves when all are done (a crashed worker fails its scenario, naming why). */
export async function runBatch(files: readonly string[], options: BatchOptions = {}): Promise<BatchResult> {
  const started = performance.now();
  const total = files.length;
  const jobs = Math.max(0, Math.min(options.jobs ?? availableParallelism(), total));
  const progress = new Float64Array(total);
  let finished = 0;
  const report = () => {
    let sum = 0;
    for (let i = 0; i < total; i++) sum += progress[i];
    options.onProgress?.(total ? sum / total : 1, finished, total);
  };
  const results: ScenarioResult[] = new Array(total);
  if (jobs === 0) {
    files.forEach((file, id) => {
      results[id] = runScenarioFile(file, (f) => {
        progress[id] = f;
        report();
      });
      progress[id] = 1;
      finished++;
      report();
    });
    return { results, wallTime: (performance.now() - started) / 1000, jobs };
  }
  let next = 0;
  await new Promise<void>((resolveAll) => {
    let running = 0;
    const start = () => {
      const worker = startTsWorker(new URL('./worker.ts', import.meta.url));
      running++;
      let current = -1;
      const dispatch = () => {
        if (next >= total) {
          current = -1;
          void worker.terminate();
          return;
        }
        current = next++;
        worker.postMessage({ id: current, file: files[current] });
      };
      worker.on('message', (message: WorkerMessage) => {
        if (message.kind === 'progress') {
          progress[message.id] = message.fraction;
          report();
          return;
        }
        results[message.id] = message.result;
        progress[message.id] = 1;
        finished++;
        report();
        dispatch();
      });
      worker.on('error', (error) => {
        if (current >= 0 && results[current] === undefined) {
          results[current] = failedResult(files[current], `worker thread crashed: ${error.message}`);
          finished++;
          report();
        }
      });
      worker.on('exit', () => {
        running--;
        if (running === 0) {
          // Anything never dispatched (all workers died) fails with the reason.
          for (let i = 0; i < total; i++) if (results[i] === undefined) results[i] = failedResult(files[i], 'no worker thread was left to run it');
          resolveAll();
        }
      });
      dispatch();
    };
    for (let w = 0; w < jobs; w++) start();
  });
  return { results, wallTime: (performance.now() - started) / 1000, jobs };
}
