import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StreamConsumerSettings, overrideDefaults, streamConsumerDefaults } from "./defaults";
import { HelperOptions } from "./options";

export interface StreamConsumerArgs {
  readonly streamArn: pulumi.Input<string>;
  readonly functionArn: pulumi.Input<string>;
  /** SQS queue that receives the metadata (shard, sequence range) of batches given up on. */
  readonly onFailureQueueArn: pulumi.Input<string>;
  /** Overrides of `streamConsumerDefaults`; weakening a failure setting is logged as a warning. */
  readonly overrides?: Partial<StreamConsumerSettings>;
}

/**
 * Kinesis → Lambda event source mapping that cannot block a shard forever:
 * - bisect on error: a poison record is isolated by halving the batch instead of failing the whole batch;
 * - ReportBatchItemFailures: the handler returns the first failed sequence number, only the rest is retried;
 * - bounded retries and record age: the default (-1) retries until the record expires, stalling the shard;
 * - on-failure destination: what was skipped is recorded in SQS for replay, not lost.
 */
export function createStreamConsumer(name: string, args: StreamConsumerArgs, opts: HelperOptions): aws.lambda.EventSourceMapping {
  const settings = overrideDefaults(streamConsumerDefaults, args.overrides, name);
  return new aws.lambda.EventSourceMapping(
    `${name}-esm`,
    {
      eventSourceArn: args.streamArn,
      functionName: args.functionArn,
      startingPosition: settings.startingPosition,
      batchSize: settings.batchSize,
      maximumBatchingWindowInSeconds: settings.maximumBatchingWindowInSeconds,
      parallelizationFactor: settings.parallelizationFactor,
      bisectBatchOnFunctionError: settings.bisectBatchOnFunctionError,
      maximumRetryAttempts: settings.maximumRetryAttempts,
      maximumRecordAgeInSeconds: settings.maximumRecordAgeInSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      destinationConfig: { onFailure: { destinationArn: args.onFailureQueueArn } },
    },
    { ...opts },
  );
}
