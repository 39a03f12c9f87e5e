import { expect } from "chai";
import { projectionParameters, summaryQueries } from "../../infra/dataSharing/catalogDefinitions";
import {
  EXPLORATION_QUERIES,
  SUMMARY_QUERIES,
  athenaParameters,
  customerActivityQuery,
  installationsQuery,
  parameterValues,
  renderSql,
  supplierQuery,
  trainsQuery,
} from "../../functions/usageSummary/queries";
import { parseSummaryDay, previousDay } from "../../functions/usageSummary/summaryDay";

describe("summary day", () => {
  const valid: [string, object][] = [
    ["2026-02-21", { iso: "2026-02-21", slashed: "2026/02/21", nextSlashed: "2026/02/22", compact: "20260221" }],
    ["2024-02-29", { iso: "2024-02-29", slashed: "2024/02/29", nextSlashed: "2024/03/01", compact: "20240229" }],
    ["2025-12-31", { iso: "2025-12-31", slashed: "2025/12/31", nextSlashed: "2026/01/01", compact: "20251231" }],
  ];
  for (const [text, day] of valid) {
    it(`reads ${text} in every spelling the partitions use`, () => {
      expect(parseSummaryDay(text)).to.deep.equal(day);
    });
  }

  for (const text of ["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-2-1", "20260221", "2026/02/21", " 2026-02-21", ""]) {
    it(`refuses ${JSON.stringify(text)}, naming it`, () => {
      expect(() => parseSummaryDay(text)).to.throw(`date ${JSON.stringify(text)} is not a real day in the form YYYY-MM-DD`);
    });
  }

  const before: [string, string][] = [
    ["2026-02-22T02:00:00Z", "2026-02-21"],
    ["2026-01-01T00:00:00Z", "2025-12-31"],
    ["2026-03-01T01:30:00+02:00", "2026-02-27"],
    ["2024-03-01T02:00:00.000Z", "2024-02-29"],
  ];
  for (const [instant, iso] of before) {
    it(`takes ${iso} as the day before ${instant} (UTC)`, () => {
      expect(previousDay(instant).iso).to.equal(iso);
    });
  }

  for (const instant of ["2026-02-22T02:00:00", "2026-02-31T02:00:00Z", "Sun Feb 22 2026 02:00:00 Z", "+275760-09-13T00:00:00Z", "2026-02-22T24:00:00Z"]) {
    it(`refuses the scheduled time ${instant} (no zone, no such day or time, not ISO 8601)`, () => {
      expect(() => previousDay(instant)).to.throw(`scheduledTime ${JSON.stringify(instant)} is not an ISO 8601 time with a zone`);
    });
  }
});

describe("summary queries", () => {
  const day = parseSummaryDay("2026-02-21");

  it("renders the installations count, and the readings no count can attribute, as one partition of the shared readings", () => {
    expect(renderSql(installationsQuery, day)).to.equal(
      [
        "SELECT count(DISTINCT CASE WHEN source = 'meters' THEN device_id END) AS installations,",
        "  count_if(source IS NULL OR device_id IS NULL) AS unreadable",
        "FROM readings",
        "WHERE dt = '2026/02/21'",
      ].join("\n"),
    );
  });

  it("renders the supplier files and rejected rows from the day's uploads and quarantine reports", () => {
    expect(renderSql(supplierQuery, day)).to.equal(
      [
        "SELECT",
        "  (SELECT count(DISTINCT upload) FROM (",
        `    SELECT regexp_extract("$path", '(\\d{8}/[^/]+)$', 1) AS upload FROM supplier_uploads WHERE dt = '20260221' AND lower("$path") LIKE '%.csv'`,
        "    UNION ALL",
        `    SELECT regexp_extract(line, '^  "file": "(.*)",$', 1) FROM supplier_reports WHERE dt = '20260221' AND regexp_like(line, '^  "file": ".*",$')`,
        "  ) AS uploads) AS files,",
        `  (SELECT coalesce(sum(CAST(regexp_extract(line, '^  "rejected": ([0-9]+)', 1) AS bigint)), 0)`,
        `   FROM supplier_reports WHERE dt = '20260221' AND regexp_like(line, '^  "rejected": [0-9]+')) AS rejected_rows`,
      ].join("\n"),
    );
  });

  it("renders the customer activity over the day's and the next day's CloudTrail folders, events of the day only", () => {
    expect(renderSql(customerActivityQuery, parseSummaryDay("2025-12-31"))).to.equal(
      [
        "SELECT",
        "  count_if(eventsource = 'dynamodb.amazonaws.com' AND eventname IN ('PutItem', 'UpdateItem')",
        "    AND strpos(coalesce(json_extract_scalar(requestparameters, '$.key.customerId'), ''), '#') = 0) AS profile_updates,",
        "  count_if(eventsource = 's3.amazonaws.com' AND eventname = 'GetObject'",
        "    AND json_extract_scalar(requestparameters, '$.key') LIKE 'reports/%') AS report_downloads",
        "FROM cloudtrail_data_events",
        "WHERE dt IN ('2025/12/31', '2026/01/01') AND substr(eventtime, 1, 10) = '2025-12-31' AND errorcode IS NULL",
      ].join("\n"),
    );
  });

  it("renders readings and opened anomaly episodes per train", () => {
    expect(renderSql(trainsQuery, day)).to.equal(
      [
        "SELECT device_id AS train_id,",
        "  count(DISTINCT CASE WHEN source = 'trains' THEN event_time END) AS readings,",
        "  count(DISTINCT CASE WHEN source = 'anomalies' AND json_extract_scalar(detail, '$.state') = 'open' THEN json_extract_scalar(detail, '$.episodeId') END) AS anomalies",
        "FROM readings",
        "WHERE dt = '2026/02/21' AND source IN ('trains', 'anomalies') AND device_id IS NOT NULL",
        "GROUP BY device_id",
        "ORDER BY device_id",
      ].join("\n"),
    );
  });

  it("passes Athena the day as SQL literals and DuckDB as plain values, in placeholder order", () => {
    expect(athenaParameters(customerActivityQuery, day)).to.deep.equal(["'2026/02/21'", "'2026/02/22'", "'2026-02-21'"]);
    expect(parameterValues(customerActivityQuery, day)).to.deep.equal(["2026/02/21", "2026/02/22", "2026-02-21"]);
    expect(athenaParameters(supplierQuery, day)).to.deep.equal(["'20260221'", "'20260221'", "'20260221'"]);
  });

  it("has one parameter per placeholder in every saved query, and unique names", () => {
    const all = [...SUMMARY_QUERIES, ...EXPLORATION_QUERIES];
    for (const q of all) expect(q.sql.split("?").length - 1, q.name).to.equal(q.parameters.length);
    expect(new Set(all.map((q) => q.name)).size).to.equal(all.length);
    expect(() => renderSql({ ...installationsQuery, parameters: [] }, day)).to.throw("query daily-meter-installations has 1 placeholders but 0 parameters");
  });

  it("saves each query with its parameters described and the SQL unchanged", () => {
    const saved = summaryQueries("gridrail_dev_sharing");
    expect(saved.map((q) => [q.name, q.database])).to.deep.equal([
      ["daily-meter-installations", "gridrail_dev_sharing"],
      ["daily-supplier-files", "gridrail_dev_sharing"],
      ["daily-customer-activity", "gridrail_dev_sharing"],
      ["daily-train-activity", "gridrail_dev_sharing"],
      ["daily-raw-bucket-requests", "gridrail_dev_sharing"],
      ["daily-data-access-by-principal", "gridrail_dev_sharing"],
    ]);
    expect(saved[2].description).to.equal(`${customerActivityQuery.description}. Parameters: 'yyyy/MM/dd', the next day's 'yyyy/MM/dd', 'YYYY-MM-DD'`);
    expect(saved.map((q) => q.query)).to.deep.equal([...SUMMARY_QUERIES, ...EXPLORATION_QUERIES].map((q) => q.sql));
  });
});

describe("partition projection", () => {
  it("injects the meter lake's client and projects its yyyyMMdd day", () => {
    expect(
      projectionParameters(
        {
          partitions: [
            { name: "client_id", type: "injected" },
            { name: "dt", type: "date", format: "yyyyMMdd", firstDay: "20240101" },
          ],
          locationTemplate: "${client_id}/${dt}/",
        },
        "s3://lake/",
      ),
    ).to.deep.equal({
      "projection.enabled": "true",
      "projection.client_id.type": "injected",
      "projection.dt.type": "date",
      "projection.dt.format": "yyyyMMdd",
      "projection.dt.range": "20240101,NOW",
      "projection.dt.interval": "1",
      "projection.dt.interval.unit": "DAYS",
      "storage.location.template": "s3://lake/${client_id}/${dt}/",
    });
  });

  it("refuses a location template that leaves a partition out", () => {
    expect(() => projectionParameters({ partitions: [{ name: "client_id", type: "injected" }], locationTemplate: "${dt}/" }, "s3://lake/")).to.throw(
      'location template "${dt}/" does not use partition client_id',
    );
  });
});
