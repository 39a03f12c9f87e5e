import { expect } from "chai";
import { METER_READINGS_SQL, SHARED_RULES, TRAIN_TELEMETRY_SQL, IOT_SQL_VERSION } from "../../infra/shared/ruleSql";
import { compileSql } from "../../local/iot/iotSql";
import { ofType, runProgram, STACKS } from "../helpers/pulumiRecorder";

describe("IoT rule SQL has one source", () => {
  for (const stack of STACKS) {
    it(`${stack}: every topic rule the program deploys runs a statement of infra/shared/ruleSql, which the local stack also runs`, async () => {
      const s = await runProgram(stack);
      const deployed = ofType(s, "aws:iot/topicRule:TopicRule").map((r) => ({ name: r.name, sql: r.inputs.sql, version: r.inputs.sqlVersion }));
      expect(deployed.map((r) => r.sql).sort()).to.deep.equal([METER_READINGS_SQL, TRAIN_TELEMETRY_SQL, ...SHARED_RULES.map((r) => r.sql)].sort());
      expect(new Set(deployed.map((r) => r.version))).to.deep.equal(new Set([IOT_SQL_VERSION]));
    });
  }

  it("every statement compiles in the local rule engine and tags its source", () => {
    const tagged = SHARED_RULES.map((r) => {
      const topic = r.source === "meters" ? "meters/m-1/readings" : r.source === "trains" ? "trains/train-1/telemetry" : "trains/train-1/anomalies";
      return compileSql(r.sql).evaluate({ topic, payload: { v: 1 }, receivedAt: 7 });
    });
    expect(tagged).to.deep.equal([
      { v: 1, source: "meters", deviceId: "m-1", receivedAt: 7 },
      { v: 1, source: "trains", deviceId: "train-1", receivedAt: 7 },
      { v: 1, source: "anomalies", deviceId: "train-1", receivedAt: 7 },
    ]);
    expect(compileSql(TRAIN_TELEMETRY_SQL).evaluate({ topic: "trains/train-9/telemetry", payload: { v: 2 }, receivedAt: 3 })).to.deep.equal({
      v: 2,
      trainId: "train-9",
      receivedAt: 3,
    });
  });
});
