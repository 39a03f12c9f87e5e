import { LambdaContext, Observability, count, createObservability, invocation } from "../shared/observability";
import type { FirehoseTransformationResult } from "aws-lambda";
import { transformEvent } from "./transformRecords";

export type TransformHandler = (event: unknown, context?: LambdaContext) => Promise<FirehoseTransformationResult>;

/**
 * Firehose data transformation: IoT-rule records (meters, trains, anomalies) → `readings` JSON lines. Needs no
 * environment. Firehose's error output carries no reason, so each failed record is logged here at WARN with its
 * recordId (find it next to the raw data under `errors/processing-failed/`) and counted as RecordsFailed.
 */
export function transformHandler(o: Observability): TransformHandler {
  return (event, context) => {
    const invocationId = (event as { invocationId?: string } | null)?.invocationId;
    return invocation(o, context, { invocationId }, async () => {
      const { response, failures, rows } = transformEvent(event);
      for (const f of failures) o.logger.warn("Firehose record failed transformation", { recordId: f.recordId, reason: f.reason });
      count(o, "RecordsTransformed", response.records.length - failures.length);
      count(o, "RecordsFailed", failures.length);
      count(o, "RowsWritten", rows);
      o.logger.info("Firehose batch transformed", { records: response.records.length, failed: failures.length, rows });
      return response;
    });
  };
}

export const handler: TransformHandler = transformHandler(createObservability("firehoseTransform"));
