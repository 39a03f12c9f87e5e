import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoProfileStore } from "./dynamoProfileStore";
import { HttpApiEvent, HttpResponse, respond } from "./httpApi";
import { ProfileStore } from "./profileStore";
import { profileRoute } from "./profileRoutes";

const warm: { store?: ProfileStore } = {};

/** Reads PROFILE_TABLE (set by the CustomerApi component). */
export function storeFromEnvironment(env: Readonly<Record<string, string | undefined>>): ProfileStore {
  if (!env.PROFILE_TABLE) throw new Error("environment variable PROFILE_TABLE must be set");
  return new DynamoProfileStore(new DynamoDBClient({}), env.PROFILE_TABLE);
}

/** `GET /profile`, `PUT /profile` behind the Lambda authorizer (HTTP API payload 2.0). */
export async function handler(event: HttpApiEvent): Promise<HttpResponse> {
  warm.store ??= storeFromEnvironment(process.env);
  const store = warm.store;
  return respond(event, (entry) => console.log(JSON.stringify(entry)), () => profileRoute(event, { store, now: () => new Date() }));
}
