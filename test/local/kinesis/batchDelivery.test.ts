import { expect } from "chai";
import { BatchContext, DeliveryStats, KinesisEventRecord, KinesisFailureRecord, deliverBatch, emptyStats } from "../../../local/kinesis/batchDelivery";
import { EsmSettings } from "../../../local/kinesis/esmSettings";
import { SHARD_ID, STREAM_ARN, kinesisEvent, sequenceNumber } from "../../helpers/kinesisEvents";

const ARRIVED = Date.UTC(2020, 1, 1);
const records = (n: number) =>
  kinesisEvent(
    Array.from({ length: n }, (_, i) => ({ partitionKey: "p", data: { i } })),
    0,
    ARRIVED,
  ).Records as KinesisEventRecord[];
const indexOf = (r: KinesisEventRecord) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString()).i as number;

const SETTINGS: EsmSettings = {
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 2,
  maximumRecordAgeInSeconds: -1,
  reportBatchItemFailures: true,
  startingPosition: "TRIM_HORIZON",
};

interface Run {
  /** The record indexes of each invocation. */
  readonly calls: number[][];
  readonly failures: KinesisFailureRecord[];
  readonly stats: DeliveryStats;
  readonly finished: boolean;
}

async function run(
  n: number,
  respond: (indexes: number[], call: number) => unknown,
  settings: Partial<EsmSettings> = {},
  opts: { stopping?: boolean; now?: number } = {},
): Promise<Run> {
  const calls: number[][] = [];
  const failures: KinesisFailureRecord[] = [];
  const ctx: BatchContext = {
    settings: { ...SETTINGS, ...settings },
    shardId: SHARD_ID,
    streamArn: STREAM_ARN,
    functionArn: "arn:aws:lambda:eu-west-1:123456789012:function:f",
    stats: emptyStats(),
    now: () => opts.now ?? ARRIVED + 1000,
    retryDelayMs: 0,
    stopping: () => opts.stopping ?? false,
    onFailure: (f) => void failures.push(f),
    handler: async (event) => {
      const indexes = event.Records.map(indexOf);
      calls.push(indexes);
      return respond(indexes, calls.length);
    },
  };
  const finished = await deliverBatch(ctx, records(n));
  return { calls, failures, stats: ctx.stats, finished };
}

const throwIf = (poison: number) => (indexes: number[]) => {
  if (indexes.includes(poison)) throw new Error(`record ${poison} is poison`);
  return { batchItemFailures: [] };
};
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("Kinesis batch delivery with Lambda's failure semantics", () => {
  it("delivers a batch once when the handler succeeds", async () => {
    const r = await run(4, () => ({ batchItemFailures: [] }));
    expect([r.calls, r.stats.delivered, r.stats.invocations, r.failures]).to.deep.equal([[[0, 1, 2, 3]], 4, 1, []]);
  });

  const successes: [string, unknown][] = [
    ["undefined", undefined],
    ["null", null],
    ["{}", {}],
    ["batchItemFailures null", { batchItemFailures: null }],
  ];
  for (const [name, response] of successes) {
    it(`treats a response of ${name} as success`, async () => {
      expect((await run(3, () => response)).calls).to.deep.equal([[0, 1, 2]]);
    });
  }

  it("retries from the lowest failed sequence number after a partial failure", async () => {
    const r = await run(6, (ix, call) =>
      call === 1 ? { batchItemFailures: [{ itemIdentifier: sequenceNumber(4) }, { itemIdentifier: sequenceNumber(2) }] } : {},
    );

    expect(r.calls).to.deep.equal([range(0, 6), range(2, 6)]);
    expect(r.stats).to.deep.include({ delivered: 6, partialFailures: 1, retries: 1, functionErrors: 0, bisections: 0 });
  });

  const wholeBatch: [string, unknown][] = [
    ["an empty itemIdentifier", { batchItemFailures: [{ itemIdentifier: "" }] }],
    ["an unknown itemIdentifier", { batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }, { itemIdentifier: "4959" }] }],
    ["a null entry", { batchItemFailures: [null] }],
    ["batchItemFailures that is not a list", { batchItemFailures: "all" }],
    ["a response that is not an object", "failed"],
  ];
  for (const [name, response] of wholeBatch) {
    it(`retries the whole batch (not bisected) for ${name}`, async () => {
      const r = await run(4, (ix, call) => (call === 1 ? response : {}));
      expect([r.calls, r.stats.bisections, r.stats.retries]).to.deep.equal([[range(0, 4), range(0, 4)], 0, 1]);
    });
  }

  it("ignores batchItemFailures when ReportBatchItemFailures is off", async () => {
    const r = await run(3, () => ({ batchItemFailures: [{ itemIdentifier: sequenceNumber(0) }] }), { reportBatchItemFailures: false });
    expect([r.calls, r.stats.delivered]).to.deep.equal([[[0, 1, 2]], 3]);
  });

  it("bisects around a poison record, retries it alone and sends only it to the destination", async () => {
    const r = await run(8, throwIf(5));

    expect(r.calls).to.deep.equal([range(0, 8), range(0, 4), range(4, 8), [4, 5], [4], [5], [5], [5], [6, 7]]);
    expect(r.stats).to.deep.equal({
      invocations: 9,
      delivered: 7,
      functionErrors: 6,
      partialFailures: 0,
      retries: 2,
      bisections: 3,
      sentToDestination: 1,
      abandoned: 0,
    });
    expect(r.failures).to.have.length(1);
    const f = r.failures[0];
    expect([
      f.requestContext.condition,
      f.requestContext.approximateInvokeCount,
      f.requestContext.functionArn,
      f.responseContext,
      f.version,
      f.timestamp,
    ]).to.deep.equal([
      "RetryAttemptsExhausted",
      3,
      "arn:aws:lambda:eu-west-1:123456789012:function:f",
      { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      "1.0",
      "2020-02-01T00:00:01.000Z",
    ]);
    expect(f.KinesisBatchInfo).to.deep.equal({
      shardId: SHARD_ID,
      startSequenceNumber: sequenceNumber(5),
      endSequenceNumber: sequenceNumber(5),
      approximateArrivalOfFirstRecord: "2020-02-01T00:00:00.050Z",
      approximateArrivalOfLastRecord: "2020-02-01T00:00:00.050Z",
      batchSize: 1,
      streamArn: STREAM_ARN,
    });
  });

  it("without bisect retries the whole batch maximumRetryAttempts times, then sends it to the destination", async () => {
    const r = await run(3, throwIf(1), { bisectBatchOnFunctionError: false, maximumRetryAttempts: 3 });

    expect(r.calls).to.deep.equal([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    expect(
      r.failures.map((f) => [
        f.requestContext.approximateInvokeCount,
        f.KinesisBatchInfo.batchSize,
        f.KinesisBatchInfo.startSequenceNumber,
        f.KinesisBatchInfo.endSequenceNumber,
      ]),
    ).to.deep.equal([[4, 3, sequenceNumber(0), sequenceNumber(2)]]);
    expect(r.stats).to.deep.include({ delivered: 0, retries: 3, sentToDestination: 3 });
  });

  it("sends the records of an exhausted partial failure, without functionError", async () => {
    const r = await run(4, () => ({ batchItemFailures: [{ itemIdentifier: sequenceNumber(2) }] }), { maximumRetryAttempts: 1 });

    expect(r.calls).to.deep.equal([range(0, 4), [2, 3]]);
    expect(r.failures.map((f) => [f.responseContext, f.KinesisBatchInfo.batchSize, f.KinesisBatchInfo.startSequenceNumber])).to.deep.equal([
      [{ statusCode: 200, executedVersion: "$LATEST" }, 2, sequenceNumber(2)],
    ]);
    expect(r.stats).to.deep.include({ delivered: 2, sentToDestination: 2 });
  });

  it("does not deliver records older than maximumRecordAgeInSeconds: they go to the destination", async () => {
    // arrivals are 10 ms apart from ARRIVED; at ARRIVED + 60.025 s the first three are over 60 s old
    const r = await run(5, () => ({}), { maximumRecordAgeInSeconds: 60 }, { now: ARRIVED + 60_025 });

    expect(r.calls).to.deep.equal([[3, 4]]);
    expect(r.failures.map((f) => [f.requestContext.condition, f.requestContext.approximateInvokeCount, f.KinesisBatchInfo.batchSize])).to.deep.equal([
      ["RecordAgeExceeded", 0, 3],
    ]);
  });

  it("gives up unlimited retries when the mapping is stopping, without a destination record", async () => {
    const r = await run(
      2,
      () => {
        throw new Error("down");
      },
      { maximumRetryAttempts: -1, bisectBatchOnFunctionError: false },
      { stopping: true },
    );

    expect([r.finished, r.calls, r.failures, r.stats.abandoned]).to.deep.equal([false, [[0, 1]], [], 2]);
  });
});
