import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOG, CHECK_DEFINITIONS, CHECK_IDS, CHECK_KINDS } from '../../../lib/checks/index.ts';
import type { CheckInfo } from '../../../lib/checks/index.ts';
import { at } from '../../../lib/checks/field-readers.ts';
import { configSchema } from '../../../lib/config/load.ts';
import { isPlainObject } from '../../../lib/kube/object.ts';

const README = new URL('../../../lib/checks/README.md', import.meta.url);

/** The README row a check's exports call for. */
function readmeRow(check: CheckInfo): string {
  const reads =
    'reads' in check && Array.isArray(check.reads) && check.reads.length > 0
      ? check.reads.map(({ kind }) => kind).join(', ')
      : '—';
  return `| \`${check.id}\` | ${check.severity} | ${check.title} | ${reads} | ${check.firesOn} |`;
}

describe('check catalogue', () => {
  it('is what lib/checks/README.md lists, row for row (id, default severity, title, kinds read, fires on)', async () => {
    const readme = await readFile(README, 'utf8');
    const rows = readme.split('\n').filter((line) => /^\| `[a-z0-9-]+` \|/.test(line));

    expect(rows).toStrictEqual(CATALOG.map(readmeRow));
  });

  it('offers exactly the check ids as severity keys in the config schema', () => {
    const severity = at(configSchema, 'properties', 'checks', 'properties', 'severity', 'properties');

    expect(Object.keys(isPlainObject(severity) ? severity : {})).toStrictEqual([...CHECK_IDS]);
  });

  it('uses unique, stable kebab-case ids', () => {
    for (const id of CHECK_IDS) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(CHECK_IDS).size).toBe(CHECK_IDS.length);
  });

  it('asks for the kinds every check reads, each once', () => {
    const kinds = CHECK_KINDS.map(({ group, kind }) => `${group}/${kind}`);
    const read = new Set(
      CHECK_DEFINITIONS.flatMap((check) => check.reads.map(({ group, kind }) => `${group}/${kind}`)),
    );

    expect(new Set(kinds).size).toBe(kinds.length);
    expect(new Set(kinds)).toStrictEqual(read);
    expect(kinds).toEqual(
      expect.arrayContaining([
        '/Pod',
        '/Node',
        '/Event',
        'certificates.k8s.io/CertificateSigningRequest',
        'rbac.authorization.k8s.io/ClusterRoleBinding',
        'rbac.authorization.k8s.io/RoleBinding',
        'rbac.authorization.k8s.io/ClusterRole',
        'rbac.authorization.k8s.io/Role',
        'apps/DaemonSet',
        'apps/Deployment',
        'apps/StatefulSet',
        'apps/ReplicaSet',
        'batch/Job',
        'batch/CronJob',
      ]),
    );
  });
});
