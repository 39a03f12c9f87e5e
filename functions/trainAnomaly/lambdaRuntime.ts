import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { IoTDataPlaneClient } from "@aws-sdk/client-iot-data-plane";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Observability } from "../shared/observability";
import { DynamoCheckpointStore } from "./dynamoCheckpointStore";
import { SettingsError } from "./errors";
import { IotAnomalyEventSink } from "./anomalyEvents";
import { IotShadowStore } from "./iotShadowStore";
import type { KinesisStreamBatchResponse } from "aws-lambda";
import { decodeKinesisEvent } from "./kinesisEvent";
import { ModelCache } from "./modelCache";
import { LogSink, MetricSink, publishReport } from "./observe";
import { CoreDeps, processBatch } from "./processBatch";
import { TrainDetectorSettings, parseDetectorSettingsJson } from "./settings";
import { SqsDeadLetterSink } from "./sqsDeadLetterSink";
import { requireVariables } from "../shared/environment";
import { TRAIN_ANOMALY_VARIABLES } from "./variables";

/** The function's environment, set by the TrainTelemetry component. */
export interface LambdaEnvironment {
  readonly checkpointTable: string;
  readonly failureQueueUrl: string;
  readonly shadowName: string;
  readonly metricNamespace: string;
  readonly settings: TrainDetectorSettings;
}

/** Reads and validates the environment; every problem at once. DETECTOR_SETTINGS is optional (defaults). */
export function readEnvironment(env: Readonly<Record<string, string | undefined>>): LambdaEnvironment {
  const vars = requireVariables(env, TRAIN_ANOMALY_VARIABLES.required, (message) => new SettingsError([message]));
  return {
    checkpointTable: vars.CHECKPOINT_TABLE,
    failureQueueUrl: vars.FAILURE_QUEUE_URL,
    shadowName: vars.SHADOW_NAME,
    metricNamespace: vars.METRIC_NAMESPACE,
    settings: parseDetectorSettingsJson(env.DETECTOR_SETTINGS, "DETECTOR_SETTINGS"),
  };
}

/** What a warm Lambda keeps between invocations: clients, model cache, logger and metrics. */
export class LambdaRuntime {
  constructor(
    readonly deps: CoreDeps,
    private readonly log: LogSink,
    private readonly metrics: MetricSink,
  ) {}

  /**
   * Clients take region, credentials and any AWS_ENDPOINT_URL_<SERVICE> override from the environment; each is
   * instrumented for X-Ray (a no-op where tracing is off).
   */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>>, o: Observability): LambdaRuntime {
    const e = readEnvironment(env);
    const iot = o.tracer.captureAWSv3Client(new IoTDataPlaneClient({}));
    const deps: CoreDeps = {
      settings: e.settings,
      checkpoints: new DynamoCheckpointStore(o.tracer.captureAWSv3Client(new DynamoDBClient({})), e.checkpointTable),
      shadows: new IotShadowStore(iot, e.shadowName),
      events: new IotAnomalyEventSink(iot),
      deadLetters: new SqsDeadLetterSink(o.tracer.captureAWSv3Client(new SQSClient({})), e.failureQueueUrl),
      cache: new ModelCache(e.settings.maxModels),
    };
    return new LambdaRuntime(deps, o.logger, o.metrics);
  }

  async handle(event: unknown): Promise<KinesisStreamBatchResponse> {
    let records;
    try {
      records = decodeKinesisEvent(event);
    } catch (e) {
      this.log.error("cannot read the event", { error: (e as Error).message });
      throw e;
    }
    const { batchItemFailures, report } = await processBatch(records, this.deps);
    publishReport(report, this.log, this.metrics);
    return { batchItemFailures };
  }
}
