import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ReportFormat } from '../report/format.ts';
import { REPORT_FORMATS } from '../report/format.ts';
import { runAudit } from './audit.ts';
import type { AuditFlags } from './audit.ts';
import { EXIT } from './exit.ts';
import { printable } from '../io/printable.ts';
import { describeError } from './errors.ts';
import { reportsCommand } from './reports.ts';
import { runValidate } from './validate.ts';
import type { ValidateFlags } from './validate.ts';

const FAIL_ON_VALUES = ['drift', 'modified', 'missing', 'extra', 'incomplete', 'none', 'critical', 'high', 'medium', 'low', 'info'] as const;
export type FailOn = (typeof FAIL_ON_VALUES)[number];

function parseFailOn(value: string): FailOn[] {
  const parts = value.split(',').map((part) => part.trim()).filter(Boolean);
  for (const part of parts) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`expected a comma-separated list of: ${FAIL_ON_VALUES.join(', ')}`);
    }
  }
  return parts as FailOn[];
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return seconds;
}

function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('driftwatch')
    .description('Audit Kubernetes clusters for drift between Git (declared) and live state, with who changed what and when.')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stderr.write(text), writeErr: (text) => process.stderr.write(text) });

  program
    .command('audit')
    .description('Compare declared manifests with the live state and report drift.\n\nExit codes: 0 no drift, 1 drift found, 2 error (also when the cluster could not be read at all), 3 scan incomplete (some types could not be listed, or a manifest file failed) and no drift found; --fail-on none turns 1 and 3 into 0.')
    .option('-c, --config <file>', 'driftwatch.yaml to use (default: ./driftwatch.yaml when present)')
    .option('--cluster <name>', 'audit only this cluster of the config (or name the ad-hoc cluster)')
    .option('-s, --source <location>', 'declared state: folder, .tar.gz/.tgz/.tar/.zip, https:// or s3:// (overrides the config)')
    .option('--path <folder>', 'folder of the source that holds the manifests (ad-hoc runs; default: the whole tree)')
    .option('--snapshot <file>', 'live state from a file (kubectl get -o yaml/json --show-managed-fields)')
    .option('--kubeconfig <file>', 'live state from a cluster through this kubeconfig')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option('--include-secrets', 'also read Secrets from the cluster (needs RBAC on secrets; values are never reported)')
    .option('-n, --namespace <names>', 'namespaces in scope, comma-separated (default: those the manifests use)')
    .option('--request-timeout <seconds>', 'timeout of each API request to the cluster', parseSeconds, 30)
    .option('-o, --out <folder>', 'folder for the JSON reports (default: the config\'s report destination, else ./driftwatch-reports)')
    .option('--no-write', 'do not write report files')
    .addOption(new Option('-f, --format <format>', 'output on stdout').choices(REPORT_FORMATS).default('table'))
    .option(
      '--fail-on <list>',
      `exit 1 on these, comma-separated: drift statuses (drift, modified, missing, extra), incomplete, a finding severity or worse (critical, high, medium, low, info), or none (exit 0 on drift and on an incomplete scan; errors still exit 2)`,
      parseFailOn,
      ['drift'] as FailOn[],
    )
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: AuditFlags & { format: ReportFormat }) => setExitCode(await runAudit(flags)));

  program
    .command('validate')
    .description('Check the config and the declared manifests without reading any cluster.\n\nExit codes: 0 valid, 2 invalid.')
    .option('-c, --config <file>', 'driftwatch.yaml to check (default: ./driftwatch.yaml when present)')
    .option('-s, --source <location>', 'declared state to check (overrides the config)')
    .option('--path <folder>', 'folder of the source to check (default: every cluster path of the config, else the whole tree)')
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: ValidateFlags) => setExitCode(await runValidate(flags)));

  reportsCommand(program, setExitCode);

  return program;
}

/** Runs the CLI and returns the process exit code (kubectl style: 0 clean, 1 drift, 2+ error). */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode: number = EXIT.clean;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      const helpShown = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return helpShown ? EXIT.clean : EXIT.error;
    }
    process.stderr.write(`driftwatch: ${printable(describeError(error))}\n`);
    return EXIT.error;
  }
}
