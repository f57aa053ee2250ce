import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/defaults.ts';
import { DEFAULT_TRUSTED_MANAGERS } from '../../../lib/diff/trust.ts';
import { ConfigError, loadConfig } from '../../../lib/config/load.ts';
import type { DriftwatchConfig } from '../../../lib/config/load.ts';
import { DEFAULT_RENDERER_SETTINGS } from '../../../lib/render/types.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../../lib/source/types.ts';
import { BASE_DIR, HOME_DIR, minimal, parse, yaml } from './helpers.ts';

const FULL = yaml(
  '# yaml-language-server: $schema=./lib/config/driftwatch.schema.json',
  'source:',
  '  location: https://codeload.example.com/acme/gitops/tar.gz/main',
  '  token: ${env:GIT_TOKEN}',
  '  tokenHeader: PRIVATE-TOKEN',
  '  tokenSecretId: arn:aws:secretsmanager:eu-west-1:123456789012:secret:git',
  '  commit: abc123',
  '  limits: { maxEntries: 1000 }',
  'renderer: { path: ./bin/dwrender, timeoutSeconds: 20 }',
  'clusters:',
  '  - name: prod-eu',
  '    path: ./clusters/prod-eu/',
  '    namespaces: [shop, web]',
  '    snapshot: ./live/prod.yaml',
  '    includeSecrets: true',
  '  - name: staging',
  '    path: .',
  '    kubeconfig: { path: ~/.kube/config, context: staging }',
  '  - name: eks-prod',
  '    path: clusters/eks',
  '    eks: { name: prod, region: eu-west-1, roleArn: "arn:aws:iam::123456789012:role/audit" }',
  '    helm:',
  '      releaseName: shop',
  '      namespace: shop',
  '      valueFiles: [values.yaml, values-prod.yaml]',
  '      values: { replicaCount: 3 }',
  '      set: [image.tag=1.2.3]',
  '      setString: [build=0042]',
  '      includeCrds: false',
  '      kubeVersion: 1.34.0',
  '    kustomize: { enableHelm: true, loadRestrictor: LoadRestrictionsNone }',
  '  - name: hidden',
  '    path: clusters/hidden',
  '    kubeconfigSecret: { secretId: kube-hidden }',
  'ignore:',
  '  - kind: ConfigMap',
  '    name: kube-root-ca.crt',
  '    reason: created by the control plane',
  '  - paths: [/metadata/annotations/deployment.kubernetes.io~1revision]',
  'trustedManagers:',
  '  - manager: flux-*',
  '  - manager: terraform',
  '    operation: Apply',
  'ignoreHpaReplicas: false',
  'report:',
  '  destination: s3://acme-audit/driftwatch',
  '  formats: [json, markdown]',
  'notifications:',
  '  slack: { webhookUrl: "${env:SLACK_URL}", minSeverity: high, includeResolved: true }',
  '  sns: { topicArn: "arn:aws:sns:eu-west-1:123456789012:drift" }',
  'schedule: rate(1 hour)',
);

describe('parseConfig on a valid config', () => {
  it('normalises a full config: access union, resolved paths, env values, merged defaults', () => {
    const config = parse(FULL, { GIT_TOKEN: 'ghp_secret', SLACK_URL: 'https://hooks.slack.com/services/T/B/x' });

    const expected: DriftwatchConfig = {
      source: {
        location: 'https://codeload.example.com/acme/gitops/tar.gz/main',
        token: 'ghp_secret',
        tokenHeader: 'PRIVATE-TOKEN',
        tokenSecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:git',
        commit: 'abc123',
        limits: { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 1000 },
      },
      clusters: [
        {
          name: 'prod-eu',
          path: 'clusters/prod-eu',
          namespaces: ['shop', 'web'],
          access: { type: 'snapshot', path: join(BASE_DIR, 'live/prod.yaml') },
          includeSecrets: true,
        },
        {
          name: 'staging',
          path: '.',
          access: { type: 'kubeconfig', path: join(HOME_DIR, '.kube/config'), context: 'staging' },
          includeSecrets: false,
        },
        {
          name: 'eks-prod',
          path: 'clusters/eks',
          access: { type: 'eks', name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::123456789012:role/audit' },
          includeSecrets: false,
          helm: {
            releaseName: 'shop',
            namespace: 'shop',
            valueFiles: [{ path: 'values.yaml' }, { path: 'values-prod.yaml' }],
            values: { replicaCount: 3 },
            set: ['image.tag=1.2.3'],
            setString: ['build=0042'],
            includeCrds: false,
            kubeVersion: '1.34.0',
          },
          kustomize: { enableHelm: true, loadRestrictor: 'LoadRestrictionsNone' },
        },
        {
          name: 'hidden',
          path: 'clusters/hidden',
          access: { type: 'kubeconfigSecret', secretId: 'kube-hidden' },
          includeSecrets: false,
        },
      ],
      renderer: { ...DEFAULT_RENDERER_SETTINGS, path: join(BASE_DIR, 'bin/dwrender'), timeoutSeconds: 20 },
      ignore: [
        { kind: 'ConfigMap', name: 'kube-root-ca.crt', reason: 'created by the control plane' },
        { paths: ['/metadata/annotations/deployment.kubernetes.io~1revision'] },
      ],
      trustedManagers: [
        ...DEFAULT_TRUSTED_MANAGERS,
        { manager: 'flux-*' },
        { manager: 'terraform', operation: 'Apply' },
      ],
      ignoreHpaReplicas: false,
      report: { destination: 's3://acme-audit/driftwatch', formats: ['json', 'markdown'] },
      notifications: {
        slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/x', minSeverity: 'high', includeResolved: true },
        sns: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:drift' },
      },
      schedule: 'rate(1 hour)',
      checks: DEFAULT_CHECKS_CONFIG,
      exemptions: [],
    };
    expect(config).toStrictEqual(expected);
  });

  it('applies defaults: report folder next to the config, json format, HPA replicas ignored, no namespaces', () => {
    const config = parse(minimal());

    expect(config.report).toStrictEqual({ destination: join(BASE_DIR, 'driftwatch-reports'), formats: ['json'] });
    expect(config.ignoreHpaReplicas).toBe(true);
    expect(config.ignore).toStrictEqual([]);
    expect(config.trustedManagers).toStrictEqual([...DEFAULT_TRUSTED_MANAGERS]);
    expect(config.notifications).toStrictEqual({});
    expect(config.source.limits).toStrictEqual(DEFAULT_ARCHIVE_LIMITS);
    expect(config.clusters[0]?.includeSecrets).toBe(false);
    expect(config.clusters[0]).not.toHaveProperty('namespaces');
    expect(config).not.toHaveProperty('schedule');
  });

  it('resolves a local source location and snapshot against the config folder, and leaves absolute paths alone', () => {
    const config = parse(
      yaml(
        'source:',
        '  location: ../gitops.tar.gz',
        'clusters:',
        '  - name: a',
        '    path: .',
        '    snapshot: /var/live.yaml',
      ),
    );

    expect(config.source.location).toBe('/work/gitops.tar.gz');
    expect(config.clusters[0]?.access).toStrictEqual({ type: 'snapshot', path: '/var/live.yaml' });
  });

  it('keeps s3:// source locations and expands ~/ in the report destination', () => {
    const config = parse(
      yaml(
        'source:',
        '  location: s3://acme-gitops/main.tar.gz',
        'clusters:',
        '  - { name: a, path: ., snapshot: live.yaml }',
        'report:',
        '  destination: ~/reports',
      ),
    );

    expect(config.source.location).toBe('s3://acme-gitops/main.tar.gz');
    expect(config.report.destination).toBe(join(HOME_DIR, 'reports'));
  });

  it('treats an empty token as no token, so ${env:GIT_TOKEN:-} works for public repositories', () => {
    const config = parse(
      yaml(
        'source:',
        '  location: https://example.com/a.tgz',
        '  token: ${env:GIT_TOKEN:-}',
        'clusters:',
        '  - { name: a, path: ., snapshot: l.yaml }',
      ),
    );

    expect(config.source).not.toHaveProperty('token');
  });

  it('accepts a $schema key as an editor hint and ignores it', () => {
    const config = parse(`$schema: ./lib/config/driftwatch.schema.json\n${minimal()}`);

    expect(config).not.toHaveProperty('$schema');
  });

  it('accepts a UTF-8 byte order mark at the start of the file', () => {
    expect(parse(`\uFEFF${minimal()}`).clusters).toHaveLength(1);
  });
});

describe('loadConfig', () => {
  let folder: string | undefined;

  afterEach(async () => {
    if (folder !== undefined) await rm(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it('reads the file and resolves relative paths against its folder, with the given environment', async () => {
    folder = await mkdtemp(join(tmpdir(), 'driftwatch-config-'));
    const file = join(folder, 'driftwatch.yaml');
    await writeFile(
      file,
      yaml(
        'source:',
        '  location: ./gitops',
        '  token: ${env:GIT_TOKEN}',
        'clusters:',
        '  - { name: a, path: ., snapshot: live.yaml }',
      ),
    );

    const config = await loadConfig(file, { GIT_TOKEN: 't0k3n' });

    expect(config.source.location).toBe(join(folder, 'gitops'));
    expect(config.source.token).toBe('t0k3n');
    expect(config.clusters[0]?.access).toStrictEqual({ type: 'snapshot', path: join(folder, 'live.yaml') });
    expect(config.report.destination).toBe(join(folder, 'driftwatch-reports'));
  });

  it('throws a ConfigError naming the file when it does not exist', async () => {
    folder = await mkdtemp(join(tmpdir(), 'driftwatch-config-'));
    const file = join(folder, 'missing.yaml');

    const error: unknown = await loadConfig(file, {}).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect(error instanceof ConfigError ? error.message : '').toBe(
      `${file}: cannot read the config file (file not found)`,
    );
  });
});
