import { BatchExecuteStatementCommand, DescribeStatementCommand, ExecuteStatementCommand } from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { LOAD_ATTEMPTS, loadReadings } from "../../../functions/redshiftLoader/loadReadings";
import { loadErrorsSql, rejectsInsertSql } from "../../../functions/redshiftLoader/loadSql";
import { manifestBody } from "../../../functions/redshiftLoader/manifest";
import { COPY_ERROR, DAY, EVENT, MANIFEST, NOW, raw, s3Object, subs, url, loaderFlow } from "./loaderFlow";

describe("Redshift loader: objects Redshift refuses are set aside (Data API and S3 mocked)", () => {
  const { s3, data, state, deps, givenBucket, givenHistory, givenFailedCopy } = loaderFlow();

  it("sets aside the object a rejected line names, records it in load_rejects and loads the others in the same run", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolvesOnce({ Id: "load" }).resolves({ Id: "load2" });
    givenFailedCopy("load", 777, [[url("a.gz"), 3, "value", "Invalid digit, Value 'x'"]]);
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });
    data
      .on(DescribeStatementCommand, { Id: "load2" })
      .resolves({ Id: "load2", Status: "FINISHED", SubStatements: subs("load2", 9, { 5: { ResultRows: 18 } }) });

    const report = await loadReadings(EVENT, deps());

    const retry = MANIFEST.replace(".json", "-2.json");
    expect(report).to.deep.include({
      rejected: [{ key: `${DAY}a.gz`, reason: "line 3 column value: Invalid digit, Value 'x'" }],
      loaded: [`${DAY}b.gz`],
      manifestKey: retry,
      statementId: "load2",
      rowsWritten: 18,
    });
    expect(s3.commandCalls(PutObjectCommand).map((c) => [c.args[0].input.Key, c.args[0].input.Body])).to.deep.equal([
      [MANIFEST, manifestBody("sharing-raw-bucket", [raw("a.gz", 20), raw("b.gz", 40)])],
      [retry, manifestBody("sharing-raw-bucket", [raw("b.gz", 40)])],
    ]);
    expect(data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql)).to.deep.equal([
      loadErrorsSql(777),
      rejectsInsertSql([{ object: raw("a.gz", 20), line: 3, column: "value", reason: "Invalid digit, Value 'x'" }], MANIFEST, NOW),
    ]);
    const rejected = state.logs.find((l) => l.message === "raw object rejected");
    expect(rejected).to.deep.equal({
      level: "ERROR",
      message: "raw object rejected",
      key: `${DAY}a.gz`,
      etag: "etag-a.gz",
      reason: "line 3 column value: Invalid digit, Value 'x'",
      manifestKey: MANIFEST,
      statementId: "load",
    });
  });

  it("loads nothing, and says so, when every new object is rejected", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    givenFailedCopy("load", 777, [
      [url("b.gz"), 1, "source", "Missing data for not-null field"],
      [url("a.gz"), 2, "value", "Invalid digit"],
    ]);
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });

    const report = await loadReadings(EVENT, deps());

    expect(report).to.deep.include({
      rejected: [
        { key: `${DAY}a.gz`, reason: "line 2 column value: Invalid digit" },
        { key: `${DAY}b.gz`, reason: "line 1 column source: Missing data for not-null field" },
      ],
      loaded: [],
    });
    expect(report).to.not.have.property("manifestKey");
    expect(data.commandCalls(BatchExecuteStatementCommand)).to.have.length(2);
    expect(state.logs.map((l) => l.message)).to.deep.equal([
      "raw object skipped",
      "raw object rejected",
      "raw object rejected",
      "nothing loaded: every new object was rejected",
    ]);
  });

  it("does not load again an object set aside with the same ETag; the same key uploaded again is loaded", async () => {
    givenBucket();
    givenHistory([
      [`${DAY}a.gz`, "etag-a.gz"],
      [`${DAY}b.gz`, "etag-before-the-fix"],
    ]);
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    data.on(DescribeStatementCommand, { Id: "load" }).resolves({ Id: "load", Status: "FINISHED", SubStatements: subs("load", 9) });

    const report = await loadReadings(EVENT, deps());

    expect(report).to.deep.include({ alreadyLoaded: 1, alreadyRejected: 1, rejected: [], loaded: [`${DAY}b.gz`] });
  });

  it("fails the load when the rejected lines name no object of it, and lists them", async () => {
    givenBucket();
    givenHistory();
    data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" }).resolves({ Id: "load" });
    // STL_LOAD_ERRORS keeps 256 characters of a file name; a longer one names nothing here
    givenFailedCopy("load", 777, [[url("a.g"), 3, "value", "Invalid digit, Value 'x'"]]);

    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);

    expect(e).to.include({
      name: "LoadError",
      manifestKey: MANIFEST,
      statementId: "load",
      redshiftError: COPY_ERROR,
      rejected: 0,
      message:
        `load of 2 object(s) from manifest ${MANIFEST} FAILED, nothing committed (statement load): ${COPY_ERROR}; ` +
        `first rejected lines: ${url("a.g")} line 3 column value: Invalid digit, Value 'x'`,
    });
    expect(data.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input.Sql)).to.deep.equal([loadErrorsSql(777)]);
    expect(s3.commandCalls(PutObjectCommand)).to.have.length(1);
  });

  it(`stops after ${LOAD_ATTEMPTS} attempts, the objects set aside so far recorded, and says so`, async () => {
    const names = ["a.gz", "b.gz", "c.gz", "d.gz", "e.gz"];
    s3.on(ListObjectsV2Command).resolves({ Contents: [] });
    s3.on(ListObjectsV2Command, { Prefix: DAY }).resolves({ Contents: names.map((n, i) => s3Object(n, 10 + i)) });
    givenHistory();
    const copies = data.on(BatchExecuteStatementCommand, { StatementName: "gridrail-loader-copy-2026-11-21T10" });
    names.forEach((n, i) => {
      copies.resolvesOnce({ Id: `load${i + 1}` });
      givenFailedCopy(`load${i + 1}`, 700 + i, [[url(n), 1, "source", "Missing data for not-null field"]]);
    });
    data.on(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" }).resolves({ Id: "reject" });
    data.on(DescribeStatementCommand, { Id: "reject" }).resolves({ Id: "reject", Status: "FINISHED" });

    const e = await loadReadings(EVENT, deps()).catch((err: Error) => err);

    const last = MANIFEST.replace(".json", `-${LOAD_ATTEMPTS}.json`);
    expect(e).to.include({
      name: "LoadError",
      manifestKey: last,
      rejected: LOAD_ATTEMPTS - 1,
      message:
        `load of 2 object(s) from manifest ${last} (after setting 3 refused object(s) aside) FAILED, nothing committed (statement load4): ${COPY_ERROR}; ` +
        `first rejected lines: ${url("d.gz")} line 1 column source: Missing data for not-null field`,
    });
    expect(data.commandCalls(ExecuteStatementCommand, { StatementName: "gridrail-loader-reject" })).to.have.length(LOAD_ATTEMPTS - 1);
    expect(state.logs.filter((l) => l.message === "raw object rejected").map((l) => l.key)).to.deep.equal([`${DAY}a.gz`, `${DAY}b.gz`, `${DAY}c.gz`]);
  });
});
