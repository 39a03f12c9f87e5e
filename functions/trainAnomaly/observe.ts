import { BatchReport } from "./batchReport";

/** The parts of Powertools' Logger and Metrics the Lambda uses (so tests can record them). */
export interface LogSink {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

export interface MetricSink {
  addMetric(name: string, unit: MetricUnitName, value: number): unknown;
  addDimension(name: string, value: string): unknown;
  clearDefaultDimensions(): void;
  singleMetric(): MetricSink;
  publishStoredMetrics(): unknown;
}

export type MetricUnitName = "Count" | "Milliseconds" | "Bytes" | "None";

/**
 * Logs and metrics of one batch. Per-train metrics carry only the TrainId dimension: the dashboard's
 * SEARCH('{"Gridrail/TrainAnomaly/<stack>",TrainId} …') matches exactly that dimension set. The "anomaly" log lines have
 * the fields its Logs Insights table reads (trainId, score, detector, anomaly = 1).
 */
export function publishReport(r: BatchReport, log: LogSink, metrics: MetricSink): void {
  const rejected = Object.values(r.rejected).reduce((a, b) => a + b, 0);
  const checkpointTotal = r.checkpointBytes.reduce((a, b) => a + b, 0);
  const counts: [string, number][] = [
    ["RecordsReceived", r.records],
    ["RecordsScored", r.scored],
    ["DuplicateRecords", r.duplicates],
    ["RejectedRecords", rejected],
    ["FailedRecords", r.failed],
    ["Anomalies", r.anomalies.length],
    ["PartialRecords", r.partial],
    ["EpisodesOpened", r.episodes.filter((e) => e.kind === "opened" && !e.fault).length],
    ["EpisodesCleared", r.episodes.filter((e) => e.kind === "cleared" && !e.fault).length],
    ["SensorFaultsOpened", r.episodes.filter((e) => e.kind === "opened" && e.fault).length],
    ["ModelsRestored", r.restored],
    ["ModelsCreated", r.created],
    ["ModelsReset", r.resets],
    ["ModelsStale", r.staleModels],
    ["CheckpointConflicts", r.checkpointConflicts],
    ["ShadowUpdates", r.shadowUpdates],
    ["ShadowConflicts", r.shadowConflicts],
    // the entries the train may have missed: ongoing ones, and ones it was never shown (old cleared ones are routine)
    ["ShadowEntriesEvicted", r.evicted.filter(missable).length],
  ];
  for (const [name, value] of counts) metrics.addMetric(name, "Count", value);
  metrics.addMetric("CheckpointBytes", "Bytes", r.checkpointBytes.length > 0 ? Math.max(...r.checkpointBytes) : 0);
  metrics.addMetric("CheckpointBytesTotal", "Bytes", checkpointTotal);
  metrics.addMetric("BatchDuration", "Milliseconds", r.durationMs);
  metrics.addMetric("RestoreDuration", "Milliseconds", r.restoreMs);
  metrics.addMetric("ScoreDuration", "Milliseconds", r.scoreMs);
  metrics.addMetric("RecordAge", "Milliseconds", r.maxRecordAgeMs);
  metrics.publishStoredMetrics();

  const anomalies: Record<string, number> = {};
  for (const a of r.anomalies) anomalies[a.trainId] = (anomalies[a.trainId] ?? 0) + 1;
  for (const [trainId, score] of Object.entries(r.maxScore)) {
    perTrain(metrics, trainId, "AnomalyScore", "None", score);
    if (anomalies[trainId]) perTrain(metrics, trainId, "AnomalyCount", "Count", anomalies[trainId]);
  }

  for (const a of r.anomalies) {
    log.info("anomaly", {
      trainId: a.trainId,
      detector: a.group,
      anomaly: 1,
      score: a.score,
      grade: a.grade,
      readingTime: new Date(a.timestamp).toISOString(),
      sensors: a.sensors,
    });
  }
  for (const e of r.episodes) {
    const line = { trainId: e.trainId, episode: e.id, text: e.message };
    // a broken sensor is a job for maintenance: WARN, so it shows among the dashboards' latest problems
    if (e.fault && e.kind === "opened") log.warn("sensor fault opened", line);
    else log.info(`${e.fault ? "sensor fault" : "episode"} ${e.kind}`, line);
  }
  for (const x of r.rejections) {
    log.warn("record rejected to the dead-letter queue", { trainId: x.trainId, sequenceNumber: x.sequenceNumber, reason: x.reason, error: x.message });
  }
  for (const x of r.evicted) {
    const line = { trainId: x.trainId, episode: x.id, status: x.status, text: x.message, wasInShadow: x.wasInShadow };
    if (missable(x)) log.warn("shadow entry evicted", line);
    else log.info("shadow entry evicted", line);
  }
  for (const error of r.errors) log.warn("records will be retried", { error });
  log.info("batch", {
    records: r.records,
    scored: r.scored,
    partial: r.partial,
    duplicates: r.duplicates,
    rejected,
    failed: r.failed,
    trains: r.trains,
    restored: r.restored,
    created: r.created,
    resets: r.resets,
    staleModels: r.staleModels,
    checkpoints: r.checkpointBytes.length,
    checkpointBytes: checkpointTotal,
    durationMs: Math.round(r.durationMs),
    restoreMs: Math.round(r.restoreMs),
    scoreMs: Math.round(r.scoreMs),
  });
}

function perTrain(metrics: MetricSink, trainId: string, name: string, unit: MetricUnitName, value: number): void {
  const single = metrics.singleMetric();
  single.clearDefaultDimensions();
  single.addDimension("TrainId", trainId);
  single.addMetric(name, unit, value);
}

/** An evicted entry the train may have missed: still ongoing, or never in the shadow at all. */
function missable(x: BatchReport["evicted"][number]): boolean {
  return x.status === "ongoing" || !x.wasInShadow;
}
