import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "stream";
import { ObjectStore, sameTag } from "../../../functions/supplierParser/objectStore";
import { processObject } from "../../../functions/supplierParser/processObject";
import { s3ObjectStore } from "../../../functions/supplierParser/s3Store";
import { objectKeys, processBatch } from "../../../functions/supplierParser/sqsBatch";

const KEY = "20240101/acme.csv";
const CSV = "timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n";

/** A bucket whose upload's tag is `tagNow` when asked (undefined: it cannot tell). */
function store(tagNow: string | undefined, puts: string[]): ObjectStore {
  return {
    get: async () => ({ body: Readable.from([CSV]) }),
    put: async (key) => void puts.push(key),
    currentTag: async () => tagNow,
  };
}

describe("supplierParser: an upload replaced while it is parsed", () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ["the upload is as the event says (quoted by HeadObject, bare in the event)", '"abc123"', "abc123", false],
    ["a newer upload replaced it: nothing is written", '"def456"', "abc123", true],
    ["the upload cannot be told (gone, or no permission to list): written", undefined, "abc123", false],
    ["an event without a tag: written, no check", '"def456"', undefined, false],
  ];
  for (const [title, now, eventTag, superseded] of cases) {
    it(title, async () => {
      const puts: string[] = [];
      const out = await processObject(store(now, puts), KEY, { eTag: eventTag });
      expect([out.superseded ?? false, puts]).to.deep.equal(
        superseded ? [true, []] : [false, ["processed/20240101/acme.jsonl", "processed/20240101/generation/acme.jsonl", "quarantine/20240101/acme.json"]],
      );
    });
  }

  it("compares tags without their quotes", () => {
    expect([sameTag('"a1"', "a1"), sameTag("a1", "a1"), sameTag('"a1"', '"a2"')]).to.deep.equal([true, true, false]);
  });

  it("takes the tag from the S3 event, and skips the file in the batch without failing the message", async () => {
    const body = JSON.stringify({
      Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: "uploads" }, object: { key: KEY, size: 40, eTag: "abc123" } } }],
    });
    expect(objectKeys(body)).to.deep.equal([{ bucket: "uploads", key: KEY, eventName: "ObjectCreated:Put", size: 40, eTag: "abc123" }]);
    const puts: string[] = [];
    const lines: object[] = [];
    const outcome = await processBatch(
      [{ messageId: "m1", body }],
      () => store('"def456"', puts),
      (l) => lines.push(l),
    );
    expect([outcome.batchItemFailures, outcome.processed, puts]).to.deep.equal([[], [], []]);
    expect(lines).to.deep.include({
      message: "supplier file replaced while it was parsed: its newer upload's event writes the output",
      key: KEY,
      eTag: "abc123",
    });
  });

  describe("on S3", () => {
    const s3 = mockClient(S3Client);
    beforeEach(() => s3.reset());
    after(() => s3.restore());
    const s3store = () => s3ObjectStore(new S3Client({ region: "eu-west-1" }), "uploads", "lake");

    it("asks the upload bucket for the object's tag", async () => {
      s3.on(HeadObjectCommand, { Bucket: "uploads", Key: KEY }).resolves({ ETag: '"abc123"' });
      expect(await s3store().currentTag!(KEY)).to.equal('"abc123"');
    });

    // as the SDK reports a HEAD's 404 and 403 (no body: a 403 is named "Unknown")
    for (const [name, status] of [
      ["NotFound", 404],
      ["Unknown", 403],
    ] as const) {
      it(`cannot tell when HeadObject answers ${status}`, async () => {
        s3.on(HeadObjectCommand).rejects(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }));
        expect(await s3store().currentTag!(KEY)).to.equal(undefined);
      });
    }

    it("fails on any other error, so the message is retried", async () => {
      s3.on(HeadObjectCommand).rejects(Object.assign(new Error("SlowDown"), { name: "SlowDown", $metadata: { httpStatusCode: 503 } }));
      let err: Error | undefined;
      await s3store().currentTag!(KEY).catch((e: Error) => (err = e));
      expect(err?.name).to.equal("SlowDown");
    });

    it("parses and writes when the upload is unchanged", async () => {
      s3.on(GetObjectCommand).resolves({ Body: Readable.from([CSV]) as never, ContentLength: CSV.length });
      s3.on(HeadObjectCommand).resolves({ ETag: '"abc123"' });
      s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: KEY, LastModified: new Date() }] });
      s3.on(PutObjectCommand).resolves({});
      const out = await processObject(s3store(), KEY, { eTag: "abc123" });
      expect([out.superseded, s3.commandCalls(PutObjectCommand).length]).to.deep.equal([undefined, 3]);
    });
  });
});
