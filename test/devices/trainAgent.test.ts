import { expect } from "chai";
import { EventEmitter } from "events";
import { MqttClient } from "mqtt";
import { rmSync } from "fs";
import { AnomalyNotice, acknowledgementsOf, applyReport, readAnomalyShadow } from "../../devices/trainAgent/anomalyInbox";
import { Outbox } from "../../devices/trainAgent/outbox";
import { TrainAgent } from "../../devices/trainAgent/trainAgent";
import { APU_SENSORS, ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { LoopbackBroker, startBroker, until } from "../helpers/mqttBroker";
import { ShadowService, attachToBroker } from "../helpers/shadowService";
import { tempDir } from "../helpers/tempDir";

const THING = "train-0042";
const entry = (status: "ongoing" | "cleared", message = "Unusual apu readings since 2020-02-01 01:48:20 UTC: Oil_temperature is high.") => ({
  group: "apu",
  status,
  startedAt: "2020-02-01T01:48:20.000Z",
  updatedAt: "2020-02-01T01:48:20.000Z",
  message,
});

describe("train agent outbox", () => {
  it("hands out messages in order, keeps them until acknowledged and resends the ones in flight after a drop", () => {
    const o = new Outbox();
    for (let i = 0; i < 4; i++) o.add((seq) => `m${seq}`);
    expect(o.take(2).map((m) => m.seq)).to.deep.equal([0, 1]);
    o.acknowledge(0);
    o.requeueInflight();
    expect(o.take(10).map((m) => m.seq)).to.deep.equal([1, 2, 3]);
    o.acknowledge(1);
    o.acknowledge(1);
    expect([o.size, o.acknowledged]).to.deep.equal([2, 2]);
  });

  it("drops the oldest past its capacity and counts them", () => {
    const o = new Outbox(2);
    for (let i = 0; i < 5; i++) o.add((seq) => `m${seq}`);
    expect([o.take(5).map((m) => m.payload), o.dropped]).to.deep.equal([["m3", "m4"], 3]);
  });
});

describe("anomaly shadow protocol, train side", () => {
  const cases: [string, object, string[], object | undefined][] = [
    ["no shadow content", {}, [], undefined],
    ["a new anomaly", { state: { desired: { anomalies: { a: entry("ongoing") } } } }, ["a new"], { a: entry("ongoing") }],
    [
      "one already reported (keys in another order)",
      {
        state: {
          desired: { anomalies: { a: entry("ongoing") } },
          reported: { anomalies: { a: Object.fromEntries(Object.entries(entry("ongoing")).reverse()) } },
        },
      },
      [],
      undefined,
    ],
    [
      "an update to a reported one",
      { state: { desired: { anomalies: { a: entry("cleared") } }, reported: { anomalies: { a: entry("ongoing") } } } },
      ["a changed"],
      { a: entry("cleared") },
    ],
    [
      "another alarm of a told episode: the same sentence and status, acknowledged without telling again",
      {
        state: {
          desired: { anomalies: { a: { ...entry("ongoing"), updatedAt: "2020-02-01T01:49:20.000Z", alarms: 3 } } },
          reported: { anomalies: { a: { ...entry("ongoing"), alarms: 2 } } },
        },
      },
      [],
      { a: { ...entry("ongoing"), updatedAt: "2020-02-01T01:49:20.000Z", alarms: 3 } },
    ],
    [
      "a told episode whose sentence changed (another sensor drives it)",
      {
        state: {
          desired: { anomalies: { a: entry("ongoing", "Unusual apu readings since 2020-02-01 01:48:20 UTC: TP2 is low.") } },
          reported: { anomalies: { a: entry("ongoing") } },
        },
      },
      ["a changed"],
      { a: entry("ongoing", "Unusual apu readings since 2020-02-01 01:48:20 UTC: TP2 is low.") },
    ],
    ["a cleared one the cloud dropped", { state: { desired: { anomalies: {} }, reported: { anomalies: { old: entry("cleared") } } } }, [], { old: null }],
    [
      "an ongoing one the cloud dropped before it cleared: told it is withdrawn, its end unknown",
      { state: { desired: { anomalies: {} }, reported: { anomalies: { gone: entry("ongoing") } } } },
      ["gone withdrawn"],
      { gone: null },
    ],
  ];
  for (const [what, doc, notices, report] of cases) {
    it(`handles ${what}`, () => {
      const step = readAnomalyShadow(doc);
      expect([step.notices.map((n) => `${n.id} ${n.kind}`), step.report, step.malformed]).to.deep.equal([notices, report, undefined]);
    });
  }

  // a hand edit of the shadow: entries the train cannot show are skipped and named, the others still told
  const malformed: [string, unknown][] = [
    ["null", null],
    ["a string", "oil hot"],
    ["an entry without startedAt", { ...entry("ongoing"), startedAt: undefined }],
    ["an entry with another status", { ...entry("ongoing"), status: "open" }],
    ["an entry whose message is not text", { ...entry("ongoing"), message: 7 }],
  ];
  for (const [what, bad] of malformed) {
    it(`skips and names ${what} among the desired entries, and tells the good ones`, () => {
      const step = readAnomalyShadow({ state: { desired: { anomalies: { bad, good: entry("ongoing") } as never } } });
      expect([step.notices.map((n) => `${n.id} ${n.kind}`), step.report, step.malformed]).to.deep.equal([["good new"], { good: entry("ongoing") }, ["bad"]]);
      // one told before and hand-edited since is not taken for withdrawn
      const edited = readAnomalyShadow({ state: { desired: { anomalies: { bad } as never } } }, { bad: entry("ongoing") });
      expect(edited.notices).to.deep.equal([]);
    });
  }
  it("compares with the acknowledgements it is given rather than the document's own reported state", () => {
    const doc = { state: { desired: { anomalies: { a: entry("cleared"), b: entry("ongoing") } }, reported: { anomalies: { a: entry("cleared") } } } };
    const step = readAnomalyShadow(doc, { b: entry("ongoing"), old: entry("cleared") });
    expect([step.notices.map((n) => `${n.id} ${n.kind}`), step.report]).to.deep.equal([["a new"], { a: entry("cleared"), old: null }]);
  });

  it("keeps its acknowledgements as the ack shadow will hold them", () => {
    expect(applyReport({ a: entry("ongoing"), old: entry("cleared") }, { a: entry("cleared"), old: null, b: entry("ongoing") })).to.deep.equal({
      a: entry("cleared"),
      b: entry("ongoing"),
    });
    expect([
      acknowledgementsOf({ state: { reported: { anomalies: { a: entry("ongoing") } } } }),
      acknowledgementsOf({}),
      acknowledgementsOf(null),
    ]).to.deep.equal([{ a: entry("ongoing") }, {}, {}]);
  });
});

describe("the air production unit simulator", () => {
  it("reads exactly the sensors it names (the ones a --fault may name)", () => {
    expect(Object.keys(new ApuSimulator({ seed: 1 }).next().sensors)).to.deep.equal([...APU_SENSORS]);
  });
});

describe("train agent against a broker that accepts and then closes at once", () => {
  it("waits ever longer before each new attempt, and warns each time, instead of retrying twice a second", async () => {
    const attempts: number[] = [];
    const connect = (): MqttClient => {
      attempts.push(Date.now());
      const client = Object.assign(new EventEmitter(), {
        subscribe: () => client,
        publish: () => client,
        end: (_force?: boolean, _options?: object, done?: () => void) => (done?.(), client),
      });
      setImmediate(() => (client.emit("connect"), client.emit("close")));
      return client as unknown as MqttClient;
    };
    const warnings: string[] = [];
    const agent = new TrainAgent({ brokerUrl: "mqtt://127.0.0.1:1", thingName: THING, reconnectMs: [20, 160], connect });
    agent.on("warning", (e: Error) => warnings.push(e.message));
    agent.start();
    await until("six attempts", () => attempts.length >= 6);
    await agent.stop();
    const waits = attempts.slice(1).map((t, i) => t - attempts[i]);
    // 20, 40, 80, 160, 160 ms, each at least that long (less a millisecond: a timer may fire that early by Date.now())
    expect(waits.slice(0, 5).map((w, i) => w >= [20, 40, 80, 160, 160][i] - 2)).to.deep.equal([true, true, true, true, true]);
    expect(warnings.length).to.be.at.least(5);
    expect(warnings[0]).to.match(
      /^the broker closed the connection \d+ ms after accepting it \(is the thing provisioned and allowed to connect and publish\?\)$/,
    );
  });
});

describe("train agent over MQTT (loopback aedes broker)", function () {
  this.timeout(20_000);
  let broker: LoopbackBroker | undefined;
  let agent: TrainAgent | undefined;
  afterEach(async () => {
    await agent?.stop();
    await broker?.close();
    agent = broker = undefined;
  });

  const readings = new ApuSimulator({ seed: 4 }).take(30);
  const telemetry = (b: LoopbackBroker) => b.published.filter((p) => p.topic === `trains/${THING}/telemetry`).map((p) => JSON.parse(p.payload));

  it("publishes each reading once, in order, on its own telemetry topic", async () => {
    broker = await startBroker();
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: THING });
    agent.start();
    readings.slice(0, 5).forEach((r) => agent!.send(r));
    await until("five acknowledged readings", () => agent!.status.acknowledged === 5);
    expect(telemetry(broker)).to.deep.equal(readings.slice(0, 5).map((r, seq) => ({ trainId: THING, timestamp: r.timestamp, seq, sensors: r.sensors })));
    expect(broker.published[0].clientId).to.equal(THING);
  });

  it("buffers while offline and flushes on reconnect without loss or duplication", async () => {
    const first = await startBroker();
    const port = first.port;
    await first.close();
    agent = new TrainAgent({ brokerUrl: `mqtt://127.0.0.1:${port}`, thingName: THING, reconnectMs: [20, 100] });
    agent.start();
    readings.slice(0, 10).forEach((r) => agent!.send(r));
    await new Promise((r) => setTimeout(r, 100));
    expect(agent.status).to.deep.include({ connected: false, buffered: 10, acknowledged: 0 });

    broker = await startBroker(port);
    await until("the first ten readings", () => agent!.status.acknowledged === 10);
    const before = broker.published.length;
    await broker.close();
    readings.slice(10, 20).forEach((r) => agent!.send(r));
    broker = await startBroker(port);
    readings.slice(20, 30).forEach((r) => agent!.send(r));
    await until("all thirty readings", () => agent!.status.acknowledged === 30);
    expect(before).to.be.greaterThan(0);
    expect(telemetry(broker).map((m) => m.seq)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 10 + i));
    expect(agent.status).to.deep.equal({ connected: true, buffered: 0, inflight: 0, acknowledged: 30, dropped: 0, restored: 0, torn: 0 });
  });

  it("sends every reading exactly once and in order when it reboots in the middle of an outage", async () => {
    const dir = tempDir("outbox-");
    try {
      broker = await startBroker();
      const port = broker.port;
      agent = new TrainAgent({ brokerUrl: broker.url, thingName: THING, outboxDir: dir, reconnectMs: [20, 100] });
      agent.start();
      readings.slice(0, 5).forEach((r) => agent!.send(r));
      await until("the first five readings", () => agent!.status.acknowledged === 5);
      await broker.close();
      readings.slice(5, 15).forEach((r) => agent!.send(r));
      await agent.stop();

      agent = new TrainAgent({ brokerUrl: `mqtt://127.0.0.1:${port}`, thingName: THING, outboxDir: dir, reconnectMs: [20, 100] });
      expect(agent.status).to.deep.include({ buffered: 10, restored: 10, dropped: 0, torn: 0 });
      agent.start();
      readings.slice(15, 20).forEach((r) => agent!.send(r));
      broker = await startBroker(port);
      readings.slice(20, 30).forEach((r) => agent!.send(r));
      await until("the other twenty-five readings", () => agent!.status.acknowledged === 25);
      expect(telemetry(broker).map((m) => [m.seq, m.timestamp])).to.deep.equal(readings.slice(5).map((r, i) => [5 + i, r.timestamp]));
    } finally {
      await agent?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is told about anomalies on connect and on each change, and acknowledges them in its own shadow, never the cloud's", async () => {
    broker = await startBroker();
    const shadows = new ShadowService();
    attachToBroker(shadows, broker.broker);
    shadows.update(THING, "anomaly", { state: { desired: { anomalies: { a: entry("ongoing") } } } });
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: THING });
    const notices: AnomalyNotice[] = [];
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.start();
    await until("the first anomaly", () => notices.length === 1);
    await until("the acknowledgement", () => shadows.get(THING, "anomaly-ack")?.state.reported !== undefined);

    shadows.update(THING, "anomaly", { state: { desired: { anomalies: { a: entry("cleared"), b: entry("ongoing", "second") } } } });
    await until("two more notices", () => notices.length === 3);
    expect(notices.map((n) => `${n.id} ${n.kind} ${n.entry.status}`)).to.deep.equal(["a new ongoing", "a changed cleared", "b new ongoing"]);
    const acknowledged = { anomalies: { a: entry("cleared"), b: entry("ongoing", "second") } };
    await until("both acknowledged", () => JSON.stringify(shadows.get(THING, "anomaly-ack")?.state.reported) === JSON.stringify(acknowledged));
    expect(shadows.get(THING, "anomaly")!.state.reported).to.equal(undefined);
    expect(broker.published.filter((p) => p.topic.includes("/shadow/name/anomaly/") && !p.topic.endsWith("/get"))).to.deep.equal([]);
  });

  it("warns of a hand-edited shadow entry it cannot show, and still tells and acknowledges the good one", async () => {
    broker = await startBroker();
    const shadows = new ShadowService();
    attachToBroker(shadows, broker.broker);
    shadows.update(THING, "anomaly", { state: { desired: { anomalies: { typo: "oil hot", a: entry("ongoing") } } } } as never);
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: THING });
    const notices: AnomalyNotice[] = [];
    const warnings: string[] = [];
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.on("warning", (e: Error) => warnings.push(e.message));
    agent.start();
    await until("the acknowledgement", () => shadows.get(THING, "anomaly-ack")?.state.reported !== undefined);
    expect(notices.map((n) => n.id)).to.deep.equal(["a"]);
    expect(warnings).to.deep.equal(["anomaly shadow entries that are not anomalies, skipped: typo"]);
    expect(shadows.get(THING, "anomaly-ack")!.state.reported).to.deep.equal({ anomalies: { a: entry("ongoing") } });
  });

  it("does not tell its people again what it acknowledged before it reconnected", async () => {
    broker = await startBroker();
    const shadows = new ShadowService();
    attachToBroker(shadows, broker.broker);
    shadows.update(THING, "anomaly", { state: { desired: { anomalies: { a: entry("ongoing"), b: entry("ongoing", "second") } } } });
    shadows.update(THING, "anomaly-ack", { state: { reported: { anomalies: { a: entry("ongoing") } } } });
    agent = new TrainAgent({ brokerUrl: broker.url, thingName: THING });
    const notices: AnomalyNotice[] = [];
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.start();
    await until(
      "the acknowledgement of b",
      () => Object.keys((shadows.get(THING, "anomaly-ack")!.state.reported as { anomalies: object }).anomalies).length === 2,
    );
    expect(notices.map((n) => `${n.id} ${n.kind}`)).to.deep.equal(["b new"]);
  });
});
