import { AnomalyEvent, AnomalyEventSink, anomalyEventOf } from "./anomalyEvents";
import { AnomalyNote, BatchReport, EpisodeNote, emptyReport } from "./batchReport";
import { CheckpointStore, checkpointBytes, checkpointOf, modelFromCheckpoint, newModel } from "./checkpoint";
import { DeadLetter, DeadLetterSink } from "./deadLetters";
import { driversOf } from "./episodes";
import { RecordError, TelemetryError, isConflict, isRecordError, messageOf } from "./errors";
import type { KinesisStreamBatchResponse } from "aws-lambda";
import { IncomingRecord, batchResponse } from "./kinesisEvent";
import { CachedModel, ModelCache } from "./modelCache";
import { TrainDetectorSettings, requiredSensors } from "./settings";
import { ShadowEntry, shadowEntry } from "./shadowDocument";
import { ShadowStore, publishAnomalies } from "./shadowPublisher";
import { arrivalOf, checkReadingTime } from "./readingTime";
import { Telemetry, parseTelemetry, tooManyOutside } from "./telemetry";
import { compareSequenceNumbers } from "./trainModel";

/** The core's collaborators, injected: AWS clients in the Lambda, maps in tests, the bench and the local stack. */
export interface CoreDeps {
  readonly settings: TrainDetectorSettings;
  readonly checkpoints: CheckpointStore;
  readonly shadows: ShadowStore;
  readonly deadLetters: DeadLetterSink;
  /** Survives between invocations of a warm Lambda. */
  readonly cache: ModelCache;
  /** Wall clock, epoch ms (checkpoint and dead-letter times). Default Date.now. */
  readonly now?: () => number;
  /** Monotonic ms for durations. Default performance.now. */
  readonly clock?: () => number;
  /** Wait between shadow attempts after a version conflict. */
  readonly shadowBackoff?: (attempt: number) => Promise<void>;
  /** Where episode open/clear events go (MQTT `trains/{id}/anomalies`); none when absent. */
  readonly events?: AnomalyEventSink;
  /** Trains loaded and committed at once (I/O only; scoring is one thread). Default 8. */
  readonly concurrency?: number;
}

export interface BatchOutcome extends KinesisStreamBatchResponse {
  readonly report: BatchReport;
}

interface Reading {
  readonly record: IncomingRecord;
  readonly telemetry: Telemetry;
}

/** One train's part of the batch. */
interface TrainWork {
  readonly trainId: string;
  readonly readings: Reading[];
  readonly models: { group: string; key: string; cached: CachedModel; dirty: boolean }[];
  readonly updates: Record<string, ShadowEntry>;
  readonly letters: DeadLetter[];
  /** Reported only once the train committed: a retried train would otherwise count its anomalies twice. */
  readonly anomalies: AnomalyNote[];
  readonly episodes: EpisodeNote[];
  /** Episode open/clear events, published after the shadow write (a publish failure retries the train). */
  readonly events: AnomalyEvent[];
  /** Shadow entries the write left out, reported once the train committed (a retry would report them again). */
  readonly evicted: BatchReport["evicted"];
  maxScore?: number;
  failed: boolean;
}

function letterOf(record: IncomingRecord, e: RecordError): DeadLetter {
  return { reason: e.reason, error: e.name, message: e.message, record };
}

/**
 * Decodes and validates every record; the bad ones become dead letters. A reading whose time is far from its
 * arrival is refused here, before any model sees it: learned, it would move the watermark.
 */
function readRecords(records: readonly IncomingRecord[], settings: TrainDetectorSettings, letters: DeadLetter[]): Map<string, Reading[]> {
  const required = requiredSensors(settings);
  const trains = new Map<string, Reading[]>();
  for (const record of records) {
    const where = `record ${record.sequenceNumber}`;
    try {
      if (!record.data) throw new RecordError("decode", `${where}: data is not base64`);
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(record.data));
      } catch (e) {
        throw new RecordError("decode", `${where}: data is not UTF-8 JSON (${(e as Error).message})`);
      }
      const telemetry = parseTelemetry(json, required, where, settings.bounds);
      if (telemetry.trainId !== record.partitionKey) {
        throw new TelemetryError(
          "trainId",
          `${where}: field "trainId" is ${JSON.stringify(telemetry.trainId)} but the partition key is ${JSON.stringify(record.partitionKey)}`,
        );
      }
      const outside = tooManyOutside(telemetry, settings.groups);
      if (outside) throw new TelemetryError(outside.field, `${where}: ${outside.message}`);
      checkReadingTime(telemetry.timestamp, arrivalOf(record.arrivedAt, telemetry.receivedAt), settings, where);
      const list = trains.get(telemetry.trainId) ?? [];
      list.push({ record, telemetry });
      trains.set(telemetry.trainId, list);
    } catch (e) {
      if (!isRecordError(e)) throw e;
      letters.push(letterOf(record, e));
    }
  }
  return trains;
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** One group's model of the train: the cached one if no other environment saved past it, else its checkpoint's. */
async function loadModel(w: TrainWork, group: string, deps: CoreDeps, report: BatchReport, clock: () => number): Promise<TrainWork["models"][number]> {
  const key = ModelCache.key(w.trainId, group);
  let cached = deps.cache.get(key);
  // Lambda may hand a shard's next batch to another warm environment, which then saves past this cache: a
  // model that missed those readings would open episodes of its own that no model ever clears
  if (cached && ((await deps.checkpoints.version(w.trainId, group)) ?? 0) !== cached.version) {
    deps.cache.delete(key);
    report.staleModels++;
    cached = undefined;
  }
  if (!cached) {
    const checkpoint = await deps.checkpoints.load(w.trainId, group);
    const t0 = clock();
    const restored = checkpoint && modelFromCheckpoint(checkpoint, deps.settings);
    if (restored) {
      report.restored++;
      report.restoreMs += clock() - t0;
    } else if (checkpoint) report.resets++;
    else report.created++;
    cached = { model: restored || newModel(w.trainId, group, deps.settings), version: checkpoint?.version ?? 0 };
  }
  return { group, key, cached, dirty: false };
}

/** The train's models, one a group, read at once (a round trip each to the checkpoint table). */
async function loadModels(w: TrainWork, deps: CoreDeps, report: BatchReport, clock: () => number): Promise<void> {
  try {
    w.models.push(...(await Promise.all(Object.keys(deps.settings.groups).map((group) => loadModel(w, group, deps, report, clock)))));
  } catch (e) {
    fail(w, report, e);
  }
}

/** Counts the letters the queue took (all but `unsent`) in the report, with their reasons. */
function countLetters(report: BatchReport, letters: readonly DeadLetter[], unsent: readonly string[]): void {
  for (const l of letters) {
    if (unsent.includes(l.record.sequenceNumber)) continue;
    report.rejected[l.reason]++;
    report.rejections.push({ sequenceNumber: l.record.sequenceNumber, trainId: l.record.partitionKey, reason: l.reason, message: l.message });
  }
}

function fail(w: TrainWork, report: BatchReport, e: unknown): void {
  w.failed = true;
  report.errors.push(`${w.trainId}: ${(e as Error).name}: ${messageOf(e)}`);
}

/**
 * Scores a train's readings in time order: the rules engine does not keep a train's messages in order, so two
 * readings can reach Kinesis swapped, and in sequence order the older would be late.
 */
function scoreTrain(w: TrainWork, report: BatchReport): void {
  const since = new Map(w.models.map((m) => [m, m.cached.model.lastSequenceNumber]));
  const inTimeOrder = [...w.readings].sort((a, b) => a.telemetry.timestamp - b.telemetry.timestamp);
  for (const { record, telemetry } of inTimeOrder) {
    let scored = false;
    let partial = false;
    let rejected: RecordError | undefined;
    for (const m of w.models) {
      try {
        const outcome = m.cached.model.process(telemetry, record.sequenceNumber, since.get(m)!);
        if (outcome.kind === "duplicate") continue;
        scored = m.dirty = true;
        if (outcome.result.imputed.length > 0) partial = true;
        const { result, changes } = outcome;
        if (result.ready) w.maxScore = Math.max(w.maxScore ?? 0, result.score);
        if (result.anomaly) {
          w.anomalies.push({
            trainId: w.trainId,
            group: m.group,
            timestamp: telemetry.timestamp,
            score: result.score,
            grade: result.grade,
            sensors: driversOf(
              m.cached.model.sensors,
              m.cached.model.sensors.map((x) => telemetry.sensors[x]),
              result,
            ).map((d) => d.sensor),
          });
        }
        for (const change of changes) {
          const entry = shadowEntry(change.episode);
          const fault = change.episode.fault !== undefined;
          w.updates[change.episode.id] = entry;
          w.episodes.push({ trainId: w.trainId, kind: change.kind, id: change.episode.id, message: entry.message, ...(fault ? { fault } : {}) });
          // a sensor outside its bounds is told to the train, not counted among its anomalies
          if (change.kind !== "updated" && !fault) w.events.push(anomalyEventOf(w.trainId, change.episode.id, change.kind, entry));
        }
      } catch (e) {
        if (!isRecordError(e)) throw e;
        rejected = rejected ?? e;
      }
    }
    if (rejected) w.letters.push(letterOf(record, rejected));
    else if (scored) {
      report.scored++;
      if (partial) report.partial++;
    } else report.duplicates++;
  }
}

/** Shadow first, then checkpoints: until its checkpoint is written a train's readings are retried, and a
 * replay re-derives the same shadow entries (same ids, same content), which the shadow then already has. */
async function commitTrain(w: TrainWork, deps: CoreDeps, report: BatchReport, now: () => number): Promise<void> {
  try {
    if (!w.failed && Object.keys(w.updates).length > 0) {
      const r = await publishAnomalies(deps.shadows, w.trainId, w.updates, {
        maxEntries: deps.settings.maxShadowEntries,
        backoff: deps.shadowBackoff,
      });
      if (r.written) report.shadowUpdates++;
      report.shadowConflicts += r.conflicts;
      for (const x of r.evicted) {
        w.evicted.push({ trainId: w.trainId, id: x.id, status: x.entry.status, message: x.entry.message, wasInShadow: x.wasInShadow });
      }
      if (deps.events && w.events.length) await deps.events.publish(w.events);
    }
  } catch (e) {
    fail(w, report, e);
  }
  // A late or refused reading is dead-lettered before the checkpoint passes it: once the checkpoint is
  // written, a retry would take the record for a duplicate and could not letter it again. A letter that
  // cannot be sent fails the train, whose retry rebuilds it (a letter sent before a later failure is sent
  // again by that retry: at least once, never lost).
  if (!w.failed && w.letters.length > 0) {
    const { unsent, errors } = await deps.deadLetters.send(w.letters);
    report.errors.push(...errors.map((e) => `dead-letter queue: ${e}`));
    countLetters(report, w.letters, unsent);
    if (unsent.length > 0) fail(w, report, new Error(`${unsent.length} dead letter(s) of the train not sent; its readings are retried`));
  }
  await Promise.all(
    w.models.map(async (m) => {
      if (w.failed) return deps.cache.delete(m.key);
      if (!m.dirty) return deps.cache.set(m.key, m.cached);
      try {
        const checkpoint = checkpointOf(m.cached.model, m.cached.version + 1, now());
        await deps.checkpoints.save(checkpoint);
        report.checkpointBytes.push(checkpointBytes(checkpoint));
        deps.cache.set(m.key, { model: m.cached.model, version: checkpoint.version });
      } catch (e) {
        // the model is ahead of its checkpoint: drop it, the retry resumes from the checkpoint
        deps.cache.delete(m.key);
        if (isConflict(e)) report.checkpointConflicts++;
        fail(w, report, e);
      }
    }),
  );
}

/**
 * Processes one Kinesis batch: decode and validate, score each train's readings with its models, publish
 * episode changes to the train's shadow, checkpoint every model that learned, dead-letter what can never be
 * processed. Returns the sequence numbers to retry; Lambda resumes from the lowest.
 */
export async function processBatch(records: readonly IncomingRecord[], deps: CoreDeps): Promise<BatchOutcome> {
  const now = deps.now ?? Date.now;
  const clock = deps.clock ?? (() => performance.now());
  const started = clock();
  const report = emptyReport(records.length);
  const letters: DeadLetter[] = [];
  const failed: string[] = [];
  const trains = readRecords(records, deps.settings, letters);
  const works: TrainWork[] = [...trains].map(([trainId, readings]) => ({
    trainId,
    readings,
    models: [],
    updates: {},
    letters: [],
    anomalies: [],
    episodes: [],
    events: [],
    evicted: [],
    failed: false,
  }));
  report.trains = works.length;
  const concurrency = deps.concurrency ?? 8;
  await forEachLimit(works, concurrency, (w) => loadModels(w, deps, report, clock));
  const scoring = clock();
  for (const w of works) {
    if (w.failed) continue;
    try {
      scoreTrain(w, report);
    } catch (e) {
      fail(w, report, e);
    }
  }
  report.scoreMs = clock() - scoring;
  await forEachLimit(works, concurrency, (w) => commitTrain(w, deps, report, now));
  for (const w of works) {
    if (w.failed) {
      failed.push(...w.readings.map((r) => r.record.sequenceNumber));
      continue;
    }
    report.anomalies.push(...w.anomalies);
    report.episodes.push(...w.episodes);
    report.evicted.push(...w.evicted);
    if (w.maxScore !== undefined) report.maxScore[w.trainId] = w.maxScore;
  }
  // The records no model saw (undecodable, invalid, a bad clock) are refused again by any retry. Lambda
  // re-sends every record from the lowest failure on, so their letters are left to that retry: a record is
  // dead-lettered once (unless the queue itself fails part of a batch, when the retry sends it)
  const lowest = failed.reduce<string | undefined>((low, s) => (low === undefined || compareSequenceNumbers(s, low) < 0 ? s : low), undefined);
  const sendable = lowest === undefined ? letters : letters.filter((l) => compareSequenceNumbers(l.record.sequenceNumber, lowest) < 0);
  if (sendable.length > 0) {
    const { unsent, errors } = await deps.deadLetters.send(sendable);
    failed.push(...unsent);
    report.errors.push(...errors.map((e) => `dead-letter queue: ${e}`));
    countLetters(report, sendable, unsent);
  }
  const response = batchResponse(failed);
  report.failed = response.batchItemFailures.length;
  report.durationMs = clock() - started;
  const arrivals = records.map((r) => r.arrivedAt).filter((t): t is number => t !== undefined);
  report.maxRecordAgeMs = arrivals.length > 0 ? Math.max(0, now() - Math.min(...arrivals)) : 0;
  return { ...response, report };
}
