import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmDefaults, observabilityDefaults, stackMetricNamespace } from "./defaults";
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

/** One period above `threshold` alarms (the stack's period unless given). */
const oneBreach = (threshold: number) => ({ comparisonOperator: "GreaterThanThreshold", threshold, evaluationPeriods: 1, datapointsToAlarm: 1 }) as const;

/**
 * Standard function alarms: any error, any throttle, each on one breaching minute. A function that runs on a
 * schedule fails at most three times, minutes apart (Lambda retries an asynchronous invocation twice), so the
 * stack's usual 3 of 5 minutes would never see it.
 */
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
        ...oneBreach(0),
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
      ...oneBreach(0),
      deployment,
    },
    opts,
  );
}

/** One 5-minute period above `threshold` alarms: each of these is something a person must look at. */
const oneBreachAbove = (threshold: number) => ({ ...oneBreach(threshold), periodSeconds: observabilityDefaults.outcomeAlarmPeriodSeconds }) as const;

/** The metric counting the messages the rules of `<name>-rule` failed to deliver (their error log's events). */
export const ruleFailureMetric = (name: string) => `${name}-rule-actions-failed`;

/** What `createLogCountAlarm` counts and when it alarms. */
export interface LogCountAlarmArgs {
  /** The metric filter's resource name. */
  readonly filterName: string;
  readonly logGroupName: pulumi.Input<string>;
  /** CloudWatch filter pattern; "" counts every event. */
  readonly pattern: string;
  /** The metric, in the stack's namespace. */
  readonly metricName: string;
  /** More than this many events in one 5-minute period alarm. */
  readonly threshold: number;
  readonly description: string;
}

/** A metric filter counting a log group's matching events, and an alarm on one 5-minute period above `threshold`. */
export function createLogCountAlarm(
  name: string,
  { filterName, logGroupName, pattern, metricName, threshold, description, deployment }: LogCountAlarmArgs & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm {
  const namespace = stackMetricNamespace(deployment.stack);
  const filter = new aws.cloudwatch.LogMetricFilter(
    filterName,
    { logGroupName, pattern, metricTransformation: { namespace, name: metricName, value: "1", unit: "Count" } },
    { ...opts },
  );
  return createAlarm(
    name,
    { description, namespace, metricName, dimensions: {}, statistic: "Sum", ...oneBreachAbove(threshold), deployment },
    { ...opts, dependsOn: [filter] },
  );
}

/**
 * Messages an IoT rule matched but did not deliver: the rules' error action writes each one, its payload
 * included, to `logGroupName`; a metric filter counts them (metric `<name>-rule-actions-failed` in the stack's
 * namespace) and any alarms.
 */
export function createRuleFailureAlarm(
  name: string,
  { logGroupName, deployment }: { readonly logGroupName: pulumi.Input<string> } & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm {
  return createLogCountAlarm(
    `${name}-rule-errors`,
    {
      filterName: `${name}-rule-errors-count`,
      logGroupName,
      // every event of the group is one failed message
      pattern: "",
      metricName: ruleFailureMetric(name),
      threshold: 0,
      description: `IoT rule actions of ${name} failed: messages did not reach their destination. Their payloads are in the rule error log group (iot/${name}-rule-errors); republish them once the cause is fixed (docs/operations.md).`,
      deployment,
    },
    opts,
  );
}

/**
 * A Firehose stream whose oldest undelivered record is older than `thresholdSeconds` (DeliveryToS3.DataFreshness):
 * the destination refuses writes (S3, KMS) and Firehose is retrying; it gives up after 24 hours.
 */
export function createFreshnessAlarm(
  name: string,
  { streamName, thresholdSeconds, deployment }: { readonly streamName: pulumi.Input<string>; readonly thresholdSeconds: number } & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm {
  return createAlarm(
    `${name}-freshness`,
    {
      description: `Firehose ${name} has held records for more than ${thresholdSeconds} s: delivery to S3 is failing. Read the stream's delivery errors log.`,
      namespace: "AWS/Firehose",
      metricName: "DeliveryToS3.DataFreshness",
      dimensions: { DeliveryStreamName: streamName },
      statistic: "Maximum",
      ...oneBreachAbove(thresholdSeconds),
      deployment,
    },
    opts,
  );
}
