import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import {
  ConflictException,
  GetThingShadowCommand,
  GetThingShadowCommandOutput,
  IoTDataPlaneClient,
  ResourceNotFoundException,
  UpdateThingShadowCommand,
} from "@aws-sdk/client-iot-data-plane";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { Checkpoint } from "../../../functions/trainAnomaly/checkpoint";
import { DeadLetter } from "../../../functions/trainAnomaly/deadLetters";
import { DynamoCheckpointStore } from "../../../functions/trainAnomaly/dynamoCheckpointStore";
import { IotShadowStore } from "../../../functions/trainAnomaly/iotShadowStore";
import { decodeKinesisEvent } from "../../../functions/trainAnomaly/kinesisEvent";
import { SqsDeadLetterSink } from "../../../functions/trainAnomaly/sqsDeadLetterSink";
import { FAKE_AWS } from "../../helpers/fakeAws";
import { kinesisEvent } from "../../helpers/kinesisEvents";

async function rejection(run: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await run();
  } catch (e) {
    return [(e as Error).name, (e as Error).message];
  }
  return ["resolved", ""];
}

const metadata = { $metadata: {} };
const checkpoint: Checkpoint = {
  trainId: "train-7",
  group: "apu",
  version: 3,
  fingerprint: "abc",
  model: Uint8Array.from([1, 2, 3]),
  sidecar: '{"guard":{}}',
  watermark: 1580515200000,
  updatedAt: "2020-02-01T00:00:05.000Z",
};

describe("DynamoDB checkpoint store", () => {
  // mocked in a hook, not while mocha loads files: mockClient patches every client of the class until restored
  let ddb: AwsClientStub<DynamoDBClient>;
  before(() => (ddb = mockClient(DynamoDBClient)));
  const store = new DynamoCheckpointStore(new DynamoDBClient(FAKE_AWS), "trains-checkpoints");
  beforeEach(() => ddb.reset());
  after(() => ddb.restore());

  it("reads an item with a strongly consistent read", async () => {
    ddb.on(GetItemCommand).resolves({
      Item: {
        trainId: { S: "train-7" },
        detector: { S: "apu" },
        version: { N: "3" },
        fingerprint: { S: "abc" },
        model: { B: Uint8Array.from([1, 2, 3]) },
        sidecar: { S: '{"guard":{}}' },
        watermark: { N: "1580515200000" },
        updatedAt: { S: "2020-02-01T00:00:05.000Z" },
      },
    });
    expect(await store.load("train-7", "apu")).to.deep.equal(checkpoint);
    expect(ddb.commandCalls(GetItemCommand)[0].args[0].input).to.deep.equal({
      TableName: "trains-checkpoints",
      Key: { trainId: { S: "train-7" }, detector: { S: "apu" } },
      ConsistentRead: true,
    });
  });

  it("returns nothing for a train it has never seen", async () => {
    ddb.on(GetItemCommand).resolves({});
    expect(await store.load("train-8", "apu")).to.equal(undefined);
  });

  it("writes version n only over version n - 1", async () => {
    ddb.on(PutItemCommand).resolves({});
    await store.save(checkpoint);
    expect(ddb.commandCalls(PutItemCommand)[0].args[0].input).to.deep.equal({
      TableName: "trains-checkpoints",
      Item: {
        trainId: { S: "train-7" },
        detector: { S: "apu" },
        version: { N: "3" },
        fingerprint: { S: "abc" },
        model: { B: Uint8Array.from([1, 2, 3]) },
        sidecar: { S: '{"guard":{}}' },
        updatedAt: { S: "2020-02-01T00:00:05.000Z" },
        watermark: { N: "1580515200000" },
      },
      ConditionExpression: "#version = :previous",
      ExpressionAttributeNames: { "#version": "version" },
      ExpressionAttributeValues: { ":previous": { N: "2" } },
    });
  });

  it("writes version 1 only where no checkpoint exists", async () => {
    ddb.on(PutItemCommand).resolves({});
    await store.save({ ...checkpoint, version: 1, watermark: null });
    const input = ddb.commandCalls(PutItemCommand)[0].args[0].input;
    expect([input.ConditionExpression, input.ExpressionAttributeValues, input.Item?.watermark]).to.deep.equal([
      "attribute_not_exists(#version)",
      undefined,
      undefined,
    ]);
  });

  it("turns a failed condition into a ConflictError and anything else into a CheckpointError", async () => {
    ddb
      .on(PutItemCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: "The conditional request failed", ...metadata }))
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: "slow down", ...metadata }));
    expect(await rejection(() => store.save(checkpoint))).to.deep.equal(["ConflictError", "checkpoint of train-7/apu: another writer got past version 2"]);
    expect(await rejection(() => store.save(checkpoint))).to.deep.equal([
      "CheckpointError",
      "cannot write checkpoint 3 of train-7/apu: ProvisionedThroughputExceededException: slow down",
    ]);
  });

  it("refuses an item without its model", async () => {
    ddb.on(GetItemCommand).resolves({ Item: { trainId: { S: "train-7" }, detector: { S: "apu" }, version: { N: "1" } } });
    expect(await rejection(() => store.load("train-7", "apu"))).to.deep.equal([
      "CheckpointError",
      "checkpoint of train-7/apu lacks version, fingerprint, model or sidecar",
    ]);
  });
});

describe("IoT anomaly shadow store", () => {
  let iot: AwsClientStub<IoTDataPlaneClient>;
  before(() => (iot = mockClient(IoTDataPlaneClient)));
  const store = new IotShadowStore(new IoTDataPlaneClient(FAKE_AWS), "anomaly");
  beforeEach(() => iot.reset());
  after(() => iot.restore());
  const doc = { state: { desired: { anomalies: { x: { status: "ongoing" } } }, reported: {} }, version: 12 };

  it("reads the named shadow's desired anomalies and version", async () => {
    iot.on(GetThingShadowCommand).resolves({ payload: Buffer.from(JSON.stringify(doc)) as unknown as GetThingShadowCommandOutput["payload"] });
    expect(await store.read("train-7")).to.deep.equal({ version: 12, anomalies: { x: { status: "ongoing" } } });
    expect(iot.commandCalls(GetThingShadowCommand)[0].args[0].input).to.deep.equal({ thingName: "train-7", shadowName: "anomaly" });
  });

  it("returns nothing when the train has no anomaly shadow yet", async () => {
    iot.on(GetThingShadowCommand).rejects(new ResourceNotFoundException({ message: "No shadow exists with name: 'train-7~anomaly'", ...metadata }));
    expect(await store.read("train-7")).to.equal(undefined);
  });

  it("updates desired anomalies with the version it read", async () => {
    iot.on(UpdateThingShadowCommand).resolves({});
    await store.write("train-7", { x: null }, 12);
    const input = iot.commandCalls(UpdateThingShadowCommand)[0].args[0].input;
    expect([input.thingName, input.shadowName, JSON.parse(Buffer.from(input.payload as Uint8Array).toString())]).to.deep.equal([
      "train-7",
      "anomaly",
      { state: { desired: { anomalies: { x: null } } }, version: 12 },
    ]);
  });

  it("turns a version conflict (409) into a ConflictError", async () => {
    iot.on(UpdateThingShadowCommand).rejects(new ConflictException({ message: "Version conflict", ...metadata }));
    expect(await rejection(() => store.write("train-7", {}, 12))).to.deep.equal(["ConflictError", "shadow anomaly of train-7 moved past version 12"]);
  });
});

describe("SQS dead-letter sink", () => {
  let sqs: AwsClientStub<SQSClient>;
  before(() => (sqs = mockClient(SQSClient)));
  const sink = new SqsDeadLetterSink(new SQSClient(FAKE_AWS), "https://sqs.eu-west-1.amazonaws.com/123456789012/trains-anomaly-dlq", () =>
    Date.UTC(2020, 1, 1, 0, 0, 5),
  );
  beforeEach(() => sqs.reset());
  after(() => sqs.restore());
  const records = decodeKinesisEvent(
    kinesisEvent(
      Array.from({ length: 12 }, (_, i) => ({ partitionKey: "train-7", data: `bad ${i}` })),
      0,
      Date.UTC(2020, 1, 1),
    ),
  );
  const letters: DeadLetter[] = records.map((record) => ({
    reason: "decode",
    error: "RecordError",
    message: `record ${record.sequenceNumber}: data is not UTF-8 JSON`,
    record,
  }));

  it("sends ten letters a batch, each the rejection with the record's data as Kinesis gave it", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    expect(await sink.send(letters)).to.deep.equal({ unsent: [], errors: [] });
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries!.length)).to.deep.equal([10, 2]);
    expect(JSON.parse(calls[0].Entries![0].MessageBody!)).to.deep.equal({
      source: "gridrail.trainAnomaly",
      kind: "rejected-record",
      reason: "decode",
      error: "RecordError",
      message: `record ${records[0].sequenceNumber}: data is not UTF-8 JSON`,
      rejectedAt: "2020-02-01T00:00:05.000Z",
      record: {
        sequenceNumber: records[0].sequenceNumber,
        partitionKey: "train-7",
        eventID: records[0].eventID,
        eventSourceARN: records[0].eventSourceARN,
        approximateArrivalTimestamp: 1580515200,
        dataBytes: 5,
        truncated: false,
        data: Buffer.from("bad 0").toString("base64"),
      },
    });
  });

  it("keeps a batch of ten worst-case letters within SQS's 256 KiB: data cut to 16 KB, message to 2000 characters", async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const huge = decodeKinesisEvent(
      kinesisEvent(
        Array.from({ length: 10 }, () => ({ partitionKey: "train-7", data: "x".repeat(40_000) })),
        0,
        Date.UTC(2020, 1, 1),
      ),
    );
    const worst: DeadLetter[] = huge.map((record) => ({ reason: "schema", error: "TelemetryError", message: "m".repeat(600_000), record }));
    await sink.send(worst);
    const entries = sqs.commandCalls(SendMessageBatchCommand).at(-1)!.args[0].input.Entries!;
    const bodies = entries.map((e) => e.MessageBody!);
    expect(bodies.reduce((n, b) => n + Buffer.byteLength(b), 0)).to.be.below(256 * 1024);
    const first = JSON.parse(bodies[0]);
    expect([first.message.length, first.message.slice(-30), first.record.truncated]).to.deep.equal([
      2000 + "... (598000 more characters)".length,
      "mm... (598000 more characters)",
      true,
    ]);
  });

  it("reports the letters it could not send, so their records are retried", async () => {
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [{ Id: "3", Code: "InternalError", Message: "try again", SenderFault: false }] })
      .rejectsOnce(new Error("socket hang up"));
    expect(await sink.send(letters)).to.deep.equal({
      unsent: [records[3].sequenceNumber, records[10].sequenceNumber, records[11].sequenceNumber],
      errors: ["InternalError: try again", "Error: socket hang up"],
    });
  });
});
