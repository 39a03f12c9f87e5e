import { KinesisBatchResponse } from "./kinesisEvent";
import { LambdaRuntime } from "./lambdaRuntime";

// A plain object, not a module-level `let`: Pulumi serializes the captured value once, and the runtime built on
// the first invocation then lives as long as the warm Lambda (clients, model cache).
const warm: { runtime?: LambdaRuntime } = {};

/** Kinesis → train anomaly models → shadows and checkpoints; failures as `batchItemFailures`. */
export async function handler(event: unknown): Promise<KinesisBatchResponse> {
  if (!warm.runtime) warm.runtime = LambdaRuntime.fromEnvironment(process.env);
  return warm.runtime.handle(event);
}
