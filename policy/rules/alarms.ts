/**
 * Alarms: every function alarms on its errors, every dead-letter queue or failure destination on its depth,
 * and in prod every alarm tells someone (an action), so a failure that loses nothing still reaches a person.
 */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { asArray, get } from "../values";
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

export const ALARM_RULES: readonly Rule[] = [functionErrorsAlarmed, deadLettersAlarmed, alarmsAct];
