import * as aws from "@pulumi/aws";
import { RECENT_DAYS } from "../../functions/dailyAnalysis/clientReport";

type LifecycleRule = aws.types.input.s3.BucketLifecycleConfigurationRule;

/**
 * Days after which nothing reads a lake or upload object again in normal operation. The daily analysis reads
 * the lake only for the day it reports on, and its detector replays the reports of the previous RECENT_DAYS
 * days; an operator who re-runs a day after a late correction does so while that report still feeds later
 * ones, so within RECENT_DAYS. The margin covers a late re-run after an incident and the Athena views, which
 * cannot read Glacier Flexible Retrieval objects (Athena skips them unless restored).
 */
export const ANALYSIS_RERUN_MARGIN_DAYS = 16;
export const LAKE_ARCHIVE_DAYS = RECENT_DAYS + ANALYSIS_RERUN_MARGIN_DAYS;

/**
 * Reports move to Glacier Instant Retrieval: customers still download them (millisecond access, as in S3
 * Standard) but rarely after a billing quarter. 90 days is also Glacier IR's minimum storage duration, so a
 * report is never billed for days it does not spend there, and the analysis' RECENT_DAYS history reads stay in
 * S3 Standard (Glacier IR charges per GB retrieved).
 */
export const REPORTS_ARCHIVE_DAYS = 90;

export interface ArchiveDays {
  /** Days before lake and upload objects move to Glacier Flexible Retrieval. Default LAKE_ARCHIVE_DAYS. */
  readonly lake: number;
  /** Days before reports move to Glacier Instant Retrieval. Default REPORTS_ARCHIVE_DAYS. */
  readonly reports: number;
}

/** The lifecycle rules added to the baseline for each meter bucket. */
export function meterArchiveRules(days: ArchiveDays = { lake: LAKE_ARCHIVE_DAYS, reports: REPORTS_ARCHIVE_DAYS }) {
  for (const [field, value] of Object.entries(days)) {
    if (!Number.isInteger(value) || value <= RECENT_DAYS) {
      throw new Error(`archive days ${field} must be an integer above the analysis' ${RECENT_DAYS}-day history, got ${value}`);
    }
  }
  const toGlacier = (after: number, storageClass: "GLACIER" | "GLACIER_IR"): LifecycleRule => ({
    id: storageClass === "GLACIER" ? "to-glacier" : "to-glacier-ir",
    status: "Enabled",
    filter: { prefix: "" },
    transitions: [{ days: after, storageClass }],
  });
  return {
    lake: [toGlacier(days.lake, "GLACIER")],
    uploads: [toGlacier(days.lake, "GLACIER")],
    reports: [toGlacier(days.reports, "GLACIER_IR")],
  };
}
