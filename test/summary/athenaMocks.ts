import { GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { AwsClientStub } from "aws-sdk-client-mock";
import type { AthenaClient } from "@aws-sdk/client-athena";
import { SUMMARY_QUERIES } from "../../functions/usageSummary/queries";

export const MB = 1024 * 1024;

/** A page of GetQueryResults the way Athena returns a SELECT: text cells, the header row first on page one. */
export function page(columns: [string, string][], rows: (string | undefined)[][], header: boolean, nextToken?: string) {
  const asRow = (cells: (string | undefined)[]) => ({ Data: cells.map((v) => (v === undefined ? {} : { VarCharValue: v })) });
  return {
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columns.map(([Name, Type]) => ({ Name, Type, Label: Name })) },
      Rows: [...(header ? [asRow(columns.map(([n]) => n))] : []), ...rows.map(asRow)],
    },
    NextToken: nextToken,
  };
}

/** The fixture lake's answers for 2026-02-21, one page per summary query, in SUMMARY_QUERIES order. */
export const FIXTURE_ANSWERS = [
  page(
    [
      ["installations", "bigint"],
      ["unreadable", "bigint"],
    ],
    [["3", "0"]],
    true,
  ),
  page(
    [
      ["files", "bigint"],
      ["rejected_rows", "bigint"],
    ],
    [["2", "4"]],
    true,
  ),
  page(
    [
      ["profile_updates", "bigint"],
      ["report_downloads", "bigint"],
    ],
    [["2", "3"]],
    true,
  ),
  page(
    [
      ["train_id", "varchar"],
      ["readings", "bigint"],
      ["anomalies", "bigint"],
    ],
    [
      ["train-a", "5", "2"],
      ["train-b", "2", "0"],
    ],
    true,
  ),
];

/** Answers each summary query by its SQL with the fixture lake's answer for 2026-02-21, each scanning `scannedMb[i]` MB. */
export function mockSummaryQueries(athena: AwsClientStub<AthenaClient>, scannedMb: readonly number[]): void {
  SUMMARY_QUERIES.forEach((q, i) => {
    athena.on(StartQueryExecutionCommand, { QueryString: q.sql }).resolves({ QueryExecutionId: `id-${q.name}` });
    athena
      .on(GetQueryExecutionCommand, { QueryExecutionId: `id-${q.name}` })
      .resolves({ QueryExecution: { Status: { State: "SUCCEEDED" }, Statistics: { DataScannedInBytes: scannedMb[i] * MB } } });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: `id-${q.name}` }).resolves(FIXTURE_ANSWERS[i]);
  });
}
