import {
  BatchExecuteStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
  SubStatementData,
} from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { DataApi } from "../../../functions/redshiftLoader/dataApi";
import { s3Storage } from "../../../functions/redshiftLoader/handler";
import { LoaderDeps } from "../../../functions/redshiftLoader/loadReadings";
import { loadErrorsSql } from "../../../functions/redshiftLoader/loadSql";
import { LoaderSettings } from "../../../functions/redshiftLoader/settings";

/** The loader's flow with the Data API and S3 mocked: the settings, the window and the bucket the tests share. */
export const SETTINGS: LoaderSettings = {
  clusterId: "gridrail-dev-warehouse",
  database: "gridrail",
  secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rs-admin",
  rawBucket: "sharing-raw-bucket",
  copyRoleArn: "arn:aws:iam::123456789012:role/sharing-warehouse-copy-role",
};
export const TARGET = { ClusterIdentifier: SETTINGS.clusterId, Database: "gridrail", SecretArn: SETTINGS.secretArn, WithEvent: true };
export const EVENT = { scheduledTime: "2026-11-21T11:05:00Z", window: "previous-hour" };
export const NOW = Date.UTC(2026, 10, 21, 11, 5, 2);
export const DAY = "readings/2026/11/21/";
export const MANIFEST = "manifests/readings/2026/11/21/1000-req-1.json";
export const WEEK = [14, 15, 16, 17, 18, 19, 20].map((d) => `readings/2026/11/${d}/`).concat(DAY);
export const s3Object = (name: string, minute: number, size = 500) => ({
  Key: `${DAY}${name}`,
  ETag: `"etag-${name}"`,
  Size: size,
  LastModified: new Date(Date.UTC(2026, 10, 21, 10, minute)),
});
export const raw = (name: string, minute: number) => ({
  key: `${DAY}${name}`,
  etag: `etag-${name}`,
  size: 500,
  lastModified: Date.UTC(2026, 10, 21, 10, minute),
});
export const COPY_ERROR = "Load into table 'readings_staging' failed.  Check 'stl_load_errors' system table for details.";
export const url = (name: string) => `s3://sharing-raw-bucket/${DAY}${name}`;
export const subs = (id: string, n: number, extra: Record<number, Partial<SubStatementData>> = {}): SubStatementData[] =>
  Array.from({ length: n }, (_, i) => ({ Id: `${id}:${i + 1}`, Status: "FINISHED", ...extra[i] }));

/** The mocks (reset before each test), the loader's dependencies on them and the scenes the tests set. */
export function loaderFlow() {
  const s3 = mockClient(S3Client);
  const data = mockClient(RedshiftDataClient);
  const state = { logs: [] as Record<string, unknown>[], sleeps: [] as number[], clock: NOW };

  function deps(deadline = NOW + 60_000): LoaderDeps {
    state.clock = NOW;
    const poll = {
      deadline,
      now: () => state.clock,
      sleep: async (ms: number) => {
        state.sleeps.push(ms);
        state.clock += ms;
      },
    };
    return {
      settings: SETTINGS,
      storage: s3Storage(new S3Client({}), SETTINGS.rawBucket),
      dataApi: new DataApi(new RedshiftDataClient({}), SETTINGS, poll),
      runId: "req-1",
      now: () => NOW,
      log: (e) => state.logs.push(e),
    };
  }

  /** The week before is empty; today holds a loaded object, two new ones, one written after the window and a stray key. */
  function givenBucket(): void {
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({
      Contents: [s3Object("old.gz", 5), s3Object("b.gz", 40), s3Object("a.gz", 20), s3Object("late.gz", 0), s3Object("notes .txt", 1)].map((o) =>
        o.Key.endsWith("late.gz") ? { ...o, LastModified: new Date(Date.UTC(2026, 10, 21, 11, 1)) } : o,
      ),
      IsTruncated: false,
    });
  }

  /** load_history has old.gz and older.gz (two pages); load_rejects has the given key and ETag pairs. */
  function givenHistory(rejects: [string, string][] = []): void {
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-history" }).resolves({ Id: "hist" });
    data.on(DescribeStatementCommand, { Id: "hist" }).resolves({ Id: "hist", Status: "FINISHED", SubStatements: subs("hist", 5) });
    data
      .on(GetStatementResultCommand, { Id: "hist:4" })
      .resolvesOnce({ Records: [[{ stringValue: `${DAY}old.gz` }]], NextToken: "page-2" })
      .resolvesOnce({ Records: [[{ stringValue: `${DAY}older.gz` }]] });
    data.on(GetStatementResultCommand, { Id: "hist:5" }).resolves({ Records: rejects.map(([k, e]) => [{ stringValue: k }, { stringValue: e }]) });
  }

  /** A COPY that fails with Redshift's stl_load_errors pointer; its rejected lines are `lines`. */
  function givenFailedCopy(id: string, queryId: number, lines: [string, number, string, string][]): void {
    data.on(DescribeStatementCommand, { Id: id }).resolves({
      Id: id,
      Status: "FAILED",
      Error: COPY_ERROR,
      SubStatements: subs(id, 9, { 3: { Status: "FAILED", RedshiftQueryId: queryId } }),
    });
    data.on(ExecuteStatementCommand, { Sql: loadErrorsSql(queryId) }).resolves({ Id: `errs-${id}` });
    data.on(DescribeStatementCommand, { Id: `errs-${id}` }).resolves({ Id: `errs-${id}`, Status: "FINISHED" });
    data.on(GetStatementResultCommand, { Id: `errs-${id}` }).resolves({
      Records: lines.map(([file, line, column, reason]) => [{ stringValue: file }, { longValue: line }, { stringValue: column }, { stringValue: reason }]),
    });
  }

  beforeEach(() => {
    s3.reset();
    data.reset();
    state.logs = [];
    state.sleeps = [];
    s3.on(PutObjectCommand).resolves({});
  });

  return { s3, data, state, deps, givenBucket, givenHistory, givenFailedCopy };
}
