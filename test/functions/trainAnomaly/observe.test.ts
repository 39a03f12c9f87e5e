import { expect } from "chai";
import { emptyReport } from "../../../functions/trainAnomaly/batchReport";
import { LambdaRuntime } from "../../../functions/trainAnomaly/lambdaRuntime";
import { LogSink, MetricSink, MetricUnitName, publishReport } from "../../../functions/trainAnomaly/observe";
import { kinesisEvent } from "../../helpers/kinesisEvents";
import { memoryDeps, trainRecords } from "../../helpers/trainFleet";

/** Records what Powertools' Logger and Metrics would be asked to emit. */
class Recorder implements LogSink, MetricSink {
  readonly logs: [string, string, Record<string, unknown>][] = [];
  readonly metrics: string[] = [];
  readonly published: string[][] = [];
  private dimensions: string[] = ["service=trainAnomaly"];

  info(message: string, extra: Record<string, unknown> = {}) {
    this.logs.push(["info", message, extra]);
  }
  warn(message: string, extra: Record<string, unknown> = {}) {
    this.logs.push(["warn", message, extra]);
  }
  error(message: string, extra: Record<string, unknown> = {}) {
    this.logs.push(["error", message, extra]);
  }
  addMetric(name: string, unit: MetricUnitName, value: number) {
    this.metrics.push(`${name} ${value} ${unit}`);
  }
  addDimension(name: string, value: string) {
    this.dimensions.push(`${name}=${value}`);
  }
  clearDefaultDimensions() {
    this.dimensions = [];
  }
  publishStoredMetrics() {
    this.published.push([this.dimensions.join(","), ...this.metrics.splice(0)]);
  }
  singleMetric(): MetricSink {
    const single = new Recorder();
    single.dimensions = [...this.dimensions];
    single.addMetric = (name, unit, value) => this.published.push([single.dimensions.join(","), `${name} ${value} ${unit}`]);
    return single;
  }
}

describe("logs and metrics of a batch", () => {
  const report = {
    ...emptyReport(3),
    scored: 2,
    partial: 1,
    duplicates: 1,
    trains: 1,
    created: 1,
    durationMs: 12.4,
    scoreMs: 8,
    checkpointBytes: [41000],
    rejected: { decode: 0, schema: 0, clock: 0, late: 0, conflict: 0, detector: 0 },
    anomalies: [{ trainId: "train-7", group: "apu", timestamp: Date.UTC(2020, 1, 1, 1, 48, 20), score: 0.56, grade: 0.12, sensors: ["Oil_temperature"] }],
    episodes: [
      { trainId: "train-7", kind: "opened" as const, id: "apu-1580521700000", message: "Unusual apu readings since ..." },
      { trainId: "train-7", kind: "opened" as const, id: "apu-TP2-1580521710000", message: "TP2 reads outside its bounds ...", fault: true },
    ],
    maxScore: { "train-7": 0.56 },
    evicted: [
      { trainId: "train-7", id: "apu-1580520000000", status: "cleared", message: "Unusual apu readings from ...", wasInShadow: true },
      { trainId: "train-7", id: "apu-1580521000000", status: "ongoing", message: "Unusual apu readings since ...", wasInShadow: true },
    ],
  };

  it("publishes the batch counters, then per train only the TrainId dimension the dashboard searches for", () => {
    const r = new Recorder();
    publishReport(report, r, r);
    expect(r.published).to.deep.equal([
      [
        "service=trainAnomaly",
        "RecordsReceived 3 Count",
        "RecordsScored 2 Count",
        "DuplicateRecords 1 Count",
        "RejectedRecords 0 Count",
        "FailedRecords 0 Count",
        "Anomalies 1 Count",
        "PartialRecords 1 Count",
        "EpisodesOpened 1 Count",
        "EpisodesCleared 0 Count",
        "SensorFaultsOpened 1 Count",
        "ModelsRestored 0 Count",
        "ModelsCreated 1 Count",
        "ModelsReset 0 Count",
        "ModelsStale 0 Count",
        "CheckpointConflicts 0 Count",
        "ShadowUpdates 0 Count",
        "ShadowConflicts 0 Count",
        "ShadowEntriesEvicted 1 Count",
        "CheckpointBytes 41000 Bytes",
        "CheckpointBytesTotal 41000 Bytes",
        "BatchDuration 12.4 Milliseconds",
        "RestoreDuration 0 Milliseconds",
        "ScoreDuration 8 Milliseconds",
        "RecordAge 0 Milliseconds",
      ],
      ["TrainId=train-7", "AnomalyScore 0.56 None"],
      ["TrainId=train-7", "AnomalyCount 1 Count"],
    ]);
  });

  it("logs each anomaly with the fields of the dashboard's table (trainId, score, detector, anomaly = 1), and a sensor fault apart", () => {
    const r = new Recorder();
    publishReport(report, r, r);
    expect(r.logs.slice(0, 3)).to.deep.equal([
      [
        "info",
        "anomaly",
        { trainId: "train-7", detector: "apu", anomaly: 1, score: 0.56, grade: 0.12, readingTime: "2020-02-01T01:48:20.000Z", sensors: ["Oil_temperature"] },
      ],
      ["info", "episode opened", { trainId: "train-7", episode: "apu-1580521700000", text: "Unusual apu readings since ..." }],
      ["warn", "sensor fault opened", { trainId: "train-7", episode: "apu-TP2-1580521710000", text: "TP2 reads outside its bounds ..." }],
    ]);
    // an old cleared entry going is routine; an ongoing one (or one never shown) the train may have missed
    expect(r.logs.slice(3, 5)).to.deep.equal([
      [
        "info",
        "shadow entry evicted",
        { trainId: "train-7", episode: "apu-1580520000000", status: "cleared", text: "Unusual apu readings from ...", wasInShadow: true },
      ],
      [
        "warn",
        "shadow entry evicted",
        { trainId: "train-7", episode: "apu-1580521000000", status: "ongoing", text: "Unusual apu readings since ...", wasInShadow: true },
      ],
    ]);
    expect(r.logs[5]).to.deep.equal([
      "info",
      "batch",
      {
        records: 3,
        scored: 2,
        partial: 1,
        duplicates: 1,
        rejected: 0,
        failed: 0,
        trains: 1,
        restored: 0,
        created: 1,
        resets: 0,
        staleModels: 0,
        checkpoints: 1,
        checkpointBytes: 41000,
        durationMs: 12,
        restoreMs: 0,
        scoreMs: 8,
      },
    ]);
  });
});

describe("the Lambda runtime", () => {
  it("answers a Kinesis batch with its failures and publishes what it did", async () => {
    const r = new Recorder();
    const runtime = new LambdaRuntime(memoryDeps(), r, r);
    const response = await runtime.handle(kinesisEvent([...trainRecords("train-1", 3), { partitionKey: "train-1", data: "{" }]));
    expect(response).to.deep.equal({ batchItemFailures: [] });
    expect(r.published[0].slice(0, 5)).to.deep.equal([
      "service=trainAnomaly",
      "RecordsReceived 4 Count",
      "RecordsScored 3 Count",
      "DuplicateRecords 0 Count",
      "RejectedRecords 1 Count",
    ]);
  });

  it("logs and rethrows an event it cannot read, so Lambda retries (and bisects) the batch", async () => {
    const r = new Recorder();
    const runtime = new LambdaRuntime(memoryDeps(), r, r);
    let name = "";
    await runtime.handle({ Records: [{ kinesis: {} }] }).catch((e: Error) => (name = e.name));
    expect([name, r.logs]).to.deep.equal([
      "EventError",
      [["error", "cannot read the event", { error: "not a Kinesis event: Records[0] has no decimal kinesis.sequenceNumber" }]],
    ]);
  });
});
