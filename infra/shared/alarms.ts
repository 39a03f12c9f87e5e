import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmDefaults } from "./defaults";
import { HelperOptions, WithDeployment } from "./options";

export interface AlarmArgs {
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, pulumi.Input<string>>;
  readonly statistic: "Sum" | "Maximum" | "Average" | "Minimum";
  readonly comparisonOperator: "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold";
  readonly threshold: number;
  /** Default `alarmDefaults.periodSeconds`. */
  readonly periodSeconds?: number;
  /** Default `alarmDefaults.evaluationPeriods`. */
  readonly evaluationPeriods?: number;
  /** Default `alarmDefaults.datapointsToAlarm`. */
  readonly datapointsToAlarm?: number;
  /** Default `notBreaching`; health metrics use `breaching` so silence alarms. */
  readonly treatMissingData?: "notBreaching" | "breaching" | "missing";
}

/** A metric alarm wired to the stack's alarm actions (the SNS topic in prod). */
export function createAlarm(name: string, args: AlarmArgs & WithDeployment, opts: HelperOptions): aws.cloudwatch.MetricAlarm {
  const { deployment } = args;
  const evaluationPeriods = args.evaluationPeriods ?? alarmDefaults.evaluationPeriods;
  return new aws.cloudwatch.MetricAlarm(
    `${name}-alarm`,
    {
      alarmDescription: args.description,
      namespace: args.namespace,
      metricName: args.metricName,
      dimensions: args.dimensions,
      statistic: args.statistic,
      comparisonOperator: args.comparisonOperator,
      threshold: args.threshold,
      period: args.periodSeconds ?? alarmDefaults.periodSeconds,
      evaluationPeriods,
      datapointsToAlarm: Math.min(args.datapointsToAlarm ?? alarmDefaults.datapointsToAlarm, evaluationPeriods),
      treatMissingData: args.treatMissingData ?? alarmDefaults.treatMissingData,
      alarmActions: [...deployment.alarmActions],
      okActions: [...deployment.alarmActions],
    },
    { ...opts },
  );
}

/** Standard function alarms: any error, any throttle. */
export function createFunctionAlarms(
  name: string,
  { functionName, deployment }: { readonly functionName: pulumi.Input<string> } & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm[] {
  const anyOf = (suffix: string, metricName: string, description: string) =>
    createAlarm(
      `${name}-${suffix}`,
      {
        description,
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        deployment,
      },
      opts,
    );
  return [anyOf("errors", "Errors", `Lambda ${name} reports errors`), anyOf("throttles", "Throttles", `Lambda ${name} is throttled`)];
}

/** A dead-letter queue that holds anything needs a human. */
export function createQueueDepthAlarm(
  name: string,
  { queueName, deployment }: { readonly queueName: pulumi.Input<string> } & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm {
  return createAlarm(
    `${name}-depth`,
    {
      description: `Dead-letter queue ${name} holds messages`,
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queueName },
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      deployment,
    },
    opts,
  );
}
