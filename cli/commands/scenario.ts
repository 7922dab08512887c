// `embodied scenario run FILE|DIR... [--jobs N] [--report DIR]`: runs simulation scenarios in
// lockstep, in parallel over worker threads, with a progress bar on stderr; writes results.json,
// junit.xml and report.html; exits 1 when any scenario fails, naming which and why.
import type { Command } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { runBatch } from '../../sim/scenario/batch.ts';
import { expandScenarioPaths } from '../../sim/scenario/files.ts';
import { htmlReport } from '../../sim/scenario/html-report.ts';
import { junitXml } from '../../sim/scenario/junit.ts';

interface RunFlags {
  jobs?: string;
  report?: string;
}

function progressBar(fraction: number, finished: number, total: number): string {
  const width = 30;
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${finished}/${total} scenarios`;
}

/** Registers `embodied scenario run`. */
export function register(program: Command): void {
  const scenario = program.command('scenario').description('simulation test runs: scenarios with references, disturbances, metrics and pass/fail');
  scenario
    .command('run')
    .description('run scenario files (YAML/JSON) or directories of them; exit 1 when any fails')
    .argument('<paths...>', 'scenario files or directories')
    .option('--jobs <n>', 'worker threads (default: cores; 0 runs in the main thread)')
    .option('--report <dir>', 'write results.json, junit.xml and report.html into this directory')
    .action(async (paths: string[], flags: RunFlags) => {
      let jobs: number | undefined;
      if (flags.jobs !== undefined) {
        jobs = Number(flags.jobs);
        if (!Number.isInteger(jobs) || jobs < 0) throw new Error(`--jobs = "${flags.jobs}": expected a non-negative integer`);
      }
      const files = expandScenarioPaths(paths);
      const tty = process.stderr.isTTY === true;
      let lastLine = '';
      let lastFinished = 0;
      const batch = await runBatch(files, {
        jobs,
        onProgress: (fraction, finished, total) => {
          const line = progressBar(fraction, finished, total);
          if (tty && line !== lastLine) process.stderr.write(`\r${line}`);
          // Without a terminal: one line per finished scenario, not a redraw per percent.
          if (!tty && finished !== lastFinished) process.stderr.write(`${line}\n`);
          lastLine = line;
          lastFinished = finished;
        },
      });
      if (tty) process.stderr.write('\r\x1b[K');
      const { results } = batch;
      const simTime = results.reduce((sum, r) => sum + r.simTime, 0);
      const failed = results.filter((r) => !r.passed);
      for (const r of results) {
        const name = relative(process.cwd(), r.file) || r.name;
        process.stdout.write(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name}  (${name}, ${r.simTime.toFixed(2)} s simulated in ${r.wallTime.toFixed(2)} s)\n`);
        for (const f of r.failures) process.stdout.write(`      ${f}\n`);
      }
      process.stdout.write(`${results.length - failed.length} passed, ${failed.length} failed; ${simTime.toFixed(1)} s simulated in ${batch.wallTime.toFixed(2)} s wall on ${batch.jobs || 1} thread(s) (real-time factor ${(simTime / batch.wallTime).toFixed(1)})\n`);
      if (flags.report !== undefined) {
        const dir = resolve(flags.report);
        mkdirSync(dir, { recursive: true });
        const summary = { total: results.length, passed: results.length - failed.length, failed: failed.length, wallTime: batch.wallTime, simTime, jobs: batch.jobs };
        writeFileSync(join(dir, 'results.json'), JSON.stringify({ summary, results }, null, 1));
        writeFileSync(join(dir, 'junit.xml'), junitXml(results));
        writeFileSync(join(dir, 'report.html'), htmlReport(results));
        process.stdout.write(`report: ${join(dir, 'report.html')}, ${join(dir, 'junit.xml')}, ${join(dir, 'results.json')}\n`);
      }
      if (failed.length > 0) {
        process.stderr.write(`embodied scenario: ${failed.length} scenario(s) failed: ${failed.map((r) => `${r.name} (${r.failures.join('; ')})`).join(', ')}\n`);
        process.exitCode = 1;
      }
    });
}
