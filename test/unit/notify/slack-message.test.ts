import { describe, expect, test } from 'vitest';
import { notificationFor } from '../../../lib/notify/decide.ts';
import type { NotificationDecision } from '../../../lib/notify/decide.ts';
import type { SlackBlock, SlackMessage } from '../../../lib/notify/slack.ts';
import { SLACK_LIMITS, buildSlackMessage } from '../../../lib/notify/slack.ts';
import type { Report } from '../../../lib/report/report.ts';
import {
  NEW,
  PERSISTING,
  extra,
  finding,
  hugeReport,
  imageChange,
  missing,
  modified,
  report,
  resolvedDrift,
  withResolved,
} from './fixtures.ts';

function decided(input: Report): NotificationDecision {
  const decision = notificationFor(input);
  if (!decision) throw new Error('expected a notification');
  return decision;
}

function textsOf(block: SlackBlock): string[] {
  switch (block.type) {
    case 'header':
    case 'section':
      return [block.text.text];
    case 'context':
      return block.elements.map((element) => element.text);
    case 'actions':
      return block.elements.map((element) => element.text.text);
    case 'divider':
      return [];
  }
}

function allText(message: SlackMessage): string {
  return message.blocks.flatMap(textsOf).join('\n');
}

function expectWithinLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const block of message.blocks) {
    const limit = block.type === 'header' ? SLACK_LIMITS.headerText : SLACK_LIMITS.sectionText;
    for (const text of textsOf(block)) expect(text.length).toBeLessThan(limit);
  }
}

describe('buildSlackMessage', () => {
  test('shows cluster, counts, the change with who and when, declared → live, and the report link', () => {
    const input = report(
      [modified([imageChange('web:2')]), modified([imageChange('web:9', PERSISTING)], { name: 'api' })],
      {
        findings: [finding('high'), finding('low', PERSISTING, { name: 'other' })],
      },
    );
    input.history = {
      resolved: [],
      unconfirmed: [],
      counts: { new: 2, persisting: 2, resolved: 0 },
      scanProblemsChanged: true,
    };
    const message = buildSlackMessage(input, decided(input), {
      reportUrl: 'https://bucket.s3.amazonaws.com/r.json?X-Amz-Signature=abc',
    });
    const text = allText(message);
    expect(message.text).toBe('driftwatch prod-eu: 1 new drift, 1 new finding');
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'driftwatch prod-eu: 1 new drift, 1 new finding' },
    });
    expect(text).toContain('`prod-eu`');
    expect(text).toContain('2 new · 2 persisting · 0 resolved');
    expect(text).toContain('2 modified · 0 missing · 0 extra (2 changed fields)');
    expect(text).toContain('*Findings:* 1 high, 1 low');
    expect(text).toContain('*Deployment shop/web* `/spec/template/spec/containers/name=web/image`');
    expect(text).toContain('`web:1` → `web:2`');
    expect(text).toContain('kubectl-edit at 2026-11-20T10:02:11Z');
    expect(text).not.toContain('web:9');
    expect(message.blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'Open full report' },
          url: 'https://bucket.s3.amazonaws.com/r.json?X-Amz-Signature=abc',
        },
      ],
    });
  });

  test('missing, extra, resolved and scan problems are told', () => {
    const input = withResolved(report([missing('db'), extra('Role', 'debug')]), [resolvedDrift('api')]);
    input.scan = {
      ...input.scan,
      complete: false,
      lists: [
        {
          group: '',
          version: 'v1',
          resource: 'secrets',
          kind: 'Secret',
          namespace: 'shop',
          status: 'forbidden',
          count: 0,
          error: 'secrets is forbidden',
        },
      ],
    };
    const text = allText(buildSlackMessage(input, decided(input)));
    expect(text).toContain('[high] *Deployment shop/db* missing from the cluster (declared in `apps/db.yaml:1`)');
    expect(text).toContain(
      '[high] *Role shop/debug* extra: not declared, created by kubectl-create at 2026-11-20T10:02:11Z',
    );
    expect(text).toContain('*Resolved* (1)');
    expect(text).toContain('• *Deployment shop/api* `/spec/replicas` (first seen 2026-11-20T09:00:00Z)');
    expect(text).toContain(':warning: *Scan incomplete*');
    expect(text).toContain('not listed (forbidden): `core/secrets in shop` secrets is forbidden');
  });

  test('escapes &, < and > from report fields so they cannot form links or mentions', () => {
    const input = report(
      [
        modified([
          {
            path: '/metadata/annotations/a',
            reason: 'differs',
            declared: '<!channel> & <https://evil|x>',
            live: 'a>b',
            manager: '<@U123>',
            ...NEW,
          },
        ]),
      ],
      {
        findings: [finding('high', NEW, { message: '<!here> do it & now' })],
      },
    );
    const message = buildSlackMessage(input, decided(input));
    const text = allText(message);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;https://evil|x&gt;');
    expect(text).toContain('a&gt;b');
    expect(text).toContain('&lt;@U123&gt;');
    expect(text).toContain('&lt;!here&gt; do it &amp; now');
    for (const block of message.blocks)
      if (block.type !== 'header') for (const part of textsOf(block)) expect(part).not.toMatch(/<|>/);
  });

  test('a huge report (2,000 drift entries) stays within Slack limits, newest first, and counts the rest', () => {
    const input = hugeReport(2000, 3);
    const message = buildSlackMessage(input, decided(input), { reportUrl: 'https://example.com/report' });
    expectWithinLimits(message);
    const text = allText(message);
    expect(text).toContain('…and 5990 more in the report');
    expect(text).toContain('*New findings* (2000)');
    expect(text).toContain('…and 1990 more');
    expect(message.text.length).toBeLessThanOrEqual(300);
    const times = [...text.matchAll(/at (2026-11-20T10:\d\d:00Z)/g)].map((match) => match[1]);
    expect(times.length).toBe(10);
    expect(times).toEqual([...times].sort().reverse());
  });

  test('a long cluster name and long values are cut, not sent over the limits', () => {
    const input = report(
      [
        modified([
          {
            path: `/spec/${'p'.repeat(5000)}`,
            reason: 'differs',
            declared: 'd'.repeat(10_000),
            live: '&'.repeat(10_000),
            ...NEW,
          },
        ]),
      ],
      {
        cluster: `cluster-${'é'.repeat(400)}`,
      },
    );
    const message = buildSlackMessage(input, decided(input));
    expectWithinLimits(message);
    expect(allText(message)).not.toMatch(/&[a-z]*…/);
  });

  test('a report URL over the button limit becomes a note instead of a broken link', () => {
    const input = report([missing('db')]);
    const message = buildSlackMessage(input, decided(input), { reportUrl: `https://example.com/?${'a'.repeat(4000)}` });
    expect(message.blocks.some((block) => block.type === 'actions')).toBe(false);
    expect(allText(message)).toContain('too long for Slack');
  });
});
