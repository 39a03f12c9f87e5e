import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaContext, count, createObservability, httpKeys, invocation, logPort, responseMetric } from "../shared/observability";
import { DynamoProfileStore } from "./dynamoProfileStore";
import { HttpApiEvent, HttpResponse, respond } from "./httpApi";
import { ProfileStore } from "./profileStore";
import { ProfileDeps, profileRoute } from "./profileRoutes";
import { requireVariables } from "../shared/environment";
import { ClaimStore } from "../meterClaim/claimStore";
import { DynamoClaimStore } from "../meterClaim/dynamoClaimStore";
import { claimRoute } from "../meterClaim/claimRoute";
import { UserDirectory, cognitoUserDirectory } from "../meterClaim/userDirectory";
import { ProfileApiVariable } from "./variables";

const warm: { store?: ProfileStore; claims?: ClaimStore; users?: UserDirectory } = {};
const o = createObservability("profileApi");

/** Reads PROFILE_TABLE (set by the CustomerApi component). */
export function storeFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProfileStore {
  const { PROFILE_TABLE } = requireVariables<ProfileApiVariable>(env, ["PROFILE_TABLE"]);
  return new DynamoProfileStore(o.tracer.captureAWSv3Client(new DynamoDBClient({})), PROFILE_TABLE);
}

/** Claims share the profile table (PROFILE_TABLE), under their own key prefixes. */
export function claimsFromEnvironment(env: Readonly<Record<string, string | undefined>>): ClaimStore {
  const { PROFILE_TABLE } = requireVariables<ProfileApiVariable>(env, ["PROFILE_TABLE"]);
  return new DynamoClaimStore(o.tracer.captureAWSv3Client(new DynamoDBClient({})), PROFILE_TABLE);
}

/** The function's routes: the meter link and erasure go to the claim route, the rest to the profile route. */
export function profileApiRoute(
  event: HttpApiEvent,
  deps: ProfileDeps & {
    readonly claims: ClaimStore;
    readonly users?: UserDirectory;
    readonly warn?: (message: string) => void;
    readonly onAccountNotDeleted?: () => void;
  },
): Promise<HttpResponse> {
  const { store, claims, users, now, warn, onAccountNotDeleted } = deps;
  return event.routeKey === "POST /profile/meter" || event.routeKey === "DELETE /profile"
    ? claimRoute(event, { claims, profiles: store, users, now, ...(warn ? { warn } : {}), ...(onAccountNotDeleted ? { onAccountNotDeleted } : {}) })
    : profileRoute(event, { store, now });
}

/** Reads USER_POOL_ID: erasure deletes the customer's account from that pool. */
export function usersFromEnvironment(env: Readonly<Record<string, string | undefined>>): UserDirectory {
  const { USER_POOL_ID } = requireVariables<ProfileApiVariable>(env, ["USER_POOL_ID"]);
  return cognitoUserDirectory(o.tracer.captureAWSv3Client(new CognitoIdentityProviderClient({})), USER_POOL_ID);
}

/** `GET /profile`, `PUT /profile`, `DELETE /profile`, `POST /profile/meter` behind the Lambda authorizer (HTTP API payload 2.0); answers counted per status class. */
export async function handler(event: HttpApiEvent, context?: LambdaContext): Promise<HttpResponse> {
  return invocation(o, context, httpKeys(event), async () => {
    warm.store ??= storeFromEnvironment(process.env);
    warm.claims ??= claimsFromEnvironment(process.env);
    warm.users ??= usersFromEnvironment(process.env);
    const { store, claims, users } = warm;
    const warn = (message: string) => o.logger.warn(message);
    const onAccountNotDeleted = () => count(o, "AccountDeletionsFailed", 1);
    const response = await respond(event, logPort(o.logger), () =>
      profileApiRoute(event, { store, claims, users, now: () => new Date(), warn, onAccountNotDeleted }),
    );
    count(o, responseMetric(response.statusCode), 1);
    return response;
  });
}
