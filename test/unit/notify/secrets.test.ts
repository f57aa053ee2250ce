import { describe, expect, test } from 'vitest';
import { notificationFor } from '../../../lib/notify/decide.ts';
import { buildSlackMessage } from '../../../lib/notify/slack.ts';
import { sendSlack } from '../../../lib/notify/slack-send.ts';
import { buildSnsMessage } from '../../../lib/notify/sns.ts';
import type { Report } from '../../../lib/report/report.ts';
import { NEW, modified, report } from './fixtures.ts';

const DIGEST_OLD = `sha256:${'a1'.repeat(32)}`;
const DIGEST_NEW = `sha256:${'b2'.repeat(32)}`;
const DIGEST_KEY = `sha256:${'c3'.repeat(32)}`;

/** A report of a changed Secret, as the diff engine writes it: values only as digests. */
function secretReport(): Report {
  return report([
    modified(
      [
        {
          path: '/data/password',
          reason: 'differs',
          declared: DIGEST_OLD,
          live: DIGEST_NEW,
          manager: 'kubectl-edit',
          time: '2026-11-20T10:02:11Z',
          ...NEW,
        },
        { path: '/data', reason: 'live-only', live: { apiKey: DIGEST_KEY }, manager: 'kubectl-edit', ...NEW },
      ],
      { apiVersion: 'v1', kind: 'Secret', name: 'db-credentials' },
    ),
  ]);
}

/** Every `sha256:` digest in a text, as far as it was shown (values may be cut by brief()). */
function digestsIn(text: string): string[] {
  return [...text.matchAll(/sha256:[0-9a-f]*/g)].map((match) => match[0]);
}

describe('secret safety', () => {
  test("Slack and SNS messages carry Secret values only as the report's own digests", () => {
    const input = secretReport();
    const decision = notificationFor(input);
    if (!decision) throw new Error('expected a notification');
    expect(decision.newDrift.every((item) => item.severity === 'high')).toBe(true);
    const texts = [
      JSON.stringify(buildSlackMessage(input, decision, {})),
      JSON.stringify(buildSnsMessage(input, decision, {})),
    ];
    for (const text of texts) {
      const digests = digestsIn(text);
      expect(digests.length).toBeGreaterThan(0);
      for (const digest of digests)
        expect([DIGEST_OLD, DIGEST_NEW, DIGEST_KEY].some((known) => known.startsWith(digest))).toBe(true);
      // Nothing of the source location (which may carry credentials in its URL) and no environment values.
      expect(text).not.toContain(input.source.location);
      for (const value of Object.values(process.env))
        if (value && value.length >= 12) expect(text).not.toContain(value);
    }
  });

  test('the webhook URL never appears in a returned error', async () => {
    const webhook = 'http://127.0.0.1:1/services/T000/B000/VerySecretToken123';
    const refused = await sendSlack(
      webhook,
      { text: 't', blocks: [] },
      { maxAttempts: 2, sleep: async () => undefined },
    );
    const malformed = await sendSlack(
      '::/services/T000/B000/VerySecretToken123',
      { text: 't', blocks: [] },
      { sleep: async () => undefined },
    );
    for (const delivery of [refused, malformed]) {
      expect(delivery.ok).toBe(false);
      expect(delivery.error).toMatch(/^Slack webhook request failed: [A-Za-z_]+$/);
      expect(JSON.stringify(delivery)).not.toContain('VerySecretToken123');
    }
  });
});
