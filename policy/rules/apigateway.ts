/** API Gateway: every stage writes access logs. */
import { resourceRule, Rule } from "../rule";
import { get } from "../values";
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

export const APIGATEWAY_RULES: readonly Rule[] = [apiAccessLogs];
