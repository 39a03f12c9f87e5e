import { FirehoseTransformResponse } from "./firehoseEvent";
import { transformEvent } from "./transformRecords";

/**
 * Firehose data transformation: IoT-rule records (meters, trains, anomalies) → `readings` JSON lines. Needs no
 * environment. Firehose's error output carries no reason, so each failed record is logged here with its
 * recordId (find it next to the raw data under `errors/processing-failed/`).
 */
export async function handler(event: unknown): Promise<FirehoseTransformResponse> {
  const { response, failures, rows } = transformEvent(event);
  const invocationId = (event as { invocationId?: string }).invocationId;
  for (const f of failures) {
    console.log(JSON.stringify({ level: "WARN", message: "Firehose record failed transformation", invocationId, recordId: f.recordId, reason: f.reason }));
  }
  console.log(JSON.stringify({ level: "INFO", message: "Firehose batch transformed", invocationId, records: response.records.length, failed: failures.length, rows }));
  return response;
}
