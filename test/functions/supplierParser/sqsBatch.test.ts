import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "stream";
import { countBatch, handler } from "../../../functions/supplierParser/handler";
import { ObjectStore } from "../../../functions/supplierParser/processObject";
import { BatchOutcome, objectKeys, processBatch } from "../../../functions/supplierParser/sqsBatch";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";

const CSV = [
  "timestamp,kwh",
  ...Array.from({ length: 48 }, (_, i) => `2024-03-05T${String(Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}:00Z,0.${i + 10}`),
].join("\n");

/** An S3 event notification as S3 sends it to SQS (keys URL-encoded). */
function message(messageId: string, ...keys: string[]): { messageId: string; body: string } {
  return rawMessage(
    messageId,
    keys.map((k) => ({ key: encodeURIComponent(k) })),
  );
}

function rawMessage(messageId: string, objects: { key: string; size?: number; eventName?: string }[]): { messageId: string; body: string } {
  const Records = objects.map(({ key, size, eventName }) => ({
    eventName: eventName ?? "ObjectCreated:Put",
    s3: { bucket: { name: "uploads" }, object: { key, ...(size === undefined ? {} : { size }) } },
  }));
  return { messageId, body: JSON.stringify({ Records }) };
}

function memoryStore(objects: Record<string, string>, written: Record<string, string>, failGet = new Set<string>()): ObjectStore {
  return {
    async get(key) {
      if (failGet.has(key)) throw new Error("SlowDown");
      if (!(key in objects)) throw Object.assign(new Error(`NoSuchKey ${key}`), { name: "NoSuchKey" });
      return { body: Readable.from([objects[key]]) };
    },
    async put(key, body) {
      written[key] = body;
    },
  };
}

describe("supplier parser SQS batch", () => {
  it("reads the keys of an S3 event, URL-decoded, and ignores S3's test event", () => {
    expect(objectKeys(message("m", "20240305/client 7.csv").body)).to.deep.equal([
      { bucket: "uploads", key: "20240305/client 7.csv", eventName: "ObjectCreated:Put" },
    ]);
    expect(objectKeys(rawMessage("m", [{ key: "20240305/C+7.csv", size: 12 }]).body)).to.deep.equal([
      { bucket: "uploads", key: "20240305/C 7.csv", eventName: "ObjectCreated:Put", size: 12 },
    ]);
    expect(objectKeys(JSON.stringify({ Event: "s3:TestEvent" }))).to.deep.equal([]);
    expect(() => objectKeys("{}")).to.throw("message body is not an S3 event notification (no Records)");
  });

  const bodies: [string, string][] = [
    ["not JSON", 'message body is not an S3 event notification (not JSON: "Records: none")'],
    ["null", "message body is not an S3 event notification (null)"],
    ["42", "message body is not an S3 event notification (42)"],
  ];
  for (const [body, message] of bodies) {
    it(`names what is wrong with a message body ${body}`, () => expect(() => objectKeys(body === "not JSON" ? "Records: none" : body)).to.throw(message));
  }

  it("processes each file, quarantines a bad key without retrying it, and reports only failed messages", async () => {
    const written: Record<string, string> = {};
    const store = memoryStore({ "20240305/C42.csv": CSV, "20240305/C43.csv": CSV }, written, new Set(["20240305/C43.csv"]));
    const out = await processBatch([message("ok", "20240305/C42.csv"), message("badkey", "notes.csv"), message("s3down", "20240305/C43.csv")], () => store);
    expect(out.batchItemFailures).to.deep.equal([{ itemIdentifier: "s3down" }]);
    expect(out.processed).to.deep.equal([{ key: "20240305/C42.csv", accepted: 48, rejected: 0, unreported: 0 }]);
    expect(out.invalidKeys.map((k) => k.key)).to.deep.equal(["notes.csv"]);
    expect(Object.keys(written).sort()).to.deep.equal([
      "processed/20240305/C42.jsonl",
      "processed/20240305/generation/C42.jsonl",
      "quarantine/20240305/C42.json",
      "quarantine/_invalid-keys/notes.csv.json",
    ]);
    expect(written["processed/20240305/C42.jsonl"].trim().split("\n")).to.have.length(48);
  });

  it("parses the good object of a message whose other record names none, then fails the message for its dead-letter queue", async () => {
    const written: Record<string, string> = {};
    const good = JSON.parse(message("m", "20240305/C42.csv").body).Records[0];
    const body = JSON.stringify({ Records: [good, { s3: { bucket: { name: "uploads" } } }, null] });
    const log: Record<string, unknown>[] = [];
    const out = await processBatch(
      [{ messageId: "mixed", body }],
      () => memoryStore({ "20240305/C42.csv": CSV }, written),
      (e) => log.push(e),
    );
    expect(out.processed).to.deep.equal([{ key: "20240305/C42.csv", accepted: 48, rejected: 0, unreported: 0 }]);
    expect(out.batchItemFailures).to.deep.equal([{ itemIdentifier: "mixed" }]);
    expect(log.at(-1)).to.deep.include({
      level: "ERROR",
      error: "S3 event record 1 has no bucket name or object key; S3 event record 2 has no bucket name or object key",
    });
  });

  it("writes identical objects when the same event is delivered twice", async () => {
    const first: Record<string, string> = {};
    const second: Record<string, string> = {};
    await processBatch([message("a", "20240305/C42.csv")], () => memoryStore({ "20240305/C42.csv": CSV }, first));
    await processBatch([message("a", "20240305/C42.csv")], () => memoryStore({ "20240305/C42.csv": CSV }, second));
    expect(second).to.deep.equal(first);
  });

  describe("objects that can never be parsed get a report and are not retried", () => {
    const cases: [string, { key: string; size?: number; eventName?: string }, Record<string, string>, string, string][] = [
      [
        "a key with a malformed % escape",
        { key: "20240305/C%ZZ.csv" },
        {},
        "quarantine/_invalid-keys/20240305%2FC%25ZZ.csv.json",
        'key "20240305/C%ZZ.csv" is not URL-encoded (a malformed % escape)',
      ],
      [
        "a removed object",
        { key: "20240305/C42.csv", eventName: "ObjectRemoved:Delete" },
        {},
        "quarantine/_invalid-keys/20240305%2FC42.csv.json",
        "the object was removed (ObjectRemoved:Delete): there is nothing to parse",
      ],
      [
        "an object deleted before it was read",
        { key: "20240305/C42.csv" },
        {},
        "quarantine/_invalid-keys/20240305%2FC42.csv.json",
        "s3://uploads/20240305/C42.csv no longer exists (NoSuchKey): it was deleted before it was read",
      ],
      [
        "a key that is not a CSV",
        { key: "20240305/C42.xlsx" },
        {},
        "quarantine/_invalid-keys/20240305%2FC42.xlsx.json",
        'key "20240305/C42.xlsx" must end in .csv',
      ],
    ];
    for (const [name, obj, objects, reportKey, reason] of cases) {
      it(`quarantines ${name}`, async () => {
        const written: Record<string, string> = {};
        const out = await processBatch([rawMessage("m", [obj])], () => memoryStore(objects, written));
        expect([out.batchItemFailures, out.invalidKeys.map((k) => k.reason), Object.keys(written)]).to.deep.equal([[], [reason], [reportKey]]);
        expect(JSON.parse(written[reportKey])).to.deep.include({ reason });
      });
    }

    it("quarantines a key whose report name would pass S3's 1024-byte limit under a shortened, hashed name", async () => {
      const key = `20240305/${"é".repeat(400)}.csv`;
      const written: Record<string, string> = {};
      const out = await processBatch([message("m", key)], () => memoryStore({}, written));
      const [name] = Object.keys(written);
      expect([out.batchItemFailures, Buffer.byteLength(name), /~[0-9a-f]{16}\.json$/.test(name), JSON.parse(written[name]).file]).to.deep.equal([
        [],
        1024,
        true,
        key,
      ]);
    });

    it("accepts an upload named .CSV", async () => {
      const written: Record<string, string> = {};
      const out = await processBatch([message("m", "20240305/C42.CSV")], () => memoryStore({ "20240305/C42.CSV": CSV }, written));
      expect(out.processed).to.deep.equal([{ key: "20240305/C42.CSV", accepted: 48, rejected: 0, unreported: 0 }]);
    });

    it("refuses a file over the size limit from its event, with a quarantine report, not a retry", async () => {
      const written: Record<string, string> = {};
      const out = await processBatch([rawMessage("m", [{ key: "20240305/C42.csv", size: 209_715_200 }])], () =>
        memoryStore({ "20240305/C42.csv": CSV }, written),
      );
      const refused = "object is 209715200 bytes, over the limit of 104857600 bytes";
      expect([out.batchItemFailures, out.processed]).to.deep.equal([[], [{ key: "20240305/C42.csv", accepted: 0, rejected: 0, unreported: 0, refused }]]);
      expect(JSON.parse(written["quarantine/20240305/C42.json"]).refused).to.equal(refused);
    });
  });

  describe("batch metrics", () => {
    const cases: [string, BatchOutcome, Record<string, number>][] = [
      [
        "an empty batch",
        { batchItemFailures: [], processed: [], invalidKeys: [] },
        { FilesProcessed: 0, RowsAccepted: 0, RowsRejected: 0, ReadingsUnreported: 0, FilesQuarantined: 0, InvalidKeys: 0, MessagesRetried: 0 },
      ],
      [
        "a good file and a partly bad one",
        {
          batchItemFailures: [],
          processed: [
            { key: "a", accepted: 48, rejected: 0, unreported: 0 },
            { key: "b", accepted: 40, rejected: 8, unreported: 96 },
          ],
          invalidKeys: [],
        },
        { FilesProcessed: 2, RowsAccepted: 88, RowsRejected: 8, ReadingsUnreported: 96, FilesQuarantined: 0, InvalidKeys: 0, MessagesRetried: 0 },
      ],
      [
        "a file with every row rejected, a refused key and a message to retry",
        {
          batchItemFailures: [{ itemIdentifier: "m3" }],
          processed: [{ key: "a", accepted: 0, rejected: 48, unreported: 0 }],
          invalidKeys: [{ key: "notes.csv", reason: "r" }],
        },
        { FilesProcessed: 1, RowsAccepted: 0, RowsRejected: 48, ReadingsUnreported: 0, FilesQuarantined: 2, InvalidKeys: 1, MessagesRetried: 1 },
      ],
    ];
    for (const [name, outcome, expected] of cases) {
      it(`counts ${name}`, () => {
        expect(Object.fromEntries(countBatch(outcome))).to.deep.equal(expected);
      });
    }
  });

  describe("handler", () => {
    const s3 = mockClient(S3Client);
    let saved: string | undefined;
    beforeEach(() => {
      s3.reset();
      saved = process.env.LAKE_BUCKET;
      process.env.LAKE_BUCKET = "lake";
    });
    afterEach(() => {
      if (saved === undefined) delete process.env.LAKE_BUCKET;
      else process.env.LAKE_BUCKET = saved;
    });
    after(() => s3.restore());

    it("reads from the upload bucket of the event and writes to LAKE_BUCKET", async () => {
      s3.on(GetObjectCommand, { Bucket: "uploads", Key: "20240305/C42.csv" }).resolves({ Body: Readable.from([CSV]) as never });
      s3.on(ListObjectsV2Command, { Bucket: "uploads", Prefix: "20240305/C42." }).resolves({
        Contents: [{ Key: "20240305/C42.csv", LastModified: new Date() }],
      });
      s3.on(PutObjectCommand).resolves({});
      const { result: out, lines } = await captureOutput(() => handler({ Records: [message("m1", "20240305/C42.csv")] }, lambdaContext("req-sp-1")));
      expect(out).to.deep.equal({ batchItemFailures: [] });
      expect(logLines(lines).map((l) => [l.level, l.message, l.service, l.function_request_id, l.key, l.accepted, l.rejected])).to.deep.equal([
        ["INFO", "supplier file processed", "supplierParser", "req-sp-1", "20240305/C42.csv", 48, 0],
      ]);
      expect(emfMetrics(lines)).to.deep.equal([
        {
          namespace: "gridrail",
          dimensions: [["service"]],
          service: "supplierParser",
          FilesProcessed: 1,
          RowsAccepted: 48,
          RowsRejected: 0,
          ReadingsUnreported: 0,
          FilesQuarantined: 0,
          InvalidKeys: 0,
          MessagesRetried: 0,
        },
      ]);
      const puts = s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Bucket, c.args[0].input.Key, c.args[0].input.ContentType]);
      expect(puts).to.deep.equal([
        ["lake", "processed/20240305/C42.jsonl", "application/x-ndjson"],
        ["lake", "processed/20240305/generation/C42.jsonl", "application/x-ndjson"],
        ["lake", "quarantine/20240305/C42.json", "application/json"],
      ]);
    });

    it("reports an object S3 no longer has (NoSuchKey) under _invalid-keys instead of failing the message", async () => {
      s3.on(GetObjectCommand).rejects(Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey" }));
      s3.on(PutObjectCommand).resolves({});
      const { result: out, lines } = await captureOutput(() => handler({ Records: [message("m1", "20240305/C42.csv")] }, lambdaContext("req-sp-3")));
      expect(out).to.deep.equal({ batchItemFailures: [] });
      expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).to.deep.equal(["quarantine/_invalid-keys/20240305%2FC42.csv.json"]);
      expect(logLines(lines).map((l) => [l.level, l.message, l.reason])).to.deep.equal([
        ["WARN", "supplier file key refused", "s3://uploads/20240305/C42.csv no longer exists (NoSuchKey): it was deleted before it was read"],
      ]);
    });

    it("fails the message, for SQS to redeliver, when S3 is only throttling", async () => {
      s3.on(GetObjectCommand).rejects(Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown" }));
      const { result: out } = await captureOutput(() => handler({ Records: [message("m1", "20240305/C42.csv")] }, lambdaContext("req-sp-4")));
      expect(out).to.deep.equal({ batchItemFailures: [{ itemIdentifier: "m1" }] });
    });

    it("refuses to run with a limit that is not a number, naming the variable", async () => {
      process.env.SUPPLIER_MAX_KW = "lots";
      const { error } = await captureOutput(() => handler({ Records: [] }, lambdaContext("req-sp-5"))).finally(() => delete process.env.SUPPLIER_MAX_KW);
      expect(error?.message).to.equal('environment variable SUPPLIER_MAX_KW must be a number above 0, got "lots"');
    });

    it("refuses to run without LAKE_BUCKET", async () => {
      delete process.env.LAKE_BUCKET;
      const { error, lines } = await captureOutput(() => handler({ Records: [] }, lambdaContext("req-sp-2")));
      expect(error?.message).to.equal("environment variable LAKE_BUCKET must be set");
      expect(logLines(lines).map((l) => [l.level, l.message, l.function_request_id])).to.deep.equal([["ERROR", "invocation failed", "req-sp-2"]]);
    });
  });
});
