import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface QueueEntry {
  /** Unique within the batch (the message's index in the run). */
  id: string;
  body: string;
}

export interface QueueRefusal {
  id: string;
  code?: string;
}

/** Sends one batch of at most 10 entries (SQS's limit per SendMessageBatch); resolves with the entries the queue refused. */
export type SendBatch = (entries: readonly QueueEntry[]) => Promise<{ failed: readonly QueueRefusal[] }>;

/** SendMessageBatch on one queue: the entries SQS refused come back, an error of the call itself is thrown. */
export function sqsBatchSender(client: SQSClient, queueUrl: string): SendBatch {
  return async (entries) => {
    const response = await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: entries.map((entry) => ({ Id: entry.id, MessageBody: entry.body })),
      }),
    );
    return {
      failed: (response.Failed ?? []).map((failure) => ({
        id: failure.Id ?? '',
        ...(failure.Code ? { code: failure.Code } : {}),
      })),
    };
  };
}
