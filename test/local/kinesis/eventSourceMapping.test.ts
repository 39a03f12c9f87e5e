import { expect } from "chai";
import { streamConsumerDefaults } from "../../../infra/shared/defaults";
import { KinesisEvent, KinesisFailureRecord } from "../../../local/kinesis/batchDelivery";
import { EsmSettings, esmSettingsOf, validateEsmSettings } from "../../../local/kinesis/esmSettings";
import { KinesisEventSourceMapping } from "../../../local/kinesis/eventSourceMapping";
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalKinesis, LocalStream, startKinesis } from "../../../local/kinesis/kinesisServer";

const SETTINGS: EsmSettings = {
  batchSize: 10,
  maximumBatchingWindowInSeconds: 0,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 2,
  maximumRecordAgeInSeconds: -1,
  reportBatchItemFailures: true,
  startingPosition: "TRIM_HORIZON",
};
const payload = (r: KinesisEvent["Records"][number]) => JSON.parse(Buffer.from(r.kinesis.data, "base64").toString("utf8"));

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith("TCP")).length;

describe("event source mapping settings", () => {
  it("maps the program's stream consumer defaults, with ReportBatchItemFailures", () => {
    expect(esmSettingsOf(streamConsumerDefaults)).to.deep.equal({
      batchSize: 100,
      maximumBatchingWindowInSeconds: 1,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 3,
      maximumRecordAgeInSeconds: 3600,
      reportBatchItemFailures: true,
      startingPosition: "LATEST",
    });
    expect(esmSettingsOf(streamConsumerDefaults, "TRIM_HORIZON").startingPosition).to.equal("TRIM_HORIZON");
  });

  const invalid: [Partial<EsmSettings>, string][] = [
    [{ batchSize: 0 }, "event source mapping batchSize 0 must be a whole number 1-10000"],
    [{ maximumBatchingWindowInSeconds: 301 }, "event source mapping maximumBatchingWindowInSeconds 301 must be a whole number 0-300"],
    [{ maximumRetryAttempts: -2 }, "event source mapping maximumRetryAttempts -2 must be -1 or a whole number 0-10000"],
    [{ maximumRecordAgeInSeconds: 30 }, "event source mapping maximumRecordAgeInSeconds 30 must be -1 or a whole number 60-604800"],
  ];
  for (const [override, message] of invalid) {
    it(`refuses ${JSON.stringify(override)}`, () => expect(() => validateEsmSettings({ ...SETTINGS, ...override })).to.throw(message));
  }
});

describe("Kinesis event source mapping on kinesalite", function () {
  this.timeout(30_000);
  let kinesis: LocalKinesis;
  let stream: LocalStream;
  let mapping: KinesisEventSourceMapping | undefined;
  let events: KinesisEvent[];
  let failures: KinesisFailureRecord[];

  beforeEach(async () => {
    kinesis = await startKinesis();
    stream = await kinesis.createStream("trains", 2);
    events = [];
    failures = [];
    mapping = undefined;
  });
  afterEach(async () => {
    await mapping?.stop();
    await kinesis.close();
  });

  function map(settings: Partial<EsmSettings>, respond: (e: KinesisEvent) => unknown = () => ({ batchItemFailures: [] })): KinesisEventSourceMapping {
    mapping = new KinesisEventSourceMapping({
      client: kinesis.client,
      streamName: stream.name,
      streamArn: stream.arn,
      settings: { ...SETTINGS, ...settings },
      roleArn: "arn:aws:iam::000000000000:role/trains-anomaly-role",
      pollIntervalMs: 20,
      retryDelayMs: 0,
      onFailure: (f) => void failures.push(f),
      handler: async (e) => {
        events.push(e);
        return respond(e);
      },
    });
    return mapping;
  }

  it("creates a stream with the shards asked for, in the local account and region", () => {
    expect(stream).to.deep.equal({
      name: "trains",
      arn: `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stream/trains`,
      shardIds: ["shardId-000000000000", "shardId-000000000001"],
    });
  });

  it("builds events as Lambda does and keeps each partition key's records in order across shards", async () => {
    const put = await kinesis.put(
      "trains",
      Array.from({ length: 60 }, (_, i) => ({ partitionKey: `train-${i % 3}`, data: { train: i % 3, seq: Math.floor(i / 3) } })),
    );
    await map({}).start();

    await until("60 records", () => events.reduce((n, e) => n + e.Records.length, 0) === 60);

    const first = events.flatMap((e) => e.Records).find((r) => r.kinesis.sequenceNumber === put[0].sequenceNumber)!;
    expect(Object.keys(first)).to.deep.equal([
      "kinesis",
      "eventSource",
      "eventVersion",
      "eventID",
      "eventName",
      "invokeIdentityArn",
      "awsRegion",
      "eventSourceARN",
    ]);
    expect({ ...first, kinesis: { ...first.kinesis, approximateArrivalTimestamp: 0 } }).to.deep.equal({
      kinesis: {
        kinesisSchemaVersion: "1.0",
        partitionKey: "train-0",
        sequenceNumber: put[0].sequenceNumber,
        data: Buffer.from('{"train":0,"seq":0}').toString("base64"),
        approximateArrivalTimestamp: 0,
      },
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventID: `${put[0].shardId}:${put[0].sequenceNumber}`,
      eventName: "aws:kinesis:record",
      invokeIdentityArn: "arn:aws:iam::000000000000:role/trains-anomaly-role",
      awsRegion: LOCAL_REGION,
      eventSourceARN: stream.arn,
    });
    expect(Math.abs(first.kinesis.approximateArrivalTimestamp - Date.now() / 1000)).to.be.below(30);
    for (const train of [0, 1, 2]) {
      const seqs = events
        .flatMap((e) => e.Records)
        .map(payload)
        .filter((p) => p.train === train)
        .map((p) => p.seq);
      expect(seqs).to.deep.equal(Array.from({ length: 20 }, (_, i) => i));
    }
    expect(events.every((e) => e.Records.length <= 10 && new Set(e.Records.map((r) => r.eventID.split(":")[0])).size === 1)).to.equal(true);
    expect(mapping!.stats).to.deep.include({ read: 60, delivered: 60, sentToDestination: 0 });
  });

  it("waits up to the batching window to fill a batch, and sends a full batch at once", async () => {
    const one = await kinesis.createStream("one", 1);
    mapping = new KinesisEventSourceMapping({
      client: kinesis.client,
      streamName: "one",
      streamArn: one.arn,
      pollIntervalMs: 20,
      settings: { ...SETTINGS, batchSize: 5, maximumBatchingWindowInSeconds: 1 },
      handler: async (e) => void events.push(e),
    });
    await mapping.start();

    const started = Date.now();
    await kinesis.put("one", [
      { partitionKey: "a", data: "1" },
      { partitionKey: "a", data: "2" },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    await kinesis.put("one", [{ partitionKey: "a", data: "3" }]);
    await until("the windowed batch", () => events.length === 1);
    const waited = Date.now() - started;
    await kinesis.put(
      "one",
      ["4", "5", "6", "7", "8"].map((data) => ({ partitionKey: "a", data })),
    );
    await until("the full batch", () => events.length === 2, 900);

    expect(events.map((e) => e.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString()))).to.deep.equal([
      ["1", "2", "3"],
      ["4", "5", "6", "7", "8"],
    ]);
    expect(waited).to.be.within(900, 3000);
  });

  it("retries only from the reported failure and isolates a poison record to the destination", async () => {
    const put = await kinesis.put(
      "trains",
      Array.from({ length: 8 }, (_, seq) => ({ partitionKey: "train-0", data: { seq } })),
    );
    let reported = false;
    await map({}, (e) => {
      const seqs = e.Records.map((r) => payload(r).seq as number);
      if (seqs.includes(5)) throw new Error("poison");
      if (!reported && seqs.includes(2)) {
        reported = true;
        return { batchItemFailures: [{ itemIdentifier: e.Records[seqs.indexOf(2)].kinesis.sequenceNumber }] };
      }
      return {};
    }).start();

    await until("the poison record at the destination", () => failures.length === 1);
    await until("every other record", () => mapping!.stats.delivered === 7);

    expect(events.map((e) => e.Records.map((r) => payload(r).seq))).to.deep.equal([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [5],
      [5],
      [6, 7],
    ]);
    expect(failures[0].KinesisBatchInfo).to.deep.include({
      shardId: put[5].shardId,
      startSequenceNumber: put[5].sequenceNumber,
      endSequenceNumber: put[5].sequenceNumber,
      batchSize: 1,
      streamArn: stream.arn,
    });
    expect(failures[0].requestContext).to.deep.include({
      condition: "RetryAttemptsExhausted",
      approximateInvokeCount: 3,
      functionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:local`,
    });
    expect(mapping!.stats).to.deep.include({ read: 8, delivered: 7, partialFailures: 1, functionErrors: 6, bisections: 3, retries: 3, sentToDestination: 1 });
  });

  it("starts at LATEST: records put before start are not delivered", async () => {
    await kinesis.put("trains", [{ partitionKey: "a", data: "old" }]);
    await map({ startingPosition: "LATEST" }).start();
    await kinesis.put("trains", [{ partitionKey: "a", data: "new" }]);

    await until("the new record", () => events.length === 1);
    expect(events[0].Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString())).to.deep.equal(["new"]);
  });

  it("stop() finishes the batch in flight, then the mapping and kinesalite close without leaving sockets", async () => {
    const before = tcpHandles();
    const local = await startKinesis();
    await local.createStream("s", 1);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const handled: number[] = [];
    const m = new KinesisEventSourceMapping({
      client: local.client,
      streamName: "s",
      streamArn: `arn:aws:kinesis:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stream/s`,
      pollIntervalMs: 20,
      settings: { ...SETTINGS, batchSize: 3 },
      handler: async (e) => {
        await gate;
        handled.push(e.Records.length);
      },
    });
    await m.start();
    await local.put(
      "s",
      ["a", "b", "c"].map((data) => ({ partitionKey: "k", data })),
    );
    await until("the batch in flight", () => m.stats.read === 3);

    const stopped = m.stop();
    release();
    await stopped;
    await local.close();

    expect(handled).to.deep.equal([3]);
    expect(tcpHandles()).to.equal(before);
  });
});
