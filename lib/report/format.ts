import type { Actor, AttributedChange, AttributedDriftEntry } from '../auditlog/index.ts';
import { styleText } from 'node:util';
import { printableValue } from '../io/printable.ts';
import { toPolicyReport } from './policy-report.ts';
import type { Finding, Report } from './report.ts';
import { problemPlace } from '../source/problem.ts';

export type ReportFormat = 'table' | 'json' | 'markdown' | 'policyreport';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'markdown', 'policyreport'];

export function formatReport(report: Report, format: ReportFormat, options: { color?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'policyreport') return `${JSON.stringify(toPolicyReport(report), null, 2)}\n`;
  const shown = printableReport(report);
  if (format === 'markdown') return formatMarkdown(shown);
  return formatTable(shown, options.color ?? false);
}

/**
 * The report with every string made printable: archive entry names, object fields and server messages reach the
 * table and markdown through many fields, and one escape point covers them all (JSON output escapes by itself).
 */
function printableReport(report: Report): Report {
  // printableValue maps strings to strings and keeps every other value and the shape, so the type still holds.
  return printableValue(report) as Report;
}

/** The person behind a write as the outputs name them (an Actor from the audit log, or less). */
export type ActorName = Pick<Actor, 'username' | 'verb'> & { time?: string };

/**
 * `kubectl-edit by alice@example.com at 2026-11-20T10:02:11Z`, `kubectl (scale), time unknown`: who wrote the live
 * value, through what, and when; without a manager (a missing object), what the audit log says: `deleted by bob at …`.
 */
export function describeWriter(
  manager: string | undefined,
  time: string | undefined,
  subresource?: string,
  actor?: ActorName,
): string {
  if (!manager) {
    if (!actor) return '';
    const at = actor.time ? isoSecond(actor.time) : time;
    return `${actorVerb(actor.verb)} by ${actor.username}${at ? ` at ${at}` : ''}`;
  }
  const tool = subresource ? `${manager} (${subresource})` : manager;
  const who = actor ? `${tool} by ${actor.username}` : tool;
  return time ? `${who} at ${time}` : `${who}, ${TIME_UNKNOWN}`;
}

/** `deleted`, `created`, `changed`: the verb of an audit event as a past participle. */
export function actorVerb(verb: string): string {
  if (verb === 'delete') return 'deleted';
  if (verb === 'create') return 'created';
  return 'changed';
}

/** An audit event's time (microseconds) at the second precision managedFields show. */
function isoSecond(time: string): string {
  return time.replace(/\.\d+Z$/, 'Z');
}

/** What every output says when managedFields name a writer but no time. */
export const TIME_UNKNOWN = 'time unknown';

/** A value on one line, cut to `width` characters. */
export function brief(value: unknown, width = 40): string {
  if (value === undefined) return '-';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}

function objectName(entry: AttributedDriftEntry): string {
  return `${entry.kind} ${entry.namespace ? `${entry.namespace}/` : ''}${entry.name}`;
}

interface Row {
  /** A remediation line after the last row of its object (`fix:` / `keep:`), printed across the columns. */
  note?: string;
  status: string;
  object: string;
  path: string;
  declared: string;
  live: string;
  who: string;
  seen: string;
}

/** `new`, or `since <first seen>` for drift seen by an earlier run; empty without history. */
function seenText(item: { history?: string; firstSeen?: string }): string {
  if (item.history === 'new') return 'new';
  if (item.history === 'persisting' && item.firstSeen) return `since ${item.firstSeen}`;
  return '';
}

function rowsOf(report: Report): Row[] {
  return report.drift.flatMap((entry) => [...changeRows(entry), ...remediationRows(entry)]);
}

function changeRows(entry: AttributedDriftEntry): Row[] {
  const object = objectName(entry);
  if (!entry.changes || entry.changes.length === 0) {
    return [
      {
        status: entry.status,
        object,
        path: '',
        declared: '',
        live: '',
        who: describeWriter(entry.manager, entry.time, undefined, entry.actor),
        seen: seenText(entry),
      },
    ];
  }
  return entry.changes.map((change: AttributedChange) => ({
    status: entry.status,
    object,
    path: change.path,
    declared: brief(change.declared),
    live: brief(change.live),
    who: describeWriter(change.manager, change.time, change.subresource, change.actor),
    seen: seenText(change),
  }));
}

/** `fix: <command>` and, for a change that should stay, `keep: declare <paths> in <file>`. */
function remediationNotes(entry: AttributedDriftEntry): string[] {
  const { remediation } = entry;
  if (!remediation) return [];
  const notes = [`fix: ${remediation.command}`];
  const { keep } = remediation;
  if (keep)
    notes.push(
      keep.paths && keep.paths.length > 0
        ? `keep: declare ${keep.paths.join(', ')} in ${keep.file}`
        : `keep: declare it in ${keep.file}`,
    );
  return notes;
}

function remediationRows(entry: AttributedDriftEntry): Row[] {
  return remediationNotes(entry).map((note) => ({
    note,
    status: '',
    object: '',
    path: '',
    declared: '',
    live: '',
    who: '',
    seen: '',
  }));
}

const STATUS_COLORS = { modified: 'yellow', missing: 'red', extra: 'magenta' } as const;

function formatTable(report: Report, color: boolean): string {
  const paint = (text: string, style: Parameters<typeof styleText>[0]): string =>
    color ? styleText(style, text) : text;
  const lines = [headline(report), ...renderedWith(report)];
  const rows = rowsOf(report);
  if (rows.length > 0) {
    const header: Row = {
      status: 'STATUS',
      object: 'OBJECT',
      path: 'PATH',
      declared: 'DECLARED',
      live: 'LIVE',
      who: 'CHANGED BY',
      seen: 'SEEN',
    };
    const columns = ['status', 'object', 'path', 'declared', 'live', 'who', 'seen'] as const;
    const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
    const render = (row: Row, isHeader: boolean): string =>
      row.note !== undefined
        ? `${' '.repeat((widths[0] ?? 0) + 2)}${paint(row.note, 'dim')}`
        : columns
            .map((column, index) => {
              const cell = row[column].padEnd(widths[index] ?? 0);
              if (isHeader) return paint(cell, 'bold');
              if (column === 'status')
                return paint(cell, STATUS_COLORS[row.status as keyof typeof STATUS_COLORS] ?? 'white');
              return cell;
            })
            .join('  ')
            .trimEnd();
    lines.push('', render(header, true), ...rows.map((row) => render(row, false)));
  }
  lines.push(...findingLines(report, paint));
  lines.push(...completenessLines(report));
  return `${lines.join('\n')}\n`;
}

const SEVERITY_COLORS = { critical: 'red', high: 'red', medium: 'yellow', low: 'cyan', info: 'gray' } as const;

function findingTarget(finding: Finding): string {
  return `${finding.kind} ${finding.namespace ? `${finding.namespace}/` : ''}${finding.name}`;
}

/** Findings of the cluster checks, worst first, each with its remediation command. */
function findingLines(
  report: Report,
  paint: (text: string, style: Parameters<typeof styleText>[0]) => string,
): string[] {
  if (report.findings.length === 0) return [];
  const counts = Object.entries(report.summary.findings)
    .filter(([, count]) => count > 0)
    .map(([severity, count]) => `${count} ${severity}`);
  const exempted = report.summary.exemptedFindings > 0 ? `, ${report.summary.exemptedFindings} exempted` : '';
  const lines = ['', paint(`FINDINGS: ${counts.join(', ') || 'none active'}${exempted}`, 'bold')];
  for (const finding of report.findings) {
    const severity = finding.exempted ? 'exempted' : finding.severity;
    const color = finding.exempted ? 'gray' : SEVERITY_COLORS[finding.severity];
    // The message is a sentence that already names its subject (see Finding.message).
    lines.push(`${paint(severity.padEnd(9), color)} ${finding.check}  ${finding.message}`);
    if (finding.actor) lines.push(`          who: ${describeWriter(undefined, undefined, undefined, finding.actor)}`);
    if (finding.remediation && !finding.exempted) lines.push(`          fix: ${finding.remediation}`);
  }
  return lines;
}

/** `rendered overlays/prod with kustomize v5.8.2 (dwrender)`, for a kustomization or a chart. */
function renderedWith(report: Report): string[] {
  const { renderer, tool, chart, release } = report.source;
  if (renderer === undefined || renderer === 'plain') return [];
  const version = tool?.versions[renderer];
  const program = tool && tool.name !== renderer ? ` (${tool.name})` : '';
  const what = chart
    ? ` chart ${chart.name} ${chart.version}${release ? ` as release ${release.name} in ${release.namespace}` : ''},`
    : '';
  return [`rendered${what} ${report.source.path} with ${renderer}${version ? ` ${version}` : ''}${program}`];
}

function headline(report: Report): string {
  const { summary } = report;
  const commit = report.source.commit ? ` @ ${report.source.commit.slice(0, 12)}` : '';
  // A cluster that could not be audited has no verdict: "no drift — 0 of 0" would read as a clean bill.
  if (report.scan.error) return `cluster ${report.cluster}: NOT AUDITED — ${report.scan.error}`;
  const verdict =
    report.drift.length === 0
      ? 'no drift'
      : `${summary.modified} modified, ${summary.missing} missing, ${summary.extra} extra (${summary.changes} changed fields)`;
  return `cluster ${report.cluster}: ${verdict} — ${summary.compared} of ${summary.declared} declared objects compared, source ${report.source.location}${commit}`;
}

function completenessLines(report: Report): string[] {
  const lines: string[] = [];
  for (const item of report.history?.resolved ?? []) {
    const where = `${item.kind} ${item.namespace ? `${item.namespace}/` : ''}${item.name}`;
    lines.push(`resolved: ${where} ${item.check ?? item.path ?? ''} (first seen ${item.firstSeen})`);
  }
  const { scan, source } = report;
  if (scan.error) lines.push('', `INCOMPLETE: reading the live state stopped: ${scan.error}`);
  const failedLists = scan.lists.filter((list) => list.status !== 'listed');
  for (const list of failedLists) {
    const where = list.namespace ? ` in ${list.namespace}` : '';
    lines.push(
      `not listed (${list.status}): ${list.group || 'core'}/${list.resource}${where}${list.error ? `: ${list.error}` : ''}`,
    );
  }
  const unreadSecrets = scan.unreadSecrets ?? [];
  const otherUnverified = scan.unverified.length - unreadSecrets.length;
  if (otherUnverified > 0)
    lines.push(`${otherUnverified} declared objects not verified (their type could not be listed)`);
  if (unreadSecrets.length > 0) {
    const names = unreadSecrets.map((ref) => `${ref.namespace ?? ''}/${ref.name}`).join(', ');
    lines.push(
      `${unreadSecrets.length} declared Secrets not verified (${names}): Secrets are not read by default; --include-secrets (includeSecrets: true in the config), with RBAC on secrets, verifies them`,
    );
  }
  for (const problem of source.failedFiles) lines.push(`failed file: ${problemPlace(problem)}: ${problem.message}`);
  for (const problem of source.warnings) lines.push(`source warning: ${problemPlace(problem)}: ${problem.message}`);
  for (const warning of scan.warnings ?? []) lines.push(`warning: ${warning}`);
  if (scan.withoutManagedFields > 0) {
    lines.push(
      `${scan.withoutManagedFields} live objects had no managedFields: hand-added fields were not checked and changes are not attributed`,
    );
  }
  return lines;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function formatMarkdown(report: Report): string {
  const lines = [`# Drift report: ${report.cluster}`, '', headline(report), ''];
  lines.push(`- Generated: ${report.generatedAt} (run ${report.runId})`);
  lines.push(
    `- Source: ${report.source.location}${report.source.commit ? ` at commit \`${report.source.commit}\`` : ''}, folder \`${report.source.path}\``,
  );
  lines.push(...renderedWith(report).map((line) => `- ${line[0]?.toUpperCase() ?? ''}${line.slice(1)}`));
  lines.push(`- Scan complete: ${report.scan.complete ? 'yes' : 'NO'}`);
  const rows = report.drift.flatMap(changeRows);
  if (rows.length > 0) {
    lines.push('', '| Status | Object | Path | Declared | Live | Changed by | Seen |', '|---|---|---|---|---|---|---|');
    for (const row of rows) {
      const cells = [row.status, row.object, `\`${row.path}\``, row.declared, row.live, row.who, row.seen].map(
        escapeCell,
      );
      lines.push(`| ${cells.join(' | ')} |`);
    }
  }
  const repairs = report.drift.filter((entry) => entry.remediation);
  if (repairs.length > 0) {
    lines.push('', '## Repair', '');
    for (const entry of repairs) {
      lines.push(
        `- **${escapeCell(objectName(entry))}**`,
        ...remediationNotes(entry).map((note) => {
          const [word, ...rest] = note.split(': ');
          return `  - ${word}: \`${rest.join(': ')}\``;
        }),
      );
    }
  }
  if (report.findings.length > 0) {
    lines.push('', '## Findings', '', '| Severity | Check | Object | Finding | Remediation |', '|---|---|---|---|---|');
    for (const finding of report.findings) {
      const cells = [
        finding.exempted ? `exempted (${finding.severity})` : finding.severity,
        finding.check,
        findingTarget(finding),
        finding.actor
          ? `${finding.message} (${describeWriter(undefined, undefined, undefined, finding.actor)})`
          : finding.message,
        finding.remediation ? `\`${finding.remediation}\`` : '',
      ];
      lines.push(`| ${cells.map(escapeCell).join(' | ')} |`);
    }
  }
  const notes = completenessLines(report).filter((line) => line !== '');
  if (notes.length > 0) lines.push('', '## Completeness', '', ...notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}
