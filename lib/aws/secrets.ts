import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** A warm Lambda reuses secrets for a few minutes instead of asking Secrets Manager for each cluster. */
const SECRET_TTL_MS = 5 * 60 * 1000;

interface CachedSecret {
  value: string;
  fetchedAt: number;
}

/** Reads secret strings (webhook URLs, tokens, kubeconfigs); errors name the secret id, never its value. */
export class SecretReader {
  private readonly cache = new Map<string, CachedSecret>();
  private readonly client: SecretsManagerClient;
  private readonly clock: () => number;

  constructor(client: SecretsManagerClient, clock: () => number = Date.now) {
    this.client = client;
    this.clock = clock;
  }

  async read(secretId: string): Promise<string> {
    const cached = this.cache.get(secretId);
    if (cached && this.clock() - cached.fetchedAt < SECRET_TTL_MS) return cached.value;
    let value: string | undefined;
    try {
      const response = await this.client.send(new GetSecretValueCommand({ SecretId: secretId }));
      value =
        response.SecretString ??
        (response.SecretBinary ? Buffer.from(response.SecretBinary).toString('utf8') : undefined);
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new Error(`cannot read secret ${secretId}: ${name}`);
    }
    if (value === undefined) throw new Error(`secret ${secretId} has no value`);
    this.cache.set(secretId, { value, fetchedAt: this.clock() });
    return value;
  }
}
