import { variableNames } from "../shared/environment";

/** The usage summary's environment: the Athena workgroup and database it queries, the bucket it writes summaries to. */
export const USAGE_SUMMARY_VARIABLES = variableNames(["WORKGROUP", "DATABASE", "RESULTS_BUCKET"], ["METRIC_NAMESPACE"]);
