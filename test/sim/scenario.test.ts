// Scenario files: validation errors name the field; the runner's verdicts; and the CLI end to end
// (spawned as a user would run it, worker threads, JUnit and HTML written, exit code 1 on failure).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../sim/scenario/run.ts';
import { parseScenario } from '../../sim/scenario/schema.ts';

const root = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const scratch = mkdtempSync(join(tmpdir(), 'embodied-scenario-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('scenario files', () => {
  const base = 'robot: servo-arm\nduration: 1 s\nmetrics: [{metric: tracking-max, max: 1 deg}]\n';
  it.each([
    ['duration: soon\nmetrics: [{metric: tracking-max, max: 1}]', 'duration = "soon"'],
    [base.replace('1 deg', '3 kg'), 'metrics[0].max = "3 kg": expected rad'],
    [`${base}reference: {kind: steps, steps: [{at: 1 s, joint: joint2}]}`, 'reference.steps[0].to'],
    [`${base}disturbances: [{kind: earthquake, at: 1 s}]`, 'disturbances[0].kind = "earthquake": expected one of payload'],
    [`${base}controller: {kind: position-forward, gain: 3}`, 'controller.gain: unknown field'],
    ['robot: servo-arm\nduration: 1 s', 'metrics: expected at least one metric'],
    [`${base}disturbances: [{kind: payload, at: 0.5 s, mass: -2 kg}]`, 'disturbances[0].mass = -2: expected >= 0'],
  ])('rejects %j naming the field', (text, message) => {
    expect(() => parseScenario(text, 'bad.yaml')).toThrow(message);
  });

  it('accepts JSON as well as YAML, with units', () => {
    const scenario = parseScenario('{"duration": "500 ms", "reference": {"kind": "steps", "steps": [{"at": "100 ms", "joint": 1, "to": "10 deg"}]}, "metrics": [{"metric": "final-error", "max": "0.5 deg"}]}', 'x.json');
    expect(scenario.duration).toBeCloseTo(0.5);
    expect(scenario.reference.kind === 'steps' && scenario.reference.steps[0].to).toBeCloseTo(Math.PI / 18);
    expect(scenario.metrics[0].max).toBeCloseTo(Math.PI / 360);
  });

  it('a run names the joint, value and threshold of a failed metric, and a joint that does not exist', () => {
    const failing = runScenario(parseScenario(readFileSync(join(fixtures, 'impossible-step.yaml'), 'utf8'), 'impossible-step.yaml'));
    expect(failing.passed).toBe(false);
    expect(failing.failures.join('\n')).toMatch(/settling-time \(joint2\) = [\d.]+ s > max 0\.01 s/);
    expect(failing.metrics.find((m) => m.metric === 'peak-current')?.passed).toBe(true);
    const typo = runScenario(parseScenario('duration: 0.2 s\nreference: {kind: steps, steps: [{at: 0.1 s, joint: elbow, to: 0.1}]}\nmetrics: [{metric: tracking-max, max: 1}]', 'typo.yaml'));
    expect(typo.passed).toBe(false);
    expect(typo.failures[0]).toContain('reference.steps[0].joint = "elbow": no such joint (joints: joint1');
  });
});

describe('embodied scenario run (spawned CLI)', () => {
  it('runs files on worker threads, writes JUnit/HTML/JSON, and exits 1 naming the failed scenario and why', () => {
    const report = join(scratch, 'report');
    const run = spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), 'scenario', 'run', fixtures, '--jobs', '2', '--report', report], {
      cwd: scratch, encoding: 'utf8', timeout: 120_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('PASS  quick-hold');
    expect(run.stdout).toContain('FAIL  impossible-step');
    expect(run.stdout).toContain('1 passed, 1 failed');
    expect(run.stderr).toMatch(/impossible-step \(settling-time \(joint2\) = .* > max 0\.01 s\)/);
    expect(run.stderr).toContain('2/2 scenarios');
    const junit = readFileSync(join(report, 'junit.xml'), 'utf8');
    expect(junit).toContain('tests="2" failures="1"');
    expect(junit).toMatch(/<testcase classname="scenarios.servo-arm" name="impossible-step"[^>]*>\s*<failure message="settling-time \(joint2\)/);
    expect(junit).toMatch(/<testcase classname="scenarios.servo-arm" name="quick-hold"[^>]*>\s*<system-out>/);
    const html = readFileSync(join(report, 'report.html'), 'utf8');
    expect((html.match(/<svg /g) ?? []).length).toBe(12); // 6 joints × 2 scenarios
    const json = JSON.parse(readFileSync(join(report, 'results.json'), 'utf8')) as { summary: { passed: number; failed: number } };
    expect(json.summary).toMatchObject({ passed: 1, failed: 1 });
  }, 180_000);

  it('exits 0 when every scenario passes, and 1 with a clear message for a missing path', () => {
    const ok = spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), 'scenario', 'run', join(fixtures, 'quick-hold.yaml'), '--jobs', '1'], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
    expect(ok.status).toBe(0);
    expect(existsSync(join(scratch, 'nothing'))).toBe(false);
    const missing = spawnSync(process.execPath, [join(root, 'cli', 'embodied.js'), 'scenario', 'run', join(scratch, 'nothing')], { cwd: scratch, encoding: 'utf8', timeout: 60_000 });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('does not exist');
  }, 180_000);
});
