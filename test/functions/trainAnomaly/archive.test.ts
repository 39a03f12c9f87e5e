import { expect } from "chai";
import { ApuSimulator } from "../../../devices/trainAgent/apuSimulator";
import { decodeKinesisEvent } from "../../../functions/trainAnomaly/kinesisEvent";
import { MemoryCheckpointStore, MemoryDeadLetterSink, MemoryShadowStore } from "../../../functions/trainAnomaly/memoryPorts";
import { ModelCache } from "../../../functions/trainAnomaly/modelCache";
import { processBatch } from "../../../functions/trainAnomaly/processBatch";
import { parseDetectorSettingsJson } from "../../../functions/trainAnomaly/settings";
import { ArchiveFile, zipBytes } from "../../../infra/shared/callbackArchive";
import { AwsStandIn, startAwsStandIn } from "../../helpers/awsStandIn";
import { KinesisRecordInput, kinesisEvent } from "../../helpers/kinesisEvents";
import { Invocation, UnpackedFunction, unpackFunction } from "../../helpers/lambdaArchive";
import { runProgram } from "../../helpers/pulumiRecorder";
import { probe } from "../../helpers/trainFleet";

const TRAIN = "train-0001";
const readings = new ApuSimulator({ seed: 1, faults: [{ sensor: "Oil_temperature", start: 240, length: 20, offset: 10 }] }).take(400);
/** Readings 100..129 have TP2 about 100 bar, outside its bounds: a broken transducer, still open at the end. */
const BROKEN = { from: 100, to: 130 };
const sensorsOf = (i: number) => (i >= BROKEN.from && i < BROKEN.to ? { ...readings[i].sensors, TP2: readings[i].sensors.TP2 + 100 } : readings[i].sensors);
const message = (i: number): KinesisRecordInput => ({
  partitionKey: TRAIN,
  data: { trainId: TRAIN, timestamp: readings[i].timestamp, seq: i, sensors: sensorsOf(i), receivedAt: readings[i].timestamp + 150 },
});
const first = [
  ...readings.slice(0, 280).map((_, i) => message(i)),
  { partitionKey: TRAIN, data: { trainId: TRAIN, timestamp: "yesterday", sensors: {} } },
  { partitionKey: TRAIN, data: "", base64: "not base64!" },
  // a train clock 80 years fast: refused, and the readings after it are still learned
  { partitionKey: TRAIN, data: { ...(message(279).data as object), timestamp: "2099-12-31T23:59:59Z" } },
];
const second = readings.slice(280).map((_, i) => message(280 + i));

describe("the anomaly Lambda archive as Pulumi uploads it", function () {
  this.timeout(120_000);
  let fn: UnpackedFunction;
  let files: ArchiveFile[];
  let stand: AwsStandIn;
  let variables: Record<string, string>;

  before(async () => {
    fn = await unpackFunction(await runProgram("prod"), "trains-anomaly-fn");
    ({ files, variables } = fn);
    stand = await startAwsStandIn();
  });

  after(async () => {
    await stand?.close();
    fn?.remove();
  });

  /** Runs the handler in a new Node process (a cold start) on each batch in turn (warm after the first). */
  function invoke(batches: readonly [readonly KinesisRecordInput[], number][]): Promise<Invocation> {
    return fn.invoke(
      batches.map(([records, firstIndex]) => kinesisEvent(records, firstIndex)),
      stand.endpoint,
      {
        FAILURE_QUEUE_URL: `${stand.endpoint}/123456789012/trains-anomaly-dlq`,
        // the stack points the shadow client at the account's ATS endpoint; here the stand-in plays it
        AWS_ENDPOINT_URL_IOT_DATA_PLANE: stand.endpoint,
      },
    );
  }

  it("holds the serialized handler, Powertools and the X-Ray SDK only, under 1 MB zipped", () => {
    const roots = [
      ...new Set(
        files.map((f) =>
          f.name
            .split("/")
            .slice(0, f.name.startsWith("node_modules/@") ? 3 : 2)
            .join("/"),
        ),
      ),
    ];
    // the tracer brings the X-Ray SDK and its async-context helpers; their type-only dependencies stay out
    expect(roots).to.deep.equal([
      "__index.js",
      "node_modules/@aws-lambda-powertools/commons",
      "node_modules/@aws-lambda-powertools/logger",
      "node_modules/@aws-lambda-powertools/metrics",
      "node_modules/@aws-lambda-powertools/tracer",
      "node_modules/@aws/lambda-invoke-store",
      "node_modules/@smithy/service-error-classification",
      "node_modules/async-hook-jl",
      "node_modules/atomic-batcher",
      "node_modules/aws-xray-sdk-core",
      "node_modules/cls-hooked",
      "node_modules/emitter-listener",
      "node_modules/semver",
      "node_modules/shimmer",
      "node_modules/stack-chain",
      "node_modules/tslib",
    ]);
    console.log(`      archive: ${files.length} file(s), ${zipBytes(files)} bytes zipped`);
    // ~0.9 MB: Pulumi copies whole package folders, and the X-Ray SDK's type declarations and maps ride along
    expect(zipBytes(files)).to.be.below(1024 * 1024);
  });

  it("scores in a fresh Node process: the shadow gets the anomaly and the broken sensor, bad records reach the queue, the model is checkpointed", async () => {
    const { outcomes, lines } = await invoke([[first, 0]]);

    expect(outcomes).to.deep.equal([{ ok: { batchItemFailures: [] } }]);
    const shadow = stand.shadows.get(TRAIN, "anomaly")!;
    const entries = Object.values(shadow.state.desired!.anomalies as Record<string, { sensors: { name: string }[]; message: string }>);
    const oil = entries.find((e) => e.sensors[0].name === "Oil_temperature");
    expect(oil?.message).to.match(
      /^Unusual apu readings from 2020-02-01 00:40:00 UTC to 2020-02-01 00:4\d:\d0 UTC are over \(Oil_temperature was high, 6\d\.\d °C where about 5\d\.\d °C was expected\)\.$/,
    );
    const fault = (shadow.state.desired!.anomalies as Record<string, { status: string; fault: unknown; message: string }>)[
      `apu-TP2-${readings[BROKEN.from].timestamp}`
    ];
    expect([fault.status, fault.fault]).to.deep.equal(["ongoing", { min: -1, max: 20 }]);
    expect(fault.message).to.match(
      /^TP2 reads outside its bounds -1..20 bar since 2020-02-01 00:16:40 UTC \(\d+\.?\d* bar\): the sensor or its wiring may be faulty\./,
    );
    const letters = stand.queues.get(`${stand.endpoint}/123456789012/trains-anomaly-dlq`)!.map((b) => JSON.parse(b));
    expect(letters.map((l) => [l.reason, l.error])).to.deep.equal([
      ["schema", "TelemetryError"],
      ["decode", "RecordError"],
      ["clock", "ClockError"],
    ]);
    expect(letters[0].message).to.match(
      /^record \d+: field "timestamp" must be epoch milliseconds or an ISO 8601 time with a zone, got "yesterday"; field "sensors.TP2" is required/,
    );
    const item = stand.tables.get("trains-checkpoints")!.get(`${TRAIN}/apu`)!;
    expect(item.version).to.deep.equal({ N: "1" });
    const anomaly = lines.find((l) => l.message === "anomaly" && l.trainId === TRAIN && l.anomaly === 1);
    expect(anomaly).to.deep.include({ level: "INFO", service: "trainAnomaly", function_request_id: "req-0", function_name: "trains-anomaly-fn" });
    const rejected = lines.filter((l) => l.message === "record rejected to the dead-letter queue");
    expect(rejected.map((l) => [l.level, l.function_request_id, l.trainId, l.reason])).to.deep.equal([
      ["WARN", "req-0", TRAIN, "schema"],
      ["WARN", "req-0", TRAIN, "decode"],
      ["WARN", "req-0", TRAIN, "clock"],
    ]);
    const emf = lines.find(
      (l) =>
        (l._aws as { CloudWatchMetrics?: { Namespace: string }[] })?.CloudWatchMetrics?.[0].Namespace === "Gridrail/TrainAnomaly/prod" &&
        "RecordsReceived" in l,
    );
    expect(emf).to.deep.include({ RecordsReceived: 283, RecordsScored: 280, PartialRecords: 30, SensorFaultsOpened: 1, RejectedRecords: 3, FailedRecords: 0 });
    expect(lines.filter((l) => l.message === "sensor fault opened").map((l) => [l.level, l.trainId])).to.deep.equal([["WARN", TRAIN]]);
  });

  it("resumes from the checkpoint in another fresh process exactly where an uninterrupted run would be", async () => {
    const { outcomes } = await invoke([[second, 1000]]);

    expect(outcomes).to.deep.equal([{ ok: { batchItemFailures: [] } }]);
    expect(stand.calls.filter((c) => c.startsWith("dynamodb")).slice(-2)).to.deep.equal(["dynamodb GetItem", "dynamodb PutItem"]);
    const item = stand.tables.get("trains-checkpoints")!.get(`${TRAIN}/apu`)!;
    expect(item.version).to.deep.equal({ N: "2" });
    const checkpoints = new MemoryCheckpointStore();
    const settings = parseDetectorSettingsJson(variables.DETECTOR_SETTINGS, "DETECTOR_SETTINGS");
    const deps = {
      settings,
      checkpoints,
      shadows: new MemoryShadowStore(),
      deadLetters: new MemoryDeadLetterSink(),
      cache: new ModelCache(10),
    };
    await processBatch(decodeKinesisEvent({ Records: [...kinesisEvent(first, 0).Records, ...kinesisEvent(second, 1000).Records] }), deps);
    const uninterrupted = checkpoints.items.get(`${TRAIN}/apu`)!;
    expect(item.sidecar.S).to.equal(uninterrupted.sidecar);
    expect(probe(Buffer.from(item.model.B as unknown as string, "base64"), settings.groups.apu)).to.equal(probe(uninterrupted.model, settings.groups.apu));
  });

  it("keeps the models of a warm Lambda between invocations: after the first, only the checkpoint's version is read", async () => {
    const records = readings
      .slice(0, 60)
      .map((_, i) => ({ ...message(i), partitionKey: "train-0002", data: { ...(message(i).data as object), trainId: "train-0002" } }));
    const before = stand.calls.length;
    const { outcomes } = await invoke([
      [records.slice(0, 30), 2000],
      [records.slice(30), 2030],
    ]);

    expect(outcomes).to.deep.equal([{ ok: { batchItemFailures: [] } }, { ok: { batchItemFailures: [] } }]);
    expect(stand.calls.slice(before).filter((c) => c.startsWith("dynamodb"))).to.deep.equal([
      "dynamodb GetItem",
      "dynamodb PutItem",
      "dynamodb GetItem #version",
      "dynamodb PutItem",
    ]);
  });
});
