import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsContext } from "../shared/awsContext";
import { observabilityDefaults } from "../shared/defaults";
import { Deployment } from "../shared/deployment";
import { BundledFunction } from "../shared/lambdaFunction";
import { identifier } from "../shared/naming";
import { createDashboard, createOutcomeAlarms, OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { serviceDashboardBody } from "../shared/serviceDashboard";

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const SHARING_METRICS = {
  firehoseTransform: ["RecordsTransformed", "RecordsFailed", "RowsWritten"],
  redshiftLoader: ["LoadsMerged", "ObjectsLoaded", "RowsLoaded", "ObjectsSkipped", "ObjectsDeferred", "LoadsFailed"],
  usageSummary: ["SummariesWritten", "SummaryFailures"],
} as const;

/** Alarms on the outcomes that mean shared data is missing from the lake, the warehouse or the summary. */
export const SHARING_ALARMS: readonly OutcomeAlarmSpec[] = [
  {
    suffix: "records-failed",
    service: "firehoseTransform",
    metricName: "RecordsFailed",
    threshold: 0,
    description:
      "Firehose records failed the transform: kept under errors/processing-failed/ of the raw bucket, not in readings/. The function's WARN lines give each recordId and reason.",
  },
  {
    suffix: "loads-failed",
    service: "redshiftLoader",
    metricName: "LoadsFailed",
    threshold: 0,
    description: "A Redshift load failed: nothing of it committed. The ERROR line carries the statement id and manifest key; the next hourly run retries.",
  },
  {
    suffix: "objects-skipped",
    service: "redshiftLoader",
    metricName: "ObjectsSkipped",
    threshold: 0,
    description: "Raw objects the loader will never load (the WARN line 'raw object skipped' says which and why).",
  },
  {
    suffix: "summary-failures",
    service: "usageSummary",
    metricName: "SummaryFailures",
    threshold: 0,
    description: "The daily usage summary was not written. The ERROR line says why; the query lines carry Athena execution ids.",
  },
];

export interface SharingObservabilityRefs {
  readonly transform: BundledFunction;
  readonly loader: BundledFunction;
  readonly summary: BundledFunction;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/** The DataSharing dashboard and its data-loss alarms. */
export function createSharingObservability(
  name: string,
  r: SharingObservabilityRefs,
  parent: pulumi.Resource,
): { dashboard: aws.cloudwatch.Dashboard; alarms: aws.cloudwatch.MetricAlarm[] } {
  const alarms = createOutcomeAlarms(name, SHARING_ALARMS, r.deployment, parent);
  const fns = [r.transform, r.loader, r.summary];
  const body = pulumi
    .all([r.ctx.region, ...fns.map((f) => f.fn.name), ...fns.map((f) => f.logGroup.name)])
    .apply(([region, transformName, loaderName, summaryName, transformLogs, loaderLogs, summaryLogs]) =>
      JSON.stringify(
        serviceDashboardBody({
          region,
          namespace: observabilityDefaults.metricNamespace,
          functions: [
            {
              title: "Firehose transform",
              service: "firehoseTransform",
              functionName: transformName,
              logGroupName: transformLogs,
              metrics: SHARING_METRICS.firehoseTransform,
            },
            {
              title: "Warehouse loader",
              service: "redshiftLoader",
              functionName: loaderName,
              logGroupName: loaderLogs,
              metrics: SHARING_METRICS.redshiftLoader,
            },
            { title: "Usage summary", service: "usageSummary", functionName: summaryName, logGroupName: summaryLogs, metrics: SHARING_METRICS.usageSummary },
          ],
        }),
      ),
    );
  const dashboard = createDashboard(name, identifier(["gridrail", r.deployment.stack, "data-sharing"], "-", 255), body, parent);
  return { dashboard, alarms };
}
