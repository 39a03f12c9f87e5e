import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { DeadLetter, DeadLetterSink, deadLetterBody } from "./deadLetters";

/** Sends dead letters ten at a time (SendMessageBatch; allowed by sqs:SendMessage). */
export class SqsDeadLetterSink implements DeadLetterSink {
  constructor(
    private readonly client: SQSClient,
    readonly queueUrl: string,
    private readonly now: () => number = Date.now,
  ) {}

  async send(letters: readonly DeadLetter[]): Promise<{ unsent: string[]; errors: string[] }> {
    const unsent: string[] = [];
    const errors: string[] = [];
    for (let i = 0; i < letters.length; i += 10) {
      const chunk = letters.slice(i, i + 10);
      try {
        const { Failed } = await this.client.send(
          new SendMessageBatchCommand({
            QueueUrl: this.queueUrl,
            Entries: chunk.map((l, k) => ({ Id: String(k), MessageBody: deadLetterBody(l, this.now()) })),
          }),
        );
        for (const f of Failed ?? []) {
          unsent.push(chunk[Number(f.Id)].record.sequenceNumber);
          errors.push(`${f.Code}: ${f.Message}`);
        }
      } catch (e) {
        unsent.push(...chunk.map((l) => l.record.sequenceNumber));
        errors.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    return { unsent, errors };
  }
}
