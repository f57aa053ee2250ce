import type { AttributedChange, AttributedDriftEntry } from '../../auditlog/index.ts';
import type { Html } from './escape.ts';
import { html } from './escape.ts';
import { htmlPage } from './page.ts';
import { badge, card, group, plural, seenMark, sideBySide, timeTag, toolbar, writerLine } from './parts.ts';
import { historySection } from './history.ts';
import type { Finding, Report } from '../report.ts';
import { problemPlace } from '../../source/problem.ts';
import { SEVERITIES, isAtLeast } from '../../checks/index.ts';

export interface HtmlOptions {
  /** Earlier reports of the same cluster (any order): adds a trend of the counts over time. */
  history?: Report[];
}

/** One report as a single self-contained HTML page (inline CSS and script, no external requests). */
export function renderHtml(report: Report, options: HtmlOptions = {}): string {
  const items = report.drift.length + report.findings.length;
  const body = html`${header(report)}
${summaryCards(report)}
${completenessSection(report)}
${items > 0 ? toolbar('Filter: namespace, kind, name, field, value, manager, check…', items) : ''}
${driftSection(report)}
${findingsSection(report)}
${historySection(report, options.history ?? [])}`;
  return htmlPage(`driftwatch · ${report.cluster} · ${report.generatedAt}`, body);
}

/** Sections up to this many items start open; bigger reports start folded so the page opens fast. */
const OPEN_LIMIT = 150;

function header(report: Report): Html {
  const { source, scan } = report;
  const commit = source.commit
    ? html`<span>Commit <b class="mono" title="${source.commit}">${source.commit.slice(0, 12)}</b></span>`
    : '';
  return html`<header class="top"><div>
<div class="eyebrow">driftwatch drift report</div>
<h1>Cluster <span class="mono">${report.cluster}</span></h1>
<div class="meta"><span>Generated <b>${timeTag(report.generatedAt)}</b></span><span>Run <b class="mono">${report.runId}</b></span>${commit}<span>Source <b>${source.location}</b>${source.path && source.path !== '.' ? html` <span class="mono">${source.path}</span>` : ''}</span><span>Live <b>${report.live.origin}</b></span></div>
<div class="verdict">${verdict(report)}</div>
</div>
<div class="status">${scan.complete ? badge('ok', 'Scan complete') : badge('missing', 'Scan incomplete')}</div>
</header>`;
}

function verdict(report: Report): string {
  const { summary } = report;
  const compared = `${summary.compared} of ${summary.declared} declared objects compared`;
  if (report.drift.length === 0) return `No drift: ${compared}.`;
  return `${plural(report.drift.length, 'object')} drifted (${plural(summary.changes, 'changed field')}); ${compared}.`;
}

function summaryCards(report: Report): Html {
  const { summary } = report;
  const resolved = report.history?.counts.resolved;
  const findingCards = SEVERITIES.map((severity) => card(severity, summary.findings[severity], severity));
  return html`<div class="cards-label">Drift</div>
<div class="cards">
${card('Modified', summary.modified, 'modified')}
${card('Missing', summary.missing, 'missing')}
${card('Extra', summary.extra, 'extra')}
${card('Changed fields', summary.changes, 'info')}
${card('Compared', summary.compared, 'info', html`of ${summary.declared} declared`)}
${resolved === undefined ? '' : card('Resolved', resolved, 'resolved', html`since the previous run`)}
</div>
<div class="cards-label">Findings</div>
<div class="cards small">
${findingCards}
${card('Exempted', summary.exemptedFindings, 'exempted')}
</div>`;
}

function completenessSection(report: Report): Html {
  const { scan, source } = report;
  const notListed = scan.lists.filter((list) => list.status !== 'listed');
  const problems: Html[] = [];
  if (scan.error) problems.push(html`<li>Reading the live state stopped: ${scan.error}</li>`);
  for (const list of notListed) {
    problems.push(
      html`<li>Not listed (${list.status}): <code>${list.group || 'core'}/${list.resource}</code>${list.namespace ? html` in <code>${list.namespace}</code>` : ''}${list.error ? html` — ${list.error}` : ''}</li>`,
    );
  }
  if (scan.unverified.length > 0) {
    const names = scan.unverified.map(
      (ref) => html`<li><code>${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}</code></li>`,
    );
    problems.push(
      html`<li>${plural(scan.unverified.length, 'declared object')} not verified (their type could not be listed)<details><summary class="muted">show</summary><ul>${names}</ul></details></li>`,
    );
  }
  for (const problem of source.failedFiles) {
    problems.push(
      html`<li>Failed file <code>${problemPlace(problem)}</code>: ${problem.message} — its objects were not audited</li>`,
    );
  }
  const unattributed =
    scan.withoutManagedFields > 0
      ? html`<p class="muted">${plural(scan.withoutManagedFields, 'live object')} had no managedFields: fields added by hand were not checked and changes are not attributed.</p>`
      : '';
  const listed = scan.lists.length - notListed.length;
  if (problems.length === 0) {
    return html`<section><div class="notice k-ok"><h3>Scan complete</h3>${plural(listed, 'resource list')} read, ${plural(source.files, 'manifest file')} parsed, nothing skipped.${unattributed}</div></section>`;
  }
  return html`<section><div class="notice k-warn"><h3>Scan incomplete: absence of drift below is not a clean bill</h3><ul>${problems}</ul>${unattributed}</div></section>`;
}

// --- drift ------------------------------------------------------------------------------------------------------------

function namespaceOf(entry: { namespace?: string }): string {
  return entry.namespace ?? '';
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const list = groups.get(key);
    if (list) list.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function driftSection(report: Report): Html {
  if (report.drift.length === 0)
    return html`<section><h2>Drift</h2><div class="empty">No drift: the live state matches Git.</div></section>`;
  const byNamespace = [...groupBy(report.drift, namespaceOf)].sort(([a], [b]) => a.localeCompare(b));
  const open = report.drift.length <= OPEN_LIMIT;
  const groups = byNamespace.map(([namespace, entries]) =>
    group({
      title: namespace
        ? html`<span class="ns-name">${namespace}</span>`
        : html`<span class="ns-name">(cluster-scoped)</span>`,
      label: plural(entries.length, 'object'),
      total: entries.length,
      badges: statusBadges(entries),
      open,
      body: html`${entries.map(driftEntry)}`,
    }),
  );
  return html`<section id="drift"><h2>Drift <span class="hint">by namespace; declared (Git) and live (cluster) side by side</span></h2>${groups}</section>`;
}

function statusBadges(entries: readonly AttributedDriftEntry[]): Html[] {
  return (['modified', 'missing', 'extra'] as const).flatMap((status) => {
    const count = entries.filter((entry) => entry.status === status).length;
    return count > 0 ? [badge(status, `${count} ${status}`)] : [];
  });
}

function driftEntry(entry: AttributedDriftEntry): Html {
  const source = entry.source ? html`<span class="src">${entry.source.file}:${entry.source.line}</span>` : '';
  return html`<div class="entry k-${entry.status}" data-item>
<div class="entry-head">${badge(entry.status, entry.status)} <span class="obj"><span class="kind">${entry.kind}</span> ${entry.name}</span>${entry.status === 'modified' ? '' : seenMark(entry)}${source}</div>
${entryBody(entry)}${repairLines(entry)}
</div>`;
}

/** The entry's remediation: the command that restores Git, and where to declare a change that should stay. */
function repairLines(entry: AttributedDriftEntry): Html {
  const { remediation } = entry;
  if (!remediation) return html``;
  const { keep } = remediation;
  const keepLine = keep
    ? html`<div class="fix">Keep: declare ${keep.paths && keep.paths.length > 0 ? html`<code>${keep.paths.join(', ')}</code> ` : 'it '}in <code>${keep.file}</code></div>`
    : '';
  return html`<div class="fix">Fix: <code>${remediation.command}</code></div>${keepLine}`;
}

function entryBody(entry: AttributedDriftEntry): Html {
  if (entry.status === 'missing')
    return html`<p class="note">Declared in Git but not found in the cluster (<span class="mono">${entry.apiVersion}</span>).</p>${writerLine(undefined, undefined, undefined, entry.actor)}`;
  if (entry.status === 'extra')
    return html`<p class="note">In the cluster but not declared in Git (<span class="mono">${entry.apiVersion}</span>).</p>${writerLine(entry.manager, entry.time, undefined, entry.actor)}`;
  const unattributed =
    entry.attribution === 'unavailable'
      ? html`<p class="note">No managedFields on the live object: fields added by hand could not be checked, and changes are not attributed.</p>`
      : '';
  return html`${(entry.changes ?? []).map(changeBlock)}${unattributed}`;
}

const REASONS: Record<string, string> = {
  differs: 'value differs',
  'absent-live': 'declared, not set live',
  'live-only': 'set live, not in Git',
  'removed-from-git': 'removed from Git, still live',
};

function changeBlock(change: AttributedChange): Html {
  return html`<div class="change">
<div class="change-head"><code class="path">${change.path}</code><span class="reason">${REASONS[change.reason] ?? change.reason}</span>${seenMark(change)}</div>
${sideBySide({ value: change.declared, present: 'declared' in change }, { value: change.live, present: 'live' in change })}
${writerLine(change.manager, change.time, change.subresource, change.actor)}
</div>`;
}

// --- findings ---------------------------------------------------------------------------------------------------------

function findingsSection(report: Report): Html {
  if (report.findings.length === 0) return html``;
  const active = report.findings.filter((finding) => !finding.exempted);
  const exempted = report.findings.filter((finding) => finding.exempted);
  const groups = SEVERITIES.flatMap((severity) => {
    const findings = active.filter((finding) => finding.severity === severity);
    if (findings.length === 0) return [];
    return [
      findingGroup(
        html`${badge(severity, severity)}`,
        findings,
        isAtLeast(severity, 'high') || report.findings.length <= OPEN_LIMIT,
      ),
    ];
  });
  if (exempted.length > 0) groups.push(findingGroup(html`${badge('exempted', 'exempted')}`, exempted, false));
  return html`<section id="findings"><h2>Findings <span class="hint">cluster hygiene checks, worst first, each with its remediation</span></h2>${groups}</section>`;
}

function findingGroup(title: Html, findings: readonly Finding[], open: boolean): Html {
  const rows = findings.map(
    (finding) =>
      html`<tr data-item><td class="mono wrap">${finding.check}</td><td class="wrap"><b>${finding.kind}</b> ${finding.namespace ? `${finding.namespace}/` : ''}${finding.name}</td><td class="wrap"><div class="finding-msg">${finding.exempted ? html`${badge(finding.severity, finding.severity)} ` : ''}${finding.message}</div>${finding.remediation ? html`<div class="fix">Fix: <code>${finding.remediation}</code></div>` : ''}</td><td>${seenMark(finding)}</td></tr>`,
  );
  return group({
    title,
    label: plural(findings.length, 'finding'),
    total: findings.length,
    open: open && findings.length <= 500,
    body: html`<table class="list findings"><colgroup><col class="c-check"><col class="c-object"><col><col class="c-seen"></colgroup><thead><tr><th>Check</th><th>Object</th><th>Finding</th><th>Seen</th></tr></thead><tbody>${rows}</tbody></table>`,
  });
}
