import { variableNames } from "../shared/environment";

/** The daily analysis's environment: the meter lake it reads and the bucket it writes reports to. */
export const DAILY_ANALYSIS_VARIABLES = variableNames(["LAKE_BUCKET", "REPORTS_BUCKET"], ["METRIC_NAMESPACE"]);
