/**
 * An SQS standard queue in this process, and a consumer that plays Lambda's SQS event source mapping.
 * Reproduced: messages received in batches as Lambda's SQS events (messageId, receiptHandle, body,
 * attributes.ApproximateReceiveCount, SentTimestamp, ApproximateFirstReceiveTimestamp, md5OfBody, eventSource
 * "aws:sqs", eventSourceARN, awsRegion); a received message stays invisible for the visibility timeout and
 * comes back unless deleted; a message received more than maxReceiveCount times is moved to the dead-letter
 * queue instead (the redrive policy); the consumer deletes a batch the handler finished, keeps all of a batch
 * whose handler threw, and with ReportBatchItemFailures deletes all but the reported messageIds (an unknown or
 * empty itemIdentifier fails the whole batch, as AWS does).
 * Not reproduced: FIFO queues, delays, retention, message attributes, the 256 KB limit, at-least-once
 * duplicates (this queue delivers exactly the visible messages, oldest first).
 */
import { createHash, randomUUID } from "crypto";

export interface SqsEventRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: {
    readonly ApproximateReceiveCount: string;
    readonly SentTimestamp: string;
    readonly SenderId: string;
    readonly ApproximateFirstReceiveTimestamp: string;
  };
  readonly messageAttributes: Record<string, never>;
  readonly md5OfBody: string;
  readonly eventSource: "aws:sqs";
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

export interface QueueOptions {
  readonly name: string;
  /** Default 30 s; fractions allowed locally so tests need not wait. */
  readonly visibilityTimeoutSeconds?: number;
  /** With `deadLetterQueue`: receives after which a message moves there. */
  readonly maxReceiveCount?: number;
  readonly deadLetterQueue?: LocalQueue;
  readonly region?: string;
  readonly accountId?: string;
  readonly now?: () => number;
}

export interface QueueStats {
  sent: number;
  received: number;
  deleted: number;
  movedToDeadLetterQueue: number;
}

interface Message {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  invisibleUntil: number;
  receiptHandle?: string;
}

export class LocalQueue {
  readonly name: string;
  readonly arn: string;
  readonly url: string;
  readonly region: string;
  readonly stats: QueueStats = { sent: 0, received: 0, deleted: 0, movedToDeadLetterQueue: 0 };
  private readonly messages: Message[] = [];
  private readonly visibilityMs: number;
  private readonly now: () => number;

  constructor(private readonly options: QueueOptions) {
    const account = options.accountId ?? "000000000000";
    this.name = options.name;
    this.region = options.region ?? "us-east-1";
    this.arn = `arn:aws:sqs:${this.region}:${account}:${options.name}`;
    this.url = `https://sqs.${this.region}.amazonaws.com/${account}/${options.name}`;
    this.visibilityMs = (options.visibilityTimeoutSeconds ?? 30) * 1000;
    this.now = options.now ?? Date.now;
    if ((options.maxReceiveCount === undefined) !== (options.deadLetterQueue === undefined)) {
      throw new Error(`queue ${options.name}: maxReceiveCount and deadLetterQueue go together (the redrive policy)`);
    }
    if (
      options.maxReceiveCount !== undefined &&
      !(Number.isInteger(options.maxReceiveCount) && options.maxReceiveCount >= 1 && options.maxReceiveCount <= 1000)
    ) {
      throw new Error(`queue ${options.name}: maxReceiveCount ${options.maxReceiveCount} must be a whole number 1-1000`);
    }
  }

  send(body: string): string {
    const messageId = randomUUID();
    this.messages.push({ messageId, body, sentAt: this.now(), receiveCount: 0, invisibleUntil: 0 });
    this.stats.sent++;
    return messageId;
  }

  /** Up to `max` visible messages, oldest first; each becomes invisible for the visibility timeout. */
  receive(max = 10): SqsEventRecord[] {
    const now = this.now();
    const out: SqsEventRecord[] = [];
    for (let i = 0; i < this.messages.length && out.length < max;) {
      const m = this.messages[i];
      if (m.invisibleUntil > now) {
        i++;
        continue;
      }
      if (this.options.deadLetterQueue && m.receiveCount >= this.options.maxReceiveCount!) {
        this.messages.splice(i, 1);
        this.options.deadLetterQueue.send(m.body);
        this.stats.movedToDeadLetterQueue++;
        continue;
      }
      m.receiveCount++;
      m.firstReceivedAt ??= now;
      m.invisibleUntil = now + this.visibilityMs;
      m.receiptHandle = randomUUID();
      this.stats.received++;
      out.push({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: "AIDALOCAL",
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
        },
        messageAttributes: {},
        md5OfBody: createHash("md5").update(m.body).digest("hex"),
        eventSource: "aws:sqs",
        eventSourceARN: this.arn,
        awsRegion: this.region,
      });
      i++;
    }
    return out;
  }

  /** Deletes the message last received with `receiptHandle`; false when the handle is stale or unknown. */
  delete(receiptHandle: string): boolean {
    const i = this.messages.findIndex((m) => m.receiptHandle === receiptHandle);
    if (i < 0) return false;
    this.messages.splice(i, 1);
    this.stats.deleted++;
    return true;
  }

  /** Messages in the queue: visible now, and in flight (received, not yet deleted or visible again). */
  depth(): { visible: number; inFlight: number } {
    const now = this.now();
    const inFlight = this.messages.filter((m) => m.invisibleUntil > now).length;
    return { visible: this.messages.length - inFlight, inFlight };
  }

  /** The bodies of every message in the queue, oldest first (for tests and the web view). */
  peek(): string[] {
    return this.messages.map((m) => m.body);
  }
}
