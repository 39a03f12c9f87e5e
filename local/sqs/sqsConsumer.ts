/**
 * Lambda's SQS event source mapping for a LocalQueue: polls, invokes the handler with `{ Records }` batches of
 * up to batchSize (gathering up to maximumBatchingWindowInSeconds), deletes what succeeded, and leaves the
 * rest to come back after the visibility timeout (and, past maxReceiveCount, go to the dead-letter queue).
 * `stop()` stops polling and resolves when the batch in flight (and any gathered) is finished.
 */
import { LocalQueue, SqsEventRecord } from "./queue";

export type SqsHandler = (event: { Records: SqsEventRecord[] }) => Promise<unknown>;

export interface SqsConsumerOptions {
  /** 1-10000; default 10. */
  readonly batchSize?: number;
  /** Default 0. */
  readonly maximumBatchingWindowInSeconds?: number;
  /** Default true (the program's SQS mappings report item failures). */
  readonly reportBatchItemFailures?: boolean;
  /** Idle poll interval, default 100 ms. */
  readonly pollIntervalMs?: number;
}

export interface ConsumerStats {
  invocations: number;
  /** Messages the handler finished (deleted). */
  succeeded: number;
  /** Messages left for redelivery (the handler threw or reported them). */
  failed: number;
}

/** Message ids to keep, or "all" when the response fails the whole batch; null response or empty list = none. */
export function failedMessageIds(response: unknown, records: readonly SqsEventRecord[]): Set<string> | "all" {
  if (response === undefined || response === null) return new Set();
  if (typeof response !== "object" || Array.isArray(response)) return "all";
  const failures = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return "all";
  const ids = new Set<string>();
  for (const f of failures) {
    const id = (f as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || !records.some((r) => r.messageId === id)) return "all";
    ids.add(id);
  }
  return ids;
}

export class SqsConsumer {
  readonly stats: ConsumerStats = { invocations: 0, succeeded: 0, failed: 0 };
  private running?: Promise<void>;
  private stopping = false;
  private wake?: () => void;

  constructor(
    private readonly queue: LocalQueue,
    private readonly handler: SqsHandler,
    private readonly options: SqsConsumerOptions = {},
  ) {
    const size = options.batchSize ?? 10;
    if (!Number.isInteger(size) || size < 1 || size > 10000) throw new Error(`SQS consumer of ${queue.name}: batchSize ${size} must be a whole number 1-10000`);
  }

  start(): void {
    if (this.running) throw new Error(`SQS consumer of ${this.queue.name} already started`);
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  /** Receives and handles one batch now; resolves with the number of messages handled (0: queue had none visible). */
  async pollOnce(): Promise<number> {
    const records = this.queue.receive(this.options.batchSize ?? 10);
    if (records.length === 0) return 0;
    await this.invoke(records);
    return records.length;
  }

  private async loop(): Promise<void> {
    const batchSize = this.options.batchSize ?? 10;
    const windowMs = (this.options.maximumBatchingWindowInSeconds ?? 0) * 1000;
    let gathered: SqsEventRecord[] = [];
    let firstAt = 0;
    while (!this.stopping) {
      const got = this.queue.receive(batchSize - gathered.length);
      if (got.length > 0 && gathered.length === 0) firstAt = Date.now();
      gathered.push(...got);
      if (gathered.length > 0 && (gathered.length >= batchSize || Date.now() - firstAt >= windowMs)) {
        await this.invoke(gathered);
        gathered = [];
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.options.pollIntervalMs ?? 100);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
    }
    // received while the window was open: finish them rather than leave them invisible until the timeout
    if (gathered.length > 0) await this.invoke(gathered);
  }

  private async invoke(records: SqsEventRecord[]): Promise<void> {
    this.stats.invocations++;
    let failed: Set<string> | "all";
    try {
      const response = await this.handler({ Records: records.map((r) => ({ ...r, attributes: { ...r.attributes } })) });
      failed = this.options.reportBatchItemFailures === false ? new Set() : failedMessageIds(response, records);
    } catch {
      failed = "all";
    }
    for (const r of records) {
      if (failed === "all" || failed.has(r.messageId)) this.stats.failed++;
      else if (this.queue.delete(r.receiptHandle)) this.stats.succeeded++;
    }
  }
}
