import { variableNames } from "../shared/environment";

/**
 * The daily analysis's environment: the meter lake it reads, the bucket it writes reports to, and the customer
 * API's profile table, whose claim items give each meter's household's first day (dynamoHouseholds.ts).
 */
export const DAILY_ANALYSIS_VARIABLES = variableNames(["LAKE_BUCKET", "REPORTS_BUCKET", "HOUSEHOLD_TABLE"], ["METRIC_NAMESPACE"]);
