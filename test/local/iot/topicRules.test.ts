import { expect } from "chai";
import mqtt, { MqttClient } from "mqtt";
import { METER_READINGS_SQL, TRAIN_TELEMETRY_SQL } from "../../../infra/shared/ruleSql";
import { LoopbackBroker, publishFromBroker, startBroker, topicMatches } from "../../../local/iot/broker";
import { IotSqlError } from "../../../local/iot/iotSql";
import { RuleFailure, RuleMessage, TopicRuleEngine } from "../../../local/iot/topicRules";

const NOW = Date.UTC(2026, 10, 21, 10, 30, 1, 250);

describe("MQTT topic filters", () => {
  const table: [string, string, boolean][] = [
    ["meters/+/readings", "meters/C1/readings", true],
    ["meters/+/readings", "meters/C1/x/readings", false],
    ["meters/+/readings", "meters/C1", false],
    ["trains/#", "trains", true],
    ["trains/#", "trains/t1/telemetry", true],
    ["#", "$aws/things/t/shadow/update", false],
    ["+/things/t/shadow/update", "$aws/things/t/shadow/update", false],
    ["$aws/things/+/shadow/update", "$aws/things/t/shadow/update", true],
    ["a/b", "a/b/", false],
  ];
  for (const [filter, topic, matches] of table) {
    it(`${filter} ${matches ? "matches" : "does not match"} ${topic}`, () => expect(topicMatches(filter, topic)).to.equal(matches));
  }
});

describe("topic rules engine on the loopback broker", function () {
  this.timeout(20_000);
  let broker: LoopbackBroker;
  let engine: TopicRuleEngine;
  let client: MqttClient;
  let outputs: [Record<string, unknown>, RuleMessage][];
  let failures: RuleFailure[];

  beforeEach(async () => {
    broker = await startBroker();
    engine = new TopicRuleEngine(broker.broker, { now: () => NOW });
    outputs = [];
    failures = [];
    client = await mqtt.connectAsync(broker.url, { clientId: "C0042", reconnectPeriod: 0 });
  });
  afterEach(async () => {
    await client.endAsync();
    await engine.close();
    await broker.close();
  });

  const addMeterRule = () =>
    engine.addRule({
      name: "meterLake",
      sql: METER_READINGS_SQL,
      action: (output, message) => void outputs.push([output, message]),
      errorAction: (f) => void failures.push(f),
    });

  it("routes a device's message through the meter rule's SQL to the action", async () => {
    addMeterRule();

    await client.publishAsync("meters/C0042/readings", JSON.stringify({ timestamp: "2026-11-21T10:00:00Z", kwh: 0.42 }), { qos: 1 });
    await engine.drain();

    expect(outputs).to.deep.equal([
      [
        { timestamp: "2026-11-21T10:00:00Z", kwh: 0.42, clientId: "C0042", day: "20261121", receivedAt: NOW },
        { rule: "meterLake", topic: "meters/C0042/readings", receivedAt: NOW, clientId: "C0042" },
      ],
    ]);
    expect(engine.stats("meterLake")).to.deep.equal({ matched: 1, delivered: 1, filtered: 0, failed: 0 });
  });

  it("sends payloads that are not JSON objects to the error action with the reason", async () => {
    addMeterRule();

    for (const payload of ["not json", "[1,2]", "42"]) await client.publishAsync("meters/C0042/readings", payload, { qos: 1 });
    await engine.drain();

    expect(outputs).to.deep.equal([]);
    expect(failures.map((f) => [f.reason, f.payload, f.topic, f.rule])).to.deep.equal([
      [`payload is not a JSON object: ${errorOf("not json")}`, "not json", "meters/C0042/readings", "meterLake"],
      ["payload is not a JSON object: an array", "[1,2]", "meters/C0042/readings", "meterLake"],
      ["payload is not a JSON object: 42", "42", "meters/C0042/readings", "meterLake"],
    ]);
    expect(engine.stats("meterLake")).to.deep.equal({ matched: 3, delivered: 0, filtered: 0, failed: 3 });
  });

  it("sends a message whose action fails to the error action, and keeps going", async () => {
    let calls = 0;
    engine.addRule({
      name: "telemetry",
      sql: TRAIN_TELEMETRY_SQL,
      action: async (output) => {
        if (++calls === 1) throw new Error("Kinesis is down");
        outputs.push([output, {} as RuleMessage]);
      },
      errorAction: (f) => void failures.push(f),
    });

    await client.publishAsync("trains/train-1/telemetry", '{"seq":1}', { qos: 1 });
    await client.publishAsync("trains/train-1/telemetry", '{"seq":2}', { qos: 1 });
    await engine.drain();

    expect(failures.map((f) => f.reason)).to.deep.equal(["action failed: Kinesis is down"]);
    expect(outputs.map(([o]) => o.seq)).to.deep.equal([2]);
  });

  it("delivers in arrival order one at a time even when the action is slow", async () => {
    engine.addRule({
      name: "telemetry",
      sql: TRAIN_TELEMETRY_SQL,
      action: async (output) => {
        await new Promise((r) => setTimeout(r, 5 - ((output.seq as number) % 5)));
        outputs.push([output, {} as RuleMessage]);
      },
      errorAction: (f) => void failures.push(f),
    });

    for (let seq = 0; seq < 20; seq++) await client.publishAsync("trains/train-1/telemetry", JSON.stringify({ seq }), { qos: 0 });
    await client.publishAsync("trains/train-1/telemetry", "{}", { qos: 1 });
    await engine.drain();

    expect(outputs.map(([o]) => o.seq)).to.deep.equal([...Array.from({ length: 20 }, (_, i) => i), undefined]);
  });

  it("also routes messages the broker itself publishes (the data plane's Publish), without a client id", async () => {
    engine.addRule({
      name: "anomalies",
      sql: "SELECT *, topic(2) AS deviceId FROM 'trains/+/anomalies' WHERE state = 'open'",
      action: (o, m) => void outputs.push([o, m]),
      errorAction: (f) => void failures.push(f),
    });

    await publishFromBroker(broker.broker, "trains/t9/anomalies", '{"state":"open"}');
    await publishFromBroker(broker.broker, "trains/t9/anomalies", '{"state":"cleared"}');
    await engine.drain();

    expect(outputs).to.deep.equal([
      [
        { state: "open", deviceId: "t9" },
        { rule: "anomalies", topic: "trains/t9/anomalies", receivedAt: NOW },
      ],
    ]);
    expect(engine.stats("anomalies")).to.deep.equal({ matched: 2, delivered: 1, filtered: 1, failed: 0 });
  });

  it("refuses unsupported SQL when the rule is added, naming rule and construct", () => {
    const add = () => engine.addRule({ name: "bad", sql: "SELECT * FROM 'a' WHERE x LIKE 'b'", action: () => undefined, errorAction: () => undefined });

    expect(add).to.throw(IotSqlError, `topic rule bad: unsupported construct LIKE at "LIKE" (character 27) in SELECT * FROM 'a' WHERE x LIKE 'b'`);
  });

  it("refuses a second rule of the same name", () => {
    addMeterRule();
    expect(addMeterRule).to.throw(Error, "topic rule meterLake already exists");
  });

  it("stops routing once closed", async () => {
    addMeterRule();
    await engine.close();

    await client.publishAsync("meters/C0042/readings", '{"kwh":1}', { qos: 1 });

    expect(engine.stats("meterLake")).to.deep.equal({ matched: 0, delivered: 0, filtered: 0, failed: 0 });
  });
});

function errorOf(text: string): string {
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return "";
}
