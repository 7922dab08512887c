// `embodied bench --json --filter REGEX --quick` as a user runs it: one JSON line per result with
// name, unit, median, p99 and n; the filter matches group names and result names alike.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const bench = (...args: string[]) => spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), 'bench', ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });
const lines = (stdout: string) => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

describe('embodied bench', () => {
  it('selects one result by its name (fk/ur5e out of the robot/ur5e group)', () => {
    const run = bench('--json', '--quick', '--filter', '^fk/ur5e$');
    expect(run.status, run.stderr).toBe(0);
    const results = lines(run.stdout);
    expect(results.map((r) => r.name)).toEqual(['fk/ur5e']);
    const [fk] = results;
    expect(fk.unit).toBe('ns');
    for (const key of ['median', 'p99', 'n']) expect(Number.isFinite(fk[key]), key).toBe(true);
    expect(fk.median as number).toBeGreaterThan(0);
  }, 120_000);

  it('runs a whole group by its name, and names a filter that matches nothing', () => {
    const run = bench('--json', '--quick', '--filter', '^drive$');
    expect(run.status, run.stderr).toBe(0);
    expect(lines(run.stdout).map((r) => r.name)).toEqual(['drive/step', 'drive/step-1ms', 'drive/step-rigid', 'drive/step-averaged', 'drive/step-averaged-1ms', 'drive/step-averaged-compliant-1ms']);
    const none = bench('--json', '--quick', '--filter', 'no-such-benchmark');
    expect(none.status).not.toBe(0);
    expect(none.stderr).toMatch(/--filter: no benchmark matches "no-such-benchmark"/);
    const bad = bench('--filter', '(');
    expect(bad.stderr).toMatch(/--filter: "\(" is not a valid regular expression/);
  }, 120_000);
});
