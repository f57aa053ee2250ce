import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { parseAt, parseExpiry, parseSince, parseUntil } from '../../../lib/cli/reports-time.ts';
import { sha256Hex } from '../../../lib/store/s3.ts';
import { findReportAt } from '../../../lib/store/list.ts';
import { writeLocalReport } from '../../../lib/store/local.ts';
import type { ReportStore } from '../../../lib/store/read.ts';
import { IntegrityError, readStoredReport, readVerified } from '../../../lib/store/read.ts';
import { runCli } from '../../cli/run-cli.ts';
import { imageDrift, makeReport, withHistory } from './fixtures.ts';

let folder: string;
let store: ReportStore;
const AT = [
  '2026-11-01T22:00:00.000Z',
  '2026-11-02T06:00:00.000Z',
  '2026-11-02T12:00:00.000Z',
  '2026-11-04T09:30:00.000Z',
];
const paths: string[] = [];

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'driftwatch-reports-get-'));
  store = { type: 'local', folder };
  const reports = withHistory(
    AT.map((at, index) =>
      makeReport({
        cluster: 'prod',
        at,
        drift: index < 3 ? [imageDrift('web', `web:${index + 2}`)] : [],
        commit: `c0ffee${index}`,
      }),
    ),
  );
  for (const report of reports) paths.push((await writeLocalReport(folder, report)).report);
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('--at selects the report at or just before the time', () => {
  test.each([
    ['latest', AT[3]],
    ['2026-11-04T09:30:00Z', AT[3]],
    ['2026-11-04T09:29:59Z', AT[2]],
    ['2026-11-03', AT[2]],
    ['2026-11-02T06:00:00Z', AT[1]],
    ['2026-11-02', AT[2]],
    ['20261102T115959Z', AT[1]],
    ['2026-11-01T23:00', AT[0]],
    ['2026-11-02T08:00:00+02:00', AT[1]],
  ])('--at %s', async (at, expected) => {
    const ref = await findReportAt(store, 'prod', parseAt(at));
    expect(ref?.generatedAt).toBe(expected?.replace('.000Z', 'Z'));
  });

  test('before the first report, or an unknown cluster: nothing', async () => {
    expect(await findReportAt(store, 'prod', parseAt('2026-11-01T21:59:59Z'))).toBeUndefined();
    expect(await findReportAt(store, 'staging', undefined)).toBeUndefined();
  });

  test('time arguments', () => {
    expect(parseSince('2026-11-20').toISOString()).toBe('2026-11-20T00:00:00.000Z');
    expect(parseUntil('2026-11-20').toISOString()).toBe('2026-11-20T23:59:59.999Z');
    expect(parseAt('LATEST')).toBeUndefined();
    expect(() => parseAt('tomorrow')).toThrow(InvalidArgumentError);
    expect(() => parseSince('2026-13-45')).toThrow(InvalidArgumentError);
    expect(parseExpiry('30m')).toBe(1800);
    expect(parseExpiry('1h')).toBe(3600);
    expect(parseExpiry('2d')).toBe(172_800);
    expect(parseExpiry('7d')).toBe(604_800);
    for (const bad of ['8d', '169h', '0h', '1w', 'h', '-1h', '1.5h'])
      expect(() => parseExpiry(bad), bad).toThrow(InvalidArgumentError);
  });
});

describe('integrity with the local .sha256 sidecar', () => {
  test('every file written gets a sha256sum-style sidecar', () => {
    const path = paths[0] ?? '';
    const sidecar = readFileSync(`${path}.sha256`, 'utf8');
    expect(sidecar).toBe(`${sha256Hex(readFileSync(path, 'utf8'))}  ${path.split('/').at(-1) ?? ''}\n`);
    expect(existsSync(join(folder, 'latest/prod.json.sha256'))).toBe(true);
  });

  test('an untouched report verifies', async () => {
    const ref = await findReportAt(store, 'prod', undefined);
    const stored = await readStoredReport(store, ref?.key ?? '');
    expect(stored.integrity).toBe('verified');
    expect(stored.report.generatedAt).toBe(AT[3]);
  });

  test('a tampered report fails, naming the file', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'driftwatch-reports-tamper-'));
    try {
      const written = await writeLocalReport(
        scratch,
        makeReport({ cluster: 'prod', at: AT[0] ?? '', drift: [imageDrift('web', 'web:2')] }),
      );
      writeFileSync(written.report, readFileSync(written.report, 'utf8').replace('web:2', 'web:1'));
      const key = written.report.slice(scratch.length + 1);
      const error = await readVerified({ type: 'local', folder: scratch }, key).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IntegrityError);
      expect((error as Error).message).toContain(written.report);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  test('no sidecar (a report written before checksums): read, but flagged unverified', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'driftwatch-reports-nosidecar-'));
    try {
      const written = await writeLocalReport(scratch, makeReport({ cluster: 'prod', at: AT[0] ?? '' }));
      unlinkSync(`${written.report}.sha256`);
      expect(
        (await readVerified({ type: 'local', folder: scratch }, written.report.slice(scratch.length + 1))).integrity,
      ).toBe('unverified');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('reports get on the command line', () => {
  test('json is the stored bytes, verified', () => {
    const result = runCli(['reports', 'get', 'prod', '--store', folder, '--at', '2026-11-02T07:00:00Z']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(readFileSync(paths[1] ?? '', 'utf8'));
    expect(result.stderr).toContain('SHA-256 verified');
  });

  test('every format', () => {
    const table = runCli(['reports', 'get', 'prod', '--store', folder, '--at', '2026-11-02', '--format', 'table']);
    expect(table.stdout).toContain('cluster prod: 1 modified, 0 missing, 0 extra');
    expect(table.stdout).toContain('web:4');
    const markdown = runCli([
      'reports',
      'get',
      'prod',
      '--store',
      folder,
      '--at',
      '2026-11-02',
      '--format',
      'markdown',
    ]);
    expect(markdown.stdout).toContain('# Drift report: prod');
    const html = runCli(['reports', 'get', 'prod', '--store', folder, '--at', '2026-11-02', '--format', 'html']);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    const csv = runCli(['reports', 'get', 'prod', '--store', folder, '--at', '2026-11-02', '--format', 'csv']);
    expect(csv.stdout.startsWith('type,state,cluster,')).toBe(true);
    expect(csv.stdout).toContain(',web:1.0,web:4,');
    // The latest report resolved web's drift: the CSV of that single report lists it as resolved.
    const latestCsv = runCli(['reports', 'get', 'prod', '--store', folder, '--format', 'csv']);
    expect(latestCsv.stdout).toContain('drift,resolved,prod,shop,Deployment,web,');
    for (const result of [table, markdown, html, csv, latestCsv]) expect(result.status, result.stderr).toBe(0);
  });

  test('a tampered report exits 2 with a message naming the file', () => {
    const scratch = mkdtempSync(join(tmpdir(), 'driftwatch-reports-tamper-cli-'));
    try {
      const result = runCli(['reports', 'get', 'prod', '--store', scratch]);
      expect(result.status).toBe(2);
      expect(result.stderr).toContain('no report of cluster prod');
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const target = paths[2] ?? '';
    const original = readFileSync(target, 'utf8');
    try {
      writeFileSync(target, original.replace('"modified": 1', '"modified": 0'));
      const result = runCli(['reports', 'get', 'prod', '--store', folder, '--at', '2026-11-02T12:00:00Z']);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(`integrity check failed for ${target}`);
      const listed = runCli(['reports', 'list', '--store', folder]);
      expect(listed.status).toBe(2);
      expect(listed.stdout).toMatch(/MISMATCH/);
    } finally {
      writeFileSync(target, original);
    }
  });

  test('link needs S3', () => {
    const result = runCli(['reports', 'link', 'prod', '--store', folder]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('links need an S3 store');
  });
});

describe('hostile arguments and reports', () => {
  test('a cluster argument that is not a cluster name is refused before any path is built', () => {
    writeFileSync(join(folder, '..', 'x.json'), '{"secret": "outside the store"}');
    for (const args of [
      ['get', '../../../x'],
      ['get', '../x'],
      ['link', '../x'],
      ['list', '--cluster', '../x'],
      ['export', '--cluster', '../x', '--out', join(folder, 'out.csv')],
    ]) {
      const result = runCli(['reports', ...args, '--store', folder]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('is not a valid cluster name');
      expect(result.stdout).not.toContain('outside the store');
    }
  });

  test('a stored report nested 10,000 levels deep is refused, naming the file', () => {
    writeFileSync(
      join(folder, 'latest', 'deep.json'),
      `{"cluster":"deep","generatedAt":"2026-11-01T00:00:00Z","drift":[],"summary":{},"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    );
    for (const format of ['html', 'table', 'json']) {
      const result = runCli(['reports', 'get', 'deep', '--store', folder, '--format', format]);
      expect(result.status, format).toBe(2);
      expect(result.stderr).toContain(
        `${join(folder, 'latest', 'deep.json')} is not a driftwatch report: nested deeper than 128 levels`,
      );
      expect(result.stderr).not.toContain('Maximum call stack');
    }
  });
});
