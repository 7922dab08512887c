// A worker thread that runs a TypeScript module: its entry is a small script that registers tsx's
// ESM loader in the thread (tsx/esm/api `register`) and then imports the module. `--import tsx` in
// a worker's execArgv does not reach the worker's own entry module on Node 20 ("Unknown file
// extension .ts"). V8 flags set in the process (cli/v8-flags.js) apply to the worker too.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts a worker thread running the TypeScript module at `module` (a file URL). */
export function startTsWorker(module: URL, options: Omit<WorkerOptions, 'eval'> = {}): Worker {
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(join(dirname(require.resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs')).href;
  const source = `import(${JSON.stringify(tsxApi)}).then((api) => { api.register(); return import(${JSON.stringify(module.href)}); })`
    + '.catch((error) => { throw error; });';
  return new Worker(source, { ...options, eval: true });
}
