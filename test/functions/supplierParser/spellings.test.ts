import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { promises as fs } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { Readable } from "stream";
import { newestSpelling, ObjectStore, Spelling } from "../../../functions/supplierParser/objectStore";
import { processObject } from "../../../functions/supplierParser/processObject";
import { s3ObjectStore } from "../../../functions/supplierParser/s3Store";
import { isSpellingOf, spellingPrefix } from "../../../functions/supplierParser/s3Key";
import { processBatch } from "../../../functions/supplierParser/sqsBatch";
import { FolderStore } from "../../../local/s3/folderStore";
import { supplierObjectStore } from "../../../local/s3/supplierObjectStore";

const LOWER = "20240101/acme.csv";
const UPPER = "20240101/acme.CSV";
const CSV = "timestamp,kwh\n2024-01-01T00:00:00Z,0.5\n";
const OUTPUTS = ["processed/20240101/acme.jsonl", "processed/20240101/generation/acme.jsonl", "quarantine/20240101/acme.json"];

/** An upload bucket holding `spellings` now (and the upload's tag now, `tagNow`), whose lake writes go to `puts`. */
function store(spellings: Spelling[], puts: string[], tagNow?: string): ObjectStore {
  return {
    get: async () => ({ body: Readable.from([CSV]), size: CSV.length }),
    put: async (key) => void puts.push(key),
    spellings: async () => spellings,
    currentTag: async () => tagNow,
  };
}

describe("supplierParser: one file uploaded under two spellings (`.csv` and `.CSV`)", () => {
  const keys: [string, string, boolean][] = [
    [LOWER, LOWER, true],
    [UPPER, LOWER, true],
    ["20240101/acme.Csv", UPPER, true],
    ["20240101/acme.csv.bak", LOWER, false],
    ["20240101/acme.old.csv", LOWER, false],
    ["20240101/acme2.csv", LOWER, false],
    ["20240101/Acme.csv", LOWER, false],
    ["20240102/acme.csv", LOWER, false],
    ["20240101/acme.tsv", LOWER, false],
  ];
  for (const [candidate, key, expected] of keys) {
    it(`${candidate} ${expected ? "is" : "is not"} a spelling of ${key}`, () => {
      expect(isSpellingOf(candidate, key)).to.equal(expected);
    });
  }

  it("lists a key's spellings under its folder, client id and dot", () => {
    expect([spellingPrefix(LOWER), spellingPrefix(UPPER)]).to.deep.equal(["20240101/acme.", "20240101/acme."]);
  });

  /** Uploads under spellings, each a key and when it was written. */
  const spelled = (...uploads: [string, number][]): Spelling[] => uploads.map(([key, lastModified]) => ({ key, lastModified }));
  const owners: [string, Spelling[], string | undefined][] = [
    ["none there", [], undefined],
    ["one", spelled([LOWER, 5]), LOWER],
    ["the newer", spelled([LOWER, 9], [UPPER, 5]), LOWER],
    ["the newer, in either order", spelled([UPPER, 9], [LOWER, 5]), UPPER],
    ["written in the same second: the key sorting last", spelled([LOWER, 5], [UPPER, 5]), LOWER],
    ["the same, in the other order", spelled([UPPER, 5], [LOWER, 5]), LOWER],
  ];

  for (const [what, spellings, owner] of owners) {
    it(`owns the shared output: ${what}`, () => expect(newestSpelling(spellings)).to.equal(owner));
  }

  const parses: [string, string, Spelling[], string | undefined][] = [
    [
      "the older spelling, parsed after the newer: nothing written",
      LOWER,
      [
        { key: LOWER, lastModified: 1000 },
        { key: UPPER, lastModified: 2000 },
      ],
      UPPER,
    ],
    [
      "the newer spelling: written",
      UPPER,
      [
        { key: LOWER, lastModified: 1000 },
        { key: UPPER, lastModified: 2000 },
      ],
      undefined,
    ],
    ["the only spelling: written", LOWER, [{ key: LOWER, lastModified: 1000 }], undefined],
    ["the upload deleted since, another spelling there: that one's", LOWER, [{ key: UPPER, lastModified: 500 }], UPPER],
  ];
  for (const [what, key, spellings, newer] of parses) {
    it(`parses ${what}`, async () => {
      const puts: string[] = [];
      const out = await processObject(store(spellings, puts), key);
      expect([out.superseded ?? false, out.supersededBy, puts]).to.deep.equal(newer ? [true, newer, []] : [false, undefined, OUTPUTS]);
    });
  }

  const both: [string, string | undefined, string][] = [
    ["the upload replaced and a newer spelling: the key's newer upload is named", '"def456"', LOWER],
    ["the upload as its event says and a newer spelling: the spelling is named", '"abc123"', UPPER],
  ];
  for (const [what, tagNow, newer] of both) {
    it(`checks the tag and the spellings together: ${what}`, async () => {
      const puts: string[] = [];
      const spellings = [
        { key: LOWER, lastModified: 1000 },
        { key: UPPER, lastModified: 2000 },
      ];
      const out = await processObject(store(spellings, puts, tagNow), LOWER, { eTag: "abc123" });
      expect([out.superseded, out.supersededBy, puts]).to.deep.equal([true, newer, []]);
    });
  }

  it("writes no refusal report for an older spelling too large to read: the newer one's report stands", async () => {
    const puts: string[] = [];
    const spellings = [
      { key: LOWER, lastModified: 1000 },
      { key: UPPER, lastModified: 2000 },
    ];
    const out = await processObject(store(spellings, puts), LOWER, { size: 10, maxBytes: 5 });
    expect([out.superseded, out.supersededBy, out.refused, puts]).to.deep.equal([true, UPPER, "object is 10 bytes, over the limit of 5 bytes", []]);
  });

  it("logs the older spelling as superseded, naming the newer, and fails no message", async () => {
    const body = JSON.stringify({ Records: [{ eventName: "ObjectCreated:Put", s3: { bucket: { name: "uploads" }, object: { key: LOWER, size: 40 } } }] });
    const puts: string[] = [];
    const lines: object[] = [];
    const spellings = [
      { key: LOWER, lastModified: 1000 },
      { key: UPPER, lastModified: 2000 },
    ];
    const outcome = await processBatch(
      [{ messageId: "m1", body }],
      () => store(spellings, puts),
      (l) => lines.push(l),
    );
    expect([outcome.batchItemFailures, outcome.processed, puts]).to.deep.equal([[], [], []]);
    expect(lines).to.deep.equal([
      { message: "supplier file superseded by a newer upload under another spelling: its event writes the output", key: LOWER, newer: UPPER },
    ]);
  });

  describe("on S3", () => {
    const s3 = mockClient(S3Client);
    beforeEach(() => s3.reset());
    after(() => s3.restore());
    const s3store = () => s3ObjectStore(new S3Client({ region: "eu-west-1" }), "uploads", "lake");

    it("lists the upload bucket under the key's folder, client and dot, every page, and keeps the spellings", async () => {
      s3.on(ListObjectsV2Command, { Bucket: "uploads", Prefix: "20240101/acme.", ContinuationToken: undefined }).resolves({
        Contents: [
          { Key: UPPER, LastModified: new Date(2000) },
          { Key: "20240101/acme.backup", LastModified: new Date(3000) },
        ],
        IsTruncated: true,
        NextContinuationToken: "t1",
      });
      s3.on(ListObjectsV2Command, { Bucket: "uploads", Prefix: "20240101/acme.", ContinuationToken: "t1" }).resolves({
        Contents: [
          { Key: LOWER, LastModified: new Date(1000) },
          { Key: "20240101/acme.csv.bak", LastModified: new Date(4000) },
        ],
        IsTruncated: false,
      });
      expect(await s3store().spellings!(LOWER)).to.deep.equal([
        { key: UPPER, lastModified: 2000 },
        { key: LOWER, lastModified: 1000 },
      ]);
    });

    it("cannot tell when the role may not list (403), and fails on any other error, so the message is retried", async () => {
      s3.on(ListObjectsV2Command).rejects(Object.assign(new Error("AccessDenied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
      expect(await s3store().spellings!(LOWER)).to.deep.equal([]);
      s3.reset();
      s3.on(ListObjectsV2Command).rejects(Object.assign(new Error("SlowDown"), { name: "SlowDown", $metadata: { httpStatusCode: 503 } }));
      let err: Error | undefined;
      await s3store().spellings!(LOWER).catch((e: Error) => (err = e));
      expect(err?.name).to.equal("SlowDown");
    });
  });

  it("in the local stack, finds the spellings in the upload folder with their times", async () => {
    const root = await fs.mkdtemp(join(tmpdir(), "spellings-"));
    try {
      const folders = new FolderStore(root, "eu-west-1");
      await folders.put("uploads", LOWER, CSV);
      await folders.put("uploads", UPPER, CSV);
      await folders.put("uploads", "20240101/acme.csv.bak", CSV);
      await fs.utimes(folders.pathOf("uploads", LOWER), 1, 1);
      const found = await supplierObjectStore(folders, "uploads", "lake").spellings!(LOWER);
      expect(found.map((s) => s.key)).to.deep.equal([UPPER, LOWER]);
      expect(newestSpelling(found)).to.equal(UPPER);
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
