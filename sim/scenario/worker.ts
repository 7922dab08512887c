// Worker thread body for batch runs: receives {id, file} messages, runs the scenario and posts
// progress and the result back. Runs TypeScript through tsx registered by the pool (execArgv).
import { parentPort } from 'node:worker_threads';
import { runScenarioFile } from './files.ts';

/** A job for the worker. */
export interface WorkerJob { id: number; file: string }
/** What the worker posts back. */
export type WorkerMessage =
  | { kind: 'progress'; id: number; fraction: number }
  | { kind: 'result'; id: number; result: ReturnType<typeof runScenarioFile> };

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: WorkerJob) => {
    const result = runScenarioFile(job.file, (fraction) => port.postMessage({ kind: 'progress', id: job.id, fraction } satisfies WorkerMessage));
    port.postMessage({ kind: 'result', id: job.id, result } satisfies WorkerMessage);
  });
}
