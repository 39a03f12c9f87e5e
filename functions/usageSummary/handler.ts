import { AthenaClient } from "@aws-sdk/client-athena";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { LambdaContext, Observability, count, createObservability, invocation } from "../shared/observability";
import { AthenaEngine, AthenaProgress } from "./athenaEngine";
import { SummaryEvent, writeDailySummary } from "./dailySummary";
import { requireVariables } from "../shared/environment";
import { warmState } from "../shared/warmState";
import { USAGE_SUMMARY_VARIABLES } from "./variables";

/**
 * Scheduled daily: runs the usage summary queries in WORKGROUP/DATABASE for the previous UTC day and writes
 * `summaries/{YYYY-MM-DD}.json` to RESULTS_BUCKET. The 300 s function timeout bounds the whole run, so each
 * query gets at most 60 s of polling. Counts SummariesWritten, or SummaryFailures when the run throws.
 */
interface Warm {
  o: Observability;
  athena: AthenaClient;
  s3: S3Client;
}

function observability(): Observability {
  return (warmState<Warm>("usageSummary").o ??= createObservability("usageSummary"));
}

/** One line per finished query, with its Athena execution id; a query that did not succeed at WARN. */
export function logQuery(p: AthenaProgress): void {
  const o = observability();
  if (p.state === "QUEUED" || p.state === "RUNNING") return;
  const fields = { query: p.query, executionId: p.executionId, state: p.state, elapsedMs: p.elapsedMs, bytesScanned: p.bytesScanned };
  if (p.state === "SUCCEEDED") o.logger.info("summary query finished", fields);
  else o.logger.warn("summary query did not succeed", fields);
}

export async function handler(event: SummaryEvent, context?: LambdaContext): Promise<{ key: string; date: string }> {
  const o = observability();
  return invocation(o, context, {}, async () => {
    try {
      const { WORKGROUP: workgroup, DATABASE: database, RESULTS_BUCKET: bucket } = requireVariables(process.env, USAGE_SUMMARY_VARIABLES.required);
      const warm = warmState<Warm>("usageSummary");
      const athena = (warm.athena ??= o.tracer.captureAWSv3Client(new AthenaClient({})));
      const client = (warm.s3 ??= o.tracer.captureAWSv3Client(new S3Client({})));
      const engine = new AthenaEngine(athena, { workgroup, database, timeoutMs: 60_000, onProgress: logQuery });
      const { key, summary } = await writeDailySummary(
        engine,
        {
          async put(k, body) {
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body, ContentType: "application/json" }));
          },
        },
        event ?? {},
      );
      count(o, "SummariesWritten", 1);
      o.logger.info("usage summary written", { bucket, key, ...summary, trains: summary.trains.length });
      return { key, date: summary.date };
    } catch (e) {
      count(o, "SummaryFailures", 1);
      throw e;
    }
  });
}
