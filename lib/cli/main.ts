import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { ReportFormat } from '../report/format.ts';
import { REPORT_FORMATS } from '../report/format.ts';
import type { AuditFlags } from './audit.ts';
import { EXIT, FAIL_ON_VALUES } from './exit.ts';
import type { FailOn } from './exit.ts';
import { printable } from '../io/printable.ts';
import { describeError } from '../io/errors.ts';
import { RENDER_FORMATS } from './formats.ts';
import { reportsCommand } from './reports.ts';
import type { RenderFlags } from './render.ts';
import type { ValidateFlags } from './validate.ts';

function parseFailOn(value: string): FailOn[] {
  const parts = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  for (const part of parts) {
    if (!(FAIL_ON_VALUES as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`expected a comma-separated list of: ${FAIL_ON_VALUES.join(', ')}`);
    }
  }
  return parts as FailOn[];
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new InvalidArgumentError('expected a positive number of seconds');
  return seconds;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseAssignment(value: string, previous: string[]): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError('expected key=value');
  return [...previous, value];
}

/** The flags that say how a Kustomize or Helm folder is rendered, shared by audit and render. */
function withRenderOptions(command: Command): Command {
  return command
    .option(
      '--helm-release <name>',
      "Helm release name (default: the chart name, or the config's clusters[].helm.releaseName)",
    )
    .option(
      '--helm-namespace <namespace>',
      'Helm release namespace: .Release.Namespace and where objects without one go (default: default)',
    )
    .option(
      '--helm-values <file>',
      'a values file, repeatable, in order: a local file, else a path relative to the chart folder in the source',
      collect,
      [],
    )
    .option('--helm-set <key=value>', 'helm --set, repeatable', parseAssignment, [])
    .option('--helm-set-string <key=value>', 'helm --set-string, repeatable', parseAssignment, [])
    .option(
      '--kube-version <version>',
      "Capabilities.KubeVersion for Helm (default: the live cluster's, else Helm's default)",
    )
    .option(
      '--api-versions <version>',
      'Capabilities.APIVersions for Helm, repeatable (default: what the live cluster serves, for a chart that asks)',
      collect,
      [],
    )
    .option('--enable-helm', "run kustomize's helmCharts generator (charts vendored under chartHome)")
    .addOption(
      new Option(
        '--load-restrictor <restrictor>',
        'kustomize load restrictor (default LoadRestrictionsRootOnly)',
      ).choices(['LoadRestrictionsRootOnly', 'LoadRestrictionsNone']),
    )
    .option(
      '--renderer <file>',
      "a dwrender, kustomize or helm executable (default: the project's build, then kustomize/helm on PATH)",
    );
}

/** The program and its options; each command's code is imported when it runs, so `--help` loads none of them. */
function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('driftwatch')
    .description(
      'Audit Kubernetes clusters for drift between Git (declared) and live state, with who changed what and when.',
    )
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stderr.write(text),
      writeErr: (text) => process.stderr.write(text),
    });

  const audit = program
    .command('audit')
    .description(
      'Compare declared manifests with the live state and report drift.\n\nExit codes: 0 no drift, 1 drift found, 2 error (also when the cluster could not be read at all), 3 scan incomplete (some types could not be listed, or a manifest file failed) and no drift found; --fail-on none turns 1 and 3 into 0.',
    )
    .option('-c, --config <file>', 'driftwatch.yaml to use (default: ./driftwatch.yaml when present)')
    .option('--cluster <name>', 'audit only this cluster of the config (or name the ad-hoc cluster)')
    .option(
      '-s, --source <location>',
      'declared state: folder, .tar.gz/.tgz/.tar/.zip, https:// or s3:// (overrides the config)',
    )
    .option('--path <folder>', 'folder of the source that holds the manifests (ad-hoc runs; default: the whole tree)')
    .option('--snapshot <file>', 'live state from a file (kubectl get -o yaml/json --show-managed-fields)')
    .option('--kubeconfig <file>', 'live state from a cluster through this kubeconfig')
    .option('--context <name>', 'kubeconfig context (default: current-context)')
    .option(
      '--include-secrets',
      'also read Secrets from the cluster (needs RBAC on secrets; values are never reported)',
    )
    .option(
      '--audit-log <file>',
      "the cluster's Kubernetes audit log (JSON lines, plain or .gz), repeatable for rotated files: who made each change",
      collect,
      [],
    )
    .option('-n, --namespace <names>', 'namespaces in scope, comma-separated (default: those the manifests use)')
    .option('--request-timeout <seconds>', 'timeout of each API request to the cluster', parseSeconds, 30)
    .option(
      '-o, --out <folder>',
      "folder for the JSON reports (default: the config's report destination, else ./driftwatch-reports)",
    )
    .option('--no-write', 'do not write report files')
    .addOption(new Option('-f, --format <format>', 'output on stdout').choices(REPORT_FORMATS).default('table'))
    .option(
      '--fail-on <list>',
      `exit 1 on these, comma-separated: drift statuses (drift, modified, missing, extra), incomplete, a finding severity or worse (critical, high, medium, low, info), or none (exit 0 on drift and on an incomplete scan; errors still exit 2)`,
      parseFailOn,
      ['drift'] as FailOn[],
    )
    .option('-q, --quiet', 'no progress on stderr');
  withRenderOptions(audit).action(async (flags: AuditFlags & { format: ReportFormat }) =>
    setExitCode(await (await import('./audit.ts')).runAudit(flags)),
  );

  const render = program
    .command('render')
    .description(
      'Print the declared objects of one cluster path as the audit sees them: a kustomization built with kustomize, a chart templated with Helm (detected as Argo CD does), else the plain YAML; namespaces defaulted, Helm hooks left out, Secret values replaced by digests.\n\nExit codes: 0 rendered, 2 error (one line on stderr, nothing on stdout).',
    )
    .option('-c, --config <file>', 'driftwatch.yaml to use (default: ./driftwatch.yaml when present)')
    .option('--cluster <name>', 'the cluster of the config whose path and render settings to use')
    .option(
      '-s, --source <location>',
      'declared state: folder, .tar.gz/.tgz/.tar/.zip, https:// or s3:// (overrides the config)',
    )
    .option('--path <folder>', "folder of the source to render (default: the cluster's path, else the whole tree)")
    .addOption(new Option('-f, --format <format>', 'output on stdout').choices(RENDER_FORMATS).default('json'))
    .option(
      '--object <kind/[namespace/]name>',
      'print only this object, repeatable (e.g. Deployment/shop/web)',
      collect,
      [],
    )
    .option('-q, --quiet', 'no progress on stderr');
  withRenderOptions(render).action(async (flags: RenderFlags) =>
    setExitCode(await (await import('./render.ts')).runRender(flags)),
  );

  program
    .command('validate')
    .description(
      'Check the config and the declared manifests (rendered, for Kustomize and Helm folders) without reading any cluster.\n\nExit codes: 0 valid, 2 invalid.',
    )
    .option('-c, --config <file>', 'driftwatch.yaml to check (default: ./driftwatch.yaml when present)')
    .option('-s, --source <location>', 'declared state to check (overrides the config)')
    .option(
      '--path <folder>',
      'folder of the source to check (default: every cluster path of the config, else the whole tree)',
    )
    .option(
      '--renderer <file>',
      "a dwrender, kustomize or helm executable (default: the project's build, then kustomize/helm on PATH)",
    )
    .option('-q, --quiet', 'no progress on stderr')
    .action(async (flags: ValidateFlags) => setExitCode(await (await import('./validate.ts')).runValidate(flags)));

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
      const helpShown =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help';
      return helpShown ? EXIT.clean : EXIT.error;
    }
    process.stderr.write(`driftwatch: ${printable(describeError(error))}\n`);
    return EXIT.error;
  }
}
