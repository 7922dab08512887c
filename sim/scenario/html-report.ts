// A self-contained HTML report: a summary table, then per scenario its verdict, metrics and one
// inline SVG plot per joint of reference vs response (no scripts, no external files).
import type { ScenarioResult } from './run.ts';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function fmt(value: number): string {
  return Number.isFinite(value) ? String(+value.toPrecision(4)) : String(value);
}

/** One joint's reference (dashed) and response (solid) over time as an SVG, with event markers. */
export function jointPlotSvg(t: readonly number[], reference: readonly number[], response: readonly number[], title: string, events: readonly { t: number; label: string }[] = []): string {
  const width = 420, height = 170, left = 48, right = 8, top = 18, bottom = 24;
  const t0 = t[0] ?? 0, t1 = t[t.length - 1] ?? 1;
  let lo = Infinity, hi = -Infinity;
  for (const y of [...reference, ...response]) if (Number.isFinite(y)) (lo = Math.min(lo, y)), (hi = Math.max(hi, y));
  if (!(hi > lo)) (lo -= 0.01), (hi += 0.01);
  const pad = 0.08 * (hi - lo);
  lo -= pad;
  hi += pad;
  const x = (v: number) => left + ((v - t0) / (t1 - t0 || 1)) * (width - left - right);
  const y = (v: number) => top + (1 - (v - lo) / (hi - lo)) * (height - top - bottom);
  const path = (values: readonly number[]) => values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(t[i]).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const markers = events.filter((e) => e.t >= t0 && e.t <= t1).map((e) => `<line x1="${x(e.t).toFixed(1)}" x2="${x(e.t).toFixed(1)}" y1="${top}" y2="${height - bottom}" stroke="#c60" stroke-dasharray="2,3"><title>${escape(e.label)}</title></line>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escape(title)}">`
    + `<rect x="${left}" y="${top}" width="${width - left - right}" height="${height - top - bottom}" fill="#fafafa" stroke="#ccc"/>`
    + `<text x="${left}" y="12" font-size="11" font-family="sans-serif">${escape(title)}</text>`
    + `<text x="2" y="${top + 8}" font-size="9" font-family="sans-serif">${fmt(hi)}</text><text x="2" y="${height - bottom}" font-size="9" font-family="sans-serif">${fmt(lo)}</text>`
    + `<text x="${left}" y="${height - 6}" font-size="9" font-family="sans-serif">${fmt(t0)} s</text><text x="${width - right - 40}" y="${height - 6}" font-size="9" font-family="sans-serif">${fmt(t1)} s</text>`
    + markers
    + `<path d="${path(reference)}" fill="none" stroke="#888" stroke-width="1.5" stroke-dasharray="5,3"/>`
    + `<path d="${path(response)}" fill="none" stroke="#1565c0" stroke-width="1.3"/>`
    + '</svg>';
}

/** The whole report page. */
export function htmlReport(results: readonly ScenarioResult[], title = 'embodied scenario report'): string {
  const passed = results.filter((r) => r.passed).length;
  const rows = results.map((r) => `<tr class="${r.passed ? 'pass' : 'fail'}"><td><a href="#${escape(r.name)}">${escape(r.name)}</a></td><td>${r.passed ? 'PASS' : 'FAIL'}</td><td>${fmt(r.simTime)} s</td><td>${fmt(r.wallTime)} s</td><td>${fmt(r.realTimeFactor)}×</td><td>${escape(r.failures.join('; '))}</td></tr>`).join('\n');
  const sections = results.map((r) => {
    const metrics = r.metrics.map((m) => `<tr class="${m.passed ? 'pass' : 'fail'}"><td>${escape(m.metric)}</td><td>${escape(m.joint)}</td><td>${fmt(m.value)} ${escape(m.unit)}</td><td>${m.max !== undefined ? `≤ ${fmt(m.max)}` : ''} ${m.min !== undefined ? `≥ ${fmt(m.min)}` : ''}</td><td>${m.passed ? 'ok' : escape(m.reason)}</td></tr>`).join('\n');
    const plots = r.plot.joints.map((j) => jointPlotSvg(r.plot.t, j.reference, j.response, `${j.name} (rad): reference dashed, response solid`, r.events)).join('\n');
    const events = r.events.map((e) => `<li>${fmt(e.t)} s: ${escape(e.label)}</li>`).join('');
    return `<section id="${escape(r.name)}"><h2>${escape(r.name)} <span class="${r.passed ? 'pass' : 'fail'}">${r.passed ? 'PASS' : 'FAIL'}</span></h2>
<p>${escape(r.description)} <small>(${escape(r.file)}, robot ${escape(r.robot)})</small></p>
${r.failures.length ? `<ul class="fail">${r.failures.map((f) => `<li>${escape(f)}</li>`).join('')}</ul>` : ''}
<table><tr><th>metric</th><th>joint</th><th>value</th><th>threshold</th><th>verdict</th></tr>${metrics}</table>
${events ? `<ul class="events">${events}</ul>` : ''}
<div class="plots">${plots}</div></section>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 8px;font-size:13px;text-align:left}
.pass{color:#2e7d32}.fail{color:#c62828}.plots{display:flex;flex-wrap:wrap;gap:8px}section{border-top:1px solid #ccc;margin-top:1.5em}.events{font-size:12px;color:#555}</style></head>
<body><h1>${escape(title)}</h1><p>${passed} of ${results.length} scenarios passed.</p>
<table><tr><th>scenario</th><th>verdict</th><th>sim time</th><th>wall time</th><th>real-time factor</th><th>failures</th></tr>${rows}</table>
${sections}</body></html>
`;
}
