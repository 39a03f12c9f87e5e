/** SQS: queues are KMS-encrypted; a queue that is not itself where failures land has a dead-letter queue. */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { show, stackKeyProblem } from "../values";
import { T } from "./types";

export const sqsEncryption = resourceRule({
  id: "sqs-encryption",
  level: "mandatory",
  description: "Every SQS queue is encrypted with a KMS key of the stack (not the AWS managed alias/aws/sqs).",
  types: T.queue,
  check(queue) {
    return stackKeyProblem(`queue ${queue.name}`, "kmsMasterKeyId", queue.inputs.kmsMasterKeyId);
  },
});

/** Where each kind of resource names the queue its failures go to. */
const FAILURE_REFERENCES: readonly [readonly string[], string][] = [
  [T.queue, "redrivePolicy"],
  [T.eventSourceMapping, "destinationConfig.onFailure.destinationArn"],
  [T.schedule, "target.deadLetterConfig.arn"],
  [T.lambdaFunction, "deadLetterConfig.targetArn"],
  [T.lambdaInvokeConfig, "destinationConfig.onFailure.destination"],
  [T.snsSubscription, "redrivePolicy"],
];

/** A dead-letter queue or failure destination of something in the stack. */
export function isFailureDestination(queue: ResourceView, graph: StackGraph): boolean {
  return FAILURE_REFERENCES.some(([types, path]) => graph.referrers(queue, types, path).some((r) => r !== queue));
}

export const sqsDeadLetterQueue = joinRule({
  id: "sqs-dead-letter-queue",
  level: "mandatory",
  description: "Every SQS queue that is not itself a dead-letter queue or failure destination has a redrive policy to a dead-letter queue.",
  types: T.queue,
  check(queue, graph) {
    if (queue.inputs.redrivePolicy !== undefined || isFailureDestination(queue, graph)) return [];
    return [`queue ${queue.name} has no dead-letter queue (redrivePolicy: ${show(queue.inputs.redrivePolicy)})`];
  },
});

export const SQS_RULES: readonly Rule[] = [sqsEncryption, sqsDeadLetterQueue];
