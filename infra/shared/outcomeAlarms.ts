import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AlarmArgs, createAlarm } from "./alarms";
import { observabilityDefaults, stackMetricNamespace } from "./defaults";
import { HelperOptions, WithDeployment } from "./options";

/** An alarm on one function outcome metric (EMF, the stack's namespace `gridrail/<stack>`, dimension `service`). */
export interface OutcomeAlarmSpec {
  /** Logical name suffix, e.g. `files-quarantined`. */
  readonly suffix: string;
  readonly service: string;
  readonly metricName: string;
  /** The metric namespace's base, the stack appended (default the stack-wide `gridrail`). */
  readonly namespace?: string;
  /** Alarms when the sum over one period is above this. */
  readonly threshold: number;
  /** Default `observabilityDefaults.outcomeAlarmPeriodSeconds`. */
  readonly periodSeconds?: number;
  /** What it means and what to do first (shown in the notification). */
  readonly description: string;
}

/** The exact alarm inputs of a spec in a stack: one breaching period alarms (each of these is data a human must look at). */
export function outcomeAlarmArgs(spec: OutcomeAlarmSpec, stack: string): AlarmArgs {
  return {
    description: spec.description,
    namespace: stackMetricNamespace(stack, spec.namespace),
    metricName: spec.metricName,
    dimensions: { service: spec.service },
    statistic: "Sum",
    comparisonOperator: "GreaterThanThreshold",
    threshold: spec.threshold,
    periodSeconds: spec.periodSeconds ?? observabilityDefaults.outcomeAlarmPeriodSeconds,
    evaluationPeriods: 1,
    datapointsToAlarm: 1,
    treatMissingData: "notBreaching",
  };
}

export function createOutcomeAlarms(
  name: string,
  { specs, deployment }: { readonly specs: readonly OutcomeAlarmSpec[] } & WithDeployment,
  opts: HelperOptions,
): aws.cloudwatch.MetricAlarm[] {
  return specs.map((s) => createAlarm(`${name}-${s.suffix}`, { ...outcomeAlarmArgs(s, deployment.stack), deployment }, opts));
}

/** A dashboard resource named `gridrail-<stack>-<purpose>`. */
export function createDashboard(
  name: string,
  { dashboardName, body }: { readonly dashboardName: string; readonly body: pulumi.Input<string> },
  opts: HelperOptions,
): aws.cloudwatch.Dashboard {
  return new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName, dashboardBody: body }, { ...opts });
}
