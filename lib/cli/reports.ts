import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { clusterNameProblem, isClusterName } from '../store/cluster-name.ts';
import { EXPORT_FORMATS, GET_FORMATS } from './formats.ts';
import type { ExportFlags } from './reports-export.ts';
import type { GetFlags } from './reports-get.ts';
import type { LinkFlags } from './reports-link.ts';
import type { ListFlags } from './reports-list.ts';
import { parseAt, parseExpiry, parseSince, parseUntil } from './reports-time.ts';

const EXIT_CODES = 'Exit codes: 0 ok, 2 error (bad arguments, nothing found, integrity check failed).';
const TIMES = 'Times are UTC: 2026-11-20 (a whole day), 2026-11-20T10:00:00Z, or a key timestamp (20261120T100000Z).';

/** The options every `reports` subcommand takes: where the reports are. */
function withStore(command: Command): Command {
  return command
    .option(
      '--store <location>',
      'report folder or s3://bucket/prefix (default: the report destination of --config / ./driftwatch.yaml, else ./driftwatch-reports)',
    )
    .option(
      '-c, --config <file>',
      'driftwatch.yaml whose report destination to read (default: ./driftwatch.yaml when present)',
    )
    .option('-q, --quiet', 'no progress on stderr');
}

/** `reports … <cluster>` and `--cluster`: the names `audit` accepts, so no argument climbs out of the store. */
function parseCluster(value: string): string {
  if (!isClusterName(value)) throw new InvalidArgumentError(clusterNameProblem(value));
  return value;
}

function parsePageSize(value: string): number {
  const size = Number(value);
  if (!Number.isInteger(size) || size < 1 || size > 1000) throw new InvalidArgumentError('expected 1 to 1000');
  return size;
}

/**
 * `driftwatch reports list|get|export|link` (each subcommand's code is loaded only when it runs: `link` alone needs
 * the S3 presigner): the same commands for a local report folder and the S3 bucket. Made with
 * `parent.command()` so it inherits the program's exitOverride and output settings (bad arguments exit 2, not 1).
 */
export function reportsCommand(parent: Command, setExitCode: (code: number) => void): Command {
  const reports = parent
    .command('reports')
    .description(`Browse, verify, export and share stored reports (a local folder or S3).\n\n${EXIT_CODES}`);

  withStore(reports.command('list'))
    .summary('one line per stored report: time, cluster, run, commit, counts, completeness')
    .description(
      `One line per stored report, oldest first: time, cluster, run, commit, counts, scan completeness and checksum.\n\n${TIMES}\n${EXIT_CODES}`,
    )
    .option('--cluster <name>', 'only this cluster', parseCluster)
    .option('--since <time>', 'reports at or after this time', parseSince)
    .option('--until <time>', 'reports at or before this time (a date includes that whole day)', parseUntil)
    .addOption(new Option('-f, --format <format>', 'output').choices(['table', 'json']).default('table'))
    .option(
      '--no-counts',
      'list from the keys alone (time, cluster, run): no report is downloaded, fast for huge stores',
    )
    .addOption(new Option('--page-size <keys>', 'S3 keys per listing page').argParser(parsePageSize).hideHelp())
    .action(async (flags: ListFlags) => setExitCode(await (await import('./reports-list.ts')).runList(flags)));

  withStore(reports.command('get'))
    .summary('download one report, verify its SHA-256, print it as json, table, markdown, html or csv')
    .description(
      `Download one report, verify its SHA-256 against the checksum stored with it (S3 metadata or local .sha256 file) and print it.\n\n${TIMES}\n${EXIT_CODES}`,
    )
    .argument('<cluster>', 'cluster name', parseCluster)
    .option('--at <time>', 'the report at or just before this time, or latest', parseAt)
    .addOption(
      new Option('-f, --format <format>', 'output on stdout (json: the stored bytes)')
        .choices(GET_FORMATS)
        .default('json'),
    )
    .action(async (cluster: string, flags: GetFlags) =>
      setExitCode(await (await import('./reports-get.ts')).runGet(cluster, flags)),
    );

  withStore(reports.command('export'))
    .summary('every drift item and finding of a period, deduplicated, to csv, markdown or html')
    .description(
      `Every drifted field and finding of a period, once per item across reports: first seen, last seen, resolved at (or still open), duration, who changed it, commit and exemption.\n\nCSV is RFC 4180 with CRLF line ends, ISO 8601 UTC times, a UTF-8 BOM (for Excel; --no-bom to drop it), and cells starting with = + - @ prefixed with ' so spreadsheets never run them as formulas.\n\n${TIMES}\n${EXIT_CODES}`,
    )
    .requiredOption('--cluster <name>', 'cluster to export', parseCluster)
    .option('--since <time>', 'start of the period (default: the first report)', parseSince)
    .option(
      '--until <time>',
      'end of the period, a date includes that whole day (default: the last report)',
      parseUntil,
    )
    .addOption(
      new Option('-f, --format <format>', 'file format (default: from the --out extension, else csv)').choices(
        EXPORT_FORMATS,
      ),
    )
    .requiredOption('-o, --out <file>', 'file to write')
    .option('--no-bom', 'CSV without the UTF-8 byte order mark')
    .action(async (flags: ExportFlags) => setExitCode(await (await import('./reports-export.ts')).runExport(flags)));

  withStore(reports.command('link'))
    .summary('a presigned S3 URL of one report for a reviewer without AWS access')
    .description(
      `A presigned S3 URL of one report, for a reviewer without AWS access (S3 stores only).\n\n${TIMES}\n${EXIT_CODES}`,
    )
    .argument('<cluster>', 'cluster name', parseCluster)
    .option('--at <time>', 'the report at or just before this time, or latest', parseAt)
    .option('--expires <duration>', 'how long the link works: 30m, 1h … 7d', parseExpiry, 24 * 3600)
    .action(async (cluster: string, flags: LinkFlags) =>
      setExitCode(await (await import('./reports-link.ts')).runLink(cluster, flags)),
    );

  return reports;
}
