import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { observabilityDefaults } from "../shared/defaults";
import { Deployment } from "../shared/deployment";
import { BundledFunction } from "../shared/lambdaFunction";
import { OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { createServiceObservability } from "../shared/serviceObservability";

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
  return createServiceObservability(
    name,
    {
      ctx: r.ctx,
      deployment: r.deployment,
      purpose: "customer-api",
      alarms: CUSTOMER_ALARMS,
      functions: [
        { title: "Authorizer", service: "authorizer", fn: r.authorizer, metrics: CUSTOMER_METRICS.authorizer },
        { title: "Profile API", service: "profileApi", fn: r.profile, metrics: CUSTOMER_METRICS.profileApi },
        { title: "Report URL", service: "reportUrl", fn: r.reportUrl, metrics: CUSTOMER_METRICS.reportUrl },
      ],
    },
    parent,
  );
}
