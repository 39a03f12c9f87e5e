/** API Gateway: every stage writes access logs; every route has an authorizer. */
import { resourceRule, Rule } from "../rule";
import { get, isUnknown, show } from "../values";
import { T } from "./types";

export const apiAccessLogs = resourceRule({
  id: "apigateway-access-logs",
  level: "mandatory",
  description: "Every API Gateway stage (HTTP/WebSocket or REST) writes access logs with a format.",
  types: T.apiStage,
  check(stage) {
    const destination = get(stage.inputs, "accessLogSettings.destinationArn");
    if (destination === undefined) return [`API stage ${stage.name} has no access logs (accessLogSettings.destinationArn: unset)`];
    return get(stage.inputs, "accessLogSettings.format") === undefined
      ? [`API stage ${stage.name} access logs have no format (accessLogSettings.format: unset)`]
      : [];
  },
});

const AUTHORIZED = ["CUSTOM", "JWT", "AWS_IAM"];

export const apiRouteAuthorized = resourceRule({
  id: "apigateway-route-authorized",
  level: "mandatory",
  description: "Every HTTP API route is authorized: authorizationType CUSTOM or JWT with an authorizer, or AWS_IAM (the customer API's data is personal).",
  types: ["aws:apigatewayv2/route:Route"],
  check(route) {
    const type = route.inputs.authorizationType;
    const where = `API route ${route.name} (${show(route.inputs.routeKey)})`;
    if (isUnknown(type)) return [];
    if (!AUTHORIZED.includes(String(type))) return [`${where} has authorizationType ${show(type)}: every route needs CUSTOM, JWT or AWS_IAM`];
    return type !== "AWS_IAM" && route.inputs.authorizerId === undefined ? [`${where} is ${type} but names no authorizerId`] : [];
  },
});

export const APIGATEWAY_RULES: readonly Rule[] = [apiAccessLogs, apiRouteAuthorized];
