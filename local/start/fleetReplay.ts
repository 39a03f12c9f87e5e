import { IncomingRecord } from "../../functions/trainAnomaly/kinesisEvent";
import { MemoryCheckpointStore, MemoryDeadLetterSink, MemoryShadowStore } from "../../functions/trainAnomaly/memoryPorts";
import { ModelCache } from "../../functions/trainAnomaly/modelCache";
import { processBatch } from "../../functions/trainAnomaly/processBatch";
import { TRAIN_DETECTOR_DEFAULTS, TrainDetectorSettings } from "../../functions/trainAnomaly/settings";
import { READING_INTERVAL_MS, offlineAt, planFleet } from "../sim/fleetPlan";
import { Sensors } from "../sim/trainSource";
import { TrainFleet } from "../sim/trainFleet";
import { MetricsSummary, RunMetrics } from "./runMetrics";
import { historyRecords, telemetryRecord } from "./trainPipeline";

/**
 * The local stack's train path without the network: the same plan, sources, faults and history as
 * `npm start` with that seed, fed in order through the anomaly Lambda's core (processBatch) with in-memory
 * ports, and scored by the same RunMetrics. No broker, no Kinesis, no wall clock: what it measures is the
 * detector (which faults, how many false alarms), not delivery or latency. Used by `npm run eval:fleet`.
 */
export interface FleetReplayOptions {
  readonly seed: number;
  readonly trains: number;
  /** Live readings per train (the local stack: duration x 20). */
  readonly liveReadings: number;
  /** Readings per train the models learn from before the live part (the local stack: 8640). */
  readonly historyReadings: number;
  /** MetroPT-3 rows to replay; the APU simulator when absent. */
  readonly rows?: readonly Sensors[];
  readonly settings?: TrainDetectorSettings;
  /** Reading time of live reading 0 (the local stack: midnight UTC of the run's day). */
  readonly startMs: number;
  /** Records per processBatch call (the program's stream consumer: 100). */
  readonly batchSize?: number;
  /** Called after each batch with the records replayed so far (history and live) and in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface FleetReplayResult extends MetricsSummary {
  readonly seed: number;
  readonly readingsScored: number;
}

export async function replayFleet(o: FleetReplayOptions): Promise<FleetReplayResult> {
  const plan = planFleet({ trains: o.trains, seed: o.seed, liveReadings: o.liveReadings });
  const fleet = new TrainFleet({ brokerUrl: "", plan, seed: o.seed, rows: o.rows, startMs: o.startMs, intervalMs: READING_INTERVAL_MS, rate: 1 });
  const settings = o.settings ?? TRAIN_DETECTOR_DEFAULTS;
  const deps = {
    settings,
    checkpoints: new MemoryCheckpointStore(),
    shadows: new MemoryShadowStore(),
    deadLetters: new MemoryDeadLetterSink(),
    cache: new ModelCache(settings.maxModels),
  };
  const metrics = new RunMetrics(READING_INTERVAL_MS);
  const batchSize = o.batchSize ?? 100;
  let scored = 0;
  let done = 0;
  const total = o.trains * (o.historyReadings + o.liveReadings);
  const run = async (records: IncomingRecord[], live: boolean): Promise<void> => {
    for (let i = 0; i < records.length; i += batchSize) {
      const batch = records.slice(i, i + batchSize);
      const { report, batchItemFailures } = await processBatch(batch, deps);
      if (batchItemFailures.length) throw new Error(`fleet replay: ${batchItemFailures.length} record(s) failed in a batch`);
      done += batch.length;
      o.onProgress?.(done, total);
      if (!live) continue;
      scored += report.scored;
      metrics.batch(report);
    }
  };
  // history, interleaved by train as the local stack pre-trains
  const past = historyRecords(fleet.history(o.historyReadings));
  await run(past, false);
  let seq = past.length + 1;
  const live: IncomingRecord[] = [];
  for (let j = 0; j < o.liveReadings; j++) {
    for (const trainId of plan.trainIds) {
      const { reading, fault } = fleet.liveReading(trainId, j);
      if (fault && j === fault.start) metrics.faultStarted(fault, reading.timestamp, 0, offlineAt(plan, trainId, fault.start));
      live.push(telemetryRecord(trainId, reading, seq++));
    }
  }
  await run(live, true);
  return { seed: o.seed, readingsScored: scored, ...metrics.summary() };
}
