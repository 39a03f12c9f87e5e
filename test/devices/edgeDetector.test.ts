import { expect } from "chai";
import { rmSync, writeFileSync } from "fs";
import { join } from "path";
import { ApuReading, ApuSimulator } from "../../devices/trainAgent/apuSimulator";
import { EdgeDetector } from "../../devices/trainAgent/edgeDetector";
import { EDGE_JOURNAL_FILE } from "../../devices/trainAgent/edgeJournal";
import { checkpointFileOf } from "../../devices/trainAgent/edgeModelFile";
import { encodeState } from "../../anomaly";
import { decodeModelState } from "../../functions/trainAnomaly/stateBlobs";
import { Checkpoint, checkpointOf, fingerprintOf, newModel } from "../../functions/trainAnomaly/checkpoint";
import { TRAIN_DETECTOR_DEFAULTS } from "../../functions/trainAnomaly/settings";
import { TrainModel } from "../../functions/trainAnomaly/trainModel";
import { tempDir } from "../helpers/tempDir";

const THING = "train-0042";
const HISTORY = 2000;
/** An oil fault 50 readings after the model's history: +8 °C for 60 readings. */
const FAULT = { sensor: "Oil_temperature", start: HISTORY + 50, length: 60, offset: 8 };

/** The cloud's model after `HISTORY` readings, its checkpoint, and the live readings that follow. */
function pretrained(): { cloud: TrainModel; checkpoint: Checkpoint; live: ApuReading[] } {
  const sim = new ApuSimulator({ seed: 7, faults: [FAULT] });
  const cloud = newModel(THING, "apu", TRAIN_DETECTOR_DEFAULTS);
  sim.take(HISTORY).forEach((r, i) => cloud.process({ trainId: THING, timestamp: r.timestamp, sensors: r.sensors }, String(i + 1)));
  return { cloud, checkpoint: checkpointOf(cloud, 1, Date.UTC(2020, 1, 1)), live: sim.take(150) };
}

describe("edge detector", () => {
  let dir: string;
  let start: ReturnType<typeof pretrained>;
  before(() => {
    dir = tempDir("edge-");
    start = pretrained();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, body: string | Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it("starting from the cloud's checkpoint, raises the very episodes the cloud raises on the same readings", () => {
    const edge = new EdgeDetector(THING, { modelFile: file("checkpoint.json", checkpointFileOf(start.checkpoint)) });
    const mine = start.live.flatMap((r) => edge.observe(r, true).changes.map((c) => `${c.kind} ${c.episode.id}`));
    const fresh = pretrained();
    const theirs = fresh.live.flatMap((r, i) => {
      const o = fresh.cloud.process({ trainId: THING, timestamp: r.timestamp, sensors: r.sensors }, String(HISTORY + 1 + i));
      return o.kind === "scored" ? o.changes.filter((c) => c.kind !== "updated").map((c) => `${c.kind} ${c.episode.id}`) : [];
    });
    const onset = start.live[50].timestamp;
    expect(mine).to.deep.equal([`opened apu-${onset}`, `cleared apu-${onset}`]);
    expect(mine).to.deep.equal(theirs);
    expect(edge.stats).to.deep.include({ readings: 150, scored: 150, rejected: 0 });
  });

  it("reads the checkpoint as DynamoDB prints it and as bare model state bytes", () => {
    const c = start.checkpoint;
    const item = {
      Item: {
        trainId: { S: c.trainId },
        detector: { S: c.group },
        version: { N: "1" },
        fingerprint: { S: c.fingerprint },
        model: { B: Buffer.from(c.model).toString("base64") },
        sidecar: { S: c.sidecar },
      },
    };
    const ids = (modelFile: string) => {
      const edge = new EdgeDetector(THING, { modelFile });
      return start.live.flatMap((r) => edge.observe(r, false).changes.map((change) => `${change.kind} ${change.episode.id}`));
    };
    const onset = start.live[50].timestamp;
    expect(ids(file("item.json", JSON.stringify(item)))).to.deep.equal([`opened apu-${onset}`, `cleared apu-${onset}`]);
    expect(ids(file("model.grs", c.model))).to.deep.equal([`opened apu-${onset}`, `cleared apu-${onset}`]);
    expect(ids(file("model.grds", encodeState(decodeModelState(c.model))))).to.deep.equal([`opened apu-${onset}`, `cleared apu-${onset}`]);
  });

  it("starts another train from a sibling's checkpoint with its detector alone, not the sibling's open episode, and says so", () => {
    // the cloud's model checkpointed in the middle of the fault, its episode open
    const sim = new ApuSimulator({ seed: 7, faults: [FAULT] });
    const cloud = newModel(THING, "apu", TRAIN_DETECTOR_DEFAULTS);
    sim.take(FAULT.start + 30).forEach((r, i) => cloud.process({ trainId: THING, timestamp: r.timestamp, sensors: r.sensors }, String(i + 1)));
    const path = file("mid-fault.json", checkpointFileOf(checkpointOf(cloud, 1, Date.UTC(2020, 1, 1))));
    const live = sim.take(100);
    const run = (train: string) => {
      const edge = new EdgeDetector(train, { modelFile: path });
      return { notes: edge.notes, changes: live.flatMap((r) => edge.observe(r, true).changes.map((c) => `${c.kind} ${c.episode.id}`)) };
    };
    const own = run(THING);
    expect(own.notes).to.deep.equal([]);
    expect(own.changes[0]).to.match(/^cleared apu-/);
    const other = run("train-0099");
    expect(other.notes).to.deep.equal([
      `--edge-model ${path} is ${THING}'s model, not train-0099's: train-0099 starts from its detector, without its episodes and reading watermark`,
    ]);
    expect(other.changes.filter((c) => c === own.changes[0])).to.deep.equal([]);
  });

  it("refuses a bad --edge-model file with a StateError naming the file and the reason", () => {
    const other = { ...start.checkpoint, fingerprint: "0123456789abcdef" };
    const ours = fingerprintOf(TRAIN_DETECTOR_DEFAULTS, "apu");
    const cases: [string, string, string][] = [
      ["missing", join(dir, "absent.json"), "cannot read: ENOENT"],
      ["not JSON", file("broken.json", "{ model"), "not JSON: Expected property name or '}' in JSON at position 2 (line 1 column 3)"],
      ["no model field", file("empty.json", "{}"), `not a checkpoint: fields "group" (or "detector") and "model" are required`],
      [
        "other settings",
        file("other.json", checkpointFileOf(other)),
        `made under other detector settings (fingerprint 0123456789abcdef, the agent's is ${ours})`,
      ],
      ["unknown group", file("group.json", checkpointFileOf({ ...start.checkpoint, group: "oil" })), `group "oil" is not one of the settings' (apu)`],
      ["garbage bytes", file("garbage.bin", "GRS1\u0001"), "model state does not start with GRS1"],
      ["a cut envelope", file("cut.bin", "GRDS"), "detector state envelope cut short: 4 bytes"],
    ];
    for (const [what, path, why] of cases) {
      let error: Error | undefined;
      try {
        new EdgeDetector(THING, { modelFile: path });
      } catch (e) {
        error = e as Error;
      }
      expect([what, error?.name, error?.message]).to.deep.equal([what, "StateError", `--edge-model ${path}: ${why}`]);
    }
  });

  it("reports a reading it cannot score, naming the field and value, and scores the next one", () => {
    const edge = new EdgeDetector(THING);
    const [a, b] = start.live;
    const { Oil_temperature: _oil, ...noOil } = a.sensors;
    const step = edge.observe({ timestamp: a.timestamp, sensors: noOil }, true);
    expect(step.rejection).to.equal(
      `edge detector skipped reading 1 of ${THING} at ${new Date(a.timestamp).toISOString()}: field "sensors.Oil_temperature" is required (a detector input)`,
    );
    expect(edge.observe(b, true).rejection).to.equal(undefined);
    expect(edge.stats).to.deep.include({ readings: 2, scored: 1, rejected: 1 });
  });

  it("scores a reading with a sensor out of its bounds with an estimate in its place, and raises the sensor's fault as the cloud does", () => {
    const edge = new EdgeDetector(THING);
    const [a, b] = start.live;
    const step = edge.observe({ timestamp: a.timestamp, sensors: { ...a.sensors, TP2: 99 } }, true);
    expect(step.rejection).to.equal(undefined);
    expect(step.changes.map((c) => [c.kind, c.episode.id, c.episode.fault, c.episode.sensors, c.offline])).to.deep.equal([
      ["opened", `apu-TP2-${a.timestamp}`, true, ["TP2"], true],
    ]);
    expect(step.changes[0].episode.message).to.match(/^TP2 reads outside its bounds -1..20 bar since .* \(99 bar\): the sensor or its wiring may be faulty\./);
    expect(edge.observe(b, true).rejection).to.equal(undefined);
    expect(edge.stats).to.deep.include({ readings: 2, scored: 2, rejected: 0 });
  });

  it("keeps its episodes and its model next to the outbox, so a rebooted agent goes on where it stopped", () => {
    const journalDir = join(dir, "outbox");
    const modelFile = file("journal-checkpoint.json", checkpointFileOf(start.checkpoint));
    const edge = new EdgeDetector(THING, { modelFile, journalDir });
    start.live.slice(0, 60).forEach((r) => edge.observe(r, true));
    edge.close();
    writeFileSync(join(journalDir, EDGE_JOURNAL_FILE), "{torn", { flag: "a" });
    const onset = start.live[50].timestamp;

    const rebooted = new EdgeDetector(THING, { modelFile, journalDir });
    expect(rebooted.episodes().map((e) => [e.id, e.status, e.raisedOffline, e.sensors])).to.deep.equal([
      [`apu-${onset}`, "ongoing", true, ["Oil_temperature"]],
    ]);
    // the saved model holds the open episode: the rest of the fault clears it, as one uninterrupted run does
    const after = start.live.slice(60).flatMap((r) => rebooted.observe(r, true).changes.map((c) => `${c.kind} ${c.episode.id}`));
    expect(after).to.deep.equal([`cleared apu-${onset}`]);
    expect(rebooted.episodes().map((e) => e.status)).to.deep.equal(["cleared"]);
    rebooted.close();
  });
});
