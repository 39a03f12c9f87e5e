/**
 * Measures the train anomaly Lambda: handler time for a batch of readings from many trains, warm (models in
 * memory) and cold (every model restored from its checkpoint), checkpoint bytes per train, and the bytes of
 * the archive Pulumi uploads.
 *   gridrail bench:lambda [--json] [--trains 50] [--records 1000] [--history 1500] [--runs 5]
 */
import { loadavg } from "os";
import { ApuSimulator } from "../devices/trainAgent/apuSimulator";
import { decodeKinesisEvent } from "../functions/trainAnomaly/kinesisEvent";
import { MemoryCheckpointStore, MemoryDeadLetterSink, MemoryShadowStore } from "../functions/trainAnomaly/memoryPorts";
import { ModelCache } from "../functions/trainAnomaly/modelCache";
import { publishReport, LogSink, MetricSink } from "../functions/trainAnomaly/observe";
import { CoreDeps, processBatch } from "../functions/trainAnomaly/processBatch";
import { TRAIN_DETECTOR_DEFAULTS } from "../functions/trainAnomaly/settings";
import { archiveFiles, zipBytes } from "../infra/shared/callbackArchive";
import { synthStack } from "../infra/synth/synthStack";
import { kinesisEvent, KinesisEvent } from "../local/kinesis/kinesisEvents";
import { Command, ParsedArgs, integerFlag, runCommand, UsageError } from "./args";

const USAGE = `usage: gridrail bench:lambda [--json] [--trains N] [--records N] [--history N] [--runs N]
Times the train anomaly handler (decode + score + shadow + checkpoint, in-memory stores) on batches of
--records readings spread over --trains trains after --history readings per train, warm and cold from
checkpoints, and measures the Lambda archive. Targets: warm batch < 200 ms, cold restore < 50 ms a train,
archive < 1 MB (the X-Ray tracer is most of it).`;

export const TARGETS = { warmBatchMs: 200, coldRestoreMsPerTrain: 50, archiveBytes: 1024 * 1024 };

const quiet: LogSink = { info: () => undefined, warn: () => undefined, error: () => undefined };
const noMetrics: MetricSink = {
  addMetric: () => undefined,
  addDimension: () => undefined,
  clearDefaultDimensions: () => undefined,
  singleMetric: () => noMetrics,
  publishStoredMetrics: () => undefined,
};

/** Batches as one shard delivers them: the trains' readings interleaved in time order. */
class Fleet {
  private readonly trains: { id: string; apu: ApuSimulator }[];
  private sequence = 0;

  constructor(count: number) {
    this.trains = Array.from({ length: count }, (_, i) => ({ id: `train-${String(i + 1).padStart(4, "0")}`, apu: new ApuSimulator({ seed: i + 1 }) }));
  }

  batch(records: number): KinesisEvent {
    const inputs = Array.from({ length: records }, (_, k) => {
      const t = this.trains[k % this.trains.length];
      const r = t.apu.next();
      return { partitionKey: t.id, data: { trainId: t.id, timestamp: r.timestamp, sensors: r.sensors } };
    });
    const event = kinesisEvent(inputs, this.sequence);
    this.sequence += records;
    return event;
  }
}

interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function timed(event: KinesisEvent, deps: CoreDeps): Promise<Timing & { restored: number; restoreMs: number; checkpointBytes: number[] }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const { report, batchItemFailures } = await processBatch(decodeKinesisEvent(event), deps);
  publishReport(report, quiet, noMetrics);
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  if (batchItemFailures.length > 0) throw new Error(`bench batch failed: ${report.errors.join("; ")}`);
  return { wallMs, cpuMs: (used.user + used.system) / 1000, restored: report.restored, restoreMs: report.restoreMs, checkpointBytes: report.checkpointBytes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const round = (x: number) => Math.round(x * 10) / 10;
const summary = (ts: Timing[]) => ({
  wallMs: { median: round(median(ts.map((t) => t.wallMs))), max: round(Math.max(...ts.map((t) => t.wallMs))) },
  cpuMs: { median: round(median(ts.map((t) => t.cpuMs))), max: round(Math.max(...ts.map((t) => t.cpuMs))) },
});

async function archive(): Promise<{ zipBytes: number; unpackedBytes: number; files: number; indexJsBytes: number }> {
  const synthesis = await synthStack("prod");
  const fn = synthesis.resources.find((r) => r.type === "aws:lambda/function:Function" && r.name === "trains-anomaly-fn");
  if (!fn) throw new Error("the prod stack has no trains-anomaly-fn");
  const files = await archiveFiles(fn.inputs.code);
  return {
    zipBytes: zipBytes(files),
    unpackedBytes: files.reduce((n, f) => n + f.bytes.length, 0),
    files: files.length,
    indexJsBytes: files.find((f) => f.name === "__index.js")?.bytes.length ?? 0,
  };
}

async function main(args: ParsedArgs): Promise<void> {
  const trains = integerFlag(args, "trains", 50, 1, 1_000_000);
  const records = integerFlag(args, "records", 1000, 1, 1_000_000);
  if (records < trains) throw new UsageError(`--records ${records} is below --trains ${trains}: each batch gives every train at least one reading`);
  const history = integerFlag(args, "history", 1500, 0, 1_000_000);
  const runs = integerFlag(args, "runs", 5, 1, 1_000_000);
  const log = (s: string) => (args.json ? undefined : process.stderr.write(`${s}\n`));

  const settings = TRAIN_DETECTOR_DEFAULTS;
  const fleet = new Fleet(trains);
  const checkpoints = new MemoryCheckpointStore();
  const base = { settings, checkpoints, shadows: new MemoryShadowStore(), deadLetters: new MemoryDeadLetterSink(), shadowBackoff: async () => undefined };
  const warmDeps: CoreDeps = { ...base, cache: new ModelCache(settings.maxModels) };
  log(`building ${history} readings of history for ${trains} trains...`);
  // history in big batches (fewer checkpoints): ~4 h of 10 s readings, about where the checkpoint stops growing
  for (let left = history * trains; left > 0; left -= 100 * trains) {
    await processBatch(decodeKinesisEvent(fleet.batch(Math.min(left, 100 * trains))), warmDeps);
  }

  log(`timing ${runs} warm batches of ${records} records...`);
  const warm: Timing[] = [];
  let bytes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await timed(fleet.batch(records), warmDeps);
    warm.push(t);
    bytes = t.checkpointBytes;
  }
  log(`timing ${runs} cold batches (empty model cache, every model from its checkpoint)...`);
  const cold: Timing[] = [];
  const restorePerTrain: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = await timed(fleet.batch(records), { ...base, cache: new ModelCache(settings.maxModels) });
    cold.push(t);
    restorePerTrain.push(t.restoreMs / Math.max(1, t.restored));
  }
  log("synthesizing the prod stack for the archive...");
  const lambdaArchive = await archive();

  const result = {
    trains,
    recordsPerBatch: records,
    historyPerTrain: history,
    runs,
    detector: { name: settings.detector, options: settings.options, groups: settings.groups },
    warmBatch: summary(warm),
    coldBatch: summary(cold),
    coldRestoreMsPerTrain: { median: round(median(restorePerTrain)), max: round(Math.max(...restorePerTrain)) },
    checkpointBytesPerTrain: { mean: Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length), max: Math.max(...bytes) },
    archive: lambdaArchive,
    targets: TARGETS,
    // a shared machine's load inflates wall times (CPU time counts GC threads too, so it is no cleaner)
    loadAverage1m: Math.round(loadavg()[0] * 100) / 100,
    meetsTargets: {
      warmBatch: summary(warm).wallMs.median < TARGETS.warmBatchMs,
      coldRestore: median(restorePerTrain) < TARGETS.coldRestoreMsPerTrain,
      archive: lambdaArchive.zipBytes < TARGETS.archiveBytes,
    },
  };
  if (args.json) return void process.stdout.write(`${JSON.stringify(result)}\n`);
  const w = result.warmBatch;
  const c = result.coldBatch;
  process.stdout.write(
    [
      `detector ${settings.detector} ${JSON.stringify(settings.options)}, ${trains} trains, ${records} records a batch`,
      `warm batch         ${w.wallMs.median} ms (max ${w.wallMs.max}), ${w.cpuMs.median} ms CPU   target < ${TARGETS.warmBatchMs} ms`,
      `cold batch         ${c.wallMs.median} ms (max ${c.wallMs.max}), ${c.cpuMs.median} ms CPU`,
      `cold restore       ${result.coldRestoreMsPerTrain.median} ms a train (max ${result.coldRestoreMsPerTrain.max})   target < ${TARGETS.coldRestoreMsPerTrain} ms`,
      `checkpoint         ${result.checkpointBytesPerTrain.mean} bytes a train (max ${result.checkpointBytesPerTrain.max})`,
      `archive            ${lambdaArchive.zipBytes} bytes zipped, ${lambdaArchive.files} files, __index.js ${lambdaArchive.indexJsBytes} bytes   target < ${TARGETS.archiveBytes}`,
      `load average       ${result.loadAverage1m} (1 min)`,
    ].join("\n") + "\n",
  );
}

export const command: Command = {
  name: "bench:lambda",
  usage: USAGE,
  flags: { json: "boolean", trains: "string", records: "string", history: "string", runs: "string" },
  run: main,
};

if (require.main === module) runCommand(command);
