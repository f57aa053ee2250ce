/**
 * The check cases under test/fixtures/checks/<id>/, one folder per check id as Polaris keeps
 * test/checks/<id>/{success,failure}: `fires-<case>.yaml` must produce exactly the findings it expects, `quiet-<case>.yaml`
 * none of that check. test/fixtures/checks/README.md describes the format.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { CORE_SCHEMA, dump, loadAll } from 'js-yaml';
import { describe, expect, test } from 'vitest';
import {
  applyExemptions,
  CATALOG,
  CHECK_DEFINITIONS,
  declaredPodTemplates,
  runChecks,
} from '../../../lib/checks/index.ts';
import type { CheckFinding, ChecksInput } from '../../../lib/checks/index.ts';
import { checkContext } from '../../../lib/checks/context.ts';
import { parseConfig } from '../../../lib/config/load.ts';
import type { ExemptionConfig } from '../../../lib/config/types.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';
import { isKubeObject, isPlainObject } from '../../../lib/kube/object.ts';

const FIXTURES = new URL('../../fixtures/checks/', import.meta.url);
/** The clock of every case that does not set `now`. */
const NOW = '2026-05-01T12:00:00Z';

/** What a case expects of one finding; each field given is compared exactly (evidence: the keys given). */
interface ExpectedFinding {
  object: string;
  severity: string;
  message?: string;
  remediation?: string;
  evidence?: Record<string, unknown>;
  exempted?: boolean;
}

interface CheckCase {
  input: ChecksInput;
  exemptions: readonly ExemptionConfig[];
  expected: ExpectedFinding[];
}

const caseFiles = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((folder) =>
    readdirSync(new URL(`${folder.name}/`, FIXTURES)).map((file) => ({
      check: folder.name,
      file,
      path: `${folder.name}/${file}`,
    })),
  )
  .sort((a, b) => (a.path < b.path ? -1 : 1));

describe('check fixture folders', () => {
  test('are one per check id, each with at least one fires- and one quiet- case, and nothing else', () => {
    const folders = [...new Set(caseFiles.map(({ check }) => check))].sort();
    const named = (prefix: string): string[] =>
      [...new Set(caseFiles.filter(({ file }) => file.startsWith(prefix)).map(({ check }) => check))].sort();

    expect(folders).toStrictEqual(CATALOG.map(({ id }) => id).sort());
    expect(named('fires-')).toStrictEqual(folders);
    expect(named('quiet-')).toStrictEqual(folders);
    expect(caseFiles.filter(({ file }) => !/^(fires|quiet)-[a-z0-9-]+\.yaml$/.test(file))).toStrictEqual([]);
  });
});

describe.each(caseFiles)('$path', ({ check, file, path }) => {
  const { input, exemptions, expected } = readCase(path);

  test(file.startsWith('fires-') ? `fires ${expected.length}` : 'stays quiet', () => {
    if (file.startsWith('fires-')) expect(expected.length).toBeGreaterThan(0);
    else expect(expected).toStrictEqual([]);

    const findings = applyExemptions(runChecks(input), exemptions, input.now, input.config).filter(
      (found) => found.check === check,
    );

    expect(findings.map((found, index) => seen(found, expected[index]))).toStrictEqual(expected);
  });

  test('gives every check only findings of its own id', () => {
    const context = checkContext(input);

    for (const definition of CHECK_DEFINITIONS)
      for (const found of definition.run(context)) expect(found.check).toBe(definition.id);
  });
});

/** The fields of a finding that the expectation names, in its shape. */
function seen(found: CheckFinding, expected: ExpectedFinding | undefined): ExpectedFinding {
  const object = `${found.kind} ${found.namespace === undefined ? '' : `${found.namespace}/`}${found.name}`;
  const evidence =
    expected?.evidence === undefined
      ? undefined
      : Object.fromEntries(Object.keys(expected.evidence).map((key) => [key, found.evidence?.[key]]));
  return {
    object,
    severity: found.severity,
    ...(expected?.message !== undefined && { message: found.message }),
    ...(expected?.remediation !== undefined && { remediation: found.remediation }),
    ...(evidence !== undefined && { evidence }),
    ...(expected?.exempted !== undefined && { exempted: found.exempted ?? false }),
  };
}

function readCase(path: string): CheckCase {
  const [header, ...objects] = loadAll(readFileSync(new URL(path, FIXTURES), 'utf8'), {
    schema: CORE_SCHEMA,
    filename: path,
  });
  if (!isPlainObject(header) || !Array.isArray(header['expect']))
    throw new Error(`${path}: the first document needs expect: [...]`);
  const unknown = Object.keys(header).filter(
    (key) => !['expect', 'config', 'now', 'since', 'auditedNamespaces', 'declared'].includes(key),
  );
  if (unknown.length > 0) throw new Error(`${path}: unknown keys ${unknown.join(', ')}`);
  // The case's driftwatch.yaml fragment (checks, exemptions, trustedManagers) goes through the real config loader.
  const config = parseConfig(
    dump({
      source: { location: './gitops' },
      clusters: [{ name: 'prod', path: 'clusters/prod', snapshot: './live.yaml' }],
      ...record(header['config'], path),
    }),
    {
      file: path,
      baseDir: '/fixtures',
      env: {},
      homeDir: '/home/fixtures',
    },
  );
  const since = header['since'];
  const audited = header['auditedNamespaces'];
  return {
    input: {
      objects: objects.map((object) => kubeObject(object, path)),
      now: new Date(typeof header['now'] === 'string' ? header['now'] : NOW),
      ...(typeof since === 'string' && { since: new Date(since) }),
      declaredPodTemplates: declaredPodTemplates(
        list(header['declared'], path).map((object) => kubeObject(object, path)),
      ),
      ...(Array.isArray(audited) && {
        auditedNamespaces: audited.filter((namespace) => typeof namespace === 'string'),
      }),
      config: config.checks,
      trust: trustPolicy(config.trustedManagers),
    },
    exemptions: config.exemptions,
    expected: header['expect'].map((entry) => expectedFinding(entry, path)),
  };
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) throw new Error(`${path}: config must be a map`);
  return value;
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${path}: declared must be a list`);
  return value;
}

function kubeObject(value: unknown, path: string): KubeObject {
  if (!isKubeObject(value)) throw new Error(`${path}: every object needs apiVersion, kind and metadata.name`);
  return value;
}

function expectedFinding(value: unknown, path: string): ExpectedFinding {
  if (!isPlainObject(value)) throw new Error(`${path}: each expect entry is a map`);
  const { object, severity, message, remediation, evidence, exempted, ...rest } = value;
  if (typeof object !== 'string' || typeof severity !== 'string')
    throw new Error(`${path}: each expect entry needs object and severity`);
  if (Object.keys(rest).length > 0) throw new Error(`${path}: unknown expect keys ${Object.keys(rest).join(', ')}`);
  return {
    object,
    severity,
    ...(typeof message === 'string' && { message }),
    ...(typeof remediation === 'string' && { remediation }),
    ...(isPlainObject(evidence) && { evidence }),
    ...(typeof exempted === 'boolean' && { exempted }),
  };
}
