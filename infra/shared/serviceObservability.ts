import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "./awsContext";
import { stackMetricNamespace } from "./defaults";
import { Deployment } from "./deployment";
import { BundledFunction } from "./lambdaFunction";
import { identifier } from "./naming";
import { createDashboard, createOutcomeAlarms, OutcomeAlarmSpec } from "./outcomeAlarms";
import { serviceDashboardBody } from "./serviceDashboard";
import { HelperOptions } from "./options";

/** A function's row on its component's dashboard. */
export interface ObservedFunction<S extends string = string> {
  readonly title: string;
  /** The Powertools service name its handler logs and counts under. */
  readonly service: S;
  readonly metrics: readonly string[];
}

/** What a component's dashboard shows and which outcomes alarm: plain data, one per component. */
export interface ServiceDashboard<S extends string = string> {
  /** The dashboard is named `gridrail-<stack>-<purpose>`. */
  readonly purpose: string;
  readonly functions: readonly ObservedFunction<S>[];
  readonly alarms: readonly OutcomeAlarmSpec[];
}

/** The component's resources behind a dashboard: a function per service, and the dead-letter queues to show. */
export interface ServiceWiring<S extends string> {
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
  readonly functions: Readonly<Record<S, BundledFunction>>;
  readonly queues?: readonly { readonly title: string; readonly queue: aws.sqs.Queue }[];
  /** IoT rules to show, each with the metric counting the messages it failed to deliver (`createTopicRuleRole`'s). */
  readonly rules?: readonly { readonly title: string; readonly rule: aws.iot.TopicRule; readonly failureMetric: string }[];
}

/** A component's outcome alarms and its dashboard over its functions' metrics, errors, logs and queues. */
export function createServiceObservability<S extends string>(
  name: string,
  wiring: ServiceWiring<S> & { readonly layout: ServiceDashboard<S> },
  opts: HelperOptions,
): { dashboard: aws.cloudwatch.Dashboard; alarms: aws.cloudwatch.MetricAlarm[] } {
  const { layout } = wiring;
  const spec = { ...layout, ...wiring, functions: layout.functions.map((f) => ({ ...f, fn: wiring.functions[f.service] })) };
  const alarms = createOutcomeAlarms(name, { specs: spec.alarms, deployment: spec.deployment }, opts);
  const queues = spec.queues ?? [];
  const rules = spec.rules ?? [];
  const body = pulumi
    .all([
      spec.ctx.region,
      pulumi.all(spec.functions.map((f) => f.fn.fn.name)),
      pulumi.all(spec.functions.map((f) => f.fn.logGroup.name)),
      pulumi.all(queues.map((q) => q.queue.name)),
      pulumi.all(rules.map((r) => r.rule.name)),
    ])
    .apply(([region, functionNames, logGroupNames, queueNames, ruleNames]) =>
      JSON.stringify(
        serviceDashboardBody({
          region,
          namespace: stackMetricNamespace(spec.deployment.stack),
          functions: spec.functions.map((f, i) => ({
            title: f.title,
            service: f.service,
            functionName: functionNames[i],
            logGroupName: logGroupNames[i],
            metrics: f.metrics,
          })),
          ...(rules.length > 0 ? { rules: rules.map((r, i) => ({ title: r.title, ruleName: ruleNames[i], failedMetric: r.failureMetric })) } : {}),
          ...(queues.length > 0 ? { queues: queues.map((q, i) => ({ title: q.title, queueName: queueNames[i] })) } : {}),
        }),
      ),
    );
  const dashboard = createDashboard(name, { dashboardName: identifier(["gridrail", spec.deployment.stack, spec.purpose], "-", 255), body }, opts);
  return { dashboard, alarms };
}
