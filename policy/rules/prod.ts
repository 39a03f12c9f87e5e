/**
 * Prod only: data survives a region, a `pulumi destroy` and a resource leaving the program. Judged when the
 * stack's environment is prod (`--stack prod`, the graph's provider tags, or the pack's `environment` config).
 */
import { joinRule, resourceRule, Rule, stackRule } from "../rule";
import { asArray, get, isUnknown, show } from "../values";
import { label, T } from "./types";

export const prodS3Replication = stackRule({
  id: "prod-s3-replication",
  level: "mandatory",
  prodOnly: true,
  description: "Prod replicates data to another region; every replication rule is Enabled and re-encrypts SSE-KMS objects with a replica key.",
  check(graph) {
    const configs = graph.ofType(...T.bucketReplication);
    if (configs.length === 0) return [{ message: "the prod stack replicates no bucket to another region" }];
    return configs.flatMap((config) =>
      asArray(config.inputs.rules).flatMap((rule) => {
        const where = `replication ${config.name} rule ${show(get(rule, "id"))}`;
        const problems: string[] = [];
        if (get(rule, "status") !== "Enabled") problems.push(`${where} is ${show(get(rule, "status"))}, not Enabled`);
        const kmsObjects = get(rule, "sourceSelectionCriteria.sseKmsEncryptedObjects.status");
        if (kmsObjects !== "Enabled")
          problems.push(`${where} skips SSE-KMS encrypted objects (sourceSelectionCriteria.sseKmsEncryptedObjects.status: ${show(kmsObjects)})`);
        else if (get(rule, "destination.encryptionConfiguration.replicaKmsKeyId") === undefined) {
          problems.push(`${where} has no replica KMS key (destination.encryptionConfiguration.replicaKmsKeyId: unset)`);
        }
        return problems.map((message) => ({ resource: config, message }));
      }),
    );
  },
});

export const prodDeviceDataReplicated = joinRule({
  id: "prod-device-data-replicated",
  level: "mandatory",
  prodOnly: true,
  description: "In prod, every bucket a Firehose stream or an IoT rule's S3 action delivers device data into is the source of a replication configuration.",
  types: T.bucket,
  check(bucket, graph) {
    const writers = [
      ...graph.referrers(bucket, T.firehose, "extendedS3Configuration.bucketArn").map((s) => `Firehose ${s.name}`),
      ...graph.referrers(bucket, T.iotRule, "s3").map((r) => `IoT rule ${r.name}`),
    ];
    if (writers.length === 0 || graph.referrers(bucket, T.bucketReplication, "bucket").length > 0) return [];
    return [`bucket ${bucket.name} receives device data from ${writers.join(", ")} but is not replicated to another region`];
  },
});

/** The stateful resources prod keeps when they leave the program (the same set `test/infra` checks). */
export const STATEFUL_TYPES = [...T.bucket, ...T.kmsKey, ...T.table, ...T.kinesisStream, ...T.redshiftCluster, ...T.userPool];

export const prodRetainOnDelete = stackRule({
  id: "prod-retain-on-delete",
  level: "mandatory",
  prodOnly: true,
  description: "In prod, stateful resources (buckets, KMS keys, tables, streams, clusters, user pools) have the retainOnDelete option.",
  notApplicable(graph) {
    const stateful = graph.ofType(...STATEFUL_TYPES);
    return stateful.length > 0 && stateful.every((r) => r.retainOnDelete === undefined)
      ? "the resources carry no retainOnDelete option (a graph file or a real preview does not record it)"
      : undefined;
  },
  check(graph) {
    return graph
      .ofType(...STATEFUL_TYPES)
      .filter((r) => r.retainOnDelete === false)
      .map((r) => ({ resource: r, message: `${label(r)} is not retained on delete (retainOnDelete: false)` }));
  },
});

/** AWS's longest (and default) pending-deletion window for a KMS key. */
export const KMS_DELETION_WINDOW_DAYS = 30;

export const prodDeletionProtection = resourceRule({
  id: "prod-deletion-protection",
  level: "mandatory",
  prodOnly: true,
  description: `In prod, tables and user pools have deletion protection, clusters take a final snapshot, buckets are not force-destroyed, keys wait ${KMS_DELETION_WINDOW_DAYS} days.`,
  types: [...T.table, ...T.userPool, ...T.redshiftCluster, ...T.bucket, ...T.kmsKey],
  check(r) {
    const i = r.inputs;
    const what = label(r);
    if (T.table.includes(r.type) && i.deletionProtectionEnabled !== true) {
      return [`${what} has no deletion protection (deletionProtectionEnabled: ${show(i.deletionProtectionEnabled)})`];
    }
    if (T.userPool.includes(r.type) && i.deletionProtection !== "ACTIVE") {
      return [`${what} has no deletion protection (deletionProtection: ${show(i.deletionProtection)})`];
    }
    if (T.redshiftCluster.includes(r.type)) {
      if (i.skipFinalSnapshot === true) return [`${what} is deleted without a final snapshot (skipFinalSnapshot: true)`];
      if (i.finalSnapshotIdentifier === undefined) return [`${what} has no final snapshot identifier (finalSnapshotIdentifier: unset)`];
    }
    if (T.bucket.includes(r.type) && i.forceDestroy === true) return [`${what} is emptied by pulumi destroy (forceDestroy: true)`];
    const window = i.deletionWindowInDays;
    if (T.kmsKey.includes(r.type) && typeof window === "number" && window < KMS_DELETION_WINDOW_DAYS && !isUnknown(window)) {
      return [`${what} can be deleted after ${window} days (deletionWindowInDays: ${window}), not ${KMS_DELETION_WINDOW_DAYS}`];
    }
    return [];
  },
});

export const PROD_RULES: readonly Rule[] = [prodS3Replication, prodDeviceDataReplicated, prodRetainOnDelete, prodDeletionProtection];
