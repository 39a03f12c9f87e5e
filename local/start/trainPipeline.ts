import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { SensorReading } from "../../devices/trainAgent/trainAgent";
import { IotAnomalyEventSink } from "../../functions/trainAnomaly/anomalyEvents";
import { BatchReport } from "../../functions/trainAnomaly/batchReport";
import { decodeKinesisEvent, IncomingRecord } from "../../functions/trainAnomaly/kinesisEvent";
import { MemoryCheckpointStore, MemoryDeadLetterSink } from "../../functions/trainAnomaly/memoryPorts";
import { ModelCache } from "../../functions/trainAnomaly/modelCache";
import { CoreDeps, processBatch } from "../../functions/trainAnomaly/processBatch";
import { IotShadowStore } from "../../functions/trainAnomaly/iotShadowStore";
import { TrainDetectorSettings } from "../../functions/trainAnomaly/settings";
import { streamConsumerDefaults } from "../../infra/shared/defaults";
import { trainDefaults } from "../../infra/trainTelemetry/defaults";
import { esmSettingsOf } from "../kinesis/esmSettings";
import { KinesisEventSourceMapping } from "../kinesis/eventSourceMapping";
import { LocalKinesis } from "../kinesis/kinesisServer";

/**
 * The train path's cloud half: Kinesis (kinesalite) → event-source mapping with the program's consumer
 * settings → the anomaly Lambda's core (the same processBatch the Lambda runs) with the model cache and
 * checkpoint store, the shadow and anomaly events through the real IoT data-plane client against the
 * loopback data plane, dead letters kept with their reason.
 */
export const FAKE_CREDENTIALS = { accessKeyId: "AKIDLOCAL", secretAccessKey: "local" };

export interface TrainPipelineStats {
  scored: number;
  duplicates: number;
  deadLettered: number;
  /** Records the mapping gave up on (on-failure destination). */
  skipped: number;
}

/** A telemetry message as the anomaly Lambda's core receives it from Kinesis. */
export function telemetryRecord(trainId: string, reading: SensorReading, seq: number): IncomingRecord {
  const data = Buffer.from(JSON.stringify({ trainId, timestamp: reading.timestamp, sensors: reading.sensors }));
  return { sequenceNumber: String(seq), partitionKey: trainId, base64: data.toString("base64"), data };
}

/** Each train's history as records, interleaved reading by reading, sequence numbers from 1. */
export function historyRecords(history: ReadonlyMap<string, readonly SensorReading[]>): IncomingRecord[] {
  const lists = [...history.entries()];
  const longest = Math.max(0, ...lists.map(([, l]) => l.length));
  let seq = 1;
  const records: IncomingRecord[] = [];
  for (let j = 0; j < longest; j++) {
    for (const [trainId, list] of lists) if (j < list.length) records.push(telemetryRecord(trainId, list[j], seq++));
  }
  return records;
}

export class TrainPipeline {
  readonly deps: CoreDeps & { readonly deadLetters: MemoryDeadLetterSink };
  readonly stats: TrainPipelineStats = { scored: 0, duplicates: 0, deadLettered: 0, skipped: 0 };
  readonly failures: unknown[] = [];
  private mapping?: KinesisEventSourceMapping;

  constructor(
    settings: TrainDetectorSettings,
    dataPlaneEndpoint: string,
    private readonly onReport: (report: BatchReport) => void,
  ) {
    const iot = new IoTDataPlaneClient({
      endpoint: dataPlaneEndpoint,
      region: "us-east-1",
      credentials: FAKE_CREDENTIALS,
      requestHandler: new NodeHttpHandler(),
    });
    this.deps = {
      settings,
      checkpoints: new MemoryCheckpointStore(),
      shadows: new IotShadowStore(iot, trainDefaults.shadowName),
      deadLetters: new MemoryDeadLetterSink(),
      events: new IotAnomalyEventSink(iot),
      cache: new ModelCache(settings.maxModels),
    };
  }

  private count(report: BatchReport): void {
    this.stats.scored += report.scored;
    this.stats.duplicates += report.duplicates;
    this.stats.deadLettered += report.rejections.length;
  }

  /**
   * The fleet's models as they stand after `history`: trained through the same core, checkpointed, so the
   * live run starts from trained models as a long-running deployment would. Sequence numbers are below
   * any Kinesis assigns, as older records' are.
   */
  async pretrain(history: Map<string, SensorReading[]>): Promise<void> {
    const records = historyRecords(history);
    for (let i = 0; i < records.length; i += 1000) {
      const { batchItemFailures } = await processBatch(records.slice(i, i + 1000), { ...this.deps, events: undefined });
      if (batchItemFailures.length) throw new Error(`pre-training failed for ${batchItemFailures.length} record(s)`);
    }
  }

  async start(kinesis: LocalKinesis, streamName: string, streamArn: string): Promise<void> {
    this.mapping = new KinesisEventSourceMapping({
      client: kinesis.client,
      streamName,
      streamArn,
      settings: esmSettingsOf(streamConsumerDefaults, "TRIM_HORIZON"),
      pollIntervalMs: 100,
      handler: async (event) => {
        const outcome = await processBatch(decodeKinesisEvent(event), this.deps);
        this.count(outcome.report);
        this.onReport(outcome.report);
        return { batchItemFailures: outcome.batchItemFailures };
      },
      onFailure: (record) => {
        this.stats.skipped += record.KinesisBatchInfo.batchSize;
        this.failures.push(record);
      },
    });
    await this.mapping.start();
  }

  async stop(): Promise<void> {
    await this.mapping?.stop();
  }
}
