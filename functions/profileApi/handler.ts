import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { LambdaContext, count, createObservability, httpKeys, invocation, logPort, responseMetric } from "../shared/observability";
import { DynamoProfileStore } from "./dynamoProfileStore";
import { HttpApiEvent, HttpResponse, respond } from "./httpApi";
import { ProfileStore } from "./profileStore";
import { profileRoute } from "./profileRoutes";
import { requireVariables } from "../shared/environment";

const warm: { store?: ProfileStore } = {};
const o = createObservability("profileApi");

/** Reads PROFILE_TABLE (set by the CustomerApi component). */
export function storeFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProfileStore {
  const { PROFILE_TABLE } = requireVariables(env, ["PROFILE_TABLE"]);
  return new DynamoProfileStore(o.tracer.captureAWSv3Client(new DynamoDBClient({})), PROFILE_TABLE);
}

/** `GET /profile`, `PUT /profile` behind the Lambda authorizer (HTTP API payload 2.0); answers counted per status class. */
export async function handler(event: HttpApiEvent, context?: LambdaContext): Promise<HttpResponse> {
  return invocation(o, context, httpKeys(event), async () => {
    warm.store ??= storeFromEnvironment(process.env);
    const store = warm.store;
    const response = await respond(event, logPort(o.logger), () => profileRoute(event, { store, now: () => new Date() }));
    count(o, responseMetric(response.statusCode), 1);
    return response;
  });
}
