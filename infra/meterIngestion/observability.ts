import { observabilityDefaults } from "../shared/defaults";
import { OutcomeAlarmSpec } from "../shared/outcomeAlarms";
import { ServiceDashboard } from "../shared/serviceObservability";

/** Outcome metrics per function, as the handlers count them (functions/<service>/handler.ts). */
export const METER_METRICS = {
  supplierParser: ["FilesProcessed", "RowsAccepted", "RowsRejected", "ReadingsUnreported", "FilesQuarantined", "InvalidKeys", "MessagesRetried"],
  dailyAnalysis: ["ReportsWritten", "ReportsRevised", "ClientsFailed", "RejectedLines", "ReadingsTooLate", "UnusualHalfHours"],
} as const;

/** Alarms on the outcomes that mean meter readings are not reaching the lake or a customer's report. */
export const METER_ALARMS: readonly OutcomeAlarmSpec[] = [
  {
    suffix: "files-quarantined",
    service: "supplierParser",
    metricName: "FilesQuarantined",
    threshold: 0,
    description: "Supplier files quarantined: nothing of them reached the lake (bad key, or every row rejected). Read quarantine/ in the lake.",
  },
  {
    suffix: "rows-rejected",
    service: "supplierParser",
    metricName: "RowsRejected",
    threshold: observabilityDefaults.rejectedRowsPerHour,
    periodSeconds: 3600,
    description: `More than ${observabilityDefaults.rejectedRowsPerHour} supplier rows rejected in an hour. Read the quarantine reports of the hour's files.`,
  },
  {
    suffix: "clients-failed",
    service: "dailyAnalysis",
    metricName: "ClientsFailed",
    threshold: 0,
    description: "The daily analysis failed for some clients: their reports are missing. Find the client ids in the function's ERROR lines.",
  },
];

/** The meter-ingestion dashboard's rows and its alarms; the component wires its functions to it. */
export const METER_DASHBOARD: ServiceDashboard<keyof typeof METER_METRICS> = {
  purpose: "meter-ingestion",
  alarms: METER_ALARMS,
  functions: [
    { title: "Supplier parser", service: "supplierParser", metrics: METER_METRICS.supplierParser },
    { title: "Daily analysis", service: "dailyAnalysis", metrics: METER_METRICS.dailyAnalysis },
  ],
};
