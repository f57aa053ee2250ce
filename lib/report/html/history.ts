import type { Html } from './escape.ts';
import { html } from './escape.ts';
import { humanDuration } from '../export.ts';
import { badge, plural, timeTag } from './parts.ts';
import type { CarriedItem, Report, ResolvedItem } from '../report.ts';

/** The report's comparison with the previous run (resolved, unconfirmed) and, given earlier reports, a trend. */
export function historySection(report: Report, earlier: readonly Report[]): Html {
  const history = report.history;
  const trend = trendChart(report, earlier);
  if (!history && !trend) return html``;
  const counts = history
    ? html`<p>${badge('info', `${history.counts.new} new`)} ${badge('info', `${history.counts.persisting} persisting`)} ${badge('resolved', `${history.counts.resolved} resolved`)}${history.previousGeneratedAt ? html` <span class="muted">since the previous run at ${timeTag(history.previousGeneratedAt)}</span>` : html` <span class="muted">first run of this cluster</span>`}</p>`
    : '';
  return html`<section id="history"><h2>History</h2>${counts}${trend ?? ''}${history ? resolvedTable(history.resolved) : ''}${history ? unconfirmedList(history.unconfirmed) : ''}</section>`;
}

function resolvedTable(resolved: readonly ResolvedItem[]): Html {
  if (resolved.length === 0) return html``;
  const rows = resolved.map((item) => {
    const what =
      item.type === 'finding'
        ? (item.check ?? 'finding')
        : item.path?.startsWith('#')
          ? (item.status ?? '')
          : (item.path ?? '');
    const duration = Date.parse(item.resolvedAt) - Date.parse(item.firstSeen);
    return html`<tr data-item><td>${badge('resolved', 'resolved')}</td><td class="wrap"><b>${item.kind}</b> ${item.namespace ? `${item.namespace}/` : ''}${item.name}</td><td class="mono wrap">${what}</td><td>${timeTag(item.firstSeen)}</td><td>${timeTag(item.resolvedAt)}</td><td class="num">${Number.isNaN(duration) ? '' : humanDuration(duration)}</td></tr>`;
  });
  return html`<h3>Resolved since the previous run</h3><div class="panel"><table class="list"><thead><tr><th></th><th>Object</th><th>Field / check</th><th>First seen</th><th>Resolved at</th><th class="num">Open for</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function unconfirmedList(unconfirmed: readonly CarriedItem[]): Html {
  if (unconfirmed.length === 0) return html``;
  const names = unconfirmed.map(
    (item) =>
      html`<li><code>${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}</code> <span class="muted">first seen ${timeTag(item.firstSeen)}</span></li>`,
  );
  return html`<div class="notice k-warn"><h3>${plural(unconfirmed.length, 'item')} neither seen nor resolved</h3>Their type could not be listed, so they are carried forward until a complete scan confirms them.<ul>${names}</ul></div>`;
}

const TREND_LIMIT = 120;
const STATUSES = ['modified', 'missing', 'extra'] as const;

/** Stacked bars of modified/missing/extra per run, oldest left; undefined without earlier reports. */
function trendChart(report: Report, earlier: readonly Report[]): Html | undefined {
  const runs = [
    ...earlier.filter((other) => other.cluster === report.cluster && other.generatedAt < report.generatedAt),
    report,
  ]
    .sort((a, b) => a.generatedAt.localeCompare(b.generatedAt))
    .slice(-TREND_LIMIT);
  if (runs.length < 2) return undefined;
  const totals = runs.map((run) => run.summary.modified + run.summary.missing + run.summary.extra);
  const max = Math.max(1, ...totals);
  const width = 1000;
  const height = 110;
  const slot = width / runs.length;
  const bars = runs.map((run, index) => {
    let top = height;
    const rects = STATUSES.map((status) => {
      const barHeight = (run.summary[status] / max) * (height - 4);
      top -= barHeight;
      return html`<rect class="t-${status}" x="${(index * slot + slot * 0.15).toFixed(2)}" y="${top.toFixed(2)}" width="${(slot * 0.7).toFixed(2)}" height="${barHeight.toFixed(2)}"></rect>`;
    });
    const label = `${run.generatedAt}: ${run.summary.modified} modified, ${run.summary.missing} missing, ${run.summary.extra} extra`;
    return html`<g><title>${label}</title>${rects}</g>`;
  });
  const first = runs[0];
  return html`<h3>Drift over the last ${plural(runs.length, 'run')}</h3>
<svg class="trend" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="drifted objects per run">${bars}</svg>
<div class="axis"><span>${timeTag(first?.generatedAt)}</span><span>peak ${max}</span><span>${timeTag(report.generatedAt)}</span></div>
<div class="trend-legend">${STATUSES.map((status) => html`<span class="k-${status}"><i></i>${status}</span>`)}</div>`;
}
