import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { EXPORT_CSV_HEADER } from '../../lib/report/csv.ts';
import type { Report } from '../../lib/report/report.ts';
import { reportBody } from '../../lib/store/layout.ts';
import { listReports } from '../../lib/store/list.ts';
import { putLatestS3, putReportS3, s3ReportKeys } from '../../lib/store/s3.ts';
import { runCli } from '../cli/run-cli.ts';
import type { CliResult } from '../cli/run-cli.ts';
import { monthOfReports } from '../unit/reports/fixtures.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

/**
 * `driftwatch reports` against S3 on moto_server: a bucket (with a key prefix) holding a month of reports for two
 * clusters, four a day, written by the pipeline's own putReportS3/putLatestS3. See fixtures.ts for the story the
 * month tells: web's image drifted on day 3 and was fixed on day 10, a Role lived on day 5, a ConfigMap was missing
 * on days 20-22, replicas drift and a finding stayed open all month.
 */
const BUCKET = 'driftwatch-reports-month';
const STORE = `s3://${BUCKET}/audit/v1`;
const DESTINATION = { bucket: BUCKET, prefix: 'audit/v1' };

let world: World;
let s3: S3Client;
let env: NodeJS.ProcessEnv;
let workDir: string;
const month = new Map<string, Report[]>();

function cli(args: readonly string[]): CliResult {
  return runCli(['reports', ...args, '--store', STORE], { env });
}

beforeAll(async () => {
  world = await startWorld({ kube: false, moto: true, slack: false });
  const endpoint = world.env.AWS_ENDPOINT_URL ?? '';
  env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-reports-s3-'));
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  const limit = pLimit(16);
  for (const cluster of ['prod', 'staging']) {
    const reports = monthOfReports({ cluster, start: '2026-11-01', days: 30, perDay: 4 });
    month.set(cluster, reports);
    await Promise.all(reports.map((report) => limit(() => putReportS3(s3, DESTINATION, report))));
    const last = reports.at(-1);
    if (last) await putLatestS3(s3, DESTINATION, last);
  }
});

afterAll(async () => {
  s3?.destroy();
  await world?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function report(cluster: string, at: string): Report {
  const found = month.get(cluster)?.find((candidate) => candidate.generatedAt === at);
  if (!found) throw new Error(`no fixture report ${cluster}@${at}`);
  return found;
}

interface Listed {
  generatedAt: string;
  cluster: string;
  runId: string;
  commit?: string;
  counts?: { modified: number; missing: number; extra: number; findings: number };
  complete?: boolean;
  integrity?: string;
}

describe('reports list', () => {
  test('the whole month, both clusters, in time order, with counts from the bodies (7 keys per page)', () => {
    const started = Date.now();
    const result = cli(['list', '--format', 'json', '--page-size', '7']);
    const elapsed = Date.now() - started;
    expect(result.status, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Listed[];
    expect(listed).toHaveLength(240);
    expect(listed.map((item) => item.generatedAt)).toEqual([...listed.map((item) => item.generatedAt)].sort());
    expect(listed.every((item) => item.integrity === 'verified' && item.complete === true)).toBe(true);
    const roleDay = listed.find((item) => item.cluster === 'prod' && item.generatedAt === '2026-11-05T06:00:00Z');
    expect(roleDay).toMatchObject({
      commit: 'a1b2c3d4e5f6a7b8c9d0',
      counts: { modified: 2, missing: 0, extra: 1, findings: 1 },
    });
    const missingDay = listed.find((item) => item.cluster === 'staging' && item.generatedAt === '2026-11-21T18:00:00Z');
    expect(missingDay).toMatchObject({ commit: 'f0e9d8c7b6a5f4e3d2c1', counts: { modified: 1, missing: 1, extra: 0 } });
    process.stdout.write(`reports-s3: listed 240 reports with counts (7-key pages) in ${elapsed} ms\n`);
  });

  test('--cluster, --since and --until; the table has one line per report', () => {
    const result = cli(['list', '--cluster', 'prod', '--since', '2026-11-03', '--until', '2026-11-09']);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 7 * 4);
    expect(lines[1]).toMatch(/^2026-11-03T00:00:00Z\s+prod\s+\S+\s+a1b2c3d4e5f6\s+2\s+0\s+0\s+1\s+complete\s+ok$/);
    expect(lines.at(-1)).toMatch(/^2026-11-09T18:00:00Z\s+prod\s/);
  });

  test('paging follows continuation tokens and skips the dt= partitions outside the range', async () => {
    const store = { type: 's3' as const, destination: DESTINATION, client: s3 };
    let listCalls = 0;
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListObjectsV2Command') listCalls++;
        return next(args);
      },
      { step: 'initialize', name: 'countListCalls' },
    );
    try {
      const all = await listReports(store, { cluster: 'prod' }, { pageSize: 5 });
      expect(all).toHaveLength(120);
      expect(listCalls).toBe(24);
      listCalls = 0;
      const range = await listReports(
        store,
        { cluster: 'prod', since: new Date('2026-11-20T00:00:00Z'), until: new Date('2026-11-22T23:59:59Z') },
        { pageSize: 5 },
      );
      expect(range.map((ref) => ref.generatedAt)).toHaveLength(12);
      expect(range[0]?.generatedAt).toBe('2026-11-20T00:00:00Z');
      // 12 keys in range in pages of 5: the third page already reaches day 23, so listing stops there.
      expect(listCalls).toBe(3);
    } finally {
      s3.middlewareStack.remove('countListCalls');
    }
  });

  test('--no-counts lists from the keys alone', () => {
    const result = cli(['list', '--no-counts', '--format', 'json', '--cluster', 'staging']);
    expect(result.status, result.stderr).toBe(0);
    const listed = JSON.parse(result.stdout) as Listed[];
    expect(listed).toHaveLength(120);
    expect(listed[0]?.counts).toBeUndefined();
  });
});

describe('reports get', () => {
  test('--at picks the report at or just before the time; json is the stored bytes, verified', () => {
    const result = cli(['get', 'prod', '--at', '2026-11-05T13:00:00Z']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(reportBody(report('prod', '2026-11-05T12:00:00.000Z')));
    expect(result.stderr).toContain('SHA-256 verified');
  });

  test('latest by default, in every format', () => {
    const latest = cli(['get', 'staging']);
    expect(latest.status, latest.stderr).toBe(0);
    expect((JSON.parse(latest.stdout) as Report).generatedAt).toBe('2026-11-30T18:00:00.000Z');
    const table = cli(['get', 'prod', '--at', '2026-11-05', '--format', 'table']);
    expect(table.stdout).toContain('cluster prod: 2 modified, 0 missing, 1 extra');
    const html = cli(['get', 'prod', '--format', 'html']);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(cli(['get', 'prod', '--format', 'markdown']).stdout).toContain('# Drift report: prod');
    expect(cli(['get', 'prod', '--format', 'csv']).stdout.startsWith('type,state,cluster,')).toBe(true);
  });

  test('nothing that early, or an unknown cluster: exit 2', () => {
    const early = cli(['get', 'prod', '--at', '2026-10-31']);
    expect(early.status).toBe(2);
    expect(early.stderr).toContain('no report of cluster prod at or before');
    expect(cli(['get', 'qa']).status).toBe(2);
  });

  test('an object overwritten with its old sha256 metadata fails the integrity check (exit 2), and list flags it', async () => {
    const target = report('prod', '2026-11-15T06:00:00.000Z');
    const key = s3ReportKeys(DESTINATION, target).report;
    const original = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const body = (await original.Body?.transformToString('utf8')) ?? '';
    const metadata = original.Metadata ?? {};
    expect(metadata['sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    // Someone "fixes" the record: the replicas drift disappears from the body, the old checksum stays.
    const tampered = body.replace('"live": 5', '"live": 2');
    expect(tampered).not.toBe(body);
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: tampered, Metadata: metadata }));
    try {
      const result = cli(['get', 'prod', '--at', '2026-11-15T06:00:00Z']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`integrity check failed for s3://${BUCKET}/${key}`);
      const listed = cli(['list', '--cluster', 'prod', '--since', '2026-11-15', '--until', '2026-11-15']);
      expect(listed.status).toBe(2);
      expect(listed.stdout).toMatch(/2026-11-15T06:00:00Z\s+prod\s+\S+\s+-.*MISMATCH/);
      const exported = cli(['export', '--cluster', 'prod', '--out', join(workDir, 'tampered.csv')]);
      expect(exported.status).toBe(2);
      expect(exported.stderr).toContain('integrity check failed');
    } finally {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, Metadata: metadata }));
    }
  });
});

/** A strict reader for the CSV we write (RFC 4180). */
function parseCsv(text: string): Array<Record<string, string>> {
  const records: string[][] = [[]];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    const last = records.at(-1) ?? [];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (character === '"') quoted = false;
      else field += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      last.push(field);
      field = '';
    } else if (character === '\r' && text[index + 1] === '\n') {
      last.push(field);
      field = '';
      records.push([]);
      index++;
    } else field += character;
  }
  const [header, ...rows] = records.filter((record) => record.length > 0);
  return rows.map((row) => Object.fromEntries((header ?? []).map((name, column) => [name, row[column] ?? ''])));
}

describe('reports export', () => {
  test('csv: each item once, first seen / resolved at / duration from the month of reports', () => {
    const out = join(workDir, 'prod.csv');
    const result = cli([
      'export',
      '--cluster',
      'prod',
      '--since',
      '2026-11-01',
      '--until',
      '2026-11-30',
      '--format',
      'csv',
      '--out',
      out,
    ]);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.slice(1).split('\r\n')[0]).toBe(EXPORT_CSV_HEADER.join(','));
    const rows = parseCsv(text.slice(1));
    expect(rows).toHaveLength(5);
    const byName = new Map(rows.map((row) => [row['name'], row]));
    expect(byName.get('web')).toMatchObject({
      state: 'resolved',
      first_seen: '2026-11-03T00:00:00Z',
      last_seen: '2026-11-09T18:00:00Z',
      resolved_at: '2026-11-10T00:00:00Z',
      duration_hours: '168.00',
      sightings: '28',
      declared: 'web:1.0',
      live: 'web:hotfix',
      changed_by: 'kubectl-set',
      commit: 'a1b2c3d4e5f6a7b8c9d0',
    });
    expect(byName.get('api')).toMatchObject({
      state: 'open',
      resolved_at: 'still open',
      first_seen: '2026-11-01T00:00:00Z',
      changed_by: 'kubectl (scale)',
      sightings: '120',
    });
    expect(byName.get('debug')).toMatchObject({
      drift_status: 'extra',
      resolved_at: '2026-11-06T00:00:00Z',
      duration_hours: '24.00',
    });
    expect(byName.get('feature-flags')).toMatchObject({
      drift_status: 'missing',
      first_seen: '2026-11-20T00:00:00Z',
      resolved_at: '2026-11-23T00:00:00Z',
      duration_hours: '72.00',
    });
    expect(byName.get('agent')).toMatchObject({
      type: 'finding',
      severity: 'high',
      exemption: 'active',
      state: 'open',
    });
  });

  test('a period that ends while drift is open: still open then, first seen before the period', () => {
    const out = join(workDir, 'week.csv');
    const result = cli([
      'export',
      '--cluster',
      'prod',
      '--since',
      '2026-11-05',
      '--until',
      '2026-11-08',
      '--out',
      out,
      '--no-bom',
    ]);
    expect(result.status, result.stderr).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('type,')).toBe(true);
    const web = parseCsv(text).find((row) => row['name'] === 'web');
    expect(web).toMatchObject({
      state: 'open',
      first_seen: '2026-11-03T00:00:00Z',
      last_seen: '2026-11-08T18:00:00Z',
      resolved_at: 'still open',
      duration_hours: String((5 * 24 + 18).toFixed(2)),
    });
  });

  test('markdown and html carry the same numbers', () => {
    const markdownOut = join(workDir, 'prod.md');
    expect(
      cli([
        'export',
        '--cluster',
        'prod',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-30',
        '--format',
        'markdown',
        '--out',
        markdownOut,
      ]).status,
    ).toBe(0);
    const markdown = readFileSync(markdownOut, 'utf8');
    expect(markdown).toContain('120 reports; 5 items: 2 still open, 3 resolved, 0 unconfirmed');
    expect(markdown).toMatch(
      /\| resolved \| Deployment shop\/web \| .* \| 2026-11-03T00:00:00Z \| 2026-11-09T18:00:00Z \| 2026-11-10T00:00:00Z \| 7d \|/,
    );
    const htmlOut = join(workDir, 'prod.html');
    expect(
      cli([
        'export',
        '--cluster',
        'prod',
        '--since',
        '2026-11-01',
        '--until',
        '2026-11-30',
        '--format',
        'html',
        '--out',
        htmlOut,
      ]).status,
    ).toBe(0);
    const html = readFileSync(htmlOut, 'utf8');
    expect(html).toMatch(/<div class="n">2<\/div><div class="l">Still open<\/div>/);
    expect(html).toMatch(/<div class="n">3<\/div><div class="l">Resolved<\/div>/);
    expect(html).toContain('open for 7d');
    expect(html).toContain('<time datetime="2026-11-10T00:00:00.000Z"');
  });
});

describe('reports link', () => {
  test('a presigned URL that downloads the report with a plain fetch', async () => {
    const result = cli(['link', 'prod', '--at', '2026-11-05T13:00:00Z', '--expires', '1h']);
    expect(result.status, result.stderr).toBe(0);
    const url = result.stdout.trim();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(decodeURIComponent(new URL(url).pathname)).toMatch(
      /^\/driftwatch-reports-month\/audit\/v1\/reports\/cluster=prod\/dt=2026-11-05\/20261105T120000Z-\S+\.json$/,
    );
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('3600');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toBe(reportBody(report('prod', '2026-11-05T12:00:00.000Z')));
    expect(result.stderr).toContain(`sha256 ${createHash('sha256').update(body).digest('hex')}`);
  });

  test('latest and the default expiry of 24h; more than 7d is refused', () => {
    const result = cli(['link', 'staging']);
    expect(result.status, result.stderr).toBe(0);
    expect(new URL(result.stdout.trim()).searchParams.get('X-Amz-Expires')).toBe('86400');
    expect(decodeURIComponent(new URL(result.stdout.trim()).pathname)).toContain(
      '/reports/cluster=staging/dt=2026-11-30/20261130T180000Z-',
    );
    const tooLong = cli(['link', 'staging', '--expires', '8d']);
    expect(tooLong.status).toBe(2);
    expect(tooLong.stderr).toContain('at most 7d');
  });
});
