import { expect } from "chai";
import { batchResponse, decodeKinesisEvent } from "../../../functions/trainAnomaly/kinesisEvent";
import { kinesisEvent, sequenceNumber } from "../../helpers/kinesisEvents";

describe("Kinesis events", () => {
  it("decodes base64 data and keeps what a dead letter needs", () => {
    const [r] = decodeKinesisEvent(kinesisEvent([{ partitionKey: "train-1", data: { a: 1 } }], 0, 1580515200000));
    expect(r).to.deep.equal({
      sequenceNumber: "49590338271490256608559692538361571095921575989136588898",
      partitionKey: "train-1",
      eventID: "shardId-000000000000:49590338271490256608559692538361571095921575989136588898",
      eventSourceARN: "arn:aws:kinesis:eu-west-1:123456789012:stream/trains-stream",
      arrivedAt: 1580515200000,
      base64: "eyJhIjoxfQ==",
      data: Buffer.from('{"a":1}'),
    });
  });

  it("leaves data undefined when it is not strict base64 (Node would skip the bad characters)", () => {
    const [r] = decodeKinesisEvent(kinesisEvent([{ partitionKey: "train-1", data: "", base64: "eyJh*IjoxfQ==" }]));
    expect([r.base64, r.data]).to.deep.equal(["eyJh*IjoxfQ==", undefined]);
  });

  const bad: [string, unknown, string][] = [
    ["not an event", "hello", "not a Kinesis event: no Records array"],
    ["an SQS event", { Records: [{ body: "{}" }] }, "not a Kinesis event: Records[0] has no decimal kinesis.sequenceNumber"],
    [
      "a made-up sequence number",
      { Records: [{ kinesis: { sequenceNumber: "abc", data: "" } }] },
      "not a Kinesis event: Records[0] has no decimal kinesis.sequenceNumber",
    ],
  ];
  for (const [what, event, message] of bad) {
    it(`refuses ${what} as a whole (EventError)`, () => {
      expect(() => decodeKinesisEvent(event))
        .to.throw(message)
        .with.property("name", "EventError");
    });
  }

  it("reports failed sequence numbers once each, in stream order (numerically, not as text)", () => {
    const nine = "9".repeat(55);
    const ten = `1${"0".repeat(55)}`;
    expect(batchResponse([ten, sequenceNumber(2), nine, sequenceNumber(1), ten])).to.deep.equal({
      batchItemFailures: [nine, ten, sequenceNumber(1), sequenceNumber(2)].map((itemIdentifier) => ({ itemIdentifier })),
    });
  });
});
