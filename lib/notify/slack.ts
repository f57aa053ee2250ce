import type { Finding, Report, ResolvedItem } from '../report/report.ts';
import { brief, describeWriter } from '../report/format.ts';
import type { NewDrift, NotificationDecision, ScanProblems } from './decide.ts';
import { bold, clampMrkdwn, code, escapeMrkdwn } from './mrkdwn.ts';
import { countsOf, findingsText, headline, moreText, objectLabel, plural, title } from './summary.ts';
import { problemPlace } from '../source/problem.ts';

export { sendSlack } from './slack-send.ts';
export type { SlackDelivery, SlackSendOptions } from './slack-send.ts';
export type { SlackBlock, SlackMessage } from './slack-message.ts';
import type { SlackBlock, SlackMessage } from './slack-message.ts';

/** Slack's own limits (Block Kit reference); a message over any of them is refused with `invalid_blocks`. */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonUrl: 3000,
} as const;

/** Room left under the section limit, so that a last `…` or entity never tips a section over. */
const SECTION_MAX = SLACK_LIMITS.sectionText - 100;
const TOP_DRIFT = 10;
const TOP_FINDINGS = 10;
const TOP_RESOLVED = 10;
const TOP_PROBLEMS = 5;
/** Width of declared/live values and of paths: a line, not a manifest. */
const VALUE_WIDTH = 80;
const PATH_WIDTH = 200;
/** A repair command: long enough for a render pipeline, short enough for a section under 3000 characters. */
const FIX_WIDTH = 400;

export interface SlackMessageOptions {
  /** Link to the full report (e.g. a presigned S3 URL). */
  reportUrl?: string;
  /** When `reportUrl` stops working (ISO 8601): said under the button. */
  reportUrlExpiresAt?: string;
}

/**
 * The Slack message of one cluster run: counts, completeness warning, the newest changes with who and when,
 * resolved items and a link to the report. Bounded by construction (about 20 blocks at most, every text cut to
 * its limit) whatever the size of the report.
 */
export function buildSlackMessage(
  report: Report,
  decision: NotificationDecision,
  options: SlackMessageOptions = {},
): SlackMessage {
  const header = title(report.cluster, headline(decision), SLACK_LIMITS.headerText - 1);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: header } },
    section(summaryLines(report)),
  ];
  if (decision.incomplete) blocks.push(section(problemLines(decision.incomplete)));
  blocks.push(...driftBlocks(decision.newDrift));
  if (decision.newFindings.length > 0) blocks.push(section(findingLines(decision.newFindings)));
  if (decision.resolved.length > 0) blocks.push(section(resolvedLines(decision.resolved)));
  blocks.push(...linkBlocks(options.reportUrl, options.reportUrlExpiresAt));
  return { text: clampMrkdwn(escapeMrkdwn(header), 300), blocks };
}

function section(lines: string[]): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clampMrkdwn(lines.join('\n'), SECTION_MAX) } };
}

function context(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clampMrkdwn(text, SECTION_MAX) }] };
}

function summaryLines(report: Report): string[] {
  const counts = countsOf(report);
  const commit = report.source.commit ? ` · commit ${code(report.source.commit.slice(0, 12))}` : '';
  // The source location is left out on purpose: an https URL as written in the config may carry credentials.
  return [
    `*Cluster* ${code(report.cluster)} · run ${code(report.runId)} · ${escapeMrkdwn(report.generatedAt)}${commit}`,
    `*Drift items:* ${counts.new} new · ${counts.persisting} persisting · ${counts.resolved} resolved`,
    `*Objects:* ${counts.modified} modified · ${counts.missing} missing · ${counts.extra} extra (${plural(counts.changes, 'changed field')})`,
    `*Findings:* ${findingsText(counts.findings)}`,
  ];
}

function problemLines(problems: ScanProblems): string[] {
  const lines = [':warning: *Scan incomplete*: this report may not show all drift.'];
  if (problems.error) lines.push(`Reading the live state stopped: ${code(brief(problems.error, 300))}`);
  const lists = problems.failedLists.slice(0, TOP_PROBLEMS).map((list) => {
    const where = `${list.group || 'core'}/${list.resource}${list.namespace ? ` in ${list.namespace}` : ''}`;
    return `• not listed (${list.status}): ${code(where)}${list.error ? ` ${escapeMrkdwn(brief(list.error, 200))}` : ''}`;
  });
  lines.push(...lists, ...more(problems.failedLists.length, lists.length));
  if (problems.unverified > 0)
    lines.push(`• ${problems.unverified} declared objects not verified (their type could not be listed)`);
  const files = problems.failedFiles.slice(0, TOP_PROBLEMS).map((file) => {
    const where = problemPlace(file);
    return `• failed file ${code(brief(where, PATH_WIDTH))}: ${escapeMrkdwn(brief(file.message, 200))}`;
  });
  lines.push(...files, ...more(problems.failedFiles.length, files.length));
  return lines;
}

function more(total: number, shown: number): string[] {
  const text = moreText(total, shown);
  return text ? [escapeMrkdwn(text)] : [];
}

/** One section per new item (the newest first), so each stays readable; the rest is counted, not listed. */
function driftBlocks(items: readonly NewDrift[]): SlackBlock[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, TOP_DRIFT);
  const blocks: SlackBlock[] = [
    { type: 'divider' },
    section([`*New drift* (${items.length})`]),
    ...shown.map((item) => section(driftLines(item))),
  ];
  const rest = moreText(items.length, shown.length);
  if (rest) blocks.push(context(`${escapeMrkdwn(rest)} in the report`));
  return blocks;
}

function driftLines(item: NewDrift): string[] {
  const fix = item.entry.remediation ? [`fix: ${code(brief(item.entry.remediation.command, FIX_WIDTH))}`] : [];
  return [...whatDrifted(item), ...fix];
}

function whatDrifted({ entry, change, severity }: NewDrift): string[] {
  const object = `[${severity}] ${bold(objectLabel(entry))}`;
  if (change) {
    const writer =
      describeWriter(change.manager, change.time, change.subresource, change.actor) ||
      (entry.attribution === 'unavailable' ? 'writer unknown (no managedFields)' : 'writer unknown');
    return [
      `${object} ${code(brief(change.path, PATH_WIDTH))}`,
      `${code(brief(change.declared, VALUE_WIDTH))} → ${code(brief(change.live, VALUE_WIDTH))}`,
      escapeMrkdwn(writer),
    ];
  }
  if (entry.status === 'missing') {
    const where = entry.source
      ? ` (declared in ${code(brief(`${entry.source.file}:${entry.source.line}`, PATH_WIDTH))})`
      : '';
    const deleter = entry.actor
      ? `, ${escapeMrkdwn(describeWriter(undefined, undefined, undefined, entry.actor))}`
      : '';
    return [`${object} missing from the cluster${where}${deleter}`];
  }
  const creator = describeWriter(entry.manager, entry.time, undefined, entry.actor);
  return [`${object} extra: not declared${creator ? `, created by ${escapeMrkdwn(creator)}` : ''}`];
}

function findingLines(findings: readonly Finding[]): string[] {
  const shown = findings
    .slice(0, TOP_FINDINGS)
    .map(
      (finding) =>
        `• [${finding.severity}] ${bold(objectLabel(finding))} ${code(brief(finding.check, VALUE_WIDTH))}: ${escapeMrkdwn(brief(finding.message, 200))}`,
    );
  return [`*New findings* (${findings.length})`, ...shown, ...more(findings.length, shown.length)];
}

function resolvedLines(items: readonly ResolvedItem[]): string[] {
  const shown = items.slice(0, TOP_RESOLVED).map((item) => {
    const what = item.type === 'finding' ? (item.check ?? '') : (item.path ?? item.status ?? '');
    return `• ${bold(objectLabel(item))} ${code(brief(what, PATH_WIDTH))} (first seen ${escapeMrkdwn(item.firstSeen)})`;
  });
  return [`:white_check_mark: *Resolved* (${items.length})`, ...shown, ...more(items.length, shown.length)];
}

/** A button when the URL fits Slack's limit, else a plain note: a cut URL would be a broken link. */
function linkBlocks(reportUrl: string | undefined, expiresAt: string | undefined): SlackBlock[] {
  if (!reportUrl) return [];
  if (reportUrl.length > SLACK_LIMITS.buttonUrl)
    return [context('The full report is stored with this run (its link is too long for Slack).')];
  const button: SlackBlock = {
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open full report' }, url: reportUrl }],
  };
  return expiresAt ? [button, context(`The link works until ${escapeMrkdwn(expiresAt)}.`)] : [button];
}
