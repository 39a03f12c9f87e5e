import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { gzipSync } from "zlib";
import { handler } from "../../../functions/dailyAnalysis/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { s3Lake, s3Reports } from "../../../functions/dailyAnalysis/s3Ports";
import { householdRequest } from "../../../functions/dailyAnalysis/dynamoHouseholds";

/** The two methods of the SDK's streaming body the ports use. */
const body = (bytes: Buffer | string) => ({
  transformToByteArray: async () => new Uint8Array(Buffer.from(bytes)),
  transformToString: async () => Buffer.from(bytes).toString("utf8"),
});

describe("daily analysis: S3 ports", () => {
  // created per suite and restored after it: other suites mock S3Client too
  let s3: ReturnType<typeof mockClient>;
  before(() => (s3 = mockClient(S3Client)));
  afterEach(() => s3.reset());
  after(() => s3.restore());
  const client = () => new S3Client({ region: "eu-west-1", credentials: { accessKeyId: "AKIDTEST", secretAccessKey: "test" } });

  it("lists client prefixes across pages and gunzips .gz objects", async () => {
    s3.on(ListObjectsV2Command, { Bucket: "lake", Delimiter: "/", ContinuationToken: undefined }).resolves({
      CommonPrefixes: [{ Prefix: "A/" }],
      NextContinuationToken: "t1",
    });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Delimiter: "/", ContinuationToken: "t1" }).resolves({ CommonPrefixes: [{ Prefix: "processed/" }] });
    s3.on(GetObjectCommand, { Bucket: "lake", Key: "A/20261121/x.json.gz" }).resolves({ Body: body(gzipSync("line\n")) } as never);
    const lake = s3Lake(client(), "lake");
    expect(await lake.topLevelPrefixes()).to.deep.equal(["A", "processed"]);
    expect(await lake.text("A/20261121/x.json.gz")).to.equal("line\n");
  });

  it("reads a plain .json object (one reading, no trailing newline) as it is", async () => {
    s3.on(GetObjectCommand, { Bucket: "lake", Key: "A/20261121/1763719260000-u.json" }).resolves({ Body: body('{"kwh":0.4}') } as never);
    expect(await s3Lake(client(), "lake").text("A/20261121/1763719260000-u.json")).to.equal('{"kwh":0.4}');
  });

  it("stops listing a partition at the page that passes atMost, and returns atMost + 1 keys", async () => {
    const page = (n: number) => Array.from({ length: 1000 }, (_, i) => ({ Key: `A/20261121/${n}-${String(i).padStart(4, "0")}.json` }));
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "A/20261121/", ContinuationToken: undefined }).resolves({
      Contents: page(1),
      NextContinuationToken: "p2",
    });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "A/20261121/", ContinuationToken: "p2" }).resolves({
      Contents: page(2),
      NextContinuationToken: "p3",
    });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "A/20261121/", ContinuationToken: "p3" }).resolves({ Contents: page(3) });
    const lake = s3Lake(client(), "lake");
    const bounded = await lake.list("A/20261121/", 1500);
    expect([bounded.length, bounded[1500], s3.commandCalls(ListObjectsV2Command).length]).to.deep.equal([1501, "A/20261121/2-0500.json", 2]);
    s3.resetHistory();
    expect([(await lake.list("A/20261121/")).length, s3.commandCalls(ListObjectsV2Command).length]).to.deep.equal([3000, 3]);
  });

  it("treats a missing earlier report as none, and other errors as errors", async () => {
    s3.on(GetObjectCommand, { Key: "reports/A/20261120.json" }).rejects(new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} }));
    s3.on(GetObjectCommand, { Key: "reports/A/20261119.json" }).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
    s3.on(PutObjectCommand).resolves({});
    const reports = s3Reports(client(), "reports");
    expect(await reports.json("reports/A/20261120.json")).to.equal(undefined);
    let error: Error | undefined;
    await reports.json("reports/A/20261119.json").catch((e: Error) => (error = e));
    expect(error?.message).to.equal("Access Denied");
    await reports.put("reports/A/20261121.html", "<html>", "text/html; charset=utf-8");
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).to.deep.equal({
      Bucket: "reports",
      Key: "reports/A/20261121.html",
      Body: "<html>",
      ContentType: "text/html; charset=utf-8",
    });
  });

  it("writes only over the version it read, and says so when another writer came first", async () => {
    s3.on(GetObjectCommand, { Key: "reports/A/20261118.json" }).resolves({ Body: body('{"a":1}'), ETag: '"e1"' } as never);
    s3.on(PutObjectCommand, { IfMatch: '"e1"' }).resolves({});
    s3.on(PutObjectCommand, { IfMatch: '"stale"' }).rejects(
      Object.assign(new Error("At least one of the pre-conditions you specified did not hold"), { name: "PreconditionFailed" }),
    );
    s3.on(PutObjectCommand, { IfNoneMatch: "*" }).rejects(Object.assign(new Error("conflicting operation"), { name: "ConditionalRequestConflict" }));
    const reports = s3Reports(client(), "reports");
    expect(await reports.tagged("reports/A/20261118.json")).to.deep.equal({ text: '{"a":1}', tag: '"e1"' });
    await reports.put("reports/A/20261118.json", "{}", "application/json", { ifMatch: '"e1"' });
    expect(s3.commandCalls(PutObjectCommand)[0].args[0].input).to.include({ Key: "reports/A/20261118.json", IfMatch: '"e1"' });
    const errors: string[] = [];
    for (const condition of [{ ifMatch: '"stale"' }, { ifNoneMatch: "*" as const }]) {
      await reports.put("reports/A/20261118.json", "{}", "application/json", condition).catch((e: Error) => errors.push(`${e.name}: ${e.message}`));
    }
    s3.on(PutObjectCommand, { IfMatch: '"gone"' }).rejects(new NoSuchKey({ message: "The specified key does not exist.", $metadata: {} }));
    await reports.put("reports/A/20261118.json", "{}", "application/json", { ifMatch: '"gone"' }).catch((e: Error) => errors.push(`${e.name}: ${e.message}`));
    expect(errors).to.deep.equal([
      "ReportChangedError: reports/A/20261118.json changed while it was being rewritten",
      "ReportChangedError: reports/A/20261118.json changed while it was being rewritten",
      "ReportChangedError: reports/A/20261118.json changed while it was being rewritten",
    ]);
    s3.on(GetObjectCommand, { Key: "reports/A/20261117.json" }).resolves({ Body: body("{}") } as never);
    const missing = await reports.tagged("reports/A/20261117.json").catch((e: Error) => e.message);
    expect(missing).to.equal("s3://reports/reports/A/20261117.json: GetObject returned no ETag, so the report cannot be rewritten safely");
  });
});

describe("daily analysis: handler", () => {
  let s3: ReturnType<typeof mockClient>;
  let dynamo: ReturnType<typeof mockClient>;
  before(() => {
    s3 = mockClient(S3Client);
    dynamo = mockClient(DynamoDBClient);
  });
  after(() => {
    s3.restore();
    dynamo.restore();
  });

  it("logs a client that failed at ERROR with its client id and the report date, counts it, and fails the run", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      LAKE_BUCKET: "lake",
      REPORTS_BUCKET: "reports",
      HOUSEHOLD_TABLE: "profiles",
      AWS_REGION: "eu-west-1",
      AWS_ACCESS_KEY_ID: "AKIDTEST",
      AWS_SECRET_ACCESS_KEY: "test",
    });
    s3.on(ListObjectsV2Command).resolves({ Contents: [] }); // any other listing: the earlier days' supplier files
    s3.on(ListObjectsV2Command, { Bucket: "lake", Delimiter: "/" }).resolves({ CommonPrefixes: [{ Prefix: "C42/" }] });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "C42/20261121/" }).resolves({ Contents: [{ Key: "C42/20261121/part-1.json" }] });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "processed/20261121/" }).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Bucket: "lake", Prefix: "C42/20261122/" }).resolves({ Contents: [] });
    // a re-run by hand reads the day's stored report first, for the late partitions it already reads
    s3.on(GetObjectCommand, { Bucket: "reports", Key: "reports/C42/20261121.json" }).rejects(Object.assign(new Error("no such key"), { name: "NoSuchKey" }));
    s3.on(GetObjectCommand, { Bucket: "lake", Key: "C42/20261121/part-1.json" }).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied" }));
    dynamo.on(GetItemCommand).resolves({}); // no claim issued for the meter: no household limits its comparisons
    try {
      const { error, lines } = await captureOutput(() => handler({ date: "2026-11-21" }, lambdaContext("req-da-1")));

      expect(error?.message).to.equal("daily analysis of 2026-11-21: 1 of 1 client(s) failed (1 failure(s)), first C42: Access Denied");
      const [failed] = logLines(lines, "client failed");
      expect([failed.level, failed.service, failed.function_request_id, failed.reportDate, failed.shard, failed.clientId, failed.error]).to.deep.equal([
        "ERROR",
        "dailyAnalysis",
        "req-da-1",
        "2026-11-21",
        "1/1",
        "C42",
        "Access Denied",
      ]);
      // the households are read of the claim and owner items, projected to their first days
      expect(dynamo.commandCalls(GetItemCommand).map((c) => c.args[0].input)).to.deep.equal([
        householdRequest("profiles", "claim#C42"),
        householdRequest("profiles", "meter#C42"),
      ]);
      expect(emfMetrics(lines)).to.deep.equal([
        {
          namespace: "gridrail",
          dimensions: [["service"]],
          service: "dailyAnalysis",
          ReportsWritten: 0,
          ReportsRevised: 0,
          ClientsFailed: 1,
          RejectedLines: 0,
          ReadingsTooLate: 0,
          UnusualHalfHours: 0,
        },
      ]);
    } finally {
      process.env = saved;
    }
  });

  it("fails fast naming the missing environment variables", async () => {
    const saved = { ...process.env };
    delete process.env.LAKE_BUCKET;
    delete process.env.REPORTS_BUCKET;
    delete process.env.HOUSEHOLD_TABLE;
    try {
      const { error, lines } = await captureOutput(() => handler({ date: "2026-11-21" }, lambdaContext("req-da-0")));
      expect(error?.message).to.equal("environment variables LAKE_BUCKET, REPORTS_BUCKET, HOUSEHOLD_TABLE must be set");
      expect(logLines(lines).map((l) => [l.level, l.message, l.service, l.function_request_id])).to.deep.equal([
        ["ERROR", "invocation failed", "dailyAnalysis", "req-da-0"],
      ]);
    } finally {
      process.env = saved;
    }
  });
});
