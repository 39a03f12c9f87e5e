import { OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { ServiceDashboard } from "../shared/serviceObservability";

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const SHARING_METRICS = {
  firehoseTransform: ["RecordsTransformed", "RecordsFailed", "RowsWritten"],
  redshiftLoader: ["LoadsMerged", "ObjectsLoaded", "RowsLoaded", "ObjectsSkipped", "ObjectsDeferred", "ObjectsRejected", "LoadsFailed"],
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
    suffix: "objects-rejected",
    service: "redshiftLoader",
    metricName: "ObjectsRejected",
    threshold: 0,
    description:
      "Redshift refused a line of a raw object: the object was set aside in load_rejects and the rest of its load went in. The ERROR line 'raw object rejected' gives key, line, column and reason.",
  },
  {
    suffix: "summary-failures",
    service: "usageSummary",
    metricName: "SummaryFailures",
    threshold: 0,
    description: "The daily usage summary was not written. The ERROR line says why; the query lines carry Athena execution ids.",
  },
];

/** The data-sharing dashboard's rows and its alarms; the component wires its functions to it. */
export const SHARING_DASHBOARD: ServiceDashboard<keyof typeof SHARING_METRICS> = {
  purpose: "data-sharing",
  alarms: SHARING_ALARMS,
  functions: [
    { title: "Firehose transform", service: "firehoseTransform", metrics: SHARING_METRICS.firehoseTransform },
    { title: "Warehouse loader", service: "redshiftLoader", metrics: SHARING_METRICS.redshiftLoader },
    { title: "Usage summary", service: "usageSummary", metrics: SHARING_METRICS.usageSummary },
  ],
};
