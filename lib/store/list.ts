import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { s3Sdk } from './s3-sdk.ts';
import type { ListObjectsV2CommandInput, ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import type { ReportStore } from './read.ts';
import { s3ObjectKey } from './read.ts';
import type { S3Destination } from './s3.ts';

/** A stored report as its key describes it: everything `reports list` can say without downloading it. */
export interface StoredReportRef {
  /** Key relative to the store root: `reports/cluster=<name>/dt=YYYY-MM-DD/<YYYYMMDDTHHMMSSZ>-<runId>.json`. */
  key: string;
  cluster: string;
  day: string;
  /** From the key, so to the second: `2026-11-20T10:02:11Z`. */
  generatedAt: string;
  runId: string;
}

export interface ListQuery {
  cluster?: string;
  /** Inclusive bounds on the report time. */
  since?: Date;
  until?: Date;
}

export interface ListOptions {
  /** S3 keys per ListObjectsV2 page (default and maximum 1000); small values exercise paging in tests. */
  pageSize?: number;
  onProgress?: (line: string) => void;
}

const REPORT_KEY =
  /^reports\/cluster=([^/]+)\/dt=(\d{4}-\d{2}-\d{2})\/(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-(.+)\.json$/;

/** The report a key names, or undefined for any other object (findings copies, checksum sidecars, temp files). */
export function parseReportKey(key: string): StoredReportRef | undefined {
  const match = REPORT_KEY.exec(key);
  if (!match) return undefined;
  const [, cluster, day, year, month, date, hour, minute, second, runId] = match;
  if (!cluster || !day || !runId) return undefined;
  return { key, cluster, day, generatedAt: `${year}-${month}-${date}T${hour}:${minute}:${second}Z`, runId };
}

export function compareRefs(a: StoredReportRef, b: StoredReportRef): number {
  return (
    a.generatedAt.localeCompare(b.generatedAt) || a.cluster.localeCompare(b.cluster) || a.runId.localeCompare(b.runId)
  );
}

/** UTC day of an instant, as the `dt=` partitions name it. */
function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

function inTimeRange(ref: StoredReportRef, query: ListQuery): boolean {
  const time = Date.parse(ref.generatedAt);
  // Keys carry whole seconds: compare the bounds at that precision too.
  const since = query.since ? Math.floor(query.since.getTime() / 1000) * 1000 : -Infinity;
  return time >= since && time <= (query.until?.getTime() ?? Infinity);
}

function inDayRange(day: string, query: ListQuery): boolean {
  return (!query.since || day >= dayOf(query.since)) && (!query.until || day <= dayOf(query.until));
}

/** Every report in the store matching the query, oldest first; only the partitions inside the range are read. */
export async function listReports(
  store: ReportStore,
  query: ListQuery,
  options: ListOptions = {},
): Promise<StoredReportRef[]> {
  const clusters = query.cluster ? [query.cluster] : await listClusters(store);
  const perCluster = await Promise.all(
    clusters.map((cluster) =>
      store.type === 'local'
        ? listLocalCluster(store, cluster, query)
        : listS3Cluster(store.client, store.destination, cluster, query, options),
    ),
  );
  return perCluster
    .flat()
    .filter((ref) => inTimeRange(ref, query))
    .sort(compareRefs);
}

export async function listClusters(store: ReportStore): Promise<string[]> {
  const names =
    store.type === 'local'
      ? await localFolders(join(store.folder, 'reports'))
      : await s3Folders(store.client, store.destination, 'reports/');
  return names.flatMap((name) => (name.startsWith('cluster=') ? [name.slice('cluster='.length)] : [])).sort();
}

/** The report at `at` or just before it (the newest without `at`); undefined when the cluster has none that early. */
export async function findReportAt(
  store: ReportStore,
  cluster: string,
  at?: Date,
): Promise<StoredReportRef | undefined> {
  const lastDay = at ? dayOf(at) : undefined;
  const days = (await listDays(store, cluster)).filter((day) => lastDay === undefined || day <= lastDay);
  // Newest day first; usually the first day holds the answer, an earlier one only when every report of it is later.
  for (const day of days.reverse()) {
    const candidates = (await listDay(store, cluster, day)).filter((ref) => !at || inTimeRange(ref, { until: at }));
    const chosen = candidates.at(-1);
    if (chosen) return chosen;
  }
  return undefined;
}

async function listDays(store: ReportStore, cluster: string): Promise<string[]> {
  const clusterFolder = `reports/cluster=${cluster}`;
  const names =
    store.type === 'local'
      ? await localFolders(join(store.folder, clusterFolder))
      : await s3Folders(store.client, store.destination, `${clusterFolder}/`);
  return names.flatMap((name) => (/^dt=\d{4}-\d{2}-\d{2}$/.test(name) ? [name.slice('dt='.length)] : [])).sort();
}

async function listDay(store: ReportStore, cluster: string, day: string): Promise<StoredReportRef[]> {
  const folder = `reports/cluster=${cluster}/dt=${day}`;
  if (store.type === 'local')
    return (await localFiles(join(store.folder, folder)))
      .flatMap((name) => refOf(`${folder}/${name}`))
      .sort(compareRefs);
  const refs: StoredReportRef[] = [];
  for await (const page of s3Pages(store.client, {
    Bucket: store.destination.bucket,
    Prefix: s3ObjectKey(store.destination, `${folder}/`),
  })) {
    refs.push(...keysOf(page, store.destination).flatMap(refOf));
  }
  return refs.sort(compareRefs);
}

function refOf(key: string): StoredReportRef[] {
  const ref = parseReportKey(key);
  return ref ? [ref] : [];
}

// --- local folders -------------------------------------------------------------------------------------------------

/** One cluster's reports in the range: only the `dt=` folders inside it are read. */
async function listLocalCluster(store: ReportStore, cluster: string, query: ListQuery): Promise<StoredReportRef[]> {
  const days = (await listDays(store, cluster)).filter((day) => inDayRange(day, query));
  const perDay = await Promise.all(days.map((day) => listDay(store, cluster, day)));
  return perDay.flat();
}

async function entries(
  folder: string,
): Promise<Array<{ name: string; isDirectory: () => boolean; isFile: () => boolean }>> {
  try {
    return await readdir(folder, { withFileTypes: true });
  } catch (error) {
    // A store with no reports yet (or none of this cluster) is empty, not broken.
    if ((error as { code?: unknown }).code === 'ENOENT') return [];
    throw error;
  }
}

async function localFolders(folder: string): Promise<string[]> {
  return (await entries(folder)).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
}

async function localFiles(folder: string): Promise<string[]> {
  return (await entries(folder)).filter((entry) => entry.isFile()).map((entry) => entry.name);
}

// --- S3 --------------------------------------------------------------------------------------------------------------

/** Every page of a listing, following continuation tokens. */
async function* s3Pages(
  client: S3Client,
  input: ListObjectsV2CommandInput,
): AsyncGenerator<ListObjectsV2CommandOutput> {
  let token: string | undefined;
  do {
    const { ListObjectsV2Command } = await s3Sdk();
    const page = await client.send(
      new ListObjectsV2Command({ ...input, ...(token ? { ContinuationToken: token } : {}) }),
    );
    yield page;
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Keys of a page relative to the store root. */
function keysOf(page: ListObjectsV2CommandOutput, destination: S3Destination): string[] {
  const strip = destination.prefix ? destination.prefix.length + 1 : 0;
  return (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key.slice(strip)] : []));
}

/** The "sub-folders" (common prefixes) right under `folder/`, by name. */
async function s3Folders(client: S3Client, destination: S3Destination, folder: string): Promise<string[]> {
  const prefix = s3ObjectKey(destination, folder);
  const names: string[] = [];
  for await (const page of s3Pages(client, { Bucket: destination.bucket, Prefix: prefix, Delimiter: '/' })) {
    for (const common of page.CommonPrefixes ?? [])
      if (common.Prefix) names.push(common.Prefix.slice(prefix.length).replace(/\/$/, ''));
  }
  return names;
}

/**
 * One cluster's reports in the range, as one listing in key order: it starts after the partitions before --since
 * (StartAfter) and stops at the first key past --until, so days outside the range cost nothing.
 */
async function listS3Cluster(
  client: S3Client,
  destination: S3Destination,
  cluster: string,
  query: ListQuery,
  options: ListOptions,
): Promise<StoredReportRef[]> {
  const folder = `reports/cluster=${cluster}/`;
  const input: ListObjectsV2CommandInput = {
    Bucket: destination.bucket,
    Prefix: s3ObjectKey(destination, folder),
    MaxKeys: Math.min(options.pageSize ?? 1000, 1000),
  };
  // `…/dt=2026-11-03` sorts just before every key of that day.
  if (query.since) input.StartAfter = s3ObjectKey(destination, `${folder}dt=${dayOf(query.since)}`);
  const lastDay = query.until ? dayOf(query.until) : undefined;
  const refs: StoredReportRef[] = [];
  let pages = 0;
  for await (const page of s3Pages(client, input)) {
    pages++;
    const pageRefs = keysOf(page, destination).flatMap(refOf);
    refs.push(...pageRefs.filter((ref) => inDayRange(ref.day, query)));
    if (pages % 5 === 0)
      options.onProgress?.(`cluster ${cluster}: ${String(refs.length)} reports listed (${String(pages)} pages)`);
    // Keys come in order: once one is past the last day, so is every later page.
    if (lastDay !== undefined && pageRefs.some((ref) => ref.day > lastDay)) break;
  }
  return refs;
}
