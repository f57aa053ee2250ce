import { resolve } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { DriftwatchConfig } from '../config/load.ts';
import { loadConfig, parseConfig } from '../config/load.ts';

export interface ConfigClients {
  s3: () => S3Client;
  ssm: () => SSMClient;
}

/**
 * The deployed auditor's config: a file bundled with the function, `s3://bucket/key`, or `ssm:/parameter/name`.
 * Relative paths inside an S3 or SSM config resolve against the function's folder.
 */
export async function loadRuntimeConfig(
  location: string,
  clients: ConfigClients,
  env: NodeJS.ProcessEnv = process.env,
): Promise<DriftwatchConfig> {
  if (location.startsWith('s3://')) {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location);
    if (!match?.[1] || !match[2]) throw new Error(`config location ${location} is not s3://bucket/key`);
    const response = await clients.s3().send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    return parseConfig(text, { file: location, baseDir: process.cwd(), env });
  }
  if (location.startsWith('ssm:')) {
    const name = location.slice('ssm:'.length);
    const response = await clients.ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    return parseConfig(response.Parameter?.Value ?? '', { file: location, baseDir: process.cwd(), env });
  }
  return loadConfig(resolve(location), env);
}
