// JUnit XML for CI systems (the common Jenkins / GitLab / GitHub subset): one testsuite, one
// testcase per scenario, a <failure> naming every failed metric or the error.
import type { ScenarioResult } from './run.ts';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** The JUnit XML document for a batch of results. */
export function junitXml(results: readonly ScenarioResult[], suiteName = 'embodied scenarios'): string {
  const failures = results.filter((r) => !r.passed).length;
  const time = results.reduce((sum, r) => sum + r.wallTime, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${escape(suiteName)}" tests="${results.length}" failures="${failures}" errors="0" time="${time.toFixed(3)}">`,
    `  <testsuite name="${escape(suiteName)}" tests="${results.length}" failures="${failures}" errors="0" skipped="0" time="${time.toFixed(3)}">`,
  ];
  for (const r of results) {
    const open = `    <testcase classname="scenarios.${escape(r.robot)}" name="${escape(r.name)}" file="${escape(r.file)}" time="${r.wallTime.toFixed(3)}"`;
    const metrics = r.metrics.map((m) => `${m.metric}${m.joint ? ` (${m.joint})` : ''} = ${m.value} ${m.unit}${m.max !== undefined ? ` max ${m.max}` : ''}${m.min !== undefined ? ` min ${m.min}` : ''}: ${m.passed ? 'ok' : 'FAILED'}`).join('\n');
    if (r.passed) {
      lines.push(`${open}>`, `      <system-out>${escape(metrics)}</system-out>`, '    </testcase>');
    } else {
      lines.push(
        `${open}>`,
        `      <failure message="${escape(r.failures.join('; '))}" type="ScenarioFailure">${escape(`${r.failures.join('\n')}\n\n${metrics}`)}</failure>`,
        '    </testcase>',
      );
    }
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
