import type { Episode, ExportItem, ExportPeriod } from '../export.ts';
import { gapText, historyGaps, humanDuration, itemSubject, periodBounds, stateCounts } from '../export.ts';
import type { Html } from './escape.ts';
import { html } from './escape.ts';
import { htmlPage } from './page.ts';
import { badge, card, group, plural, sideBySide, timeTag, toolbar, writerLine } from './parts.ts';

/** The audit trail of a period as one self-contained page: every item once, with its timeline across the period. */
export function renderExportHtml(period: ExportPeriod): string {
  const { start, end } = periodBounds(period);
  const body = html`${header(period, start, end)}
${cards(period)}
${period.items.length > 0 ? toolbar('Filter: namespace, kind, name, field, check, state, manager…', period.items.length) : ''}
${itemsSection(period, start, end)}`;
  return htmlPage(`driftwatch · ${period.cluster} · ${start} – ${end}`, body);
}

const OPEN_LIMIT = 150;

function header(period: ExportPeriod, start: string, end: string): Html {
  const commits = [...new Set(period.reports.flatMap((report) => (report.commit ? [report.commit] : [])))];
  const incomplete = period.reports.filter((report) => !report.complete).length;
  const gaps = historyGaps(period.reports);
  return html`<header class="top"><div>
<div class="eyebrow">driftwatch audit trail</div>
<h1>Cluster <span class="mono">${period.cluster}</span></h1>
<div class="meta"><span>From <b>${timeTag(start)}</b></span><span>to <b>${timeTag(end)}</b></span><span><b>${period.reports.length}</b> reports</span><span><b>${commits.length}</b> ${commits.length === 1 ? 'commit' : 'commits'}${commits.length > 0 ? html` (<span class="mono">${commits.map((commit) => commit.slice(0, 12)).join(', ')}</span>)` : ''}</span></div>
<div class="verdict">Each drifted field and finding appears once, however many reports had it. Resolution times come from the history of later reports in the period.</div>
${gaps.length > 0 ? html`<div class="verdict">History gaps: the history restarts where the report before could not be read, so first seen may be earlier and resolutions may be missing: ${gaps.map((gap) => gapText(gap)).join('; ')}.</div>` : ''}
</div>
<div class="status">${incomplete > 0 ? badge('warn', `${incomplete} incomplete ${incomplete === 1 ? 'scan' : 'scans'}`) : badge('ok', 'All scans complete')}${gaps.length > 0 ? badge('warn', `${gaps.length} history ${gaps.length === 1 ? 'gap' : 'gaps'}`) : ''}</div>
</header>`;
}

function cards(period: ExportPeriod): Html {
  const counts = stateCounts(period.items);
  const drift = period.items.filter((item) => item.type === 'drift').length;
  const resolveTimes = period.items.filter((item) => item.state === 'resolved').map((item) => item.durationMs);
  const median = medianOf(resolveTimes);
  return html`<div class="cards-label">Items in the period</div>
<div class="cards">
${card('Still open', counts.open, 'open')}
${card('Resolved', counts.resolved, 'resolved')}
${card('Unconfirmed', counts.unconfirmed, 'unconfirmed', html`gone without a complete scan`)}
${card('Drift items', drift, 'modified')}
${card('Findings', period.items.length - drift, 'high')}
${card('Median time to resolve', median === undefined ? '–' : humanDuration(median), 'info')}
</div>`;
}

function medianOf(values: readonly number[]): number | undefined {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function itemsSection(period: ExportPeriod, start: string, end: string): Html {
  if (period.items.length === 0)
    return html`<section><h2>Items</h2><div class="empty">No drift and no findings in this period.</div></section>`;
  const byNamespace = new Map<string, ExportItem[]>();
  for (const item of period.items) {
    const list = byNamespace.get(item.namespace ?? '');
    if (list) list.push(item);
    else byNamespace.set(item.namespace ?? '', [item]);
  }
  const open = period.items.length <= OPEN_LIMIT;
  const scale = timeScale(start, end);
  const groups = [...byNamespace].map(([namespace, items]) => {
    const counts = stateCounts(items);
    const badges = (['open', 'resolved', 'unconfirmed'] as const).flatMap((state) =>
      counts[state] > 0 ? [badge(state, `${counts[state]} ${state}`)] : [],
    );
    return group({
      title: html`<span class="ns-name">${namespace || '(cluster-scoped)'}</span>`,
      label: plural(items.length, 'item'),
      total: items.length,
      badges,
      open,
      body: html`${items.map((item) => itemEntry(item, scale))}`,
    });
  });
  return html`<section id="items"><h2>Items <span class="hint">by namespace; the bar shows when each was reported within the period</span></h2>${groups}</section>`;
}

interface TimeScale {
  start: number;
  span: number;
}

function timeScale(start: string, end: string): TimeScale {
  const from = Date.parse(start);
  const to = Date.parse(end);
  return { start: from, span: Math.max(1, to - from) };
}

/** Percent of the period at `iso`, clamped: an episode that began before the period starts at its left edge. */
function position(scale: TimeScale, iso: string): number {
  return Math.min(100, Math.max(0, ((Date.parse(iso) - scale.start) / scale.span) * 100));
}

function timeline(episodes: readonly Episode[], scale: TimeScale): Html {
  // Only numbers we computed reach the style attribute.
  const spans = episodes.map((episode) => {
    const left = position(scale, episode.firstSeen);
    const right = position(scale, episode.resolvedAt ?? episode.lastSeen ?? episode.firstSeen);
    return html`<span style="left:${left.toFixed(2)}%;width:${Math.max(0, right - left).toFixed(2)}%"></span>`;
  });
  return html`<div class="timeline" role="img" aria-label="reported ${plural(episodes.length, 'time')} in the period">${spans}</div>`;
}

function itemEntry(item: ExportItem, scale: TimeScale): Html {
  const kindBadge =
    item.type === 'finding'
      ? badge(item.severity ?? 'info', item.severity ?? 'finding')
      : badge(item.driftStatus ?? 'modified', item.driftStatus ?? 'drift');
  const resolved = item.resolvedAt
    ? html`resolved <b>${timeTag(item.resolvedAt)}</b>`
    : html`<b>${item.state === 'unconfirmed' ? 'unconfirmed' : 'still open'}</b>`;
  return html`<div class="entry k-${item.state}" data-item>
<div class="entry-head">${badge(item.state, item.state)} ${kindBadge} <span class="obj"><span class="kind">${item.kind}</span> ${item.name}</span> <code class="path">${item.type === 'finding' ? (item.check ?? '') : item.path?.startsWith('#') ? '' : (item.path ?? '')}</code><span class="src" title="time reported, summed over episodes">${item.state === 'resolved' ? 'open for' : 'reported for'} ${humanDuration(item.durationMs)}</span></div>
<div class="trail">${timeline(item.episodes, scale)}<div class="trail-text">first seen <b>${timeTag(item.firstSeen)}</b> · last seen <b>${timeTag(item.lastSeen)}</b> · ${resolved} · in ${plural(item.sightings, 'report')}${item.episodes.length > 1 ? html` · <b>${item.episodes.length} episodes</b> (came back after being resolved)` : ''}</div></div>
${item.type === 'drift' ? driftDetails(item) : findingDetails(item)}
${item.commit ? html`<div class="who">Declared state at commit <span class="mono" title="${item.commit}">${item.commit.slice(0, 12)}</span></div>` : ''}
</div>`;
}

function driftDetails(item: ExportItem): Html {
  if (item.driftStatus === 'missing')
    return html`<p class="note">Declared in Git but not found in the cluster.</p>${writerLine(undefined, undefined, undefined, item.actor)}`;
  if (item.driftStatus === 'extra')
    return html`<p class="note">In the cluster but not declared in Git.</p>${writerLine(item.manager, item.changedAt, undefined, item.actor)}`;
  if (item.sightings === 0) return html`<p class="note">${itemSubject(item)}: last seen before the period began.</p>`;
  return html`${sideBySide({ value: item.declared, present: 'declared' in item }, { value: item.live, present: 'live' in item })}${writerLine(item.manager, item.changedAt, item.subresource, item.actor)}`;
}

function findingDetails(item: ExportItem): Html {
  const exemption =
    item.exemption && item.exemption !== 'active'
      ? html`<div class="who">${badge('exempted', 'exempted')} ${item.exemption.replace(/^exempted:?\s*/, '')}</div>`
      : '';
  return html`${item.message ? html`<div class="finding-msg">${item.message}</div>` : ''}${item.remediation ? html`<div class="fix">Fix: <code>${item.remediation}</code></div>` : ''}${exemption}`;
}
