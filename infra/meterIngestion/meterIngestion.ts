import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createFleetProvisioning } from "../shared/fleetProvisioning";
import { meterDevicePolicy } from "../shared/iotPolicies";
import { createKmsKey } from "../shared/kmsKey";
import { createSecureBucket } from "../shared/secureBucket";
import { identifier } from "../shared/naming";
import { logDeliveryStatements } from "../shared/policyDocuments";
import { createReplication } from "../shared/replication";
import { createServiceRole } from "../shared/role";
import { meterArchiveRules } from "./archiveRules";
import { createDailyAnalysis, HouseholdTable } from "./dailyAnalysis";
import { METER_DASHBOARD } from "./observability";
import { createServiceObservability } from "../shared/serviceObservability";
import { createRealtimeReadings } from "./realtimeReadings";
import { createSupplierUploads } from "./supplierUploads";

export interface MeterIngestionArgs {
  /** Stack-wide settings (retention, destroy behaviour, alarm actions). Required. */
  readonly deployment: Deployment;
  /** Meter serials seeded on the provisioning allow-list (`gridrail:deviceAllowList`). Default none. */
  readonly allowedSerials?: readonly string[];
  /** Region the lake is replicated to; unset means no replication (`gridrail:replicaRegion`). Default unset. */
  readonly replicaRegion?: string;
  /** Default tags for the replica-region provider. Default `{}`. */
  readonly defaultTags?: Readonly<Record<string, string>>;
  /**
   * The customer API's profile table and its key: the daily analysis reads each meter's household's first day
   * from its claim item, and compares no report across it. Required.
   */
  readonly households: HouseholdTable;
}

/**
 * Smart-meter ingestion: device policy, real-time readings into the lake, supplier CSV uploads, the daily
 * analysis schedule and the reports bucket. Everything at rest is encrypted with the component's key. With a
 * replica region (prod), the lake, the one copy of every reading, is replicated there; uploads are parsed into
 * the lake and reports are derived from it.
 */
export class MeterIngestion extends pulumi.ComponentResource {
  public readonly lakeBucketName: pulumi.Output<string>;
  public readonly uploadBucketName: pulumi.Output<string>;
  public readonly reportsBucketName: pulumi.Output<string>;
  public readonly reportsBucketArn: pulumi.Output<string>;
  public readonly dataKeyArn: pulumi.Output<string>;
  public readonly meterPolicyName: pulumi.Output<string>;
  /** Every provisioned meter joins this group; the meter policy is attached to it. */
  public readonly thingGroupName: pulumi.Output<string>;
  /** Fleet provisioning template meters provision with, by claim. */
  public readonly provisioningTemplateName: pulumi.Output<string>;
  /** The fleet provisioning allow-list: one item per serial allowed to join (docs/devices.md). */
  public readonly allowListTableName: pulumi.Output<string>;
  /** IoT policy for the meters' claim certificate: the provisioning topics only. */
  public readonly claimPolicyName: pulumi.Output<string>;
  public readonly readingsRuleName: pulumi.Output<string>;
  /** The component's CloudWatch dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** Alarms that mean readings are being lost or held: quarantined files, rejected-row spikes, failed clients, the upload DLQ, readings the rule could not write to the lake. */
  public readonly dataLossAlarmNames: pulumi.Output<string[]>;
  /** The lake's replica in the replica region; undefined without one. */
  public readonly lakeReplicaBucketName: pulumi.Output<string | undefined>;

  constructor(name: string, args: MeterIngestionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:meter:MeterIngestion", name, {}, opts);
    const { deployment } = args;
    const ctx = awsContext(this);
    // s3: the upload bucket notifies an encrypted queue; logs: encrypted log groups.
    const key = createKmsKey(name, { purpose: "meter-data", services: ["logs", "s3"], ctx, deployment }, { parent: this });

    const accessLogs = createSecureBucket(
      `${name}-access-logs`,
      {
        purpose: "server access logs of the meter buckets",
        extraStatements: (arn) => pulumi.all([arn, ctx.accountId]).apply(([bucketArn, accountId]) => logDeliveryStatements({ bucketArn, accountId })),
        deployment,
      },
      { parent: this },
    );
    const archive = meterArchiveRules();
    const bucket = (suffix: keyof typeof archive, purpose: string) =>
      createSecureBucket(
        `${name}-${suffix}`,
        {
          purpose,
          kmsKeyArn: key.arn,
          accessLogBucket: accessLogs.name,
          lifecycleRules: archive[suffix],
          deployment,
        },
        { parent: this },
      );
    const lake = bucket("lake", "real-time and supplier readings, {ClientID}/{YYYYMMDD}/...");
    const uploads = bucket("uploads", "supplier uploads {YYYYMMDD}/{ClientID}.csv");
    const reports = bucket("reports", "daily analysis reports");

    const replication =
      args.replicaRegion === undefined
        ? undefined
        : createReplication(
            `${name}-dr`,
            {
              source: lake,
              holds: "the meter lake",
              keyPurpose: "meter-data-replica",
              storageClass: "STANDARD",
              lifecycleRules: archive.lake,
              sourceKeyArn: key.arn,
              role: createServiceRole(
                `${name}-replication`,
                { service: "s3.amazonaws.com", sourceAccount: ctx.accountId, description: "S3 replicates the meter lake to the replica region" },
                { parent: this },
              ),
              replicaRegion: args.replicaRegion,
              defaultTags: args.defaultTags ?? {},
              ctx,
              deployment,
            },
            { parent: this },
          );

    const policy = new aws.iot.Policy(
      `${name}-device-policy`,
      {
        policy: pulumi
          .all([ctx.partition, ctx.region, ctx.accountId])
          .apply(([partition, region, accountId]) => JSON.stringify(meterDevicePolicy({ partition, region, accountId }))),
      },
      { parent: this },
    );
    const thingGroup = new aws.iot.ThingGroup(
      `${name}-thing-group`,
      {
        name: identifier(["gridrail", deployment.stack, "meters"], "-", 128),
        properties: { description: "Every meter; the device policy is attached here" },
      },
      { parent: this },
    );
    new aws.iot.PolicyAttachment(`${name}-device-policy-attachment`, { policy: policy.name, target: thingGroup.arn }, { parent: this });
    const provisioning = createFleetProvisioning(
      `${name}-provisioning`,
      {
        kind: "meter",
        thingGroupName: thingGroup.name,
        devicePolicyName: policy.name,
        allowedSerials: args.allowedSerials,
        kmsKeyArn: key.arn,
        ctx,
        deployment,
      },
      { parent: this },
    );

    const realtime = createRealtimeReadings(`${name}-readings`, { lake, kmsKeyArn: key.arn, ctx, deployment }, { parent: this });
    const supplier = createSupplierUploads(`${name}-supplier`, { uploads, lake, kmsKeyArn: key.arn, ctx, deployment }, { parent: this });
    const daily = createDailyAnalysis(`${name}-daily`, { lake, reports, kmsKeyArn: key.arn, ctx, deployment, households: args.households }, { parent: this });
    const observed = createServiceObservability(
      name,
      {
        ctx,
        deployment,
        functions: { supplierParser: supplier.parser, dailyAnalysis: daily.analysis },
        queues: [{ title: "Supplier uploads given up on", queue: supplier.dlq }],
        rules: [{ title: "Real-time readings", rule: realtime.rule, failureMetric: realtime.failureMetric }],
        layout: METER_DASHBOARD,
      },
      { parent: this },
    );

    this.lakeBucketName = lake.name;
    this.uploadBucketName = uploads.name;
    this.reportsBucketName = reports.name;
    this.reportsBucketArn = reports.arn;
    this.dataKeyArn = key.arn;
    this.meterPolicyName = policy.name;
    this.thingGroupName = thingGroup.name;
    this.provisioningTemplateName = provisioning.template.name;
    this.claimPolicyName = provisioning.claimPolicy.name;
    this.allowListTableName = provisioning.allowList.name;
    this.readingsRuleName = realtime.rule.name;
    this.dashboardName = observed.dashboard.dashboardName;
    this.dataLossAlarmNames = pulumi.all([...observed.alarms, supplier.dlqAlarm, ...realtime.alarms].map((a) => a.name));
    this.lakeReplicaBucketName = replication ? replication.replica.name : pulumi.output(undefined);
    this.registerOutputs({
      lakeBucketName: this.lakeBucketName,
      uploadBucketName: this.uploadBucketName,
      reportsBucketName: this.reportsBucketName,
      reportsBucketArn: this.reportsBucketArn,
      dataKeyArn: this.dataKeyArn,
      meterPolicyName: this.meterPolicyName,
      thingGroupName: this.thingGroupName,
      provisioningTemplateName: this.provisioningTemplateName,
      claimPolicyName: this.claimPolicyName,
      allowListTableName: this.allowListTableName,
      readingsRuleName: this.readingsRuleName,
      dashboardName: this.dashboardName,
      dataLossAlarmNames: this.dataLossAlarmNames,
      lakeReplicaBucketName: this.lakeReplicaBucketName,
    });
  }
}
