import { variableNames } from "../shared/environment";

/** The authorizer's environment: the Cognito pool and app client whose access tokens it accepts. */
export const AUTHORIZER_VARIABLES = variableNames(["USER_POOL_ID", "CLIENT_ID"], ["METRIC_NAMESPACE"]);
