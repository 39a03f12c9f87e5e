import { variableNames } from "../shared/environment";

/** The profile API's environment: the profile table (profiles, claims, meter owners) and the pool erasure deletes from. */
export const PROFILE_API_VARIABLES = variableNames(["PROFILE_TABLE", "USER_POOL_ID"], ["METRIC_NAMESPACE"]);
export type ProfileApiVariable = (typeof PROFILE_API_VARIABLES.required)[number];
