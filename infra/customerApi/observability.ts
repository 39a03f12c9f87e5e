import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { observabilityDefaults } from "../shared/defaults";
import { Deployment } from "../shared/deployment";
import { BundledFunction } from "../shared/lambdaFunction";
import { identifier } from "../shared/naming";
import { createDashboard, createOutcomeAlarms, OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { serviceDashboardBody } from "../shared/serviceDashboard";

const RESPONSES = ["Responses2xx", "Responses4xx", "Responses5xx"] as const;

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const CUSTOMER_METRICS = {
  authorizer: ["RequestsAllowed", "RequestsDenied"],
  profileApi: RESPONSES,
  reportUrl: RESPONSES,
} as const;

/** No customer data is lost here; a burst of denials is someone guessing tokens or a broken client release. */
export const CUSTOMER_ALARMS: readonly OutcomeAlarmSpec[] = [
  {
    suffix: "denials",
    service: "authorizer",
    metricName: "RequestsDenied",
    threshold: observabilityDefaults.deniedRequestsPer5Minutes,
    description: `More than ${observabilityDefaults.deniedRequestsPer5Minutes} customer API requests denied in 5 minutes. The authorizer's WARN lines give each reason.`,
  },
];

export interface CustomerObservabilityRefs {
  readonly authorizer: BundledFunction;
  readonly profile: BundledFunction;
  readonly reportUrl: BundledFunction;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/** The CustomerApi dashboard and its alarms. */
export function createCustomerObservability(
  name: string,
  r: CustomerObservabilityRefs,
  parent: pulumi.Resource,
): { dashboard: aws.cloudwatch.Dashboard; alarms: aws.cloudwatch.MetricAlarm[] } {
  const alarms = createOutcomeAlarms(name, CUSTOMER_ALARMS, r.deployment, parent);
  const fns = [r.authorizer, r.profile, r.reportUrl];
  const body = pulumi
    .all([r.ctx.region, ...fns.map((f) => f.fn.name), ...fns.map((f) => f.logGroup.name)])
    .apply(([region, authorizerName, profileName, reportName, authorizerLogs, profileLogs, reportLogs]) =>
      JSON.stringify(
        serviceDashboardBody({
          region,
          namespace: observabilityDefaults.metricNamespace,
          functions: [
            { title: "Authorizer", service: "authorizer", functionName: authorizerName, logGroupName: authorizerLogs, metrics: CUSTOMER_METRICS.authorizer },
            { title: "Profile API", service: "profileApi", functionName: profileName, logGroupName: profileLogs, metrics: CUSTOMER_METRICS.profileApi },
            { title: "Report URL", service: "reportUrl", functionName: reportName, logGroupName: reportLogs, metrics: CUSTOMER_METRICS.reportUrl },
          ],
        }),
      ),
    );
  const dashboard = createDashboard(name, identifier(["gridrail", r.deployment.stack, "customer-api"], "-", 255), body, parent);
  return { dashboard, alarms };
}
