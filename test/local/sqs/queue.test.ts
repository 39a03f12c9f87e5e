import { expect } from "chai";
import { LocalQueue, SqsEventRecord } from "../../../local/sqs/queue";
import { SqsConsumer, failedMessageIds } from "../../../local/sqs/sqsConsumer";

function clock(start = Date.UTC(2026, 10, 21)) {
  let now = start;
  return { now: () => now, advance: (s: number) => (now += s * 1000) };
}

describe("local SQS queue", () => {
  it("delivers Lambda-shaped records, oldest first, up to the batch size", () => {
    const c = clock();
    const q = new LocalQueue({ name: "supplier-files", now: c.now });
    const ids = ["a", "b", "c"].map((b) => q.send(b));

    const batch = q.receive(2);

    expect(batch.map((r) => r.body)).to.deep.equal(["a", "b"]);
    expect({ ...batch[0], receiptHandle: "h" }).to.deep.equal({
      messageId: ids[0],
      receiptHandle: "h",
      body: "a",
      attributes: { ApproximateReceiveCount: "1", SentTimestamp: String(c.now()), SenderId: "AIDALOCAL", ApproximateFirstReceiveTimestamp: String(c.now()) },
      messageAttributes: {},
      md5OfBody: "0cc175b9c0f1b6a831c399e269772661",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:us-east-1:000000000000:supplier-files",
      awsRegion: "us-east-1",
    });
    expect(q.depth()).to.deep.equal({ visible: 1, inFlight: 2 });
  });

  it("hides a received message for the visibility timeout, then delivers it again with a higher receive count", () => {
    const c = clock();
    const q = new LocalQueue({ name: "q", visibilityTimeoutSeconds: 30, now: c.now });
    q.send("x");
    const first = q.receive();
    c.advance(29);
    const during = q.receive();
    c.advance(1);
    const again = q.receive();

    expect([first.length, during.length, again.length]).to.deep.equal([1, 0, 1]);
    expect(again[0].attributes.ApproximateReceiveCount).to.equal("2");
    expect(again[0].attributes.ApproximateFirstReceiveTimestamp).to.equal(first[0].attributes.ApproximateFirstReceiveTimestamp);
    expect(q.delete(first[0].receiptHandle)).to.equal(false);
    expect(q.delete(again[0].receiptHandle)).to.equal(true);
    expect(q.depth()).to.deep.equal({ visible: 0, inFlight: 0 });
  });

  const redrive: [number, number, string[]][] = [
    [1, 1, ["x"]],
    [3, 3, ["x"]],
    [3, 2, []],
  ];
  for (const [maxReceiveCount, receives, dlq] of redrive) {
    it(`maxReceiveCount ${maxReceiveCount}: after ${receives} failed receives the DLQ holds ${JSON.stringify(dlq)}`, () => {
      const c = clock();
      const dead = new LocalQueue({ name: "dlq", now: c.now });
      const q = new LocalQueue({ name: "q", visibilityTimeoutSeconds: 1, maxReceiveCount, deadLetterQueue: dead, now: c.now });
      q.send("x");
      for (let i = 0; i < receives; i++) {
        expect(q.receive()).to.have.length(1);
        c.advance(1);
      }

      const next = q.receive();

      expect(dead.peek()).to.deep.equal(dlq);
      expect(next.length).to.equal(dlq.length === 0 ? 1 : 0);
      expect(q.stats.movedToDeadLetterQueue).to.equal(dlq.length);
    });
  }

  const badOptions: [Record<string, unknown>, string][] = [
    [{ maxReceiveCount: 3 }, "queue q: maxReceiveCount and deadLetterQueue go together (the redrive policy)"],
    [{ maxReceiveCount: 0, deadLetterQueue: new LocalQueue({ name: "d" }) }, "queue q: maxReceiveCount 0 must be a whole number 1-1000"],
  ];
  for (const [opts, message] of badOptions) {
    it(`refuses ${message}`, () => expect(() => new LocalQueue({ name: "q", ...opts })).to.throw(message));
  }
});

describe("SQS batch item failures", () => {
  const records = [{ messageId: "m1" }, { messageId: "m2" }] as SqsEventRecord[];
  const table: [string, unknown, string[] | "all"][] = [
    ["no response", undefined, []],
    ["null", null, []],
    ["an empty list", { batchItemFailures: [] }, []],
    ["one failure", { batchItemFailures: [{ itemIdentifier: "m2" }] }, ["m2"]],
    ["an unknown id", { batchItemFailures: [{ itemIdentifier: "m9" }] }, "all"],
    ["an empty id", { batchItemFailures: [{ itemIdentifier: "" }] }, "all"],
    ["a list that is not a list", { batchItemFailures: {} }, "all"],
    ["a string", "ok", "all"],
  ];
  for (const [name, response, expected] of table) {
    it(`${name} -> ${JSON.stringify(expected)}`, () => {
      const got = failedMessageIds(response, records);
      expect(got === "all" ? "all" : [...got]).to.deep.equal(expected);
    });
  }
});

describe("SQS consumer (Lambda's SQS event source mapping)", function () {
  this.timeout(10_000);

  it("deletes handled messages, redelivers reported ones after the visibility timeout, and redrives to the DLQ", async () => {
    const dead = new LocalQueue({ name: "supplier-dlq" });
    const q = new LocalQueue({ name: "supplier", visibilityTimeoutSeconds: 0.05, maxReceiveCount: 2, deadLetterQueue: dead });
    for (const body of ["ok-1", "bad", "ok-2", "throws"]) q.send(body);
    const seen: string[][] = [];
    const consumer = new SqsConsumer(
      q,
      async ({ Records }) => {
        seen.push(Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        if (Records.some((r) => r.body === "throws")) throw new Error("boom");
        return { batchItemFailures: Records.filter((r) => r.body === "bad").map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { batchSize: 3, pollIntervalMs: 10 },
    );

    consumer.start();
    const end = Date.now() + 5000;
    while (dead.peek().length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    await consumer.stop();

    // the two redeliveries come back 50 ms after their receipts: in one batch or two, depending on the poll
    expect(seen.slice(0, 2)).to.deep.equal([["ok-1#1", "bad#1", "ok-2#1"], ["throws#1"]]);
    expect(seen.slice(2).flat()).to.deep.equal(["bad#2", "throws#2"]);
    expect(dead.peek()).to.deep.equal(["bad", "throws"]);
    expect(consumer.stats).to.deep.equal({ invocations: seen.length, succeeded: 2, failed: 4 });
    expect(q.depth()).to.deep.equal({ visible: 0, inFlight: 0 });
  });

  it("stop() waits for the batch in flight", async () => {
    const q = new LocalQueue({ name: "q" });
    q.send("slow");
    let finished = false;
    const consumer = new SqsConsumer(
      q,
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        finished = true;
      },
      { pollIntervalMs: 5 },
    );
    consumer.start();
    while (consumer.stats.invocations === 0) await new Promise((r) => setTimeout(r, 5));

    await consumer.stop();

    expect([finished, consumer.stats]).to.deep.equal([true, { invocations: 1, succeeded: 1, failed: 0 }]);
  });
});
