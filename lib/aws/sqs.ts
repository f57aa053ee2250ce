import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SendBatch } from '../pipeline/schedule.ts';

/** SendMessageBatch on one queue: the entries SQS refused come back, an error of the call itself is thrown. */
export function sqsBatchSender(client: SQSClient, queueUrl: string): SendBatch {
  return async (entries) => {
    const response = await client.send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries.map((entry) => ({ Id: entry.id, MessageBody: entry.body })) }),
    );
    return {
      failed: (response.Failed ?? []).map((failure) => ({ id: failure.Id ?? '', ...(failure.Code ? { code: failure.Code } : {}) })),
    };
  };
}
