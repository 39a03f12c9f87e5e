import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  SubStatementData,
} from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { handler } from "../../../functions/redshiftLoader/handler";
import { loadErrorsSql } from "../../../functions/redshiftLoader/loadSql";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";

/** The loader setting refused objects aside, through its handler: what it counts and loads around them. */
const ENV = { CLUSTER_ID: "c", DATABASE: "d", SECRET_ARN: "s", RAW_BUCKET: "raw", COPY_ROLE_ARN: "r" };
const EVENT = { scheduledTime: "2026-11-21T11:05:00Z", window: "previous-hour" };
const DAY = "readings/2026/11/21/";
const COPY_ERROR = "Load into table 'readings_staging' failed.  Check 'stl_load_errors' system table for details.";
const subs = (id: string, n: number, extra: Record<number, Partial<SubStatementData>> = {}): SubStatementData[] =>
  Array.from({ length: n }, (_, i) => ({ Id: `${id}:${i + 1}`, Status: "FINISHED", ...extra[i] }));
const name = (i: number) => `o${String(i).padStart(3, "0")}.gz`;

describe("Redshift loader: objects set aside, through the handler", () => {
  const s3 = mockClient(S3Client);
  const data = mockClient(RedshiftDataClient);
  let saved: NodeJS.ProcessEnv;

  beforeEach(() => {
    s3.reset();
    data.reset();
    saved = { ...process.env };
    Object.assign(process.env, ENV);
    s3.on(PutObjectCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-history" }).resolves({ Id: "hist" });
    data.on(DescribeStatementCommand, { Id: "hist" }).resolves({ Id: "hist", Status: "FINISHED", SubStatements: subs("hist", 5) });
    data.on(GetStatementResultCommand).resolves({ Records: [] });
  });
  afterEach(() => {
    process.env = saved;
  });

  /** `count` new objects in the window's day, oldest first. */
  function givenObjects(count: number): void {
    const contents = Array.from({ length: count }, (_, i) => ({
      Key: `${DAY}${name(i)}`,
      ETag: `"e${i}"`,
      Size: 100,
      LastModified: new Date(Date.UTC(2026, 10, 21, 10, 0, i)),
    }));
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({ Contents: contents });
  }

  /** The first COPY fails naming the first object; its rejected line is read back. */
  function givenFirstCopyRefuses(): void {
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolvesOnce({ Id: "load1" }).resolves({ Id: "load2" });
    data.on(DescribeStatementCommand, { Id: "load1" }).resolves({
      Id: "load1",
      Status: "FAILED",
      Error: COPY_ERROR,
      SubStatements: subs("load1", 9, { 3: { Status: "FAILED", RedshiftQueryId: 701 } }),
    });
    data.on(ExecuteStatementCommand, { Sql: loadErrorsSql(701) }).resolves({ Id: "errs" });
    data.on(DescribeStatementCommand, { Id: "errs" }).resolves({ Id: "errs", Status: "FINISHED" });
    data
      .on(GetStatementResultCommand, { Id: "errs" })
      .resolves({ Records: [[{ stringValue: `s3://raw/${DAY}${name(0)}` }, { longValue: 1 }, { stringValue: "value" }, { stringValue: "Invalid digit" }]] });
  }

  it("fills the next attempt from the objects left for later, so the run loads as many as before", async () => {
    givenObjects(301);
    givenFirstCopyRefuses();
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });
    data.on(DescribeStatementCommand, { Id: "load2" }).resolves({ Id: "load2", Status: "FINISHED", SubStatements: subs("load2", 9) });

    const { result, lines } = await captureOutput(() => handler(EVENT, lambdaContext("req-1")));

    expect(result!.loaded).to.have.length(300);
    expect([result!.loaded[0], result!.loaded[299], result!.deferred]).to.deep.equal([`${DAY}${name(1)}`, `${DAY}${name(300)}`, 0]);
    expect(emfMetrics(lines)[0]).to.include({ LoadsMerged: 1, ObjectsLoaded: 300, ObjectsRejected: 1, ObjectsDeferred: 0 });
  });

  it("counts and logs an object set aside even when recording it fails and the run with it", async () => {
    givenObjects(2);
    givenFirstCopyRefuses();
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FAILED", Error: "permission denied for relation load_rejects" });

    const { error, lines } = await captureOutput(() => handler(EVENT, lambdaContext("req-1")));

    expect(error).to.include({
      name: "StatementError",
      message: "statement gridrail-loader-reject (reject) FAILED: permission denied for relation load_rejects",
    });
    expect(logLines(lines, "raw object rejected").map((l) => l.key)).to.deep.equal([`${DAY}${name(0)}`]);
    expect(emfMetrics(lines)).to.deep.equal([
      { namespace: "gridrail", dimensions: [["service"]], service: "redshiftLoader", LoadsFailed: 1, ObjectsRejected: 1 },
    ]);
  });
});
