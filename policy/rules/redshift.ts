/**
 * Redshift: private, encrypted, TLS-only, off the default port, audited, COPY through the VPC, snapshots kept.
 * TLS and user-activity logging are parameters of the cluster's parameter group (a separate resource), and
 * audit logging is an `aws:redshift/logging` resource naming the cluster.
 */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { asArray, get, isTrue, isUnknown, show } from "../values";
import { T } from "./types";

export const REDSHIFT_DEFAULT_PORT = 5439;
export const REDSHIFT_AUDIT_LOGS = ["connectionlog", "userlog", "useractivitylog"];

const cluster = (r: ResourceView) => `Redshift cluster ${r.name}`;

export const redshiftNotPublic = resourceRule({
  id: "redshift-not-public",
  level: "mandatory",
  description: "Every Redshift cluster sets publiclyAccessible: false.",
  types: T.redshiftCluster,
  check(c) {
    return c.inputs.publiclyAccessible === false ? [] : [`${cluster(c)} is not private (publiclyAccessible: ${show(c.inputs.publiclyAccessible)})`];
  },
});

export const redshiftEncrypted = resourceRule({
  id: "redshift-encrypted",
  level: "mandatory",
  description: "Every Redshift cluster is encrypted with a KMS key.",
  types: T.redshiftCluster,
  check(c) {
    if (!isTrue(c.inputs.encrypted)) return [`${cluster(c)} is not encrypted (encrypted: ${show(c.inputs.encrypted)})`];
    return c.inputs.kmsKeyId === undefined ? [`${cluster(c)} is encrypted without a customer managed key (kmsKeyId: unset)`] : [];
  },
});

/** The cluster's parameter group of this stack; "default" when it names none; its name when it is not in the stack. */
function parameterGroup(c: ResourceView, graph: StackGraph): ResourceView | string | undefined {
  const name = c.inputs.clusterParameterGroupName;
  if (name === undefined) return "default";
  const [group] = graph.references(c, "clusterParameterGroupName", T.redshiftParameterGroup);
  return group ?? (isUnknown(name) ? undefined : String(name));
}

/** A finding unless `name` is "true" in the cluster's parameter group. */
function requireParameter(c: ResourceView, graph: StackGraph, name: string, what: string): string[] {
  const group = parameterGroup(c, graph);
  if (group === undefined) return [];
  if (group === "default") return [`${cluster(c)} uses the default parameter group, where ${name} is false`];
  if (typeof group === "string") return [`${cluster(c)} uses parameter group ${group}, which is not in this stack`];
  const value = get(
    asArray(group.inputs.parameters).find((p) => get(p, "name") === name),
    "value",
  );
  return isTrue(value) || isUnknown(value) ? [] : [`${cluster(c)} parameter group ${group.name} does not ${what} (${name}: ${show(value)})`];
}

export const redshiftRequireSsl = joinRule({
  id: "redshift-require-ssl",
  level: "mandatory",
  description: "Every Redshift cluster's parameter group sets require_ssl to true.",
  types: T.redshiftCluster,
  check: (c, graph) => requireParameter(c, graph, "require_ssl", "require SSL"),
});

export const redshiftNonDefaultPort = resourceRule({
  id: "redshift-non-default-port",
  level: "mandatory",
  description: `Every Redshift cluster listens on a port other than the default ${REDSHIFT_DEFAULT_PORT}.`,
  types: T.redshiftCluster,
  check(c) {
    const port = c.inputs.port;
    return port === undefined || port === REDSHIFT_DEFAULT_PORT
      ? [`${cluster(c)} listens on the default port (port: ${show(port ?? REDSHIFT_DEFAULT_PORT)})`]
      : [];
  },
});

export const redshiftAuditLogging = joinRule({
  id: "redshift-audit-logging",
  level: "mandatory",
  description: `Every Redshift cluster exports ${REDSHIFT_AUDIT_LOGS.join(", ")} (aws:redshift/logging to CloudWatch, or to S3) and logs user activity (enable_user_activity_logging).`,
  types: T.redshiftCluster,
  check(c, graph) {
    const loggings = graph.referrers(c, T.redshiftLogging, "clusterIdentifier");
    if (loggings.length === 0) return [`${cluster(c)} has no audit logging (no aws:redshift/logging names it)`];
    const exported = (l: ResourceView) => (l.inputs.logDestinationType === "s3" ? REDSHIFT_AUDIT_LOGS : asArray(l.inputs.logExports));
    const missing = REDSHIFT_AUDIT_LOGS.filter((log) => !loggings.some((l) => exported(l).includes(log) || isUnknown(l.inputs.logExports)));
    const problems = missing.length > 0 ? [`${cluster(c)} audit logging does not export ${missing.join(", ")}`] : [];
    return [...problems, ...requireParameter(c, graph, "enable_user_activity_logging", "log user activity")];
  },
});

export const redshiftEnhancedVpcRouting = resourceRule({
  id: "redshift-enhanced-vpc-routing",
  level: "mandatory",
  description: "Every Redshift cluster uses enhanced VPC routing (COPY/UNLOAD traffic stays in the VPC).",
  types: T.redshiftCluster,
  check(c) {
    return c.inputs.enhancedVpcRouting === true
      ? []
      : [`${cluster(c)} does not use enhanced VPC routing (enhancedVpcRouting: ${show(c.inputs.enhancedVpcRouting)})`];
  },
});

export const redshiftSnapshotRetention = resourceRule({
  id: "redshift-snapshot-retention",
  level: "mandatory",
  description: "Every Redshift cluster sets an automated snapshot retention of at least one day (0 turns snapshots off).",
  types: T.redshiftCluster,
  check(c) {
    const days = c.inputs.automatedSnapshotRetentionPeriod;
    return typeof days === "number" && days >= 1
      ? []
      : [`${cluster(c)} has no automated snapshot retention of at least 1 day (automatedSnapshotRetentionPeriod: ${show(days)})`];
  },
});

export const REDSHIFT_RULES: readonly Rule[] = [
  redshiftNotPublic,
  redshiftEncrypted,
  redshiftRequireSsl,
  redshiftNonDefaultPort,
  redshiftAuditLogging,
  redshiftEnhancedVpcRouting,
  redshiftSnapshotRetention,
];
