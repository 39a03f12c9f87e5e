/** Physical names for resources whose name AWS shows to people (log groups, aliases, cluster ids). */

/** `/gridrail/<stack>/<resource>` for CloudWatch log groups; Lambda log groups go under `lambda/`. */
export function logGroupName(stack: string, resource: string): string {
  return `/gridrail/${stack}/${resource}`;
}

/** `alias/gridrail/<stack>/<purpose>` */
export function kmsAliasName(stack: string, purpose: string): string {
  return `alias/gridrail/${stack}/${purpose}`;
}

/**
 * Identifiers with AWS's strictest common rule (Redshift cluster ids, Glue/Athena names): lowercase letters,
 * digits and `sep`, starting with a letter, at most `max` characters.
 */
export function identifier(parts: readonly string[], sep: "-" | "_" = "-", max = 63): string {
  const id = parts
    .join(sep)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`\\${sep}+`, "g"), sep)
    .replace(new RegExp(`^\\${sep}|\\${sep}$`, "g"), "");
  if (!/^[a-z]/.test(id)) throw new Error(`identifier "${id}" must start with a letter`);
  if (id.length > max) throw new Error(`identifier "${id}" is longer than ${max} characters`);
  return id;
}

/** MQTT topics of the two device families; the IoT policies and rules are built from these. */
export const topics = {
  meterReadings: (clientId: string) => `meters/${clientId}/readings`,
  meterReadingsFilter: "meters/+/readings",
  trainTelemetry: (thingName: string) => `trains/${thingName}/telemetry`,
  trainTelemetryFilter: "trains/+/telemetry",
  /** Anomaly episodes the train anomaly Lambda publishes (opened / cleared), shared with data scientists. */
  trainAnomalies: (thingName: string) => `trains/${thingName}/anomalies`,
  trainAnomaliesFilter: "trains/+/anomalies",
} as const;
