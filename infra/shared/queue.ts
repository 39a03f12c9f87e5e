import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { queueDefaults } from "./defaults";
import { HelperOptions } from "./options";

export interface QueueArgs {
  /** Customer-managed key for SSE. Services sending to the queue need GenerateDataKey on it. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Seconds; for a Lambda-consumed queue AWS recommends >= 6x the function timeout. */
  readonly visibilityTimeoutSeconds: number;
}

export interface QueueWithDlq {
  readonly queue: aws.sqs.Queue;
  readonly dlq: aws.sqs.Queue;
}

/** A KMS-encrypted dead-letter queue with the longest retention SQS allows. */
export function createDlq(name: string, { kmsKeyArn }: { readonly kmsKeyArn: pulumi.Input<string> }, opts: HelperOptions): aws.sqs.Queue {
  return new aws.sqs.Queue(
    `${name}-dlq`,
    {
      kmsMasterKeyId: kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: queueDefaults.dlqMessageRetentionSeconds,
    },
    { ...opts },
  );
}

/** A KMS-encrypted queue that moves a message to its DLQ after `maxReceiveCount` failed receives. */
export function createQueueWithDlq(name: string, args: QueueArgs, opts: HelperOptions): QueueWithDlq {
  const dlq = createDlq(name, { kmsKeyArn: args.kmsKeyArn }, opts);
  const queue = new aws.sqs.Queue(
    `${name}-queue`,
    {
      kmsMasterKeyId: args.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      visibilityTimeoutSeconds: args.visibilityTimeoutSeconds,
      messageRetentionSeconds: queueDefaults.messageRetentionSeconds,
      redrivePolicy: dlq.arn.apply((deadLetterTargetArn) => JSON.stringify({ deadLetterTargetArn, maxReceiveCount: queueDefaults.maxReceiveCount })),
    },
    { ...opts },
  );
  return { queue, dlq };
}
