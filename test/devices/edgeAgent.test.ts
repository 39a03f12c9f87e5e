import { expect } from "chai";
import { rmSync, writeFileSync } from "fs";
import { join } from "path";
import { AnomalyNotice } from "../../devices/trainAgent/anomalyInbox";
import { ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { EdgeChange, EdgeDetector } from "../../devices/trainAgent/edgeDetector";
import { checkpointFileOf } from "../../devices/trainAgent/edgeModelFile";
import { Reconciliation } from "../../devices/trainAgent/reconcile";
import { TrainAgent } from "../../devices/trainAgent/trainAgent";
import { checkpointOf, newModel } from "../../functions/trainAnomaly/checkpoint";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { ShadowEntry, shadowEntry } from "../../functions/trainAnomaly/shadowDocument";
import { LoopbackBroker, startBroker, until } from "../helpers/mqttBroker";
import { ShadowService, attachToBroker } from "../helpers/shadowService";
import { tempDir } from "../helpers/tempDir";

const THING = "train-0042";
const HISTORY = 2000;

describe("train agent with --edge-detect (loopback aedes broker)", function () {
  this.timeout(30_000);
  let dir: string;
  let broker: LoopbackBroker | undefined;
  let agent: TrainAgent | undefined;
  before(() => (dir = tempDir("edge-agent-")));
  after(async () => {
    await agent?.stop();
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("warns of a fault while offline and, back online, reports the cloud's episode once, as confirmed", async () => {
    // Prepare: the cloud's model after a history, checkpointed to a file; an oil fault in the live readings
    const sim = new ApuSimulator({ seed: 7, faults: [{ sensor: "Oil_temperature", start: HISTORY + 50, length: 60, offset: 8 }] });
    const cloud = newModel(THING, "apu", TRAIN_DETECTOR_DEFAULTS);
    sim.take(HISTORY).forEach((r, i) => cloud.process({ trainId: THING, timestamp: r.timestamp, sensors: r.sensors }, String(i + 1)));
    const modelFile = join(dir, "checkpoint.json");
    writeFileSync(modelFile, checkpointFileOf(checkpointOf(cloud, 1, Date.UTC(2020, 1, 1))));
    const live = sim.take(80);
    const down = await startBroker();
    const port = down.port;
    await down.close();

    // Act 1: the agent runs offline through the fault's onset
    const edge = new EdgeDetector(THING, { modelFile, journalDir: join(dir, "outbox") });
    agent = new TrainAgent({ brokerUrl: `mqtt://127.0.0.1:${port}`, thingName: THING, outboxDir: join(dir, "outbox"), reconnectMs: [20, 100], edge });
    const changes: EdgeChange[] = [];
    const notices: AnomalyNotice[] = [];
    const reconciled: Reconciliation[] = [];
    agent.on("edge", (c: EdgeChange) => changes.push(c));
    agent.on("anomaly", (n: AnomalyNotice) => notices.push(n));
    agent.on("reconciled", (r: Reconciliation) => reconciled.push(r));
    agent.on("warning", () => undefined);
    agent.start();
    live.forEach((r) => agent!.send(r));
    const onset = live[50].timestamp;

    // Assess 1: one warning, raised offline, of the oil fault
    expect(changes.map((c) => [c.kind, c.episode.id, c.offline, c.episode.sensors])).to.deep.equal([["opened", `apu-${onset}`, true, ["Oil_temperature"]]]);
    expect(agent.status).to.deep.include({ connected: false, buffered: 80 });

    // Act 2: the cloud scores the same readings (as it will once they are flushed) and writes its shadow
    const entries: Record<string, ShadowEntry> = {};
    live.forEach((r, i) => {
      const o = cloud.process({ trainId: THING, timestamp: r.timestamp, sensors: r.sensors }, String(HISTORY + 1 + i));
      if (o.kind === "scored") for (const c of o.changes) entries[c.episode.id] = shadowEntry(c.episode);
    });
    broker = await startBroker(port);
    const shadows = new ShadowService();
    attachToBroker(shadows, broker.broker);
    shadows.update(THING, "anomaly", { state: { desired: { anomalies: entries } } });
    await until("the flush and the cloud's notice", () => agent!.status.acknowledged === 80 && notices.length > 0);

    // Assess 2: one episode, told once, confirmed by the cloud
    expect(notices.map((n) => [n.id, n.kind, n.edgeIds])).to.deep.equal([[`apu-${onset}`, "new", [`apu-${onset}`]]]);
    const last = reconciled[reconciled.length - 1];
    expect([last.confirmed, last.edgeOnly, last.cloudOnly]).to.deep.equal([1, 0, 0]);
    expect(agent.reconciliation?.episodes.map((e) => `${e.kind} ${e.cloudId} ${e.edgeIds.join(",")}`)).to.deep.equal([
      `confirmed by cloud apu-${onset} apu-${onset}`,
    ]);
  });
});
