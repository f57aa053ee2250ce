import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, test } from 'vitest';
import { parseAuditLines } from '../../../lib/auditlog/index.ts';
import type { AuditLogSource } from '../../../lib/auditlog/index.ts';
import type { CheckFinding } from '../../../lib/checks/finding.ts';
import { DEFAULT_CHECKS_CONFIG } from '../../../lib/checks/index.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { failedReport } from '../../../lib/report/failed.ts';
import { applyHistory } from '../../../lib/report/history.ts';
import type { Report } from '../../../lib/report/report.ts';
import reportSchemaJson from '../../../lib/report/report.schema.json' with { type: 'json' };
import { checkStoredReport } from '../../../lib/report/validate.ts';
import { auditSnapshot, snapshotText, tree, WALL } from '../pipeline/helpers.ts';

/*
 * report.schema.json and the TypeScript types describe one document. Two checks keep them in step:
 * - every object of the schema lists exactly the fields of its TypeScript type: the field lists below are checked
 *   against the types by the compiler (`fields<T>()`: a field of T missing from the list, or a listed field T does not
 *   have, is a type error) and against the schema by the test;
 * - reports made by the real builders (audit, checks, exemptions, audit log, history, failures) validate against the
 *   schema with every `additionalProperties: true` turned off, so nothing they write goes undescribed.
 */

type Json = Record<string, unknown>;

const reportSchema: Json = reportSchemaJson;
type KeysOf<T> = T extends unknown ? keyof T & string : never;
type Item<T> = T extends readonly (infer U)[] ? U : never;

/** The listed field names, which must be exactly the fields of T (every member of a union counts). */
function fields<T>() {
  return <const Listed extends readonly KeysOf<T>[]>(
    listed: Listed &
      ([Exclude<KeysOf<T>, Listed[number]>] extends [never]
        ? unknown
        : { missing: Exclude<KeysOf<T>, Listed[number]> }),
  ): readonly string[] => listed;
}

type Source = Report['source'];
type Scan = Report['scan'];
type History = NonNullable<Report['history']>;
type Drift = Item<Report['drift']>;
type Change = Item<NonNullable<Drift['changes']>>;
type Remediation = NonNullable<Drift['remediation']>;
type Actor = NonNullable<Change['actor']>;

/** Schema pointer of each object → the fields of its TypeScript type. */
const TYPE_FIELDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    '',
    fields<Report>()([
      'schemaVersion',
      'runId',
      'cluster',
      'identity',
      'generatedAt',
      'source',
      'live',
      'scan',
      'summary',
      'drift',
      'findings',
      'history',
    ]),
  ],
  [
    '/properties/source',
    fields<Source>()([
      'location',
      'commit',
      'path',
      'files',
      'failedFiles',
      'warnings',
      'renderer',
      'tool',
      'chart',
      'release',
    ]),
  ],
  ['/properties/source/properties/tool', fields<NonNullable<Source['tool']>>()(['name', 'versions'])],
  ['/properties/source/properties/chart', fields<NonNullable<Source['chart']>>()(['name', 'version'])],
  ['/properties/source/properties/release', fields<NonNullable<Source['release']>>()(['name', 'namespace'])],
  ['/properties/live', fields<Report['live']>()(['origin'])],
  [
    '/properties/scan',
    fields<Scan>()([
      'complete',
      'error',
      'lists',
      'unverified',
      'withoutManagedFields',
      'observedAt',
      'clock',
      'listedKinds',
      'unreadSecrets',
      'auditLog',
      'warnings',
    ]),
  ],
  [
    '/properties/scan/properties/lists/items',
    fields<Item<Scan['lists']>>()(['group', 'version', 'resource', 'kind', 'namespace', 'status', 'count', 'error']),
  ],
  [
    '/properties/scan/properties/auditLog',
    fields<NonNullable<Scan['auditLog']>>()(['source', 'events', 'matched', 'unmatched', 'malformed', 'reason']),
  ],
  [
    '/properties/summary',
    fields<Report['summary']>()([
      'declared',
      'compared',
      'modified',
      'missing',
      'extra',
      'changes',
      'failedFiles',
      'findings',
      'exemptedFindings',
    ]),
  ],
  [
    '/properties/summary/properties/findings',
    fields<Report['summary']['findings']>()(['critical', 'high', 'medium', 'low', 'info']),
  ],
  [
    '/properties/history',
    fields<History>()([
      'previousRunId',
      'previousGeneratedAt',
      'previous',
      'resolved',
      'unconfirmed',
      'counts',
      'scanProblemsChanged',
    ]),
  ],
  ['/properties/history/properties/previous', fields<NonNullable<History['previous']>>()(['status', 'reason'])],
  [
    '/properties/history/properties/resolved/items',
    fields<Item<History['resolved']>>()([
      'key',
      'type',
      'kind',
      'apiVersion',
      'namespace',
      'name',
      'path',
      'status',
      'check',
      'firstSeen',
      'resolvedAt',
    ]),
  ],
  [
    '/properties/history/properties/unconfirmed/items',
    fields<Item<History['unconfirmed']>>()(['key', 'firstSeen', 'group', 'kind', 'namespace', 'name']),
  ],
  ['/properties/history/properties/counts', fields<History['counts']>()(['new', 'persisting', 'resolved'])],
  ['/$defs/problem', fields<Item<Source['failedFiles']>>()(['file', 'line', 'message', 'severity'])],
  ['/$defs/ref', fields<Item<Scan['unverified']>>()(['group', 'kind', 'namespace', 'name'])],
  [
    '/$defs/change',
    fields<Change>()([
      'path',
      'reason',
      'declared',
      'live',
      'manager',
      'operation',
      'subresource',
      'time',
      'actor',
      'history',
      'firstSeen',
    ]),
  ],
  [
    '/$defs/driftEntry',
    fields<Drift>()([
      'apiVersion',
      'kind',
      'namespace',
      'name',
      'status',
      'changes',
      'attribution',
      'manager',
      'time',
      'actor',
      'source',
      'history',
      'firstSeen',
      'remediation',
    ]),
  ],
  ['/$defs/driftEntry/properties/source', fields<NonNullable<Drift['source']>>()(['file', 'line'])],
  ['/$defs/driftEntry/properties/remediation', fields<Remediation>()(['command', 'keep'])],
  [
    '/$defs/driftEntry/properties/remediation/properties/keep',
    fields<NonNullable<Remediation['keep']>>()(['file', 'paths']),
  ],
  // What the checks write (the report's Finding and the details they add), with the audit log's actor.
  [
    '/$defs/finding',
    fields<CheckFinding & { actor?: Actor }>()([
      'check',
      'severity',
      'kind',
      'namespace',
      'name',
      'message',
      'remediation',
      'actor',
      'exempted',
      'history',
      'firstSeen',
      'exemption',
      'evidence',
    ]),
  ],
  [
    '/$defs/finding/properties/exemption',
    fields<NonNullable<CheckFinding['exemption']>>()(['source', 'reason', 'owner', 'expires']),
  ],
  [
    '/$defs/actor',
    fields<Actor>()([
      'username',
      'groups',
      'uid',
      'impersonatedBy',
      'sourceIPs',
      'userAgent',
      'verb',
      'time',
      'auditId',
    ]),
  ],
];

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function schemaAt(pointer: string): Json {
  let node: unknown = reportSchema;
  for (const segment of pointer.split('/').slice(1)) node = isRecord(node) ? node[segment] : undefined;
  if (!isRecord(node)) throw new Error(`no schema object at ${pointer}`);
  return node;
}

/** Pointers of every schema node that lists properties (an object of the document). */
function objectPointers(node: unknown, pointer = ''): string[] {
  if (Array.isArray(node)) return node.flatMap((item, index) => objectPointers(item, `${pointer}/${index}`));
  if (!isRecord(node)) return [];
  const own = isRecord(node['properties']) ? [pointer] : [];
  return [...own, ...Object.entries(node).flatMap(([key, value]) => objectPointers(value, `${pointer}/${key}`))];
}

/** The schema with every `additionalProperties: true` made false: a field the builders write must be described. */
function closed(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(closed);
  if (!isRecord(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === 'additionalProperties' && value === true ? false : closed(value),
    ]),
  );
}

describe('report.schema.json and the TypeScript types', () => {
  test.each(TYPE_FIELDS)('%s: the schema lists exactly the fields of its TypeScript type', (pointer, keys) => {
    const properties = schemaAt(pointer)['properties'];
    expect(isRecord(properties) ? Object.keys(properties).sort() : []).toEqual([...keys].sort());
  });

  test('every object the schema describes has its TypeScript type listed above', () => {
    expect(objectPointers(reportSchema).sort()).toEqual(TYPE_FIELDS.map(([pointer]) => pointer).sort());
  });
});

const T0 = '2026-05-11T10:00:00Z';
const managed = (manager: string, operation: 'Apply' | 'Update', fieldsV1: Json, time = T0): Json[] => [
  { manager, operation, apiVersion: 'v1', time, fieldsV1 },
];
const APPLIED = { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:data': { 'f:mode': {} } };

function configMap(name: string, data: Record<string, string>, metadata: Json = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop', labels: { app: 'shop' }, ...metadata },
    data,
  };
}

function deployment(image: string, replicas: number, metadata: Json = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...metadata },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image, securityContext: { privileged: true } }] },
      },
    },
  };
}

const DECLARED = {
  'cm.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: flags, namespace: shop, labels: {app: shop}}\ndata: {mode: fast}\n',
  'gone.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: gone, namespace: shop, labels: {app: shop}}\ndata: {mode: fast}\n',
  'web.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: shop}',
    'spec:',
    '  replicas: 2',
    '  selector: {matchLabels: {app: web}}',
    '  template:',
    '    metadata: {labels: {app: web}}',
    '    spec: {containers: [{name: web, image: "web:1.0", securityContext: {privileged: true}}]}',
    '',
  ].join('\n'),
  'secret.yaml':
    'apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\nstringData: {password: hunter2}\n',
  'broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [unclosed\n',
};

/** The live side: a field changed by kubectl edit, a Deployment scaled and re-imaged, one ConfigMap gone, one made by hand. */
function liveObjects(): KubeObject[] {
  return [
    configMap(
      'flags',
      { mode: 'slow' },
      {
        managedFields: [
          ...managed('kubectl-client-side-apply', 'Update', APPLIED),
          ...managed('kubectl-edit', 'Update', { 'f:data': { 'f:mode': {} } }, '2026-05-11T10:05:00Z'),
        ],
      },
    ),
    configMap(
      'handmade',
      { b: '2' },
      { managedFields: managed('kubectl-create', 'Update', { 'f:data': { 'f:b': {} } }, '2026-05-11T10:06:00Z') },
    ),
    deployment('web:hotfix', 3, {
      managedFields: managed(
        'kubectl-set',
        'Update',
        { 'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } } },
        '2026-05-11T10:07:00Z',
      ),
    }),
    configMap('bare', { x: '1' }),
  ];
}

/** An audit log that saw the kubectl edit and the hand-made ConfigMap (metadata only, as kube-apiserver writes it). */
function auditLog(): AuditLogSource {
  const event = (id: string, verb: string, name: string, at: string): string =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: 'Metadata',
      auditID: id,
      stage: 'ResponseComplete',
      requestURI: `/api/v1/namespaces/shop/configmaps/${name}`,
      verb,
      user: { username: 'alice@example.com', uid: 'u-1', groups: ['devs'] },
      impersonatedUser: { username: 'ops', groups: ['system:masters'] },
      sourceIPs: ['10.0.0.7'],
      userAgent: 'kubectl/v1.34.4 (linux/amd64) kubernetes/abc',
      objectRef: { resource: 'configmaps', namespace: 'shop', name, apiVersion: 'v1' },
      responseStatus: { metadata: {}, code: 200 },
      requestReceivedTimestamp: at,
      stageTimestamp: at,
    });
  const text = [
    event('a', 'update', 'flags', '2026-05-11T10:05:00.100Z'),
    event('b', 'create', 'handmade', '2026-05-11T10:06:00.100Z'),
    'not json',
  ].join('\n');
  return { describe: 'file audit.log', read: () => Promise.resolve(parseAuditLines(text)) };
}

/** Reports as the pipeline makes them, one per case. */
async function builtReports(): Promise<Array<[string, Report]>> {
  const snapshot = snapshotText(liveObjects());
  const clean = await auditSnapshot(
    snapshotText([
      configMap('flags', { mode: 'fast' }, { managedFields: managed('kubectl-client-side-apply', 'Update', APPLIED) }),
    ]),
    {
      tree: tree({ 'cm.yaml': DECLARED['cm.yaml'] }),
    },
  );
  const drift = await auditSnapshot(snapshot, {
    tree: tree(DECLARED),
    identity: 'adhoc-0123456789abcdef',
    auditLog: auditLog(),
  });
  const exempted = await auditSnapshot(snapshot, {
    tree: tree(DECLARED),
    checks: {
      config: structuredClone(DEFAULT_CHECKS_CONFIG),
      exemptions: [
        { check: 'pod-privileged', reason: 'CNI agent', owner: 'platform', expires: '2099-12-31' },
        { check: 'images-latest', reason: 'old', owner: 'platform', expires: '2020-01-01' },
      ],
    },
  });
  const checksOnly = await auditSnapshot(snapshot);
  const failed = failedReport({
    runId: 'run-2',
    cluster: 'test',
    identity: 'adhoc-0123456789abcdef',
    generatedAt: new Date(WALL.getTime() + 7_200_000),
    sourcePath: 'charts/shop',
    sourceLocation: 's3://bucket/repo.tar.gz',
    error: 'helm template failed',
    failedFiles: [{ file: 'charts/shop', message: 'render failed', severity: 'error' }],
    render: {
      renderer: 'helm',
      tool: { name: 'dwrender', versions: { helm: 'v4.0.0', go: 'go1.26' } },
      chart: { name: 'shop', version: '1.2.3' },
      release: { name: 'shop', namespace: 'shop' },
    },
  });
  // An hour later the hand-made ConfigMap without managedFields is gone and the Deployment is no longer privileged.
  const laterLive = liveObjects().filter((object) => object.metadata.name !== 'bare');
  const later = await auditSnapshot(snapshotText(laterLive), {
    tree: tree({ ...DECLARED, 'web.yaml': DECLARED['web.yaml'].replace(', securityContext: {privileged: true}', '') }),
    identity: 'adhoc-0123456789abcdef',
    auditLog: auditLog(),
    runId: 'run-3',
    now: () => new Date(WALL.getTime() + 3_600_000),
  });
  const first = applyHistory(drift, undefined);
  const afterInvalid = applyHistory(drift, undefined, 'summary.modified: 2, but the report holds 1');
  const persisting = applyHistory(later, first);
  const carried = applyHistory(failed, first);
  return [
    ['clean', clean],
    ['drift, findings, audit log, unverified Secret, failed file', drift],
    ['exempted and expired exemptions', exempted],
    ['checks only', checksOnly],
    ['failed render', failed],
    ['first history', first],
    ['history after an invalid previous report', afterInvalid],
    ['persisting and resolved', persisting],
    ['failed run carrying items unconfirmed', carried],
  ];
}

describe('reports made by the builders', async () => {
  const reports = await builtReports();
  const validateClosed = new Ajv2020({ strict: true, allErrors: true }).compile(closed(reportSchema) as Json);

  test('the cases cover what the schema describes', () => {
    const all = JSON.stringify(reports.map(([, report]) => report));
    for (const field of [
      '"remediation"',
      '"actor"',
      '"impersonatedBy"',
      '"auditLog"',
      '"exemption"',
      '"evidence"',
      '"resolvedAt"',
      '"previous"',
      '"tool"',
      '"identity"',
      '"exempted":true',
      '"error"',
    ]) {
      expect(all.includes(field), field).toBe(true);
    }
    const named = (name: string): Report | undefined => reports.find(([candidate]) => candidate === name)?.[1];
    expect(named('persisting and resolved')?.history?.counts.persisting).toBeGreaterThan(0);
    expect(
      named('persisting and resolved')
        ?.history?.resolved.map((item) => item.type)
        .sort(),
    ).toEqual(['drift', 'finding']);
    expect(named('failed run carrying items unconfirmed')?.history?.unconfirmed.length).toBeGreaterThan(0);
    expect(named('drift, findings, audit log, unverified Secret, failed file')?.summary).toMatchObject({
      modified: 2,
      missing: 1,
      extra: 2,
      failedFiles: 1,
    });
  });

  test.each(reports.map(([name]) => name))(
    '%s: valid against the schema with no undescribed field, and read back as stored',
    (name) => {
      const report = reports.find(([candidate]) => candidate === name)?.[1];
      const json: unknown = JSON.parse(JSON.stringify(report));
      expect(validateClosed(json), JSON.stringify(validateClosed.errors)).toBe(true);
      expect(checkStoredReport(json, 'test')).toEqual({ report: json });
    },
  );
});
