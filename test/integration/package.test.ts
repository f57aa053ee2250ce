/**
 * The deployable artefact: `npm run package` (osls + serverless-esbuild, offline) must produce a CloudFormation
 * template that cfn-lint accepts without errors, least-privilege IAM (one role per function), the report bucket,
 * queue, alarms and schedule as infra/ declares them, and small Lambda bundles that really run: the packaged
 * `schedule` and `audit` zips are unpacked and invoked against moto (SQS, S3, SNS). The renderer layer (dwrender,
 * attached to `audit`) is checked for its declaration, its zip modes and licenses, and run under qemu as arm64.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { copyFile, cp, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../cli/run-cli.ts';
import { extractZip, handlerFile, handlerModules } from '../support/lambda-zip.ts';
import { ensureRenderer } from '../support/renderer.ts';
import { ensureBinaries } from '../world/binaries.ts';
import { startWorld } from '../world/testenv.ts';
import type { World } from '../world/testenv.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Resource {
  Type: string;
  Properties?: JsonObject;
  Condition?: string;
  DependsOn?: Json;
  Metadata?: JsonObject;
}

interface Template {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, JsonObject>;
  Conditions?: JsonObject;
  Outputs?: Record<string, JsonObject>;
}

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  NotResource?: Json;
  Principal?: Json;
  Condition?: JsonObject;
}

interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

const TEMPLATE = join(REPO_ROOT, '.serverless/cloudformation-template-update-stack.json');
/** Each function's zip stays small (issue 12: ≤ 2 MB, for upload and cold start); Lambda's own limit is 50 MB zipped. */
const LAMBDA_ZIP_MAX_BYTES = 2 * 1024 * 1024;
const ACCOUNT = '123456789012';
const SLACK_SECRET = `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:driftwatch/slack-AbCdEf`;

let template: Template;
let variant: Template;
let variantDir: string;
let workDir: string;
let cfnLint: string;
const timings: Record<string, number> = {};

function run(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO_ROOT,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started });
    });
    // A command that reads no input (unzip -Z) may exit before the empty stdin is written: EPIPE there is no failure
    // (its exit code and output say how it went).
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

async function packageService(extraArgs: readonly string[]): Promise<RunResult> {
  const result = await run('npm', ['run', 'package', '--', ...extraArgs]);
  if (result.code !== 0)
    throw new Error(
      `npm run package ${extraArgs.join(' ')} failed (${result.code}):\n${result.stdout}\n${result.stderr}`,
    );
  return result;
}

function readTemplate(file: string): Template {
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

function resource(t: Template, id: string): Resource {
  const found = t.Resources[id];
  if (!found) throw new Error(`template has no resource ${id}`);
  return found;
}

function props(t: Template, id: string): JsonObject {
  return resource(t, id).Properties ?? {};
}

function ofType(t: Template, type: string): Array<[string, Resource]> {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Both branches of every Fn::If, without AWS::NoValue: every statement that some parameter choice can produce. */
function possibleValues(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((item) => possibleValues(item));
  if (isObject(value)) {
    const branches = value['Fn::If'];
    if (Array.isArray(branches) && Object.keys(value).length === 1)
      return [...possibleValues(branches[1]), ...possibleValues(branches[2])];
    if (value['Ref'] === 'AWS::NoValue') return [];
  }
  return [value];
}

function statementsOf(document: Json | undefined): Statement[] {
  if (!isObject(document)) return [];
  return possibleValues(document['Statement']).filter(isObject) as unknown as Statement[];
}

function asList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every statement of the identity policies in the template (roles' and users' inline policies, IAM policies), by owner. */
function identityStatements(t: Template): Array<{ owner: string; statement: Statement }> {
  const found: Array<{ owner: string; statement: Statement }> = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    if (r.Type === 'AWS::IAM::Role' || r.Type === 'AWS::IAM::User') {
      for (const policy of possibleValues(r.Properties?.['Policies'])) {
        if (isObject(policy))
          for (const statement of statementsOf(policy['PolicyDocument'])) found.push({ owner: id, statement });
      }
    }
    if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      for (const statement of statementsOf(r.Properties?.['PolicyDocument'])) found.push({ owner: id, statement });
    }
  }
  return found;
}

/** Resource policies: bucket, queue, topic and key policies. */
function resourcePolicyStatements(t: Template): Array<{ owner: string; type: string; statement: Statement }> {
  const documents: Record<string, string> = {
    'AWS::S3::BucketPolicy': 'PolicyDocument',
    'AWS::SQS::QueuePolicy': 'PolicyDocument',
    'AWS::SNS::TopicPolicy': 'PolicyDocument',
    'AWS::KMS::Key': 'KeyPolicy',
  };
  const found: Array<{ owner: string; type: string; statement: Statement }> = [];
  for (const [id, r] of Object.entries(t.Resources)) {
    const key = documents[r.Type];
    if (key)
      for (const statement of statementsOf(r.Properties?.[key])) found.push({ owner: id, type: r.Type, statement });
  }
  return found;
}

function isWildcardAction(action: string): boolean {
  return action === '*' || /^[a-z0-9-]+:\*$/i.test(action);
}

function roleStatements(t: Template, role: string): Statement[] {
  return identityStatements(t)
    .filter((entry) => entry.owner === role)
    .map((entry) => entry.statement);
}

function actionsOf(statements: Statement[]): string[] {
  return statements.flatMap((statement) => asList(statement.Action));
}

function statementFor(statements: Statement[], action: string): Statement[] {
  return statements.filter((statement) => asList(statement.Action).includes(action));
}

function roleOf(t: Template, functionId: string): string {
  const role = props(t, functionId)['Role'];
  if (!isObject(role) || !Array.isArray(role['Fn::GetAtt'])) throw new Error(`${functionId} has no Fn::GetAtt role`);
  return String(role['Fn::GetAtt'][0]);
}

function envOf(t: Template, functionId: string): JsonObject {
  const environment = props(t, functionId)['Environment'];
  const variables = isObject(environment) ? environment['Variables'] : undefined;
  return isObject(variables) ? variables : {};
}

/** The literal a Fn::If chain ends in when every condition is false (the defaults: no S3/SSM config, …). */
function lastBranch(value: Json | undefined): Json | undefined {
  if (isObject(value) && Array.isArray(value['Fn::If'])) return lastBranch(value['Fn::If'][2]);
  return value;
}

/** Invokes a packaged handler in its own Node process, as Lambda would: working folder = the unpacked zip. */
async function invokeBundle(dir: string, entry: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const script = `
    const { handler } = await import(${JSON.stringify(`./${entry}`)});
    const context = { functionName: 'driftwatch-test', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:${ACCOUNT}:function:driftwatch-test', memoryLimitInMB: '1024', awsRequestId: 'req-1', logGroupName: '/aws/lambda/driftwatch-test', logStreamName: 's', getRemainingTimeInMillis: () => 60000, callbackWaitsForEmptyEventLoop: true };
    const result = await handler(JSON.parse(process.env.TEST_EVENT), context);
    process.stdout.write('\\nRESULT=' + JSON.stringify(result ?? null) + '\\n');
  `;
  const result = await run(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: dir,
    timeoutMs: 60_000,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_EC2_METADATA_DISABLED: 'true',
      LAMBDA_TASK_ROOT: dir,
      POWERTOOLS_SERVICE_NAME: 'driftwatch',
      POWERTOOLS_METRICS_NAMESPACE: 'Driftwatch',
      TEST_EVENT: JSON.stringify(event),
      ...env,
    },
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESULT='));
  if (result.code !== 0 || line === undefined)
    throw new Error(`${entry} failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(line.slice('RESULT='.length)) as unknown;
}

// The renderer layer first, on its own (long) timeout: `npm run package` builds it too, but a cold linux/arm64 Go
// build takes minutes on 2 cores (.ci/run builds it before the tests; then this is a cache hit).
beforeAll(async () => {
  await ensureRenderer({ layer: true });
}, 1_800_000);

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'driftwatch-package-'));
  variantDir = join(workDir, 'variant');
  // One after the other: both use serverless-esbuild's work folder in the repo, and every `osls package` empties
  // .serverless/ first, so the variant (to its own folder) goes first and the contract run last.
  const other = await packageService([
    '--stage',
    'ci',
    '--package',
    variantDir,
    '--param',
    'configFile=examples/driftwatch.yaml',
    '--param',
    'reportPrefix=driftwatch',
    '--param',
    `slackWebhookSecretArn=${SLACK_SECRET}`,
    '--param',
    'objectLockRetentionDays=30',
    '--param',
    'auditSubnetIds=subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002',
    '--param',
    'auditSecurityGroupIds=sg-0a1b2c3d4e5f60003',
  ]);
  timings['package (variant)'] = other.ms;
  const defaults = await packageService([]);
  timings['package'] = defaults.ms;
  template = readTemplate(TEMPLATE);
  variant = readTemplate(join(variantDir, 'cloudformation-template-update-stack.json'));
  cfnLint = (await ensureBinaries()).cfnLint;
  console.log(
    `[package] npm run package: ${String(timings['package'])} ms; variant: ${String(timings['package (variant)'])} ms`,
  );
}, 600_000);

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe('npm run package', () => {
  test('leaves the CloudFormation template and one zip per function in .serverless/', () => {
    expect(existsSync(TEMPLATE)).toBe(true);
    for (const name of ['schedule', 'audit'])
      expect(existsSync(join(REPO_ROOT, '.serverless', `${name}.zip`))).toBe(true);
  });

  test.each([
    ['default', () => TEMPLATE],
    ['variant', () => join(variantDir, 'cloudformation-template-update-stack.json')],
  ])('cfn-lint finds no errors (%s parameters)', async (_name, file) => {
    const result = await run(cfnLint, ['--format', 'json', '--', file()], { timeoutMs: 120_000 });
    const findings = JSON.parse(result.stdout || '[]') as Array<{
      Level: string;
      Rule: { Id: string };
      Message: string;
      Location: { Path: Json[] };
    }>;
    const describe = (f: (typeof findings)[number]): string =>
      `${f.Rule.Id} ${f.Location.Path.join('/')}: ${f.Message}`;
    const errors = findings.filter((f) => f.Level === 'Error');
    const others = findings.filter((f) => f.Level !== 'Error');
    if (others.length > 0)
      console.log(`[package] cfn-lint warnings/informational:\n${others.map(describe).join('\n')}`);
    expect(errors.map(describe)).toEqual([]);
    // cfn-lint's exit code is a bitmask: 2 = errors
    expect(result.code & 2).toBe(0);
  });

  test('the Lambda functions run nodejs24.x on arm64 with their handler, timeout and environment', () => {
    const expected = {
      ScheduleLambdaFunction: 'functions/schedule.handler',
      AuditLambdaFunction: 'functions/audit.handler',
    };
    for (const [id, handler] of Object.entries(expected)) {
      const p = props(template, id);
      expect(p['Runtime']).toBe('nodejs24.x');
      expect(p['Architectures']).toEqual(['arm64']);
      expect(p['Handler']).toBe(handler);
      const env = envOf(template, id);
      expect(env['POWERTOOLS_SERVICE_NAME']).toBe('driftwatch');
      expect(env['POWERTOOLS_METRICS_NAMESPACE']).toBe('Driftwatch');
      // Defaults: the config file bundled next to the code.
      expect(lastBranch(env['DRIFTWATCH_CONFIG'])).toBe('/var/task/driftwatch.yaml');
    }
    expect(envOf(template, 'ScheduleLambdaFunction')['AUDIT_QUEUE_URL']).toEqual({ Ref: 'AuditQueue' });
    const audit = envOf(template, 'AuditLambdaFunction');
    expect(audit['REPORT_BUCKET']).toEqual({ Ref: 'ReportBucket' });
    expect(audit['REPORT_PREFIX']).toEqual({ Ref: 'ReportPrefix' });
    expect(audit['TOPIC_ARN']).toEqual({ Ref: 'NotificationTopic' });
    expect(possibleValues(audit['SLACK_WEBHOOK_SECRET_ID'])).toEqual([{ Ref: 'SlackWebhookSecretArn' }]);
    expect(possibleValues(audit['REPORT_KMS_KEY_ID'])).toEqual([{ Ref: 'ReportKmsKeyArn' }]);
    expect(props(template, 'AuditLambdaFunction')['Timeout']).toBe(300);
  });

  test('--param values reach the template: config path, parameter defaults, stage', () => {
    expect(lastBranch(envOf(variant, 'AuditLambdaFunction')['DRIFTWATCH_CONFIG'])).toBe(
      '/var/task/examples/driftwatch.yaml',
    );
    expect(variant.Parameters?.['ReportPrefix']?.['Default']).toBe('driftwatch');
    expect(variant.Parameters?.['SlackWebhookSecretArn']?.['Default']).toBe(SLACK_SECRET);
    expect(variant.Parameters?.['ObjectLockRetentionDays']?.['Default']).toBe('30');
    expect(props(variant, 'AuditLambdaFunction')['FunctionName']).toBe('driftwatch-ci-audit');
    // Defaults keep every optional feature off.
    for (const name of [
      'ReportPrefix',
      'SlackWebhookSecretArn',
      'GitTokenSecretArn',
      'KubeconfigSecretArns',
      'ReportKmsKeyArn',
      'ConfigS3Bucket',
      'ConfigSsmParameter',
    ]) {
      expect(template.Parameters?.[name]?.['Default'], name).toBe('');
    }
    expect(template.Parameters?.['ObjectLockRetentionDays']?.['Default']).toBe('0');
  });

  test('the schedule rule runs the schedule function at the configured rate', () => {
    const rules = ofType(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const rule = rules[0]?.[1].Properties ?? {};
    expect(rule['ScheduleExpression']).toBe('rate(1 hour)');
    expect(rule['State']).toBe('ENABLED');
    expect(JSON.stringify(rule['Targets'])).toContain('"ScheduleLambdaFunction","Arn"');
  });

  test('the audit function consumes the queue one message at a time with partial batch failures', () => {
    const mappings = ofType(template, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.[1].Properties ?? {};
    expect(mapping['EventSourceArn']).toEqual({ 'Fn::GetAtt': ['AuditQueue', 'Arn'] });
    expect(mapping['FunctionName']).toEqual({ 'Fn::GetAtt': ['AuditLambdaFunction', 'Arn'] });
    expect(mapping['BatchSize']).toBe(1);
    expect(mapping['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
  });

  test('the audit queue: dead-letter queue after 3 receives, visibility ≥ 6 × the audit timeout, encrypted', () => {
    const queue = props(template, 'AuditQueue');
    expect(queue['RedrivePolicy']).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['AuditDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 3,
    });
    expect(Number(queue['VisibilityTimeout'])).toBeGreaterThanOrEqual(
      6 * Number(props(template, 'AuditLambdaFunction')['Timeout']),
    );
    expect(queue['SqsManagedSseEnabled']).toBe(true);
    expect(props(template, 'AuditDeadLetterQueue')['SqsManagedSseEnabled']).toBe(true);
  });

  test('the report bucket: encrypted, versioned, never public, TLS only, tiered, optional Object Lock', () => {
    const bucket = props(template, 'ReportBucket');
    expect(resource(template, 'ReportBucket').Type).toBe('AWS::S3::Bucket');
    const encryption = JSON.stringify(bucket['BucketEncryption']);
    expect(encryption).toContain('"SSEAlgorithm":"AES256"');
    expect(encryption).toContain('"SSEAlgorithm":"aws:kms"');
    expect(bucket['VersioningConfiguration']).toEqual({ Status: 'Enabled' });
    expect(bucket['PublicAccessBlockConfiguration']).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const lifecycle = JSON.stringify(bucket['LifecycleConfiguration']);
    expect(lifecycle).toContain('{"StorageClass":"STANDARD_IA","TransitionInDays":30}');
    expect(lifecycle).toContain('{"StorageClass":"GLACIER_IR","TransitionInDays":90}');
    expect(lifecycle).toContain('NoncurrentVersionExpiration');
    expect(possibleValues(bucket['ObjectLockEnabled'])).toEqual([true]);
    expect(JSON.stringify(bucket['ObjectLockConfiguration'])).toContain('"DefaultRetention"');
    expect(template.Conditions?.['ObjectLockOn']).toBeDefined();

    const policy = props(template, 'ReportBucketPolicy');
    expect(policy['Bucket']).toEqual({ Ref: 'ReportBucket' });
    const denyTls = statementsOf(policy['PolicyDocument']).find(
      (s) =>
        s.Effect === 'Deny' &&
        JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
    );
    expect(denyTls).toBeDefined();
    expect(JSON.stringify(denyTls?.Resource)).toContain('ReportBucket.Arn}/*');
  });

  test('alarms: dead-letter queue depth and each function’s errors, to the alarm topic', () => {
    const alarms = ofType(template, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties ?? {});
    const find = (metric: string, dimension: Json): JsonObject | undefined =>
      alarms.find(
        (a) => a['MetricName'] === metric && JSON.stringify(a['Dimensions']).includes(JSON.stringify(dimension)),
      );
    const dlq = find('ApproximateNumberOfMessagesVisible', { 'Fn::GetAtt': ['AuditDeadLetterQueue', 'QueueName'] });
    const scheduleErrors = find('Errors', { Ref: 'ScheduleLambdaFunction' });
    const auditErrors = find('Errors', { Ref: 'AuditLambdaFunction' });
    for (const alarm of [dlq, scheduleErrors, auditErrors]) {
      expect(alarm).toBeDefined();
      expect(alarm?.['Threshold']).toBe(0);
      expect(alarm?.['ComparisonOperator']).toBe('GreaterThanThreshold');
      expect(alarm?.['AlarmActions']).toEqual([{ Ref: 'AlarmTopic' }]);
    }
    // CloudWatch cannot publish to a topic encrypted with alias/aws/sns: the alarm topic has its own key.
    expect(props(template, 'AlarmTopic')['KmsMasterKeyId']).toEqual({ 'Fn::GetAtt': ['AlarmTopicKey', 'Arn'] });
    expect(props(template, 'NotificationTopic')['KmsMasterKeyId']).toBe('alias/aws/sns');
    const keyPolicy = statementsOf(props(template, 'AlarmTopicKey')['KeyPolicy']);
    expect(
      keyPolicy.some((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' })),
    ).toBe(true);
  });

  test('outputs: bucket name, topic ARN, queue URL, audit role ARN', () => {
    expect(template.Outputs?.['ReportBucketName']?.['Value']).toEqual({ Ref: 'ReportBucket' });
    expect(template.Outputs?.['NotificationTopicArn']?.['Value']).toEqual({ Ref: 'NotificationTopic' });
    expect(template.Outputs?.['AuditQueueUrl']?.['Value']).toEqual({ Ref: 'AuditQueue' });
    expect(template.Outputs?.['AuditRoleArn']?.['Value']).toEqual({ 'Fn::GetAtt': ['AuditRole', 'Arn'] });
  });
});

describe('IAM least privilege', () => {
  test('each function has its own role, and there is no shared or default role', () => {
    const schedule = roleOf(template, 'ScheduleLambdaFunction');
    const audit = roleOf(template, 'AuditLambdaFunction');
    expect(schedule).toBe('ScheduleRole');
    expect(audit).toBe('AuditRole');
    expect(
      ofType(template, 'AWS::IAM::Role')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['AuditRole', 'ScheduleRole']);
    expect(template.Resources['IamRoleLambdaExecution']).toBeUndefined();
    for (const role of [schedule, audit]) {
      const p = props(template, role);
      // AWS managed policies (AWSLambdaBasicExecutionRole, …) grant Resource "*"
      expect(p['ManagedPolicyArns'], role).toBeUndefined();
      expect(JSON.stringify(p['AssumeRolePolicyDocument'])).toContain('"Service":"lambda.amazonaws.com"');
    }
  });

  test('no identity policy statement allows "*" or "<service>:*", NotAction, NotResource or Resource "*"', () => {
    const statements = identityStatements(template);
    expect(statements.length).toBeGreaterThan(5);
    // One exception: in a VPC, ec2:Describe* (no resource-level permission in EC2) on "*", read-only, one region.
    for (const { owner, statement } of statements) {
      const where = `${owner} ${statement.Sid ?? '(no Sid)'}`;
      expect(statement.Effect, where).toBe('Allow');
      expect(statement.NotAction, where).toBeUndefined();
      expect(statement.NotResource, where).toBeUndefined();
      expect(asList(statement.Action).filter(isWildcardAction), where).toEqual([]);
      const resources = possibleValues(statement.Resource);
      expect(resources.length, where).toBeGreaterThan(0);
      if (owner === 'AuditRole' && statement.Sid === 'VpcDescribe') {
        expect(
          asList(statement.Action).every((action) => action.startsWith('ec2:Describe')),
          where,
        ).toBe(true);
        expect(JSON.stringify(statement.Condition), where).toContain('ec2:Region');
        continue;
      }
      expect(
        resources.filter((r) => r === '*'),
        where,
      ).toEqual([]);
    }
  });

  test('resource policies: wildcards only where denying, Resource "*" only in the KMS key policy (it means the key)', () => {
    for (const { owner, type, statement } of resourcePolicyStatements(template)) {
      const where = `${owner} ${statement.Sid ?? '(no Sid)'}`;
      if (statement.Effect === 'Deny') continue; // a broad Deny (s3:* without TLS) is what makes it strict
      expect(asList(statement.Action).filter(isWildcardAction), where).toEqual([]);
      if (type !== 'AWS::KMS::Key')
        expect(
          possibleValues(statement.Resource).filter((r) => r === '*'),
          where,
        ).toEqual([]);
      expect(JSON.stringify(statement.Principal), where).not.toBe('"*"');
    }
  });

  test('schedule: sends to the audit queue, writes its logs, reads the config only when it lives in S3/SSM', () => {
    const statements = roleStatements(template, 'ScheduleRole');
    expect(actionsOf(statements).sort()).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 'sqs:SendMessage', 'ssm:GetParameter'].sort(),
    );
    expect(statementFor(statements, 'sqs:SendMessage')[0]?.Resource).toEqual({ 'Fn::GetAtt': ['AuditQueue', 'Arn'] });
    expect(statementFor(statements, 'logs:PutLogEvents')[0]?.Resource).toEqual({
      'Fn::GetAtt': ['ScheduleLogGroup', 'Arn'],
    });
    expect(JSON.stringify(statementFor(statements, 's3:GetObject')[0]?.Resource)).toContain(
      '${ConfigS3Bucket}/${ConfigS3Key}',
    );
    expect(JSON.stringify(statementFor(statements, 'ssm:GetParameter')[0]?.Resource)).toContain(
      ':parameter${ConfigSsmParameter}',
    );
    expect(actionsOf(statements).filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
    const s3Statements = statements.filter((s) => asList(s.Action).some((a) => a.startsWith('s3:')));
    expect(s3Statements.every((s) => JSON.stringify(s.Resource).includes('ConfigS3'))).toBe(true);
  });

  test('audit: report keys only, its topic, its queue, listed secrets only, no metrics; STS only to assume the listed EKS roles', () => {
    const statements = roleStatements(template, 'AuditRole');
    const actions = new Set(actionsOf(statements));
    for (const action of [
      's3:PutObject',
      's3:GetObject',
      's3:ListBucket',
      'sns:Publish',
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'eks:DescribeCluster',
      'secretsmanager:GetSecretValue',
      'logs:PutLogEvents',
    ]) {
      expect(actions.has(action), action).toBe(true);
    }
    for (const action of actions) expect(action, action).not.toMatch(/^(cloudwatch|iam|lambda):/);
    expect([...actions].filter((action) => action.startsWith('sts:'))).toEqual(['sts:AssumeRole']);
    expect(statementFor(statements, 'sts:AssumeRole').map((s) => s.Resource)).toEqual([{ Ref: 'EksRoleArns' }]);

    const put = statementFor(statements, 's3:PutObject');
    expect(put).toHaveLength(1);
    const putResources = JSON.stringify(put[0]?.Resource);
    for (const folder of ['reports', 'findings', 'latest', 'state']) {
      expect(putResources).toContain(`\${ReportBucket.Arn}/${folder}/*`);
      expect(putResources).toContain(`\${ReportBucket.Arn}/\${ReportPrefix}/${folder}/*`);
    }
    expect(statementFor(statements, 's3:ListBucket')[0]?.Resource).toEqual({ 'Fn::GetAtt': ['ReportBucket', 'Arn'] });
    expect(statementFor(statements, 'sns:Publish')[0]?.Resource).toEqual({ Ref: 'NotificationTopic' });
    expect(statementFor(statements, 'sqs:ReceiveMessage')[0]?.Resource).toEqual({
      'Fn::GetAtt': ['AuditQueue', 'Arn'],
    });
    expect(statementFor(statements, 'logs:PutLogEvents')[0]?.Resource).toEqual({
      'Fn::GetAtt': ['AuditLogGroup', 'Arn'],
    });

    // Secrets: exactly the parameters, each statement present only when its parameter is set.
    const secretResources = statementFor(statements, 'secretsmanager:GetSecretValue').map((s) => s.Resource);
    expect(secretResources).toEqual([
      { Ref: 'ReportLinkSignerSecret' },
      { Ref: 'SlackWebhookSecretArn' },
      { Ref: 'GitTokenSecretArn' },
      { Ref: 'KubeconfigSecretArns' },
    ]);
    const policy = possibleValues(props(template, 'AuditRole')['Policies'])[0];
    const raw =
      isObject(policy) && isObject(policy['PolicyDocument']) ? policy['PolicyDocument']['Statement'] : undefined;
    const conditional = (Array.isArray(raw) ? raw : [])
      .filter((s) => isObject(s) && Array.isArray(s['Fn::If']))
      .map((s) => (isObject(s) && Array.isArray(s['Fn::If']) ? s['Fn::If'][0] : null));
    expect(conditional).toEqual(
      expect.arrayContaining([
        'HasSlackWebhookSecret',
        'HasGitTokenSecret',
        'HasKubeconfigSecrets',
        'HasReportKmsKey',
        'HasEksRoles',
        'HasAuditLogGroups',
      ]),
    );
    // EKS audit logs (issue 13): FilterLogEvents on the listed log groups only, nothing else of CloudWatch Logs to read
    expect(statementFor(statements, 'logs:FilterLogEvents').map((s) => s.Resource)).toEqual([
      { Ref: 'AuditLogGroupArns' },
    ]);
    expect([...actions].filter((action) => action.startsWith('logs:')).sort()).toEqual([
      'logs:CreateLogStream',
      'logs:FilterLogEvents',
      'logs:PutLogEvents',
    ]);

    // KMS only for the report key parameter, and only through S3.
    const kms = statementFor(statements, 'kms:GenerateDataKey');
    expect(kms.map((s) => s.Resource)).toEqual([{ Ref: 'ReportKmsKeyArn' }]);
    expect(JSON.stringify(kms[0]?.Condition)).toContain('kms:ViaService');
    const eks = JSON.stringify(statementFor(statements, 'eks:DescribeCluster')[0]?.Resource);
    expect(eks).toContain(':cluster/*');
    expect(eks).toContain('EksClusterArns');
  });
});

describe('private EKS endpoints', () => {
  /** The audit role's statements that exist only under a condition, by Sid. */
  function conditionalStatements(t: Template): Record<string, string> {
    const policy = possibleValues(props(t, 'AuditRole')['Policies'])[0];
    const raw =
      isObject(policy) && isObject(policy['PolicyDocument']) ? policy['PolicyDocument']['Statement'] : undefined;
    const found: Record<string, string> = {};
    for (const item of Array.isArray(raw) ? raw : []) {
      const branches = isObject(item) ? item['Fn::If'] : undefined;
      if (Array.isArray(branches) && isObject(branches[1]) && typeof branches[1]['Sid'] === 'string')
        found[branches[1]['Sid']] = String(branches[0]);
    }
    return found;
  }

  test.each([
    ['without a VPC (default)', () => template, ''],
    ['with a VPC (variant)', () => variant, 'subnet-0a1b2c3d4e5f60001,subnet-0a1b2c3d4e5f60002'],
  ])(
    'the audit function is in the VPC only when subnets and security groups are set, with the ENI rights only then: %s',
    (_name, t, subnets) => {
      const chosen = t();
      expect(chosen.Parameters?.['AuditSubnetIds']?.['Default']).toBe(subnets);
      expect(chosen.Parameters?.['AuditSecurityGroupIds']?.['Default']).toBe(subnets ? 'sg-0a1b2c3d4e5f60003' : '');
      expect(JSON.stringify(chosen.Conditions?.['AuditInVpc'])).toContain('AuditSubnetIds');
      expect(JSON.stringify(chosen.Conditions?.['AuditInVpc'])).toContain('AuditSecurityGroupIds');
      expect(props(chosen, 'AuditLambdaFunction')['VpcConfig']).toEqual({
        'Fn::If': [
          'AuditInVpc',
          { SubnetIds: { Ref: 'AuditSubnetIds' }, SecurityGroupIds: { Ref: 'AuditSecurityGroupIds' } },
          { Ref: 'AWS::NoValue' },
        ],
      });
      expect(props(chosen, 'ScheduleLambdaFunction')['VpcConfig']).toBeUndefined();
      const conditional = conditionalStatements(chosen);
      expect(conditional['VpcNetworkInterfaces']).toBe('AuditInVpc');
      expect(conditional['VpcDescribe']).toBe('AuditInVpc');
      const statements = roleStatements(chosen, 'AuditRole');
      const eni = statementFor(statements, 'ec2:CreateNetworkInterface');
      expect(eni).toHaveLength(1);
      expect(asList(eni[0]?.Action).sort()).toEqual([
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:UnassignPrivateIpAddresses',
      ]);
      for (const resource of possibleValues(eni[0]?.Resource))
        expect(JSON.stringify(resource)).toMatch(
          /\$\{AWS::Region\}:\$\{AWS::AccountId\}:(network-interface|subnet|security-group)\/\*/,
        );
      expect(asList(statementFor(statements, 'ec2:DescribeNetworkInterfaces')[0]?.Action).sort()).toEqual([
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
      ]);
      // Nothing else of EC2: the ENI rights are all a VPC function needs.
      expect(
        actionsOf(statements)
          .filter((action) => action.startsWith('ec2:'))
          .sort(),
      ).toEqual([
        'ec2:AssignPrivateIpAddresses',
        'ec2:CreateNetworkInterface',
        'ec2:DeleteNetworkInterface',
        'ec2:DescribeNetworkInterfaces',
        'ec2:DescribeSubnets',
        'ec2:UnassignPrivateIpAddresses',
      ]);
    },
  );
});

describe('report links', () => {
  test('are signed by a user that may only read dated reports; its key is in a secret the audit function names', () => {
    expect(ofType(template, 'AWS::IAM::User').map(([id]) => id)).toEqual(['ReportLinkSigner']);
    const statements = identityStatements(template)
      .filter((s) => s.owner === 'ReportLinkSigner')
      .map((s) => s.statement);
    expect(actionsOf(statements).sort()).toEqual(['kms:Decrypt', 's3:GetObject']);
    const read = JSON.stringify(statementFor(statements, 's3:GetObject')[0]?.Resource);
    expect(read).toContain('${ReportBucket.Arn}/reports/*');
    expect(read).toContain('${ReportBucket.Arn}/${ReportPrefix}/reports/*');
    for (const folder of ['findings', 'latest', 'state']) expect(read).not.toContain(folder);
    expect(JSON.stringify(statementFor(statements, 'kms:Decrypt')[0]?.Condition)).toContain('kms:ViaService');
    expect(props(template, 'ReportLinkSignerKey')['UserName']).toEqual({ Ref: 'ReportLinkSigner' });
    expect(JSON.stringify(props(template, 'ReportLinkSignerSecret')['SecretString'])).toContain(
      'ReportLinkSignerKey.SecretAccessKey',
    );
    expect(envOf(template, 'AuditLambdaFunction')['REPORT_LINK_SIGNER_SECRET_ID']).toEqual({
      Ref: 'ReportLinkSignerSecret',
    });
  });
});

describe('bundles', () => {
  let world: World | undefined;

  afterAll(async () => {
    await world?.stop();
  });

  test('are split ESM bundles with source maps: each zip holds its handler and its own chunks only, under 2 MB', async () => {
    const sizes: string[] = [];
    for (const name of ['schedule', 'audit']) {
      const other = name === 'audit' ? 'schedule' : 'audit';
      const zipFile = join(REPO_ROOT, '.serverless', `${name}.zip`);
      const zipped = statSync(zipFile).size;
      const root = join(workDir, 'sizes', name);
      const names = await extractZip(zipFile, root);
      expect(names).toContain(`functions/${name}.mjs`);
      expect(names).toContain(`functions/${name}.mjs.map`);
      expect(names.filter((n) => n.startsWith('node_modules/'))).toEqual([]);
      // The handler file, its chunks (infra/esbuild-plugins.mjs) and the config (when driftwatch.yaml exists, which
      // the repo does not have): nothing of the other function.
      const chunks = names.filter((n) => n.startsWith(`functions/${name}-chunks/`));
      expect(chunks.filter((n) => /-[A-Z0-9]{8}\.mjs$/.test(n)).length).toBeGreaterThan(1);
      for (const chunk of chunks.filter((n) => n.endsWith('.mjs'))) expect(names, chunk).toContain(`${chunk}.map`);
      const rest = names.filter(
        (n) =>
          !n.startsWith(`functions/${name}-chunks/`) &&
          n !== `functions/${name}.mjs` &&
          n !== `functions/${name}.mjs.map`,
      );
      expect(rest.filter((n) => n !== 'driftwatch.yaml')).toEqual([]);
      expect(
        names.filter((n) => n.startsWith(`functions/${other}.`) || n.startsWith(`functions/${other}-chunks/`)),
      ).toEqual([]);

      // Init evaluates the handler and its static imports (middy, Powertools); the engine and the SDK clients come
      // with the first invocation's import() of functions/audit-records.ts or functions/enqueue-clusters.ts.
      const lazyEntry = name === 'audit' ? 'audit-records' : 'enqueue-clusters';
      const handler = lastBranch(
        props(template, `${name === 'audit' ? 'Audit' : 'Schedule'}LambdaFunction`)['Handler'],
      );
      const modules = handlerModules(root, handlerFile(root, String(handler)));
      expect(modules.init).toContain(`functions/${name}.mjs`);
      expect(modules.init.filter((n) => n.includes(lazyEntry))).toEqual([]);
      expect(modules.lazy.filter((n) => n.startsWith(`functions/${name}-chunks/${lazyEntry}-`))).toHaveLength(1);
      const code = names.filter((n) => n.endsWith('.mjs')).reduce((sum, n) => sum + statSync(join(root, n)).size, 0);
      expect(modules.initBytes).toBeLessThan(code / 10);
      sizes.push(
        `${name}.zip ${(zipped / 1024).toFixed(0)} KiB (${(code / 1024).toFixed(0)} KiB of code unzipped, init reads ${(modules.initBytes / 1024).toFixed(0)} KiB)`,
      );
      expect(zipped).toBeLessThanOrEqual(LAMBDA_ZIP_MAX_BYTES);
    }
    console.log(`[package] ${sizes.join('; ')}`);
  });

  test('the bundled config file is packaged where DRIFTWATCH_CONFIG points', async () => {
    for (const name of ['schedule', 'audit']) {
      const names = await extractZip(join(variantDir, `${name}.zip`), join(workDir, 'variant-unzipped', name));
      expect(names).toContain('examples/driftwatch.yaml');
    }
  });

  test('the packaged handlers run: schedule enqueues the clusters, audit stores a report and notifies (moto)', async () => {
    world = await startWorld({ kube: false, moto: true, slack: false });
    const endpoint = world.env.AWS_ENDPOINT_URL;
    if (!endpoint) throw new Error('moto is not running');
    const clientOptions = {
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    };
    const sqs = new SQSClient(clientOptions);
    const s3 = new S3Client({ ...clientOptions, forcePathStyle: true });
    const sns = new SNSClient(clientOptions);
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'driftwatch-audit' }))).QueueUrl ?? '';
    await s3.send(new CreateBucketCommand({ Bucket: 'driftwatch-reports' }));
    const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'driftwatch' }))).TopicArn ?? '';

    // The variant bundles carry examples/driftwatch.yaml; its demo source and snapshot sit next to it.
    const root = join(workDir, 'variant-unzipped');
    for (const name of ['schedule', 'audit']) {
      await copyFile(join(REPO_ROOT, 'examples/gitops.tar.gz'), join(root, name, 'examples/gitops.tar.gz'));
      await cp(join(REPO_ROOT, 'examples/live'), join(root, name, 'examples/live'), { recursive: true });
    }
    const config = lastBranch(envOf(variant, 'AuditLambdaFunction')['DRIFTWATCH_CONFIG']);
    const configPath = (name: string): string => join(root, name, String(config).replace(/^\/var\/task\//, ''));
    const common = { AWS_ENDPOINT_URL: endpoint };

    const scheduled = await invokeBundle(
      join(root, 'schedule'),
      'functions/schedule.mjs',
      { source: 'aws.events' },
      {
        ...common,
        DRIFTWATCH_CONFIG: configPath('schedule'),
        AUDIT_QUEUE_URL: queueUrl,
      },
    );
    expect(scheduled).toMatchObject({ clusters: 2 });
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const clusterOf = (body: string | undefined): unknown =>
      (JSON.parse(body ?? '{}') as { cluster?: unknown }).cluster;
    expect((received.Messages ?? []).map((each) => clusterOf(each.Body)).sort()).toStrictEqual([
      'demo',
      'demo-payments',
    ]);
    // The plain-YAML cluster: rendering in Lambda needs the layer's /opt/bin/dwrender, which the renderer tests cover.
    const message = received.Messages?.find((each) => clusterOf(each.Body) === 'demo');

    const event = {
      Records: [
        {
          messageId: message?.MessageId ?? 'm-1',
          receiptHandle: message?.ReceiptHandle ?? 'r',
          body: message?.Body ?? '',
          attributes: {},
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:us-east-1:${ACCOUNT}:driftwatch-audit`,
          awsRegion: 'us-east-1',
        },
      ],
    };
    const audited = await invokeBundle(join(root, 'audit'), 'functions/audit.mjs', event, {
      ...common,
      DRIFTWATCH_CONFIG: configPath('audit'),
      REPORT_BUCKET: 'driftwatch-reports',
      REPORT_PREFIX: 'driftwatch',
      TOPIC_ARN: topicArn,
    });
    expect(audited).toEqual({ batchItemFailures: [] });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'driftwatch-reports', Prefix: 'driftwatch/' }));
    const keys = (listed.Contents ?? []).map((object) => object.Key ?? '');
    expect(keys.some((key) => key.startsWith('driftwatch/reports/cluster=demo/'))).toBe(true);
    expect(keys.some((key) => key.startsWith('driftwatch/findings/cluster=demo/'))).toBe(true);
    expect(keys).toContain('driftwatch/latest/demo.json');
    expect(keys).toContain('driftwatch/state/demo.json');
  }, 120_000);
});

/**
 * The renderer layer (issue 9): `npm run package` builds it first (bash renderer/build.sh --layer) from Go modules.
 * Lambda extracts a layer to /opt keeping each entry's Unix mode, so the audit function finds an executable
 * /opt/bin/dwrender. The arm64 binary is run here under qemu-aarch64-static (Debian's qemu-user-static).
 */
describe('renderer layer', () => {
  let layerZip: string;
  let hostRenderer: string;
  let unpacked: string;

  beforeAll(async () => {
    // Cached: npm run package (above) built this very zip; the host binary is the one the CLI uses.
    const layer = await ensureRenderer({ layer: true });
    if (layer.layer === undefined) throw new Error('renderer/build.sh --layer printed no DWRENDER_LAYER');
    layerZip = layer.layer;
    hostRenderer = (await ensureRenderer()).binary;
    unpacked = join(workDir, 'renderer-layer');
    await extractZip(layerZip, unpacked);
  }, 1_800_000);

  test('is declared for nodejs24.x on arm64 from .build/renderer-layer.zip and attached to the audit function only', () => {
    expect(layerZip).toBe(join(REPO_ROOT, '.build/renderer-layer.zip'));
    for (const t of [template, variant]) {
      const layers = ofType(t, 'AWS::Lambda::LayerVersion');
      expect(layers.map(([id]) => id)).toEqual(['RendererLambdaLayer']);
      const layer = props(t, 'RendererLambdaLayer');
      expect(layer['CompatibleRuntimes']).toEqual(['nodejs24.x']);
      expect(layer['CompatibleArchitectures']).toEqual(['arm64']);
      expect(layer['LicenseInfo']).toBe('Apache-2.0');
      const content = layer['Content'];
      expect(isObject(content) ? String(content['S3Key']) : '').toMatch(/\/renderer-layer\.zip$/);
      expect(props(t, 'AuditLambdaFunction')['Layers']).toEqual([{ Ref: 'RendererLambdaLayer' }]);
      expect(props(t, 'ScheduleLambdaFunction')['Layers']).toBeUndefined();
    }
    expect(props(template, 'RendererLambdaLayer')['LayerName']).toBe('driftwatch-dev-renderer');
    expect(props(variant, 'RendererLambdaLayer')['LayerName']).toBe('driftwatch-ci-renderer');
  });

  test('holds bin/dwrender with mode 0755 (unzip -Z), the Helm and kustomize license texts, within Lambda size limits', async () => {
    const listing = await run('unzip', ['-Z', layerZip]);
    expect(listing.code).toBe(0);
    const entries = listing.stdout.split('\n').filter((line) => /^[-d][rwx-]{9}\s/.test(line));
    const byName = new Map(entries.map((line) => [line.split(/\s+/).at(-1) ?? '', line]));
    expect([...byName.keys()].sort()).toEqual([
      'bin/dwrender',
      'licenses/README.md',
      'licenses/helm/LICENSE',
      'licenses/kustomize-api/LICENSE',
      'licenses/kustomize/LICENSE',
    ]);
    // Mode string first, then the system that wrote it: "unx" means the mode bits are stored and honoured.
    expect(byName.get('bin/dwrender')).toMatch(/^-rwxr-xr-x\s+\S+\s+unx\s/);
    expect(byName.get('licenses/helm/LICENSE')).toMatch(/^-rw-r--r--\s+\S+\s+unx\s/);

    for (const name of ['helm', 'kustomize', 'kustomize-api']) {
      const text = readFileSync(join(unpacked, 'licenses', name, 'LICENSE'), 'utf8');
      expect(text, name).toContain('Apache License');
      expect(text, name).toContain('Version 2.0, January 2004');
    }
    const readme = readFileSync(join(unpacked, 'licenses/README.md'), 'utf8');
    expect(readme).toContain('Helm v4.3.2');
    expect(readme).toContain('kustomize v5.8.2');
    // Neither module ships a NOTICE file; the README says so rather than leaving it unexplained.
    expect(readme).toContain('helm.sh/helm/v4 v4.3.2 has no NOTICE file');
    expect(readme).toContain('sigs.k8s.io/kustomize/kustomize/v5 v5.8.2 has no NOTICE file');

    // Lambda: 50 MB for a zip uploaded directly, 250 MB unzipped for a function and all its layers.
    const zipped = statSync(layerZip).size;
    const binary = statSync(join(unpacked, 'bin/dwrender')).size;
    expect(zipped).toBeLessThan(50 * 1024 * 1024);
    expect(binary).toBeLessThan(200 * 1024 * 1024);
    console.log(
      `[package] renderer layer ${(zipped / 1024 / 1024).toFixed(1)} MiB zipped; bin/dwrender ${(binary / 1024 / 1024).toFixed(1)} MiB`,
    );
  });

  test('bin/dwrender is a 64-bit little-endian aarch64 ELF executable (e_machine 0xB7)', () => {
    const header = readFileSync(join(unpacked, 'bin/dwrender')).subarray(0, 20);
    expect([...header.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
    expect(header[4]).toBe(2); // EI_CLASS: ELFCLASS64
    expect(header[5]).toBe(1); // EI_DATA: little-endian
    expect(header.readUInt16LE(16)).toBe(2); // e_type: ET_EXEC (static, CGO_ENABLED=0)
    expect(header.readUInt16LE(18)).toBe(0xb7); // e_machine: EM_AARCH64
  });

  test('runs under qemu-aarch64-static: `versions` as the host build says, and kustomize build byte-identical to the host binary', async () => {
    // The zip's own copy, executable as Lambda will see it (extractZip does not restore modes).
    const arm64 = join(workDir, 'dwrender-arm64');
    await copyFile(join(unpacked, 'bin/dwrender'), arm64);
    chmodSync(arm64, 0o755);

    const versions = await run('qemu-aarch64-static', [arm64, 'versions'], { timeoutMs: 120_000 });
    expect(versions.stderr).toBe('');
    expect(versions.code).toBe(0);
    const hostVersions = await run(hostRenderer, ['versions']);
    expect(versions.stdout).toBe(hostVersions.stdout);
    expect(JSON.parse(versions.stdout)).toMatchObject({ helm: 'v4.3.2', kustomize: 'v5.8.2', kustomizeApi: 'v0.21.2' });

    const overlay = join(workDir, 'qemu-overlay');
    const files: Record<string, string> = {
      'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
      'base/deployment.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: example/api:1.0\n',
      'prod/kustomization.yaml':
        'namespace: prod\nnamePrefix: prod-\nresources:\n  - ../base\nimages:\n  - name: example/api\n    newTag: "2.0"\nconfigMapGenerator:\n  - name: api-env\n    literals:\n      - MODE=prod\npatches:\n  - patch: |-\n      - op: replace\n        path: /spec/replicas\n        value: 4\n    target:\n      kind: Deployment\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(overlay, path)), { recursive: true });
      writeFileSync(join(overlay, path), text);
    }
    const args = ['kustomize', 'build', join(overlay, 'prod')];
    const onArm = await run('qemu-aarch64-static', [arm64, ...args], { timeoutMs: 120_000 });
    const onHost = await run(hostRenderer, args);
    expect(onArm.code).toBe(0);
    expect(onHost.code).toBe(0);
    expect(onHost.stdout).toContain('name: prod-api-env-');
    expect(onHost.stdout).toContain('image: example/api:2.0');
    expect(onHost.stdout).toContain('replicas: 4');
    expect(onArm.stdout).toBe(onHost.stdout);
  }, 240_000);
});
