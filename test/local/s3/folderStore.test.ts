import { expect } from "chai";
import { existsSync, readFileSync, readdirSync, rmSync } from "fs";
import { join } from "path";
import { objectKeys, processBatch } from "../../../functions/supplierParser/sqsBatch";
import { FolderStore, KeyPathError, S3EventRecord, eventKey, s3EventMessage } from "../../../local/s3/folderStore";
import { supplierObjectStore } from "../../../local/s3/supplierObjectStore";
import { LocalQueue } from "../../../local/sqs/queue";
import { SqsConsumer } from "../../../local/sqs/sqsConsumer";
import { tempDir } from "../../helpers/tempDir";

describe("S3 folder store", () => {
  let root: string;
  let store: FolderStore;
  beforeEach(() => {
    root = tempDir("gridrail-s3-");
    store = new FolderStore(root, "eu-west-1");
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("puts an object as a file in the bucket's folder and reads it back with S3's metadata", async () => {
    const put = await store.put("meter-lake", "processed/20261121/C1.jsonl", '{"kwh":1}\n', "application/x-ndjson");

    expect(readFileSync(join(root, "meter-lake", "processed", "20261121", "C1.jsonl"), "utf8")).to.equal('{"kwh":1}\n');
    expect((await store.get("meter-lake", "processed/20261121/C1.jsonl")).toString()).to.equal('{"kwh":1}\n');
    const head = await store.head("meter-lake", "processed/20261121/C1.jsonl");
    const md5 = '"2c7b768582d1d653f2b075a76c08abf5"';
    expect([put.size, put.eTag, head!.size, head!.eTag, head!.contentType]).to.deep.equal([10, md5, 10, md5, "application/x-ndjson"]);
    expect(readdirSync(join(root, ".tmp"))).to.deep.equal([]);
  });

  it("lists keys under a prefix in S3's byte order, and deletes (absent is fine) pruning empty folders", async () => {
    for (const key of ["b/2", "a/x/1", "a/Z", "a/x/0", "ab", "c"]) await store.put("bucket", key, key);

    expect((await store.list("bucket", "a")).map((o) => o.key)).to.deep.equal(["a/Z", "a/x/0", "a/x/1", "ab"]);
    expect((await store.list("bucket", "a/x/")).map((o) => o.key)).to.deep.equal(["a/x/0", "a/x/1"]);
    expect((await store.list("empty-bucket")).map((o) => o.key)).to.deep.equal([]);

    await store.delete("bucket", "a/x/0");
    await store.delete("bucket", "a/x/1");
    await store.delete("bucket", "never/was");

    expect(existsSync(join(root, "bucket", "a", "x"))).to.equal(false);
    expect((await store.list("bucket")).map((o) => o.key)).to.deep.equal(["a/Z", "ab", "b/2", "c"]);
    expect(await store.head("bucket", "a/x/0")).to.equal(undefined);
  });

  it("answers NoSuchKey for an absent object", async () => {
    const err = await store.get("bucket", "nope").catch((e: Error) => e);
    expect([(err as Error).name, (err as Error).message]).to.deep.equal(["NoSuchKey", "NoSuchKey: s3://bucket/nope does not exist"]);
  });

  const refused: [string, string, string][] = [
    ["bucket", "../escape", 'key "../escape" has a . or .. segment: the local S3 folder store cannot hold it safely'],
    ["bucket", "a/../../b", 'key "a/../../b" has a . or .. segment: the local S3 folder store cannot hold it safely'],
    ["bucket", "/etc/passwd", 'key "/etc/passwd" is absolute: the local S3 folder store cannot hold it safely'],
    ["bucket", "a//b", 'key "a//b" has an empty segment: the local S3 folder store cannot hold it safely'],
    ["bucket", "dir/", 'key "dir/" has an empty segment: the local S3 folder store cannot hold it safely'],
    ["bucket", "", 'key "" is empty: the local S3 folder store cannot hold it safely'],
    ["bucket", "a\u0000b", 'key "a\\u0000b" contains NUL: the local S3 folder store cannot hold it safely'],
    ["../up", "k", `bucket name "../up" must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`],
    ["Upper", "k", `bucket name "Upper" must be 3-63 characters of a-z, 0-9, '.' and '-', starting and ending with a letter or digit`],
  ];
  for (const [bucket, key, message] of refused) {
    it(`refuses bucket ${JSON.stringify(bucket)} key ${JSON.stringify(key)}`, async () => {
      const err = await store.put(bucket, key, "x").catch((e: Error) => e);
      expect(err).to.be.instanceOf(KeyPathError);
      expect((err as Error).message).to.equal(message);
    });
  }

  it("notifies only for the bucket, prefix and suffix of the notification", async () => {
    const keys: string[] = [];
    store.onObjectCreated({ bucket: "uploads", prefix: "2026", suffix: ".csv" }, (r) => void keys.push(r.s3.object.key));

    for (const [bucket, key] of [
      ["uploads", "20261121/a.csv"],
      ["uploads", "20261121/a.txt"],
      ["uploads", "x/2026.csv"],
      ["lake", "20261121/a.csv"],
    ])
      await store.put(bucket, key, "x");

    expect(keys).to.deep.equal(["20261121/a.csv"]);
  });

  it("refuses an object where a folder of objects is, and a folder where an object is", async () => {
    await store.put("bucket", "a/b", "x");
    await store.put("bucket", "c", "x");

    const errors = await Promise.all([store.put("bucket", "a", "y"), store.put("bucket", "c/d", "y")].map((p) => p.catch((e: Error) => e.message)));

    expect(errors).to.deep.equal([
      'key "a" is a folder of other objects in bucket bucket',
      'key "c/d" needs a folder where an object of bucket bucket already is',
    ]);
  });

  const encoded: [string, string][] = [
    ["20261121/C1.csv", "20261121/C1.csv"],
    ["uploads/my file (1).csv", "uploads/my+file+%281%29.csv"],
    ["a=b&c/ü+x.csv", "a%3Db%26c/%C3%BC%2Bx.csv"],
  ];
  for (const [key, inEvent] of encoded) {
    it(`notifies ObjectCreated:Put with the key URL-encoded as S3 does: ${key} -> ${inEvent}, which the parser decodes back`, async () => {
      const records: S3EventRecord[] = [];
      store.onObjectCreated({ bucket: "supplier-uploads" }, (r) => void records.push(r));

      await store.put("supplier-uploads", key, "abc");

      expect(eventKey(key)).to.equal(inEvent);
      const r = records[0];
      expect([r.eventName, r.eventSource, r.eventVersion, r.awsRegion, r.s3.bucket, r.s3.object.key, r.s3.object.size, r.s3.object.eTag]).to.deep.equal([
        "ObjectCreated:Put",
        "aws:s3",
        "2.1",
        "eu-west-1",
        { name: "supplier-uploads", ownerIdentity: { principalId: "LOCAL" }, arn: "arn:aws:s3:::supplier-uploads" },
        inEvent,
        3,
        "900150983cd24fb0d6963f7d28e17f72",
      ]);
      expect(objectKeys(s3EventMessage(r))).to.deep.equal([
        { bucket: "supplier-uploads", key, eventName: "ObjectCreated:Put", size: 3, eTag: "900150983cd24fb0d6963f7d28e17f72" },
      ]);
    });
  }

  it("lets a parse of an upload replaced since its event write nothing: the newer upload's event does", async () => {
    const records: S3EventRecord[] = [];
    store.onObjectCreated({ bucket: "supplier-uploads" }, (r) => void records.push(r));
    await store.put("supplier-uploads", "20240101/C42.csv", "timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n", "text/csv");
    await store.put("supplier-uploads", "20240101/C42.csv", "timestamp,kwh\n2024-01-01T00:00:00Z,0.75\n", "text/csv");
    const parse = (r: S3EventRecord) =>
      processBatch(
        [{ messageId: r.s3.object.sequencer, body: s3EventMessage(r) }],
        (b) => supplierObjectStore(store, b, "meter-lake"),
        () => undefined,
      );
    // the newer upload's event first, then the older one's, late: the older parse reads the newer bytes, and writes nothing
    expect((await parse(records[1])).processed.length).to.equal(1);
    expect((await parse(records[0])).processed.length).to.equal(0);
    expect(readFileSync(join(root, "meter-lake", "processed", "20240101", "C42.jsonl"), "utf8")).to.contain('"kwh":0.75');
  });

  it("runs the supplier parser's core unchanged: upload → notification → SQS → parser → lake folder", async () => {
    const queue = new LocalQueue({ name: "supplier-files" });
    store.onObjectCreated({ bucket: "supplier-uploads", suffix: ".csv" }, (r) => void queue.send(s3EventMessage(r)));
    const consumer = new SqsConsumer(queue, async ({ Records }) => processBatch(Records, (bucket) => supplierObjectStore(store, bucket, "meter-lake")), {
      pollIntervalMs: 5,
    });

    await store.put("supplier-uploads", "20240101/C42.csv", "timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n2024-01-01T00:30:00Z,0.25\n", "text/csv");
    while ((await consumer.pollOnce()) > 0);

    expect((await store.list("meter-lake")).map((o) => o.key)).to.deep.equal([
      "processed/20240101/C42.jsonl",
      "processed/20240101/generation/C42.jsonl",
      "quarantine/20240101/C42.json",
    ]);
    expect((await store.get("meter-lake", "processed/20240101/C42.jsonl")).toString().trim().split("\n")).to.have.length(2);
    expect(JSON.parse((await store.get("meter-lake", "quarantine/20240101/C42.json")).toString())).to.deep.include({
      file: "20240101/C42.csv",
      accepted: 2,
      rejected: 0,
    });
    expect(consumer.stats).to.deep.equal({ invocations: 1, succeeded: 1, failed: 0 });
  });
});
