// Scenario files on disk: expanding FILE|DIR arguments into scenario files, and running one file
// (parse errors become a failed result that names the file and field).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { runScenario, type ScenarioResult } from './run.ts';
import { parseScenario } from './schema.ts';

const SCENARIO_FILE = /\.(ya?ml|json)$/i;

/** Expands files and directories (recursively, sorted) into scenario file paths; throws naming a missing path. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path).sort()) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (SCENARIO_FILE.test(entry)) out.push(full);
    }
  };
  for (const raw of paths) {
    const path = resolve(raw);
    let stat;
    try {
      stat = statSync(path);
    } catch {
      throw new Error(`scenario path "${raw}" does not exist`);
    }
    if (stat.isDirectory()) walk(path);
    else out.push(path);
  }
  if (out.length === 0) throw new Error(`no scenario files (*.yaml, *.yml, *.json) in ${paths.join(', ')}`);
  return out;
}

/** Reads, validates and runs one scenario file; never throws. */
export function runScenarioFile(file: string, onProgress?: (fraction: number) => void): ScenarioResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return failedResult(file, `cannot read the file: ${(error as Error).message}`);
  }
  try {
    const scenario = parseScenario(text, file);
    return runScenario(scenario, { file, baseDir: dirname(file), onProgress });
  } catch (error) {
    return failedResult(file, error instanceof Error ? error.message : String(error));
  }
}

/** A failed result for a file that could not run, with the reason. */
export function failedResult(file: string, message: string): ScenarioResult {
  const name = file.replace(/^.*[\\/]/, '').replace(SCENARIO_FILE, '');
  return {
    name, file, description: '', robot: '', passed: false, failures: [`error: ${message}`], metrics: [],
    simTime: 0, wallTime: 0, realTimeFactor: 0, events: [], plot: { t: [], joints: [] },
  };
}
