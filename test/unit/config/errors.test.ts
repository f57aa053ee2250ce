import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/config/load.ts';
import { issueTexts, minimal, parseError, yaml } from './helpers.ts';

const ACCESS_MESSAGE = 'give exactly one of snapshot, kubeconfig, eks, kubeconfigSecret';

describe('schema errors', () => {
  it('reports a missing required field by its path and line: clusters[2].path', () => {
    const error = parseError(
      minimal(
        '  - name: a', //                line 4
        '    path: a',
        '    snapshot: a.yaml',
        '  - name: b', //                line 7
        '    path: b',
        '    snapshot: b.yaml',
        '  - name: c', //                line 10
        '    snapshot: c.yaml',
      ),
    );

    expect(error.issues).toStrictEqual([{ path: 'clusters[2].path', message: 'required', line: 10 }]);
    expect(error.message).toBe('driftwatch.yaml:10 clusters[2].path: required');
  });

  it('reports a missing top-level section without a line', () => {
    const error = parseError(yaml('clusters:', '  - { name: a, path: ., snapshot: a.yaml }'));

    expect(error.message).toBe('driftwatch.yaml source: required');
  });

  it('reports an unknown field at the line of that field', () => {
    const error = parseError(
      yaml('source:', '  location: ./gitops', '  tokn: x', 'clusters:', '  - { name: a, path: ., snapshot: a.yaml }'),
    );

    expect(error.message).toBe('driftwatch.yaml:3 source: unknown field "tokn"');
  });

  it('reports an unknown top-level field with the file and line only', () => {
    const error = parseError(`${minimal()}reports: {}\n`);

    expect(error.message).toBe('driftwatch.yaml:7: unknown field "reports"');
  });

  it('lists the allowed values of an enum', () => {
    const error = parseError(`${minimal()}trustedManagers:\n  - { manager: terraform, operation: apply }\n`);

    expect(error.message).toBe('driftwatch.yaml:8 trustedManagers[0].operation: must be one of: Apply, Update');
  });

  it('refuses [ ] { } in ignore rules and trusted managers, which were wildcards before one glob served every section', () => {
    const error = parseError(
      `${minimal()}ignore:\n  - { kind: ConfigMap, name: "app-{a,b}" }\n  - { namespace: "team-[0-9]" }\ntrustedManagers:\n  - { manager: "argocd-{x,y}" }\n`,
    );

    const message =
      'only * and ? are wildcards (lib/io/glob.ts): [ ] { } are not allowed here; write one rule per name';
    expect(issueTexts(error)).toStrictEqual([
      `ignore[0].name: ${message}`,
      `ignore[1].namespace: ${message}`,
      `trustedManagers[0].manager: ${message}`,
    ]);
    expect(error.message).toContain('driftwatch.yaml:8 ignore[0].name');
  });

  it('names the expected type', () => {
    const error = parseError(`${minimal()}ignoreHpaReplicas: "no"\nschedule: 5\n`);

    expect(issueTexts(error)).toStrictEqual(['ignoreHpaReplicas: must be true or false', 'schedule: must be a string']);
  });

  it('names the pattern a cluster name must match', () => {
    const error = parseError(minimal('  - { name: Prod_EU, path: ., snapshot: a.yaml }'));

    expect(issueTexts(error)).toStrictEqual(['clusters[0].name: must match ^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$']);
  });

  it('refuses an ignore path that is not a JSON pointer, and an ignore rule that would match everything', () => {
    const error = parseError(
      `${minimal()}ignore:\n  - { kind: Deployment, paths: [spec.replicas] }\n  - { reason: oops }\n`,
    );

    expect(issueTexts(error)).toStrictEqual([
      'ignore[0].paths[0]: must match ^/',
      'ignore[1]: give at least one of group, kind, namespace, name, paths',
    ]);
  });

  it('refuses non-positive and non-integer archive limits', () => {
    const error = parseError(
      yaml(
        'source:',
        '  location: .',
        '  limits: { maxEntries: 0, maxFileBytes: 1.5 }',
        'clusters:',
        '  - { name: a, path: ., snapshot: a.yaml }',
      ),
    );

    expect(issueTexts(error)).toStrictEqual([
      'source.limits.maxEntries: must be at least 1',
      'source.limits.maxFileBytes: must be an integer',
    ]);
  });

  it('refuses an empty cluster list', () => {
    const error = parseError(yaml('source:', '  location: .', 'clusters: []'));

    expect(error.message).toBe('driftwatch.yaml:3 clusters: must not be empty');
  });

  it('gives one message, without sub-errors, when a cluster has two access methods', () => {
    const error = parseError(
      minimal('  - name: prod', '    path: .', '    snapshot: a.yaml', '    eks: { name: prod, region: eu-west-1 }'),
    );

    expect(error.message).toBe(`driftwatch.yaml:4 clusters[0]: ${ACCESS_MESSAGE}`);
  });

  it('gives one message, without sub-errors, when a cluster has no access method', () => {
    const error = parseError(minimal('  - name: prod', '    path: .'));

    expect(error.issues).toStrictEqual([{ path: 'clusters[0]', message: ACCESS_MESSAGE, line: 4 }]);
  });

  it('reports a badly typed access method as a type error, not as a missing access method', () => {
    const error = parseError(minimal('  - { name: prod, path: ., snapshot: 5 }'));

    expect(issueTexts(error)).toStrictEqual(['clusters[0].snapshot: must be a string']);
  });

  it('reports only the type when a cluster is not a mapping', () => {
    const error = parseError(minimal('  - prod'));

    expect(issueTexts(error)).toStrictEqual(['clusters[0]: must be a mapping']);
  });

  it('reports a file that is not a mapping at all', () => {
    const error = parseError('- just\n- a list\n');

    expect(error.message).toBe('driftwatch.yaml: must be a mapping');
  });

  it('reports every issue, one line each, in file order', () => {
    const error = parseError(
      yaml(
        'source:',
        '  location: ./gitops',
        'clusters:',
        '  - name: prod',
        '    path: .',
        '    kubeconfig: { context: prod }',
        'report:',
        '  formats: [pdf]',
      ),
    );

    expect(error.message).toBe(
      [
        'driftwatch.yaml:6 clusters[0].kubeconfig.path: required',
        'driftwatch.yaml:8 report.formats[0]: must be one of: json, markdown, table',
      ].join('\n'),
    );
  });
});

describe('checks beyond the schema', () => {
  it('reports a duplicate cluster name with the index of its first use', () => {
    const error = parseError(
      minimal(
        '  - { name: prod, path: a, snapshot: a.yaml }',
        '  - { name: staging, path: b, snapshot: b.yaml }',
        '  - { name: dev, path: c, snapshot: c.yaml }',
        '  - { name: staging, path: d, snapshot: d.yaml }',
      ),
    );

    expect(error.message).toBe('driftwatch.yaml:7 clusters[3].name: duplicate name "staging" (also clusters[1])');
  });

  it('refuses a cluster folder that leaves the source tree', () => {
    const error = parseError(
      minimal('  - { name: a, path: ../other, snapshot: a.yaml }', '  - { name: b, path: /etc, snapshot: b.yaml }'),
    );

    expect(issueTexts(error)).toStrictEqual([
      'clusters[0].path: must be a folder inside the source (no leading / and no ..)',
      'clusters[1].path: must be a folder inside the source (no leading / and no ..)',
    ]);
  });

  it('refuses source URLs other than https:// and s3://bucket/key', () => {
    for (const location of ['http://example.com/a.tgz', 'ftp://example.com/a.tgz', 's3://bucket-only']) {
      const error = parseError(
        yaml('source:', `  location: ${location}`, 'clusters:', '  - { name: a, path: ., snapshot: a.yaml }'),
      );

      expect(issueTexts(error)).toStrictEqual([
        'source.location: must be a folder, a .tar.gz/.tgz/.tar/.zip file, an https:// URL or s3://bucket/key',
      ]);
    }
  });

  it('refuses a report destination that is a URL other than s3://', () => {
    const error = parseError(`${minimal()}report:\n  destination: https://example.com/reports\n`);

    expect(issueTexts(error)).toStrictEqual(['report.destination: must be a folder or s3://bucket/prefix']);
  });
});

describe('YAML syntax errors', () => {
  it('name the file and line and do not echo the content', () => {
    const error = parseError(yaml('source:', '  location: ./gitops', '  token: ghp_s3cr3t: more', 'clusters: []'));

    expect(error.message).toBe('driftwatch.yaml:3: invalid YAML: bad indentation of a mapping entry');
    expect(error.message).not.toContain('ghp_s3cr3t');
  });

  it('report duplicate keys at the line of the second one', () => {
    const error = parseError(yaml('source:', '  location: ./a', '  location: ./b'));

    expect(error.issues).toStrictEqual([{ path: '', message: 'invalid YAML: duplicated mapping key', line: 3 }]);
  });

  it('leave out the tag text that js-yaml quotes in its reason', () => {
    const error = parseError(yaml('source:', '  location: !secret-tag-ghp_abc ./a'));

    expect(error.message).toBe('driftwatch.yaml:2: invalid YAML: unknown scalar tag');
  });

  it('refuse more than 20 aliases, which could multiply the tree to validate', () => {
    // Line n+1 holds `ln: &ln [*l(n-1), *l(n-1)]`: the 21st alias is on line 12.
    const doubling = Array.from({ length: 11 }, (_, index) => `l${index + 1}: &l${index + 1} [*l${index}, *l${index}]`);
    const error = parseError(yaml('l0: &l0 [x]', ...doubling));

    expect(error.message).toBe('driftwatch.yaml:12: invalid YAML: aliases exceeded maxAliases (20)');
  });

  it('report an empty file', () => {
    const error = parseError('# nothing yet\n');

    expect(error.message).toBe('driftwatch.yaml: invalid YAML: expected a document, but the input is empty');
  });

  it('are a ConfigError whose message holds no stack trace', () => {
    const error = parseError('a: [\n');

    expect(error).toBeInstanceOf(ConfigError);
    expect(error.name).toBe('ConfigError');
    expect(error.message).not.toMatch(/\n\s+at /);
    expect(error.message).toMatch(/^driftwatch\.yaml:\d+: invalid YAML: /);
  });
});

describe('secrets in error messages', () => {
  const TOKEN = 'ghp_T0pS3cretValue';
  const WEBHOOK = 'http://hooks.slack.com/services/T0/B0/S3cretHook';

  it('never contain the token or the webhook URL, whether written inline or taken from the environment', () => {
    const broken = [
      // Inline secrets next to every kind of mistake.
      yaml(
        'source:',
        '  location: ./gitops',
        `  token: ${TOKEN}`,
        '  tokenHeader: 42',
        'clusters:',
        '  - { name: BAD, path: ../x, snapshot: a.yaml, eks: { name: a, region: b } }',
        'notifications:',
        `  slack: { webhookUrl: "${WEBHOOK}", minSeverity: urgent }`,
      ),
      // Secrets from the environment, in values that fail validation.
      yaml(
        'source:',
        '  location: ${env:TOKEN}',
        '  token: ${env:TOKEN}',
        '  limits: { maxEntries: "${env:TOKEN}" }',
        'clusters:',
        '  - { name: "${env:TOKEN}", path: ., snapshot: a.yaml }',
        'notifications:',
        '  slack: { webhookUrl: "${env:WEBHOOK}" }',
        '  sns: { topicArn: "${env:MISSING}" }',
      ),
      // A token where a mapping is expected, and as an enum value.
      yaml(
        'source:',
        `  location: ${TOKEN}`,
        `  limits: ${TOKEN}`,
        'clusters:',
        `  - ${TOKEN}`,
        `schedule: [${TOKEN}]`,
      ),
    ];

    for (const text of broken) {
      const error = parseError(text, { TOKEN, WEBHOOK });

      expect(error.issues.length).toBeGreaterThan(0);
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain('S3cretHook');
      expect(JSON.stringify(error.issues)).not.toContain(TOKEN);
    }
  });
});
