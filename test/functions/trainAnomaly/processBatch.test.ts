import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { GetThingShadowCommand, IoTDataPlaneClient, ResourceNotFoundException, UpdateThingShadowCommand } from "@aws-sdk/client-iot-data-plane";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { AwsClientStub, mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { AnomalyEvent } from "../../../functions/trainAnomaly/anomalyEvents";
import { Checkpoint, CheckpointStore } from "../../../functions/trainAnomaly/checkpoint";
import { DynamoCheckpointStore } from "../../../functions/trainAnomaly/dynamoCheckpointStore";
import { ConflictError, ShadowError } from "../../../functions/trainAnomaly/errors";
import { IotShadowStore } from "../../../functions/trainAnomaly/iotShadowStore";
import { decodeKinesisEvent } from "../../../functions/trainAnomaly/kinesisEvent";
import { ModelCache } from "../../../functions/trainAnomaly/modelCache";
import { processBatch } from "../../../functions/trainAnomaly/processBatch";
import { valuesDigest } from "../../../functions/trainAnomaly/trainModel";
import { parseDetectorSettings } from "../../../functions/trainAnomaly/settings";
import { ShadowStore } from "../../../functions/trainAnomaly/shadowPublisher";
import { SqsDeadLetterSink } from "../../../functions/trainAnomaly/sqsDeadLetterSink";
import { FAKE_AWS } from "../../helpers/fakeAws";
import { KinesisRecordInput, kinesisEvent, sequenceNumber } from "../../helpers/kinesisEvents";
import { SMALL_SETTINGS, interleave, memoryDeps, probe, trainRecords } from "../../helpers/trainFleet";

const run = (records: readonly KinesisRecordInput[], deps: Parameters<typeof processBatch>[1], first = 0) =>
  processBatch(decodeKinesisEvent(kinesisEvent(records, first)), deps);
const failures = (n: number[]) => n.map((i) => ({ itemIdentifier: sequenceNumber(i) }));

describe("the train anomaly core", () => {
  const readings = trainRecords("train-1", 80);

  it("dead-letters every record it can never process, with the reason, and fails none", async () => {
    const deps = memoryDeps();
    const good = readings[0];
    const { batchItemFailures, report } = await run(
      [
        { partitionKey: "train-1", data: "", base64: "%%%%" },
        { partitionKey: "train-1", data: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]) },
        { partitionKey: "train-1", data: "[1, 2]" },
        { partitionKey: "train-2", data: good.data as object },
        good,
      ],
      deps,
    );
    expect(batchItemFailures).to.deep.equal([]);
    expect(deps.deadLetters.letters.map((l) => [l.reason, l.error, l.message])).to.deep.equal([
      ["decode", "RecordError", `record ${sequenceNumber(0)}: data is not base64`],
      ["decode", "RecordError", `record ${sequenceNumber(1)}: data is not UTF-8 JSON (The encoded data was not valid for encoding utf-8)`],
      ["schema", "TelemetryError", `record ${sequenceNumber(2)}: telemetry must be a JSON object, got [1,2]`],
      ["schema", "TelemetryError", `record ${sequenceNumber(3)}: field "trainId" is "train-1" but the partition key is "train-2"`],
    ]);
    expect([report.scored, report.rejected]).to.deep.equal([1, { decode: 2, schema: 2, clock: 0, late: 0, conflict: 0, detector: 0 }]);
    // the log line names the train by the record's partition key, the topic the train published on
    expect(report.rejections.map((r) => [r.sequenceNumber, r.trainId, r.reason])).to.deep.equal([
      [sequenceNumber(0), "train-1", "decode"],
      [sequenceNumber(1), "train-1", "decode"],
      [sequenceNumber(2), "train-1", "schema"],
      [sequenceNumber(3), "train-2", "schema"],
    ]);
  });

  it("acknowledges a replayed batch without learning any reading twice or writing a checkpoint", async () => {
    const deps = memoryDeps();
    await run(readings, deps);
    const before = deps.checkpoints.items.get("train-1/apu")!;
    const { batchItemFailures, report } = await run(readings, deps);
    expect([batchItemFailures, report.duplicates, report.scored, deps.checkpoints.saves]).to.deep.equal([[], 80, 0, 1]);
    expect(deps.cache.get("train-1/apu")!.model.detector.count).to.equal(80);
    expect(deps.checkpoints.items.get("train-1/apu")).to.equal(before);
  });

  it("treats a re-published reading (new sequence number, same train and time) as a duplicate", async () => {
    const deps = memoryDeps();
    await run(readings.slice(0, 50), deps);
    const { report } = await run([readings[48], readings[49], readings[50]], deps, 500);
    expect([report.duplicates, report.scored]).to.deep.equal([2, 1]);
  });

  it("dead-letters a reading at a time already learned but with other values (not a re-publication), learning nothing", async () => {
    const deps = memoryDeps();
    await run(readings.slice(0, 50), deps);
    const data = readings[49].data as { sensors: Record<string, number> };
    const other = { partitionKey: "train-1", data: { ...data, sensors: { ...data.sensors, Oil_temperature: data.sensors.Oil_temperature + 30 } } };
    const { report } = await run([other, readings[50]], deps, 500);
    expect([report.duplicates, report.scored, report.rejected.conflict]).to.deep.equal([0, 1, 1]);
    expect(deps.deadLetters.letters.map((l) => [l.reason, l.message.replace(/\(TP2.*\)/, "(...)")])).to.deep.equal([
      [
        "conflict",
        `record ${sequenceNumber(500)}: reading of train-1 at 2020-02-01T00:08:10.000Z has other apu values (...) than the one its model learned at that time: readings are told apart by train and time, so it is not learned`,
      ],
    ]);
    expect(deps.cache.get("train-1/apu")!.model.detector.count).to.equal(51);
  });

  it("takes a re-published reading for a duplicate after a model saved without digests of its readings", async () => {
    const deps = memoryDeps();
    await run(readings.slice(0, 50), deps);
    const saved = deps.checkpoints.items.get("train-1/apu")!;
    const sidecar = JSON.parse(saved.sidecar);
    delete sidecar.guard.digests;
    deps.checkpoints.items.set("train-1/apu", { ...saved, sidecar: JSON.stringify(sidecar) });
    deps.cache.delete("train-1/apu");
    const data = readings[49].data as { sensors: Record<string, number> };
    const other = { partitionKey: "train-1", data: { ...data, sensors: { ...data.sensors, Oil_temperature: data.sensors.Oil_temperature + 30 } } };
    const { report } = await run([readings[48], other, readings[50]], deps, 500);
    expect([report.duplicates, report.scored, report.rejected.conflict]).to.deep.equal([2, 1, 0]);
  });

  it("dead-letters a late reading the model never saw, naming both times", async () => {
    const deps = memoryDeps();
    await run([readings[79]], deps);
    const { report } = await run([readings[0]], deps, 1);
    expect(deps.deadLetters.letters.map((l) => l.message)).to.deep.equal([
      `record ${sequenceNumber(1)}: reading of train-1 at 2020-02-01T00:00:00.000Z is older than the newest one its apu model learned (2020-02-01T00:13:10.000Z) and not one of the last 64 it learned`,
    ]);
    expect(report.rejected.late).to.equal(1);
  });

  it("scores a train's readings in time order: two that reached Kinesis swapped are both learned, and a retry takes both for duplicates", async () => {
    const deps = memoryDeps();
    const swapped = [...readings.slice(0, 40), readings[41], readings[40], ...readings.slice(42, 60)];
    const first = await run(swapped, deps);
    expect([first.batchItemFailures, first.report.scored, first.report.rejected.late, deps.deadLetters.letters]).to.deep.equal([[], 60, 0, []]);
    const straight = memoryDeps();
    await run(readings.slice(0, 60), straight);
    expect(probe(deps.checkpoints.items.get("train-1/apu")!.model)).to.equal(probe(straight.checkpoints.items.get("train-1/apu")!.model));
    const again = await run(swapped, deps);
    expect([again.report.duplicates, again.report.scored]).to.deep.equal([60, 0]);
  });

  it("dead-letters a reading dated 2099 by a broken clock, and the train's true readings after it are still scored", async () => {
    const deps = memoryDeps();
    const broken = { partitionKey: "train-1", data: { ...(readings[5].data as object), timestamp: "2099-12-31T23:59:59Z" } };
    const { batchItemFailures, report } = await run([...readings.slice(0, 5), broken, ...readings.slice(5, 20)], deps);
    expect([batchItemFailures, report.scored, report.rejected.clock, report.rejected.late]).to.deep.equal([[], 20, 1, 0]);
    expect(deps.deadLetters.letters.map((l) => [l.reason, l.error, l.message])).to.deep.equal([
      [
        "clock",
        "ClockError",
        `record ${sequenceNumber(5)}: field "timestamp" is 2099-12-31T23:59:59.000Z, 2521756799 s after the record reached Kinesis at 2020-02-03T00:00:00.050Z; at most 300 s ahead is accepted (the train's clock is wrong)`,
      ],
    ]);
    expect(deps.cache.get("train-1/apu")!.model.watermark).to.equal(Date.UTC(2020, 1, 1, 0, 3, 10));
  });

  /** `readings` with `sensor` at `value` in readings from..to-1. */
  const withSensor = (from: number, to: number, sensor: string, value: number) =>
    readings.map((r, i) => {
      const data = r.data as { sensors: Record<string, number> };
      return i >= from && i < to ? { ...r, data: { ...data, sensors: { ...data.sensors, [sensor]: value } } } : r;
    });
  const at = (i: number) => Date.UTC(2020, 1, 1) + i * 10_000;

  it("scores a reading with a sensor stuck out of its bounds with an estimate in its place: the oil fault is still found, and the train is told of the sensor", async () => {
    const deps = memoryDeps();
    const { report } = await run(withSensor(20, 80, "TP2", 1e200), deps);
    expect([report.scored, report.partial, deps.deadLetters.letters.length]).to.deep.equal([80, 60, 0]);
    const shadow = (await deps.shadows.read("train-1"))!.anomalies;
    expect(Object.keys(shadow).sort()).to.deep.equal([`apu-${at(60)}`, `apu-TP2-${at(20)}`]);
    expect(shadow[`apu-TP2-${at(20)}`]).to.deep.equal({
      group: "apu",
      status: "ongoing",
      startedAt: "2020-02-01T00:03:20.000Z",
      updatedAt: "2020-02-01T00:03:20.000Z",
      fault: { min: -1, max: 20 },
      score: 0,
      grade: 0,
      alarms: 1,
      sensors: [{ name: "TP2", direction: "high", value: 1e200, expected: 20, unit: "bar" }],
      message:
        "TP2 reads outside its bounds -1..20 bar since 2020-02-01 00:03:20 UTC (1e+200 bar): the sensor or its wiring may be faulty. " +
        "Until it reads within them again, the other apu sensors are watched with the model's estimate of TP2 in its place.",
    });
    // the oil fault's episode names the oil, never the stuck sensor
    expect(shadow[`apu-${at(60)}`].sensors.map((x) => x.name)).to.deep.equal(["Oil_temperature"]);
    expect(report.episodes.filter((e) => e.fault).map((e) => [e.kind, e.id])).to.deep.equal([["opened", `apu-TP2-${at(20)}`]]);
  });

  it("clears a sensor's fault once it has read within its bounds for settleAfter readings, with how many readings were outside", async () => {
    const deps = memoryDeps();
    const { report } = await run(withSensor(3, 10, "Oil_temperature", -60), deps);
    expect([report.scored, report.partial]).to.deep.equal([80, 7]);
    // settleAfter is 50: readings 10 to 59 are within the bounds again
    expect(report.episodes.filter((e) => e.fault).map((e) => [e.kind, e.id, e.message])).to.deep.equal([
      [
        "opened",
        `apu-Oil_temperature-${at(3)}`,
        "Oil_temperature reads outside its bounds -40..150 °C since 2020-02-01 00:00:30 UTC (-60 °C): the sensor or its wiring may be faulty. Until it reads within them again, the other apu sensors are watched with the model's estimate of Oil_temperature in its place.",
      ],
      [
        "cleared",
        `apu-Oil_temperature-${at(3)}`,
        "Oil_temperature read outside its bounds -40..150 °C from 2020-02-01 00:00:30 UTC to 2020-02-01 00:01:30 UTC (7 readings, the first -60 °C); it has read within them since.",
      ],
    ]);
    const entry = (await deps.shadows.read("train-1"))!.anomalies[`apu-Oil_temperature-${at(3)}`];
    expect(entry).to.deep.include({
      status: "cleared",
      updatedAt: "2020-02-01T00:01:30.000Z",
      clearedAt: "2020-02-01T00:09:50.000Z",
      clearedBy: "normal",
      alarms: 7,
    });
  });

  it("keeps an intermittent sensor one fault: a glitch every 10 readings opens it once, and its readings are counted", async () => {
    const deps = memoryDeps();
    const glitches = readings.map((r, i) => {
      const data = r.data as { sensors: Record<string, number> };
      return i % 10 === 5 && i < 40 ? { ...r, data: { ...data, sensors: { ...data.sensors, TP2: 999 } } } : r;
    });
    const { report } = await run(glitches, deps);
    expect(report.episodes.filter((e) => e.fault).map((e) => [e.kind, e.id])).to.deep.equal([["opened", `apu-TP2-${at(5)}`]]);
    const entry = (await deps.shadows.read("train-1"))!.anomalies[`apu-TP2-${at(5)}`];
    expect(entry).to.deep.include({ status: "ongoing", alarms: 1 });
    const more = await run(trainRecords("train-1", 100).slice(80), deps, 80);
    expect(more.report.episodes.filter((e) => e.fault).map((e) => [e.kind, e.message])).to.deep.equal([
      [
        "cleared",
        "TP2 read outside its bounds -1..20 bar from 2020-02-01 00:00:50 UTC to 2020-02-01 00:05:50 UTC (4 readings, the first 999 bar); it has read within them since.",
      ],
    ]);
  });

  it("reports an entry the shadow had no room for, with its sentence, instead of dropping it unseen", async () => {
    const deps = memoryDeps({ ...SMALL_SETTINGS, maxShadowEntries: 1 });
    const { report } = await run(withSensor(20, 80, "TP2", 1e200), deps);
    expect(Object.keys((await deps.shadows.read("train-1"))!.anomalies)).to.deep.equal([`apu-TP2-${at(20)}`]);
    expect(report.evicted.map((x) => [x.trainId, x.id, x.status, x.wasInShadow])).to.deep.equal([["train-1", `apu-${at(60)}`, "cleared", false]]);
    expect(report.evicted[0].message).to.match(/^Unusual apu readings from 2020-02-01 00:10:00 UTC to .* are over \(Oil_temperature was high/);
  });

  it("keeps a sensor's fault in the checkpoint: a model restored from it clears the fault it did not open", async () => {
    const deps = memoryDeps();
    const records = withSensor(3, 10, "Oil_temperature", -60);
    const first = await run(records.slice(0, 8), deps);
    expect(first.report.episodes.map((e) => e.kind)).to.deep.equal(["opened"]);
    deps.cache.delete("train-1/apu");
    const second = await run(records.slice(8), deps, 8);
    expect([second.report.restored, second.report.partial]).to.deep.equal([1, 2]);
    // settleAfter (50) readings within the bounds: 10 to 59
    expect(second.report.episodes.filter((e) => e.fault).map((e) => [e.kind, e.id])).to.deep.equal([["cleared", `apu-Oil_temperature-${at(3)}`]]);
    expect((await deps.shadows.read("train-1"))!.anomalies[`apu-Oil_temperature-${at(3)}`]).to.deep.include({ status: "cleared", alarms: 7 });
  });

  it("dead-letters a reading with more than half of a group's sensors out of their bounds, naming each, before any model sees it", async () => {
    const data = readings[3].data as { sensors: Record<string, number> };
    const broken = (values: Record<string, number>) => ({ partitionKey: "train-1", data: { ...data, sensors: { ...data.sensors, ...values } } });
    const kpa = { TP2: 950, TP3: 930, H1: 920, DV_pressure: 30 };
    const deps = memoryDeps();
    const { report } = await run([...readings.slice(0, 3), broken(kpa), broken({ TP2: 950, TP3: 930, H1: 920 }), ...readings.slice(5, 10)], deps);
    expect([report.scored, report.partial, report.rejected.schema]).to.deep.equal([9, 1, 1]);
    expect(deps.deadLetters.letters.map((l) => [l.reason, l.error, l.message])).to.deep.equal([
      [
        "schema",
        "TelemetryError",
        `record ${sequenceNumber(3)}: 4 of the 7 apu sensors read outside their bounds, too many to score: ` +
          'field "sensors.TP2" is 950 bar, outside its bounds -1..20 bar; field "sensors.TP3" is 930 bar, outside its bounds -1..20 bar; ' +
          'field "sensors.H1" is 920 bar, outside its bounds -1..20 bar; field "sensors.DV_pressure" is 30 bar, outside its bounds -1..20 bar',
      ],
    ]);
  });

  it("refuses such a reading for every group: no group learns a reading another refuses", async () => {
    const groups = { pressure: ["TP2", "TP3"], motor: ["Oil_temperature", "Motor_current"] };
    const deps = memoryDeps({ ...SMALL_SETTINGS, groups });
    const data = readings[3].data as { sensors: Record<string, number> };
    const broken = { partitionKey: "train-1", data: { ...data, sensors: { ...data.sensors, TP2: 500, TP3: 500 } } };
    const { report } = await run([...readings.slice(0, 3), broken], deps);
    expect([report.scored, report.rejected.schema]).to.deep.equal([3, 1]);
    expect(["pressure", "motor"].map((g) => deps.cache.get(`train-1/${g}`)!.model.watermark)).to.deep.equal([at(2), at(2)]);
  });

  it("scores a reading whose only sensor out of bounds is one no model reads, and counts it whole", async () => {
    const deps = memoryDeps({ ...SMALL_SETTINGS, groups: { pressure: ["TP2", "TP3"] } });
    const { report } = await run(withSensor(3, 4, "Oil_temperature", 999).slice(0, 10), deps);
    expect([report.scored, report.partial, report.rejected.schema, report.episodes.length]).to.deep.equal([10, 0, 0, 0]);
  });

  it("takes the bounds from the settings", async () => {
    const deps = memoryDeps({ ...SMALL_SETTINGS, bounds: { ...SMALL_SETTINGS.bounds, Oil_temperature: { min: -40, max: 50 } } });
    const { report } = await run(readings.slice(0, 3), deps);
    expect([report.scored, report.partial, report.rejected.schema]).to.deep.equal([3, 3, 0]);
    expect(report.episodes.map((e) => e.message)).to.have.length(1);
    expect(report.episodes[0].message).to.match(/^Oil_temperature reads outside its bounds -40..50 °C since 2020-02-01 00:00:00 UTC \([\d.]+ °C\)/);
  });

  it("publishes an anomaly to the train's shadow once, however often the batch is replayed", async () => {
    const deps = memoryDeps();
    await run(readings, deps);
    const shadow = await deps.shadows.read("train-1");
    expect(Object.keys(shadow!.anomalies)).to.deep.equal(["apu-1580515800000"]);
    expect(shadow!.anomalies["apu-1580515800000"]).to.deep.include({ status: "cleared", startedAt: "2020-02-01T00:10:00.000Z" });
    deps.cache.delete("train-1/apu");
    await run(readings, memoryDeps(SMALL_SETTINGS, { shadows: deps.shadows }));
    expect(deps.shadows.writes).to.equal(1);
  });

  it("publishes an event when an episode opens and when it clears, after the shadow", async () => {
    const events: AnomalyEvent[] = [];
    const deps = { ...memoryDeps(), events: { publish: async (e: readonly AnomalyEvent[]) => void events.push(...e) } };
    await run(readings, deps);
    expect(events.map((e) => [e.trainId, e.episodeId, e.state, new Date(e.timestamp).toISOString()])).to.deep.equal([
      ["train-1", "apu-1580515800000", "open", "2020-02-01T00:10:00.000Z"],
      ["train-1", "apu-1580515800000", "cleared", (await deps.shadows.read("train-1"))!.anomalies["apu-1580515800000"].clearedAt],
    ]);
    expect(events[0].sensors.length).to.be.greaterThan(0);
  });

  it("retries the train when its anomaly events cannot be published, so none is lost", async () => {
    const deps = {
      ...memoryDeps(),
      events: {
        publish: async () => {
          throw new Error("ThrottlingException: slow down");
        },
      },
    };
    const { batchItemFailures, report } = await run(readings, deps);
    expect(batchItemFailures).to.deep.equal(failures(Array.from({ length: 80 }, (_, i) => i)));
    expect(report.errors).to.deep.equal(["train-1: Error: ThrottlingException: slow down"]);
  });

  it("retries only the train whose checkpoint another writer moved, then resumes it from the newer checkpoint", async () => {
    const deps = memoryDeps();
    const batch = interleave(trainRecords("train-1", 30), trainRecords("train-2", 30, 2));
    const inner = deps.checkpoints;
    let conflicts = 1;
    const racy: CheckpointStore = {
      load: (t, g) => inner.load(t, g),
      version: (t, g) => inner.version(t, g),
      save: async (c: Checkpoint) => {
        if (c.trainId === "train-2" && conflicts-- > 0) throw new ConflictError("checkpoint of train-2/apu: another writer got past version 0");
        return inner.save(c);
      },
    };
    const first = await run(batch, { ...deps, checkpoints: racy });
    expect(first.batchItemFailures).to.deep.equal(failures(Array.from({ length: 30 }, (_, i) => 2 * i + 1)));
    expect([first.report.checkpointConflicts, deps.cache.keys()]).to.deep.equal([1, ["train-1/apu"]]);
    // Lambda resumes from the lowest failed sequence number: train-1's records come again
    const retry = await run(batch.slice(1), { ...deps, checkpoints: racy }, 1);
    expect([retry.batchItemFailures, retry.report.duplicates, retry.report.scored]).to.deep.equal([[], 29, 30]);
  });

  it("alerts as one environment would when batches alternate between warm environments (a cached model behind its checkpoint is reloaded)", async () => {
    const stream = trainRecords("train-1", 120);
    // the train's fault opens an episode in the second batch, clears in the fourth and opens another
    const cuts = [0, 50, 64, 67, 120];
    const serve = async (environments: readonly number[]) => {
      const shared = memoryDeps();
      const caches = [shared.cache, new ModelCache(SMALL_SETTINGS.maxModels)];
      const events: string[] = [];
      const publish = async (e: readonly AnomalyEvent[]) => void events.push(...e.map((x) => `${x.state} ${x.episodeId}`));
      let conflicts = 0;
      let stale = 0;
      for (let b = 0; b + 1 < cuts.length; b++) {
        const out = await run(stream.slice(cuts[b], cuts[b + 1]), { ...shared, cache: caches[environments[b]], events: { publish } }, cuts[b]);
        expect(out.batchItemFailures).to.deep.equal([]);
        conflicts += out.report.checkpointConflicts;
        stale += out.report.staleModels;
      }
      const shadow = Object.entries((await shared.shadows.read("train-1"))?.anomalies ?? {}).map(([id, e]) => `${id} ${e.status}`);
      return { events, shadow, conflicts, stale };
    };
    const one = await serve([0, 0, 0, 0]);
    expect(one.events).to.deep.equal(["open apu-1580515800000", "cleared apu-1580515800000", "open apu-1580516080000"]);
    expect(await serve([0, 1, 0, 1])).to.deep.equal({ ...one, stale: 2 });
  });

  it("retries shadow updates that lost a version race", async () => {
    const deps = memoryDeps();
    let conflicts = 2;
    const racy: ShadowStore = {
      read: (t) => deps.shadows.read(t),
      write: async (t, p, v) => {
        if (conflicts-- > 0) throw new ConflictError(`shadow of ${t} moved past version ${v}`);
        return deps.shadows.write(t, p, v);
      },
    };
    const { batchItemFailures, report } = await run(readings, { ...deps, shadows: racy });
    expect([batchItemFailures, report.shadowConflicts, report.shadowUpdates]).to.deep.equal([[], 2, 1]);
  });

  it("fails a train whose shadow cannot be updated and does not checkpoint it", async () => {
    const deps = memoryDeps();
    const broken: ShadowStore = {
      read: async () => undefined,
      write: async () => {
        throw new ShadowError("cannot update shadow anomaly of train-1: InternalFailureException: boom");
      },
    };
    const { batchItemFailures, report } = await run(readings, { ...deps, shadows: broken });
    expect(batchItemFailures).to.deep.equal(failures(Array.from({ length: 80 }, (_, i) => i)));
    expect(report.errors).to.deep.equal(["train-1: ShadowError: cannot update shadow anomaly of train-1: InternalFailureException: boom"]);
    expect([deps.checkpoints.saves, deps.cache.size]).to.deep.equal([0, 0]);
  });

  it("fails the records whose dead letters could not be sent, so they are not lost", async () => {
    const deps = memoryDeps(SMALL_SETTINGS, {
      deadLetters: { send: async (letters) => ({ unsent: letters.map((l) => l.record.sequenceNumber), errors: ["QueueDoesNotExist: gone"] }) },
    });
    const { batchItemFailures, report } = await run([readings[0], { partitionKey: "train-1", data: "{" }], deps);
    expect([batchItemFailures, report.errors]).to.deep.equal([failures([1]), ["dead-letter queue: QueueDoesNotExist: gone"]]);
  });

  describe("a late reading's letter survives a retry (the retry takes the record for a duplicate)", () => {
    const a = trainRecords("train-a", 5);
    const b = trainRecords("train-b", 10);
    const at = Date.UTC(2020, 1, 1, 0, 10);
    /** Lambda's retry: every record from the lowest failure on (`first`: the batch's first sequence index). */
    const retry = (records: readonly KinesisRecordInput[], failed: { itemIdentifier: string }[], first: number) => {
      const from = Math.min(...failed.map((f) => records.findIndex((_, i) => sequenceNumber(first + i) === f.itemIdentifier)));
      return { Records: kinesisEvent(records, first, at).Records.slice(from) };
    };

    it("when another train's checkpoint fails before it in the batch", async () => {
      let failOnce = true;
      const deps = memoryDeps();
      const save = deps.checkpoints.save.bind(deps.checkpoints);
      deps.checkpoints.save = async (c: Checkpoint) => {
        if (c.trainId === "train-a" && failOnce) {
          failOnce = false;
          throw Object.assign(new Error("slow down"), { name: "ProvisionedThroughputExceededException" });
        }
        return save(c);
      };
      // train-b's b3 comes in the batch after b6's: late, never seen
      await processBatch(decodeKinesisEvent(kinesisEvent([b[0], b[1], b[2], b[4], b[5], b[6]], 0, at)), deps);
      const records = [a[0], b[3], b[7]];
      const first = await processBatch(decodeKinesisEvent(kinesisEvent(records, 6, at)), deps);
      expect(first.batchItemFailures).to.deep.equal(failures([6]));
      const second = await processBatch(decodeKinesisEvent(retry(records, first.batchItemFailures, 6)), deps);
      expect(second.batchItemFailures).to.deep.equal([]);
      expect(deps.deadLetters.letters.map((l) => [l.reason, l.record.sequenceNumber])).to.deep.equal([["late", sequenceNumber(7)]]);
    });

    it("when the queue refuses the letter once", async () => {
      let down = true;
      const deps = memoryDeps();
      const send = deps.deadLetters.send.bind(deps.deadLetters);
      deps.deadLetters.send = async (letters) => {
        if (!down) return send(letters);
        down = false;
        return { unsent: letters.map((l) => l.record.sequenceNumber), errors: ["ServiceUnavailable: try later"] };
      };
      down = false;
      await processBatch(decodeKinesisEvent(kinesisEvent([b[0], b[1], b[2], b[4], b[5]], 0, at)), deps);
      down = true;
      // b3 comes in the batch after b5's: late
      const records = [b[3], b[6]];
      const first = await processBatch(decodeKinesisEvent(kinesisEvent(records, 5, at)), deps);
      // the train is not checkpointed past the letter it could not send: all its records come back
      expect([first.batchItemFailures, first.report.errors]).to.deep.equal([
        failures([5, 6]),
        ["dead-letter queue: ServiceUnavailable: try later", "train-b: Error: 1 dead letter(s) of the train not sent; its readings are retried"],
      ]);
      const second = await processBatch(decodeKinesisEvent(retry(records, first.batchItemFailures, 5)), deps);
      expect([second.batchItemFailures, second.report.duplicates, second.report.rejected.late]).to.deep.equal([[], 0, 1]);
      expect(deps.deadLetters.letters.map((l) => [l.reason, l.record.sequenceNumber])).to.deep.equal([["late", sequenceNumber(5)]]);
    });
  });

  it("keeps at most maxModels models warm and restores the others from their checkpoints", async () => {
    const settings = { ...SMALL_SETTINGS, maxModels: 1 };
    const deps = memoryDeps(settings);
    await run(interleave(trainRecords("train-1", 20), trainRecords("train-2", 20, 2)), deps);
    expect([deps.cache.keys(), deps.cache.evictions]).to.deep.equal([["train-2/apu"], 1]);
    const { report } = await run(trainRecords("train-1", 21).slice(20), deps, 100);
    expect([report.restored, report.created, report.scored]).to.deep.equal([1, 0, 1]);
  });

  it("starts a train's model afresh when its checkpoint was made under other settings", async () => {
    const deps = memoryDeps();
    await run(readings.slice(0, 20), deps);
    const other = parseDetectorSettings({ options: { numberOfTrees: 6, subSampleSize: 32, timeDecay: 320 } }, "test");
    const { report } = await run(readings.slice(20, 30), { ...deps, settings: other, cache: new ModelCache(10) }, 20);
    expect([report.resets, deps.checkpoints.items.get("train-1/apu")!.version]).to.deep.equal([1, 2]);
  });
});

describe("the train anomaly core with AWS SDK clients (aws-sdk-client-mock)", () => {
  // mocked in a hook, not while mocha loads files: mockClient patches every client of the class until restored
  let ddb: AwsClientStub<DynamoDBClient>;
  let iot: AwsClientStub<IoTDataPlaneClient>;
  let sqs: AwsClientStub<SQSClient>;
  before(() => {
    ddb = mockClient(DynamoDBClient);
    iot = mockClient(IoTDataPlaneClient);
    sqs = mockClient(SQSClient);
  });
  beforeEach(() => [ddb, iot, sqs].forEach((m) => m.reset()));
  after(() => [ddb, iot, sqs].forEach((m) => m.restore()));

  const deps = () =>
    memoryDeps(SMALL_SETTINGS, {
      checkpoints: new DynamoCheckpointStore(new DynamoDBClient(FAKE_AWS), "trains-checkpoints"),
      shadows: new IotShadowStore(new IoTDataPlaneClient(FAKE_AWS), "anomaly"),
      deadLetters: new SqsDeadLetterSink(new SQSClient(FAKE_AWS), "https://sqs.eu-west-1.amazonaws.com/123456789012/trains-anomaly-dlq"),
    });

  it("writes the anomaly shadow, then the checkpoint conditionally, then reports no failure", async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).resolves({});
    iot.on(GetThingShadowCommand).rejects(new ResourceNotFoundException({ message: "none", $metadata: {} }));
    iot.on(UpdateThingShadowCommand).resolves({});
    const { batchItemFailures } = await run(trainRecords("train-1", 80), deps());
    expect(batchItemFailures).to.deep.equal([]);
    const update = JSON.parse(Buffer.from(iot.commandCalls(UpdateThingShadowCommand)[0].args[0].input.payload as Uint8Array).toString());
    expect(Object.keys(update.state.desired.anomalies)).to.deep.equal(["apu-1580515800000"]);
    expect(update.version).to.equal(undefined);
    expect(ddb.commandCalls(PutItemCommand).map((c) => c.args[0].input.ConditionExpression)).to.deep.equal(["attribute_not_exists(#version)"]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).to.have.length(0);
  });

  it("fails all of a train's records when DynamoDB's condition fails (another writer)", async () => {
    ddb.on(GetItemCommand).resolves({});
    ddb.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} }));
    iot.on(GetThingShadowCommand).rejects(new ResourceNotFoundException({ message: "none", $metadata: {} }));
    iot.on(UpdateThingShadowCommand).resolves({});
    const { batchItemFailures, report } = await run(trainRecords("train-1", 10), deps());
    expect(batchItemFailures).to.deep.equal(failures([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    expect(report.errors).to.deep.equal(["train-1: ConflictError: checkpoint of train-1/apu: another writer got past version 0"]);
  });
});

describe("the digest of a reading's values", () => {
  const cases: [number[], number[], boolean][] = [
    [[53.6, 9.34], [53.6, 9.34], true],
    [[53.6, 9.34], [53.6, 9.340000000000002], false],
    [[53.6, 9.34], [9.34, 53.6], false],
    [[1], [1, 0], false],
  ];
  for (const [a, b, same] of cases) {
    it(`${JSON.stringify(a)} and ${JSON.stringify(b)}: ${same ? "the same" : "told apart"}`, () => {
      expect(valuesDigest(a) === valuesDigest(b)).to.equal(same);
    });
  }
});
