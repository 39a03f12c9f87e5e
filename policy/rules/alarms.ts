/**
 * Alarms: every function alarms on its errors, every dead-letter queue or failure destination on its depth,
 * every Firehose stream on records it holds too long, every IoT rule on messages its error action logged, and
 * in prod every alarm tells someone (an action), so a failure that loses nothing still reaches a person.
 */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { asArray, get, isTrue, isUnknown } from "../values";
import { isFailureDestination } from "./sqs";
import { T } from "./types";

const METRIC_ALARM = ["aws:cloudwatch/metricAlarm:MetricAlarm"];

/** The stack's alarms on `namespace`/`metric` whose dimension `dimension` names `target`. */
function alarmsOn(target: ResourceView, graph: StackGraph, namespace: string, metric: string, dimension: string): ResourceView[] {
  return graph.referrers(target, METRIC_ALARM, `dimensions.${dimension}`).filter((a) => a.inputs.namespace === namespace && a.inputs.metricName === metric);
}

export const functionErrorsAlarmed = joinRule({
  id: "alarms-function-errors",
  level: "mandatory",
  description: "Every Lambda function has an alarm on AWS/Lambda Errors for it.",
  types: T.lambdaFunction,
  check(fn, graph) {
    return alarmsOn(fn, graph, "AWS/Lambda", "Errors", "FunctionName").length > 0 ? [] : [`function ${fn.name} has no alarm on its errors (AWS/Lambda Errors)`];
  },
});

export const deadLettersAlarmed = joinRule({
  id: "alarms-dead-letters",
  level: "mandatory",
  description: "Every queue that is a dead-letter queue or failure destination has an alarm on its depth (AWS/SQS ApproximateNumberOfMessagesVisible).",
  types: T.queue,
  check(queue, graph) {
    if (!isFailureDestination(queue, graph)) return [];
    return alarmsOn(queue, graph, "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName").length > 0
      ? []
      : [`dead-letter queue ${queue.name} has no alarm on its depth: what lands there would wait unseen`];
  },
});

/** How long Firehose retries an S3 destination before it drops the records. */
const FIREHOSE_RETRY_SECONDS = 86_400;

/**
 * How an alarm on `statistic` fires when its metric rises: its threshold (`strict` for GreaterThanThreshold) and
 * the seconds it takes to decide (period x datapoints to alarm); "unknown" when an input is not known yet (a real
 * preview), undefined when it watches another statistic or fires on falling values.
 */
function risingAlarm(alarm: ResourceView, statistic: string): { threshold: number; strict: boolean; decideSeconds: number } | "unknown" | undefined {
  const { threshold, comparisonOperator, period, datapointsToAlarm, evaluationPeriods } = alarm.inputs;
  if ([threshold, comparisonOperator, period, datapointsToAlarm, alarm.inputs.statistic].some(isUnknown)) return "unknown";
  if (alarm.inputs.statistic !== statistic || typeof threshold !== "number") return undefined;
  if (comparisonOperator !== "GreaterThanThreshold" && comparisonOperator !== "GreaterThanOrEqualToThreshold") return undefined;
  const points = typeof datapointsToAlarm === "number" ? datapointsToAlarm : typeof evaluationPeriods === "number" ? evaluationPeriods : 1;
  return { threshold, strict: comparisonOperator === "GreaterThanThreshold", decideSeconds: (typeof period === "number" ? period : 60) * points };
}

export const deliveryFreshnessAlarmed = joinRule({
  id: "alarms-delivery-freshness",
  level: "mandatory",
  description:
    "Every Firehose stream delivering to S3 has an alarm on the Maximum of its AWS/Firehose DeliveryToS3.DataFreshness rising above a threshold that, with the time the alarm takes to decide, stays below 86400 s (Firehose drops records after 24 hours).",
  types: T.firehose,
  check(stream, graph) {
    if (!["extended_s3", "s3"].includes(String(stream.inputs.destination))) return [];
    const alarms = alarmsOn(stream, graph, "AWS/Firehose", "DeliveryToS3.DataFreshness", "DeliveryStreamName").map((a) => risingAlarm(a, "Maximum"));
    // an alarm that decides after the retry period would fire after the loss
    return alarms.some((a) => a === "unknown" || (a !== undefined && a.threshold + a.decideSeconds < FIREHOSE_RETRY_SECONDS))
      ? []
      : [
          `Firehose stream ${stream.name} has no alarm on DeliveryToS3.DataFreshness that fires within 86400 s: records it cannot deliver would wait unseen until dropped`,
        ];
  },
});

/** An hour: an alarm meant to fire on the first event must decide within it. */
const FIRST_EVENT_DECIDE_SECONDS = 3600;

/** Whether an alarm on a count (or a 0/1 flag) fires on the first 1 within an hour, and is not in alarm at 0. */
function firesOnFirst(a: ReturnType<typeof risingAlarm>): boolean {
  if (a === "unknown") return true;
  if (a === undefined || a.decideSeconds > FIRST_EVENT_DECIDE_SECONDS) return false;
  return a.strict ? a.threshold >= 0 && a.threshold < 1 : a.threshold > 0 && a.threshold <= 1;
}

export const partitionLimitAlarmed = joinRule({
  id: "alarms-partition-limit",
  level: "mandatory",
  description:
    "Every Firehose stream with dynamic partitioning has an alarm on the Maximum of its AWS/Firehose PartitionCountExceeded that fires on the first 1 within an hour: records beyond the active-partition limit go to the error prefix, not their partition.",
  types: T.firehose,
  check(stream, graph) {
    if (!isTrue(get(stream.inputs, "extendedS3Configuration.dynamicPartitioningConfiguration.enabled"))) return [];
    const alarms = alarmsOn(stream, graph, "AWS/Firehose", "PartitionCountExceeded", "DeliveryStreamName").map((a) => risingAlarm(a, "Maximum"));
    return alarms.some(firesOnFirst)
      ? []
      : [
          `Firehose stream ${stream.name} partitions dynamically with no alarm on PartitionCountExceeded: records over the partition limit would go to its error prefix unseen`,
        ];
  },
});

const LOG_METRIC_FILTER = ["aws:cloudwatch/logMetricFilter:LogMetricFilter"];

/**
 * Whether an alarm fires on one message counted by a filter: the Sum of exactly its metric (namespace and name,
 * without dimensions: a filter's metric has none) above 0.
 */
function firesOnOne(alarm: ResourceView, filter: ResourceView): boolean {
  const dimensions = alarm.inputs.dimensions;
  const none = dimensions === undefined || dimensions === null || (typeof dimensions === "object" && Object.keys(dimensions).length === 0);
  const onOne = firesOnFirst(risingAlarm(alarm, "Sum"));
  return (
    none &&
    onOne &&
    alarm.inputs.namespace === get(filter.inputs, "metricTransformation.namespace") &&
    alarm.inputs.metricName === get(filter.inputs, "metricTransformation.name")
  );
}

export const ruleErrorsAlarmed = joinRule({
  id: "alarms-rule-errors",
  level: "mandatory",
  description:
    "Every IoT rule whose error action writes to CloudWatch Logs has a metric filter counting every event of that log group (an empty pattern, value 1), and an alarm on the Sum of its metric, without dimensions, that fires on one message within an hour.",
  types: T.iotRule,
  check(rule, graph) {
    const logGroup = get(rule.inputs, "errorAction.cloudwatchLogs.logGroupName");
    if (typeof logGroup !== "string" || isUnknown(logGroup)) return [];
    const counting = graph
      .ofType(...LOG_METRIC_FILTER)
      .filter((f) => f.inputs.logGroupName === logGroup && f.inputs.pattern === "" && get(f.inputs, "metricTransformation.value") === "1");
    const alarmed = counting.some((f) => graph.ofType(...METRIC_ALARM).some((a) => firesOnOne(a, f)));
    return alarmed ? [] : [`IoT rule ${rule.name} logs its failed messages to ${logGroup} with no metric filter counting them and an alarm on it`];
  },
});

export const alarmsAct = resourceRule({
  id: "prod-alarms-have-actions",
  level: "mandatory",
  prodOnly: true,
  description: "In prod every metric alarm has at least one alarm action (the stack's alert topic; dev alarms may only show on dashboards).",
  types: METRIC_ALARM,
  check(alarm) {
    return asArray(get(alarm.inputs, "alarmActions")).length > 0 ? [] : [`alarm ${alarm.name} has no alarm action: it would tell no one`];
  },
});

export const ALARM_RULES: readonly Rule[] = [
  functionErrorsAlarmed,
  deadLettersAlarmed,
  deliveryFreshnessAlarmed,
  partitionLimitAlarmed,
  ruleErrorsAlarmed,
  alarmsAct,
];
