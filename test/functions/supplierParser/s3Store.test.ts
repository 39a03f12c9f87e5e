import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { Readable } from "stream";
import { s3ObjectStore, s3Writer } from "../../../functions/supplierParser/s3Store";

describe("supplierParser S3 store", () => {
  const s3 = mockClient(S3Client);
  beforeEach(() => s3.reset());
  after(() => s3.restore());
  const client = new S3Client({ region: "eu-west-1" });

  it("writes an object smaller than a part with one PutObject", async () => {
    s3.on(PutObjectCommand).resolves({});
    const w = s3Writer(client, "lake", "processed/a.jsonl", "application/x-ndjson", 10);
    await w.write("abc");
    await w.write("def\n");
    await w.end();
    expect(s3.calls().map((c) => c.args[0].constructor.name)).to.deep.equal(["PutObjectCommand"]);
    const input = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect([input.Bucket, input.Key, input.ContentType, (input.Body as Buffer).toString()]).to.deep.equal([
      "lake",
      "processed/a.jsonl",
      "application/x-ndjson",
      "abcdef\n",
    ]);
  });

  it("streams a larger object as a multipart upload, one part at a time, the last one short", async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u1" });
    s3.on(UploadPartCommand).callsFake((input: { PartNumber: number }) => ({ ETag: `"e${input.PartNumber}"` }));
    s3.on(CompleteMultipartUploadCommand).resolves({});
    const w = s3Writer(client, "lake", "processed/a.jsonl", "application/x-ndjson", 10);
    for (const t of ["0123456", "789ab", "cdefghijkl", "mn"]) await w.write(t);
    await w.end();
    expect(s3.calls().map((c) => c.args[0].constructor.name)).to.deep.equal([
      "CreateMultipartUploadCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "UploadPartCommand",
      "CompleteMultipartUploadCommand",
    ]);
    expect(s3.commandCalls(CreateMultipartUploadCommand)[0].args[0].input).to.deep.equal({
      Bucket: "lake",
      Key: "processed/a.jsonl",
      ContentType: "application/x-ndjson",
    });
    expect(
      s3.commandCalls(UploadPartCommand).map((c) => [c.args[0].input.PartNumber, c.args[0].input.UploadId, (c.args[0].input.Body as Buffer).toString()]),
    ).to.deep.equal([
      [1, "u1", "0123456789ab"],
      [2, "u1", "cdefghijkl"],
      [3, "u1", "mn"],
    ]);
    expect(s3.commandCalls(CompleteMultipartUploadCommand)[0].args[0].input).to.deep.equal({
      Bucket: "lake",
      Key: "processed/a.jsonl",
      UploadId: "u1",
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: '"e1"' },
          { PartNumber: 2, ETag: '"e2"' },
          { PartNumber: 3, ETag: '"e3"' },
        ],
      },
    });
  });

  it("aborts an open multipart upload, and does not throw when the abort itself fails", async () => {
    s3.on(CreateMultipartUploadCommand).resolves({ UploadId: "u2" });
    s3.on(UploadPartCommand).resolves({ ETag: '"e"' });
    s3.on(AbortMultipartUploadCommand).rejects(new Error("AccessDenied"));
    const w = s3Writer(client, "lake", "k", "text/plain", 4);
    await w.write("12345");
    await w.abort();
    expect(s3.commandCalls(AbortMultipartUploadCommand).map((c) => c.args[0].input)).to.deep.equal([{ Bucket: "lake", Key: "k", UploadId: "u2" }]);
  });

  it("reads from the upload bucket with the object's ContentLength, and writes to the lake", async () => {
    s3.on(GetObjectCommand, { Bucket: "uploads", Key: "20240101/c.csv" }).resolves({ Body: Readable.from(["x"]) as never, ContentLength: 1 });
    s3.on(PutObjectCommand).resolves({});
    const store = s3ObjectStore(client, "uploads", "lake");
    const got = await store.get("20240101/c.csv");
    await store.put("quarantine/20240101/c.json", "{}", "application/json");
    expect(got.size).to.equal(1);
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).to.deep.equal({
      Bucket: "lake",
      Key: "quarantine/20240101/c.json",
      Body: "{}",
      ContentType: "application/json",
    });
  });
});
