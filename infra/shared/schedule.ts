import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createQueueDepthAlarm } from "./alarms";
import { AwsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { allow, kmsStatement } from "./policyDocuments";
import { createDlq } from "./queue";
import { createServiceRole, grant } from "./role";
import { HelperOptions } from "./options";

export interface ScheduledInvocationArgs {
  readonly description: string;
  /** EventBridge Scheduler expression, evaluated in UTC, e.g. `cron(30 0 * * ? *)`. */
  readonly expression: string;
  readonly functionArn: pulumi.Input<string>;
  /** JSON input; `<aws.scheduler.scheduled-time>` is substituted by Scheduler. */
  readonly input: Record<string, string>;
  /**
   * N > 1: N schedules at the same time sharing the role and dead-letter queue, the k-th (0-based) with
   * `shard: k, shards: N` added to the input, so the target splits its work into N invocations.
   */
  readonly shards?: number;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * An EventBridge Scheduler schedule (or `shards` of them) invoking a Lambda with its own role, bounded
 * retries and a dead-letter queue. Returns the schedules, the first named `${name}-schedule`.
 */
export function createScheduledInvocation(name: string, args: ScheduledInvocationArgs, opts: HelperOptions): aws.scheduler.Schedule[] {
  const dlq = createDlq(`${name}-schedule`, { kmsKeyArn: args.kmsKeyArn }, opts);
  const role = createServiceRole(
    `${name}-scheduler`,
    {
      service: "scheduler.amazonaws.com",
      sourceAccount: args.ctx.accountId,
      description: args.description,
    },
    opts,
  );
  const policy = grant(
    `${name}-scheduler`,
    {
      role,
      statements: pulumi
        .all([args.functionArn, dlq.arn, args.kmsKeyArn])
        .apply(([fnArn, dlqArn, keyArn]) => [
          allow("InvokeTarget", ["lambda:InvokeFunction"], fnArn),
          allow("DeadLetter", ["sqs:SendMessage"], dlqArn),
          kmsStatement("EncryptDeadLetters", [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"]),
        ]),
    },
    opts,
  );
  const shards = args.shards ?? 1;
  if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new Error(`${name}: shards must be an integer in [1, 64], got ${shards}`);
  const schedules = Array.from(
    { length: shards },
    (_, k) =>
      new aws.scheduler.Schedule(
        k === 0 ? `${name}-schedule` : `${name}-schedule-${k}`,
        {
          description: shards > 1 ? `${args.description} (part ${k + 1} of ${shards})` : args.description,
          scheduleExpression: args.expression,
          scheduleExpressionTimezone: "UTC",
          flexibleTimeWindow: { mode: "OFF" },
          kmsKeyArn: args.kmsKeyArn,
          target: {
            arn: args.functionArn,
            roleArn: role.arn,
            input: JSON.stringify(shards > 1 ? { ...args.input, shard: k, shards } : args.input),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: dlq.arn },
          },
        },
        { ...opts, dependsOn: [policy] },
      ),
  );
  createQueueDepthAlarm(`${name}-schedule`, { queueName: dlq.name, deployment: args.deployment }, opts);
  return schedules;
}
