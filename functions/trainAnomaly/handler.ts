import { LambdaContext, Observability, createObservability, invocation } from "../shared/observability";
import type { KinesisStreamBatchResponse } from "aws-lambda";
import { LambdaRuntime } from "./lambdaRuntime";
import { warmState } from "../shared/warmState";

interface Warm {
  o: Observability;
  runtime: LambdaRuntime;
}

/**
 * Kinesis → train anomaly models → shadows and checkpoints; failures as `batchItemFailures`. Its metrics keep the
 * METRIC_NAMESPACE the stack sets (the dashboard's per-train SEARCH reads it); a bad environment is logged at
 * ERROR like any other failure.
 */
export async function handler(event: unknown, context?: LambdaContext): Promise<KinesisStreamBatchResponse> {
  // what the first invocation builds (logger, clients, model cache) lives as long as the warm Lambda, off module
  // scope (docs/inline-callbacks.md)
  const warm = warmState<Warm>("trainAnomaly");
  const o = (warm.o ??= createObservability("trainAnomaly", { namespace: process.env.METRIC_NAMESPACE }));
  return invocation(o, context, {}, async () => {
    if (!warm.runtime) warm.runtime = LambdaRuntime.fromEnvironment(process.env, o);
    return warm.runtime.handle(event);
  });
}
