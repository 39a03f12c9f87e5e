/**
 * A Lambda event source mapping for a Kinesis stream, run locally: one poller per shard (GetShardIterator at
 * TRIM_HORIZON or LATEST, then a GetRecords loop), batches built exactly as Lambda builds Kinesis events
 * (base64 data, arrival time in seconds with a fraction, `eventID` = `<shard>:<sequence number>`), delivered
 * to an async handler in order per shard with Lambda's failure semantics (batchDelivery.ts). Shards run
 * concurrently; within a shard the next batch waits for the previous one to be finished with.
 * Batching: a batch goes when batchSize records are buffered or maximumBatchingWindowInSeconds has passed
 * since the first buffered record (0: at once). An idle shard is polled every `pollIntervalMs` (Lambda: 1 s).
 * `stop()` stops reading, delivers what was already read (with its retries; unlimited retries give up), and
 * resolves when every shard's poller has ended. Not reproduced: leases, parallelizationFactor > 1, resharding.
 */
import { GetRecordsCommand, GetRecordsCommandOutput, GetShardIteratorCommand, KinesisClient, ListShardsCommand, _Record } from "@aws-sdk/client-kinesis";
import { BatchContext, DeliveryStats, KinesisEventRecord, KinesisFailureRecord, KinesisHandler, deliverBatch, emptyStats } from "./batchDelivery";
import { EsmSettings, validateEsmSettings } from "./esmSettings";

export interface EventSourceMappingOptions {
  readonly client: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly settings: EsmSettings;
  readonly handler: KinesisHandler;
  /** The on-failure destination: receives what Lambda would put in the SQS message. */
  readonly onFailure?: (record: KinesisFailureRecord) => Promise<void> | void;
  /** Default arn:aws:lambda:<region>:<account>:function:local. */
  readonly functionArn?: string;
  /** The execution role, the events' invokeIdentityArn. */
  readonly roleArn?: string;
  readonly pollIntervalMs?: number;
  /** Pause before a retry; default 50 ms. */
  readonly retryDelayMs?: number;
  readonly now?: () => number;
}

export interface MappingStats extends DeliveryStats {
  /** Records read from the stream. */
  read: number;
}

/** Lambda's event record for a record GetRecords returned. */
export function toEventRecord(r: _Record, shardId: string, streamArn: string, roleArn: string): KinesisEventRecord {
  const region = streamArn.split(":")[3];
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: r.PartitionKey!,
      sequenceNumber: r.SequenceNumber!,
      data: Buffer.from(r.Data ?? new Uint8Array()).toString("base64"),
      approximateArrivalTimestamp: r.ApproximateArrivalTimestamp!.getTime() / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${r.SequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: roleArn,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

export class KinesisEventSourceMapping {
  readonly stats: MappingStats = { ...emptyStats(), read: 0 };
  private stopping = false;
  private pollers: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private readonly settings: EsmSettings;

  constructor(private readonly options: EventSourceMappingOptions) {
    this.settings = validateEsmSettings(options.settings);
  }

  /** Lists the shards, takes an iterator on each and starts polling; resolves once every shard has its iterator. */
  async start(): Promise<void> {
    if (this.pollers.length > 0) throw new Error(`event source mapping of ${this.options.streamName} already started`);
    const { client, streamName } = this.options;
    const { Shards } = await client.send(new ListShardsCommand({ StreamName: streamName }));
    const iterators = await Promise.all(
      (Shards ?? []).map(async (s) => {
        const { ShardIterator } = await client.send(
          new GetShardIteratorCommand({ StreamName: streamName, ShardId: s.ShardId!, ShardIteratorType: this.settings.startingPosition }),
        );
        return [s.ShardId!, ShardIterator!] as const;
      }),
    );
    this.pollers = iterators.map(([shardId, iterator]) =>
      this.poll(shardId, iterator).catch((e: Error) => {
        console.error(`event source mapping of ${streamName}/${shardId} stopped: ${e.name}: ${e.message}`);
      }),
    );
  }

  /** Stops reading, finishes the records already read, resolves when every poller has ended. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const wake of this.wakers) wake();
    await Promise.all(this.pollers);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakers.add(done);
    });
  }

  private async poll(shardId: string, firstIterator: string): Promise<void> {
    const o = this.options;
    const now = o.now ?? Date.now;
    const region = o.streamArn.split(":")[3];
    const account = o.streamArn.split(":")[4];
    const ctx: BatchContext = {
      settings: this.settings,
      handler: o.handler,
      shardId,
      streamArn: o.streamArn,
      onFailure: o.onFailure,
      stats: this.stats,
      now,
      functionArn: o.functionArn ?? `arn:aws:lambda:${region}:${account}:function:local`,
      retryDelayMs: o.retryDelayMs ?? 50,
      stopping: () => this.stopping,
    };
    const roleArn = o.roleArn ?? `arn:aws:iam::${account}:role/local`;
    const windowMs = this.settings.maximumBatchingWindowInSeconds * 1000;
    let iterator: string | undefined = firstIterator;
    let buffer: KinesisEventRecord[] = [];
    let firstBufferedAt = 0;
    while (true) {
      let fetched = 0;
      if (!this.stopping && iterator && buffer.length < this.settings.batchSize) {
        const out: GetRecordsCommandOutput = await o.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.settings.batchSize - buffer.length }),
        );
        iterator = out.NextShardIterator;
        fetched = out.Records?.length ?? 0;
        if (fetched > 0 && buffer.length === 0) firstBufferedAt = now();
        buffer.push(...(out.Records ?? []).map((r) => toEventRecord(r, shardId, o.streamArn, roleArn)));
        this.stats.read += fetched;
      }
      const ready = buffer.length >= this.settings.batchSize || (buffer.length > 0 && (this.stopping || now() - firstBufferedAt >= windowMs));
      if (ready) {
        const batch = buffer.slice(0, this.settings.batchSize);
        buffer = buffer.slice(batch.length);
        if (buffer.length > 0) firstBufferedAt = now();
        if (await deliverBatch(ctx, batch)) continue;
        // given up while stopping: the shard's checkpoint stays before these records, as Lambda's would
        this.stats.abandoned += buffer.length;
        return;
      }
      if (this.stopping || !iterator) return;
      if (fetched === 0 || buffer.length > 0) {
        const untilWindow = buffer.length > 0 ? firstBufferedAt + windowMs - now() : Infinity;
        await this.sleep(Math.max(1, Math.min(o.pollIntervalMs ?? 100, untilWindow)));
      }
    }
  }
}
