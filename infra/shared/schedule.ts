import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createQueueDepthAlarm } from "./alarms";
import { AwsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { Statement, allow, kmsStatement } from "./policyDocuments";
import { createDlq } from "./queue";
import { createServiceRole, grant } from "./role";
import { HelperOptions } from "./options";

export interface ScheduledInvocationArgs {
  readonly description: string;
  /** EventBridge Scheduler expression, evaluated in UTC, e.g. `cron(30 0 * * ? *)`. */
  readonly expression: string;
  /** The function invoked; its policy holds `failedRunStatements` of the queue (Lambda sends a failed run as the function). */
  readonly target: { readonly fn: aws.lambda.Function };
  /** From `createFailedRunQueue`, made before the function so that its policy can name it. */
  readonly dlq: aws.sqs.Queue;
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

/** Lambda's retries of a failed asynchronous run (its default, said explicitly), and how long it keeps trying. */
export const FAILED_RUN_RETRIES = 2;
export const FAILED_RUN_MAX_AGE_SECONDS = 6 * 3600;

/** The dead-letter queue of a schedule: what Scheduler could not hand to the function, and the function's failed runs. */
export function createFailedRunQueue(name: string, { kmsKeyArn }: { readonly kmsKeyArn: pulumi.Input<string> }, opts: HelperOptions): aws.sqs.Queue {
  return createDlq(`${name}-schedule`, { kmsKeyArn }, opts);
}

/** What a scheduled function's own policy needs for Lambda to send its failed runs to the queue. */
export function failedRunStatements(queueArn: string, keyArn: string): Statement[] {
  return [allow("SendFailedRuns", ["sqs:SendMessage"], queueArn), kmsStatement("EncryptFailedRuns", [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"])];
}

/**
 * An EventBridge Scheduler schedule (or `shards` of them) invoking a Lambda with its own role, bounded
 * retries and a dead-letter queue. Returns the schedules, the first named `${name}-schedule`.
 *
 * Scheduler invokes the function asynchronously, so its dead-letter queue only receives what Scheduler could
 * not hand to Lambda. A run that Lambda accepted and that failed (after Lambda's own retries) goes to the same
 * queue through the function's on-failure destination, with its input and error: no failed run is lost.
 */
export function createScheduledInvocation(name: string, args: ScheduledInvocationArgs, opts: HelperOptions): aws.scheduler.Schedule[] {
  const { dlq } = args;
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
        .all([args.target.fn.arn, dlq.arn, args.kmsKeyArn])
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
            arn: args.target.fn.arn,
            roleArn: role.arn,
            input: JSON.stringify(shards > 1 ? { ...args.input, shard: k, shards } : args.input),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: dlq.arn },
          },
        },
        { ...opts, dependsOn: [policy] },
      ),
  );
  // Lambda checks the role's permission on the destination when the configuration is written: the function
  // (named here) is created after its policy, which holds `failedRunStatements`.
  new aws.lambda.FunctionEventInvokeConfig(
    `${name}-failed-runs`,
    {
      functionName: args.target.fn.name,
      maximumRetryAttempts: FAILED_RUN_RETRIES,
      maximumEventAgeInSeconds: FAILED_RUN_MAX_AGE_SECONDS,
      destinationConfig: { onFailure: { destination: dlq.arn } },
    },
    { ...opts },
  );
  createQueueDepthAlarm(`${name}-schedule`, { queueName: dlq.name, deployment: args.deployment }, opts);
  return schedules;
}
