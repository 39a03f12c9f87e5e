import { expect } from "chai";
import { METER_READINGS_SQL, sharedRuleSql, TRAIN_TELEMETRY_SQL } from "../../../infra/shared/ruleSql";
import { topics } from "../../../infra/shared/naming";
import { IotSqlError, compileSql, formatTime } from "../../../local/iot/iotSql";

const RECEIVED = Date.UTC(2026, 10, 21, 23, 59, 58, 765);

describe("IoT SQL subset: the program's real rules", () => {
  const cases: { name: string; sql: string; topic: string; payload: Record<string, unknown>; filter: string; output: Record<string, unknown> }[] = [
    {
      name: "meter readings rule stamps client id, UTC day and receive time",
      sql: METER_READINGS_SQL,
      filter: "meters/+/readings",
      topic: "meters/C0042/readings",
      payload: { timestamp: "2026-11-21T10:30:00Z", kwh: 0.42, intervalMinutes: 30 },
      output: { timestamp: "2026-11-21T10:30:00Z", kwh: 0.42, intervalMinutes: 30, clientId: "C0042", day: "20261121", receivedAt: RECEIVED },
    },
    {
      name: "train telemetry rule adds the train id and receive time",
      sql: TRAIN_TELEMETRY_SQL,
      filter: "trains/+/telemetry",
      topic: "trains/train-0007/telemetry",
      payload: { timestamp: 1763721000000, seq: 3, sensors: { TP2: -0.012 } },
      output: { timestamp: 1763721000000, seq: 3, sensors: { TP2: -0.012 }, trainId: "train-0007", receivedAt: RECEIVED },
    },
    {
      name: "shared meters rule adds source, device id and receive time",
      sql: sharedRuleSql("meters", topics.meterReadingsFilter),
      filter: "meters/+/readings",
      topic: "meters/C1/readings",
      payload: { timestamp: "2026-11-21T10:30:00Z", kwh: 0 },
      output: { timestamp: "2026-11-21T10:30:00Z", kwh: 0, source: "meters", deviceId: "C1", receivedAt: RECEIVED },
    },
    {
      name: "shared anomalies rule of the same shape",
      sql: sharedRuleSql("anomalies", topics.trainAnomaliesFilter),
      filter: "trains/+/anomalies",
      topic: "trains/train-0042/anomalies",
      payload: { trainId: "train-0042", timestamp: 1763721000000, state: "open", grade: 0.8 },
      output: { trainId: "train-0042", timestamp: 1763721000000, state: "open", grade: 0.8, source: "anomalies", deviceId: "train-0042", receivedAt: RECEIVED },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const compiled = compileSql(c.sql);

      const output = compiled.evaluate({ topic: c.topic, payload: c.payload, receivedAt: RECEIVED });

      expect(compiled.topicFilter).to.equal(c.filter);
      expect(JSON.stringify(output)).to.equal(JSON.stringify(c.output));
    });
  }

  it("lets an alias override a payload field of the same name (the rule's value wins)", () => {
    const output = compileSql(TRAIN_TELEMETRY_SQL).evaluate({ topic: "trains/train-1/telemetry", payload: { trainId: "forged" }, receivedAt: 5 });

    expect(output).to.deep.equal({ trainId: "train-1", receivedAt: 5 });
  });
});

describe("IoT SQL subset: expressions", () => {
  const at = { topic: "a/b/c", payload: { n: 5, s: "x", nested: { v: 2 }, flag: true }, receivedAt: Date.UTC(2020, 1, 3, 4, 5, 6, 7), clientId: "dev-1" };
  const table: [string, Record<string, unknown> | undefined][] = [
    ["SELECT topic() AS t, topic(1) AS a, topic(3) AS c, topic(4) AS none FROM '#'", { t: "a/b/c", a: "a", c: "c" }],
    ["SELECT n, nested.v, nested.v AS w, missing FROM 'a/+/c'", { n: 5, v: 2, w: 2 }],
    ["SELECT 'lit' AS l, \"dq\" AS d, 3 AS three, -1.5 AS neg, true AS yes FROM 'a/#'", { l: "lit", d: "dq", three: 3, neg: -1.5, yes: true }],
    ["SELECT clientid() AS c, timestamp() AS ts FROM 'a/b/c'", { c: "dev-1", ts: Date.UTC(2020, 1, 3, 4, 5, 6, 7) }],
    ["SELECT parse_time(\"yyyy-MM-dd'T'HH:mm:ss.SSSZ\", timestamp(), \"UTC\") AS iso FROM '#'", { iso: "2020-02-03T04:05:06.007+0000" }],
    ["SELECT parse_time('yyyy/MM/dd', 0) AS day FROM '#'", { day: "1970/01/01" }],
    ["SELECT * FROM '#' WHERE n > 4 AND s = 'x'", at.payload],
    ["SELECT * FROM '#' WHERE n >= 6 OR s <> 'x'", undefined],
    ["SELECT * FROM '#' WHERE NOT (n < 5) AND nested.v != 3", at.payload],
    ["SELECT * FROM '#' WHERE flag = true", at.payload],
    ["SELECT * FROM '#' WHERE missing = 1", undefined],
    ["SELECT * FROM '#' WHERE missing <> 1", undefined],
    ["SELECT * FROM '#' WHERE n = '5'", undefined],
  ];
  for (const [sql, expected] of table) {
    it(`${sql} -> ${JSON.stringify(expected)}`, () => {
      expect(compileSql(sql).evaluate(at)).to.deep.equal(expected);
    });
  }

  it("formats the patterns the rules use, in UTC", () => {
    const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 60);
    expect([formatTime("yyyyMMdd", ms), formatTime("yy-M-d H:m:s.S", ms), formatTime("HH'h'''", ms)]).to.deep.equal(["20260102", "26-1-2 3:4:5.0", "03h'"]);
  });

  it("fails a message whose parse_time argument is not a number", () => {
    const compiled = compileSql("SELECT parse_time('yyyy', s) AS y FROM '#'");
    expect(() => compiled.evaluate(at)).to.throw(IotSqlError, 'parse_time needs epoch milliseconds, got "x"');
  });
});

describe("IoT SQL subset: refused at compile time, naming the construct", () => {
  const table: [string, string][] = [
    [
      "SELECT get_thing_shadow('t', 'arn') AS s FROM '#'",
      "unsupported function get_thing_shadow() at character 8 (the local rules engine knows topic, timestamp, clientid, newuuid, parse_time)",
    ],
    ["SELECT n * 2 AS d FROM '#'", 'unsupported operator * at "*" (character 10)'],
    ["SELECT CASE n WHEN 1 THEN 'a' END AS c FROM '#'", "unsupported construct CASE at character 8"],
    ["SELECT * FROM '#' WHERE s LIKE 'x%'", 'unsupported construct LIKE at "LIKE" (character 27)'],
    ["SELECT * FROM '#' WHERE n IN (1, 2)", 'unsupported construct IN at "IN" (character 27)'],
    ["SELECT parse_time('yyyyMMdd', timestamp(), 'Europe/Paris') AS d FROM '#'", 'parse_time time zone "Europe/Paris" is not supported locally (only "UTC")'],
    ["SELECT parse_time('EEE', timestamp()) AS d FROM '#'", 'parse_time pattern letter EEE in "EEE" is not supported locally'],
    ["SELECT topic(0) AS t FROM '#'", "topic(n) needs a whole number n >= 1"],
    ["SELECT timestamp(1) AS t FROM '#'", "timestamp() takes 0 arguments, got 1"],
    ["SELECT topic(2) FROM '#'", 'a computed SELECT expression needs "AS <name>" at "FROM" (character 17)'],
    ["SELECT * FROM 'a/#/b'", 'FROM topic filter "a/#/b" is not a valid MQTT filter'],
    ["SELECT * FROM topic", 'FROM needs a quoted topic filter, got "topic"'],
    ["SELECT * FROM '#' ORDER BY n", 'unsupported construct at "ORDER" (character 19)'],
    ["SELECT * FROM (SELECT * FROM '#')", 'FROM needs a quoted topic filter, got "("'],
    ["SELECT * FROM 'a", "unterminated string starting at character 15"],
    ["UPDATE x", 'expected SELECT at "UPDATE" (character 1)'],
  ];
  for (const [sql, message] of table) {
    it(sql, () => {
      expect(() => compileSql(sql)).to.throw(IotSqlError, message);
    });
  }
});
