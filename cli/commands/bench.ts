// `embodied bench [--json] [--filter REGEX] [--quick]`: runs the benchmarks in bench/.
import type { Command } from 'commander';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registeredBenchmarks, type BenchResult } from '../../bench/harness.ts';

interface BenchFlags {
  json?: boolean;
  filter?: string;
  quick?: boolean;
}

/** Loads every bench/*.bench.ts file so that it registers its cases. */
async function loadBenchmarks(): Promise<void> {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort()) {
    await import(pathToFileURL(join(dir, file)).href);
  }
}

function formatHuman(r: BenchResult): string {
  const extra = Object.entries(r)
    .filter(([k]) => !['name', 'unit', 'median', 'p99', 'n'].includes(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : JSON.stringify(v)}`)
    .join(' ');
  return `${r.name.padEnd(28)} median ${(+r.median.toPrecision(4)).toString().padStart(9)} ${r.unit}  p99 ${(+r.p99.toPrecision(4)).toString().padStart(9)} ${r.unit}  n=${r.n}  ${extra}`;
}

/** Runs the selected benchmarks and prints one line (or JSON line) per result. */
export async function runBenchmarks(flags: BenchFlags): Promise<BenchResult[]> {
  let filter: RegExp | undefined;
  if (flags.filter !== undefined) {
    try {
      filter = new RegExp(flags.filter);
    } catch (error) {
      throw new Error(`--filter: "${flags.filter}" is not a valid regular expression (${(error as Error).message})`);
    }
  }
  await loadBenchmarks();
  // A group runs whole when its name matches; otherwise it runs for the results whose names match
  // (`--filter fk/ur5e` runs robot/ur5e and prints fk/ur5e), and may skip the cases not wanted.
  const wholeGroup = (b: { name: string }) => !filter || filter.test(b.name);
  const wanted = (b: { name: string }) => (name: string) => wholeGroup(b) || filter!.test(name);
  const selected = registeredBenchmarks().filter((b) => wholeGroup(b) || b.results.some((name) => filter!.test(name)));
  if (selected.length === 0) throw new Error(`--filter: no benchmark matches "${flags.filter}"`);
  const all: BenchResult[] = [];
  const tty = process.stderr.isTTY;
  for (const [k, b] of selected.entries()) {
    const label = `[${k + 1}/${selected.length}] ${b.name}`;
    process.stderr.write(tty ? `\r${label}...` : `${label}\n`);
    let lastPercent = -1;
    const keep = wanted(b);
    const results = (await b.run({
      quick: flags.quick === true,
      wanted: keep,
      progress: (fraction) => {
        const percent = Math.floor(fraction * 100);
        if (tty && percent !== lastPercent) {
          lastPercent = percent;
          process.stderr.write(`\r${label} ${percent}%   `);
        }
      },
    })).filter((r) => keep(r.name));
    if (tty) process.stderr.write('\r\x1b[K');
    for (const r of results) {
      all.push(r);
      process.stdout.write((flags.json ? JSON.stringify(r) : formatHuman(r)) + '\n');
    }
  }
  return all;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('run the benchmarks in bench/ (median and p99 per call)')
    .option('--json', 'one JSON line per result: {"name","unit","median","p99","n",...}')
    .option('--filter <regex>', 'run only the benchmarks whose name or result names match (e.g. fk/ur5e, ^sim/)')
    .option('--quick', 'short smoke run')
    .action(async (flags: BenchFlags) => {
      await runBenchmarks(flags);
    });
}
