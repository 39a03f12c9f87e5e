import { variableNames } from "../shared/environment";

/** The report URL function's environment: where the caller's meter is found, where reports are, how long a URL lives. */
export const REPORT_URL_VARIABLES = variableNames(["PROFILE_TABLE", "REPORTS_BUCKET", "URL_TTL_SECONDS"], ["METRIC_NAMESPACE"]);
