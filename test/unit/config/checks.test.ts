import { describe, expect, it } from 'vitest';
import { DEFAULT_ALLOWED_SUBJECTS, DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/defaults.ts';
import { issueTexts, minimal, parse, parseError, yaml } from './helpers.ts';

describe('checks and exemptions in driftwatch.yaml', () => {
  it('defaults every check setting and has no exemptions when the config has none', () => {
    const config = parse(minimal());

    expect(config.checks).toStrictEqual(DEFAULT_CHECKS_CONFIG);
    expect(config.exemptions).toStrictEqual([]);
  });

  it('normalises a full checks block: values over defaults, allow-list extending the built-in one', () => {
    const config = parse(
      minimal() +
        yaml(
          'checks:',
          '  enabled: true',
          '  disable: [images-latest]',
          '  severity: { pod-restarts: low }',
          '  podRestarts: { threshold: 8 }',
          '  podPending: { minutes: 20 }',
          '  events: { windowMinutes: 30 }',
          '  csrPending: { minutes: 120 }',
          '  imagesWithoutDigest: true',
          '  rbac: { allowSubjects: ["group:platform-admins", "user:alice", "serviceaccount:ops/deployer"] }',
          '  allowSelfExemption: true',
        ),
    );

    expect(config.checks).toStrictEqual({
      enabled: true,
      disable: ['images-latest'],
      severity: { 'pod-restarts': 'low' },
      podRestarts: { threshold: 8 },
      podPending: { minutes: 20 },
      events: { windowMinutes: 30 },
      csrPending: { minutes: 120 },
      imagesWithoutDigest: true,
      rbac: {
        allowSubjects: [
          ...DEFAULT_ALLOWED_SUBJECTS,
          'group:platform-admins',
          'user:alice',
          'serviceaccount:ops/deployer',
        ],
      },
      allowSelfExemption: true,
    });
  });

  it('keeps exemptions as written, with an unquoted date', () => {
    const config = parse(
      minimal() +
        yaml(
          'exemptions:',
          '  - check: pod-privileged',
          '    kind: DaemonSet',
          '    namespace: monitoring',
          '    name: node-exporter',
          '    reason: needs host metrics',
          '    owner: team-observability',
          '    expires: 2027-03-31',
        ),
    );

    expect(config.exemptions).toStrictEqual([
      {
        check: 'pod-privileged',
        kind: 'DaemonSet',
        namespace: 'monitoring',
        name: 'node-exporter',
        reason: 'needs host metrics',
        owner: 'team-observability',
        expires: '2027-03-31',
      },
    ]);
  });

  it('rejects unknown check ids as severity keys, and unknown keys', () => {
    const error = parseError(
      minimal() + yaml('checks:', '  severity: { pod-restart: low }', '  podRestart: { threshold: 3 }'),
    );

    expect(issueTexts(error)).toStrictEqual([
      'checks.severity: unknown field "pod-restart"',
      'checks: unknown field "podRestart"',
    ]);
  });

  it('rejects a misspelt id in disable once the schema accepted the shape', () => {
    const error = parseError(minimal() + yaml('checks:', '  disable: [images-lastest]'));

    expect(issueTexts(error)).toStrictEqual(['checks.disable[0]: unknown check id (see lib/checks/README.md)']);
  });

  it('rejects a bad severity, threshold and subject', () => {
    const error = parseError(
      minimal() +
        yaml(
          'checks:',
          '  severity: { pod-restarts: urgent }',
          '  podPending: { minutes: 0 }',
          '  rbac: { allowSubjects: [alice] }',
        ),
    );

    expect(issueTexts(error)).toStrictEqual([
      'checks.severity.pod-restarts: must be one of: critical, high, medium, low, info',
      'checks.podPending.minutes: must be at least 1',
      'checks.rbac.allowSubjects[0]: must match ^(user:.+|group:.+|serviceaccount:[^/]+/.+)$',
    ]);
  });

  it('requires reason, owner and a real expiry date on exemptions, and a check glob that matches some check', () => {
    const error = parseError(minimal() + yaml('exemptions:', '  - check: pod-privileged', '    expires: 2027-3-31'));

    expect(issueTexts(error)).toStrictEqual([
      'exemptions[0].reason: required',
      'exemptions[0].owner: required',
      'exemptions[0].expires: must match ^\\d{4}-\\d{2}-\\d{2}$',
    ]);
    expect(
      issueTexts(
        parseError(
          minimal() + yaml('exemptions:', '  - { check: no-such-*, reason: r, owner: o, expires: 2027-02-30 }'),
        ),
      ),
    ).toStrictEqual([
      'exemptions[0].check: matches no check id (see lib/checks/README.md)',
      'exemptions[0].expires: must be a real date YYYY-MM-DD',
    ]);
  });
});
