import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createQueueDepthAlarm } from "./alarms";
import { AwsContext } from "./awsContext";
import { Deployment } from "./deployment";
import { allow, kmsStatement } from "./policyDocuments";
import { createDlq } from "./queue";
import { createServiceRole, grant } from "./role";

export interface ScheduledInvocationArgs {
    readonly description: string;
    /** EventBridge Scheduler expression, evaluated in UTC, e.g. `cron(30 0 * * ? *)`. */
    readonly expression: string;
    readonly functionArn: pulumi.Input<string>;
    /** JSON input; `<aws.scheduler.scheduled-time>` is substituted by Scheduler. */
    readonly input: Record<string, string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly ctx: AwsContext;
    readonly deployment: Deployment;
}

/** An EventBridge Scheduler schedule invoking a Lambda with its own role, bounded retries and a dead-letter queue. */
export function createScheduledInvocation(name: string, args: ScheduledInvocationArgs, parent: pulumi.Resource): aws.scheduler.Schedule {
    const dlq = createDlq(`${name}-schedule`, args.kmsKeyArn, parent);
    const role = createServiceRole(`${name}-scheduler`, {
        service: "scheduler.amazonaws.com", sourceAccount: args.ctx.accountId, description: args.description,
    }, parent);
    const policy = grant(`${name}-scheduler`, role, pulumi.all([args.functionArn, dlq.arn, args.kmsKeyArn]).apply(([fnArn, dlqArn, keyArn]) => [
        allow("InvokeTarget", ["lambda:InvokeFunction"], fnArn),
        allow("DeadLetter", ["sqs:SendMessage"], dlqArn),
        kmsStatement("EncryptDeadLetters", [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"]),
    ]), parent);
    const schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
        description: args.description,
        scheduleExpression: args.expression,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        kmsKeyArn: args.kmsKeyArn,
        target: {
            arn: args.functionArn,
            roleArn: role.arn,
            input: JSON.stringify(args.input),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: dlq.arn },
        },
    }, { parent, dependsOn: [policy] });
    createQueueDepthAlarm(`${name}-schedule`, dlq.name, args.deployment, parent);
    return schedule;
}
