import * as pulumi from "@pulumi/pulumi";
import { awsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createKmsKey } from "../shared/kmsKey";
import { functionRole } from "../shared/lambdaFunction";
import { identifier } from "../shared/naming";
import { corporateAccessStatement, logDeliveryStatements } from "../shared/policyDocuments";
import { createServiceRole } from "../shared/role";
import { createSecureBucket } from "../shared/secureBucket";
import { createCatalog } from "./catalog";
import { createDelivery } from "./delivery";
import { SHARING_DASHBOARD } from "./observability";
import { createServiceObservability } from "../shared/serviceObservability";
import { createNetwork } from "./network";
import { createReplication } from "../shared/replication";
import { createUsage } from "./usage";
import { createWarehouse, LOADER_DESCRIPTION } from "./warehouse";

/** Days a Redshift COPY manifest is kept in the raw bucket. */
export const MANIFEST_RETENTION_DAYS = 30;

export interface DataSharingArgs {
  /** Stack-wide settings (retention, destroy behaviour, alarm actions). Required. */
  readonly deployment: Deployment;
  /** Corporate CIDRs that may read the raw bucket. Required, non-empty. */
  readonly corporateCidrs: readonly string[];
  /** CIDR of the private VPC hosting Redshift. Required. */
  readonly vpcCidr: string;
  /** Redshift sizing and port. Required. */
  readonly redshift: { readonly nodeType: string; readonly nodeCount: number; readonly port: number; readonly snapshotRetentionDays: number };
  /** Athena per-query scan cutoff in MB. Required. */
  readonly athenaBytesScannedCutoffMb: number;
  /** Days before raw objects move to Glacier Flexible Retrieval. Required. */
  readonly glacierTransitionDays: number;
  /** Replica region; unset means no replication. Default unset. */
  readonly replicaRegion?: string;
  /** Default tags for the replica-region provider. Default `{}`. */
  readonly defaultTags?: Readonly<Record<string, string>>;
  /** The meter and customer data the daily usage summary counts (MeterIngestion, CustomerApi). Required. */
  readonly summarySources: SummarySources;
}

export interface SummarySources {
  /** Meter lake: real-time readings `{ClientID}/{YYYYMMDD}/` and supplier quarantine reports. */
  readonly meterLakeBucketName: pulumi.Input<string>;
  /** Supplier uploads `{YYYYMMDD}/{ClientID}.csv`. */
  readonly supplierUploadBucketName: pulumi.Input<string>;
  /** Reports bucket: downloads are CloudTrail GetObject events under `reports/`. */
  readonly reportsBucketName: pulumi.Input<string>;
  /** Key of the meter lake and the upload bucket. */
  readonly meterKeyArn: pulumi.Input<string>;
  /** Customer profile table: updates are CloudTrail PutItem/UpdateItem events. */
  readonly profileTableName: pulumi.Input<string>;
}

/**
 * Data sharing for data scientists: IoT → Firehose → raw S3 (corporate network only), Glue + Athena,
 * Redshift with its loader, usage trail and summary, Glacier lifecycle and (prod) cross-region replication.
 */
export class DataSharing extends pulumi.ComponentResource {
  public readonly rawBucketName: pulumi.Output<string>;
  public readonly athenaWorkgroupName: pulumi.Output<string>;
  public readonly glueDatabaseName: pulumi.Output<string>;
  public readonly redshiftClusterIdentifier: pulumi.Output<string>;
  public readonly deliveryStreamName: pulumi.Output<string>;
  public readonly replicaBucketName: pulumi.Output<string | undefined>;
  /** The component's CloudWatch dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** Alarms that mean shared data is missing: failed transforms, failed or skipped loads, a missing summary, records late reaching the raw bucket, failed rule actions. */
  public readonly dataLossAlarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: DataSharingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:sharing:DataSharing", name, {}, opts);
    const { deployment, summarySources: src } = args;
    const ctx = awsContext(this);
    const key = createKmsKey(name, { purpose: "shared-data", services: ["cloudtrail", "logs"], ctx, deployment }, { parent: this });
    const trailName = identifier(["gridrail", deployment.stack, "shared-data-access"]);
    const trailArn = pulumi.interpolate`arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.accountId}:trail/${trailName}`;

    const logs = createSecureBucket(
      `${name}-logs`,
      {
        purpose: "server access logs and CloudTrail data events of the shared data",
        extraStatements: (arn) =>
          pulumi.all([arn, ctx.accountId, trailArn]).apply(([bucketArn, accountId, trail]) => logDeliveryStatements({ bucketArn, accountId, trailArn: trail })),
        deployment,
      },
      { parent: this },
    );

    const network = createNetwork(`${name}-net`, { vpcCidr: args.vpcCidr, redshiftPort: args.redshift.port, ctx }, { parent: this });
    const firehoseRole = createServiceRole(
      `${name}-firehose`,
      {
        service: "firehose.amazonaws.com",
        sourceAccount: ctx.accountId,
        description: "Firehose delivers shared data",
      },
      { parent: this },
    );
    const replicationRole =
      args.replicaRegion === undefined
        ? undefined
        : createServiceRole(
            `${name}-replication`,
            {
              service: "s3.amazonaws.com",
              sourceAccount: ctx.accountId,
              description: "S3 replicates shared data to the replica region",
            },
            { parent: this },
          );
    // the warehouse loader lists readings/ and writes manifests/ from outside the VPC (Data API, no ENI)
    const loaderRole = functionRole(`${name}-warehouse-loader`, { description: LOADER_DESCRIPTION }, { parent: this });
    const servicePrincipals = [firehoseRole.arn, loaderRole.arn, ...(replicationRole ? [replicationRole.arn] : [])];

    // the replica follows the same rules
    const rawLifecycle = [
      {
        id: "to-glacier",
        status: "Enabled",
        filter: { prefix: "readings/" },
        transitions: [{ days: args.glacierTransitionDays, storageClass: "GLACIER" }],
      },
      {
        // COPY manifests are only needed until their load is recorded in load_history
        id: "expire-manifests",
        status: "Enabled",
        filter: { prefix: "manifests/" },
        expiration: { days: MANIFEST_RETENTION_DAYS },
      },
    ];
    const raw = createSecureBucket(
      `${name}-raw`,
      {
        purpose: "raw shared data for data scientists",
        kmsKeyArn: key.arn,
        accessLogBucket: logs.name,
        lifecycleRules: rawLifecycle,
        extraStatements: (arn) =>
          pulumi
            .all([arn, network.s3Endpoint.id, ...servicePrincipals])
            .apply(([bucketArn, vpcEndpointId, ...principals]) => [
              corporateAccessStatement({ bucketArn, cidrs: args.corporateCidrs, vpcEndpointId, servicePrincipalArns: principals }),
            ]),
        deployment,
      },
      { parent: this },
    );
    const backup = createSecureBucket(
      `${name}-source-backup`,
      {
        purpose: "Firehose source-record backup",
        kmsKeyArn: key.arn,
        accessLogBucket: logs.name,
        deployment,
      },
      { parent: this },
    );
    const results = createSecureBucket(
      `${name}-results`,
      {
        purpose: "Athena results and usage summaries",
        kmsKeyArn: key.arn,
        accessLogBucket: logs.name,
        deployment,
      },
      { parent: this },
    );

    const delivery = createDelivery(`${name}-share`, { raw, backup, firehoseRole, kmsKeyArn: key.arn, ctx, deployment }, { parent: this });
    const catalog = createCatalog(
      `${name}-catalog`,
      {
        rawBucketName: raw.name,
        logBucketName: logs.name,
        rawAccessLogPrefix: `access/${name}-raw/`,
        meterLakeBucketName: src.meterLakeBucketName,
        supplierUploadBucketName: src.supplierUploadBucketName,
        resultsBucketName: results.name,
        kmsKeyArn: key.arn,
        bytesScannedCutoffMb: args.athenaBytesScannedCutoffMb,
        ctx,
        deployment,
      },
      { parent: this },
    );
    const warehouse = createWarehouse(
      `${name}-warehouse`,
      {
        raw,
        loaderRole,
        subnetIds: network.subnetIds,
        securityGroupId: network.redshiftSg.id,
        kmsKeyArn: key.arn,
        ...args.redshift,
        ctx,
        deployment,
      },
      { parent: this },
    );
    const usage = createUsage(
      `${name}-usage`,
      {
        raw,
        logs,
        results,
        trailName,
        trailArn,
        workgroup: catalog.workgroup,
        database: catalog.database,
        kmsKeyArn: key.arn,
        ctx,
        deployment,
        sources: {
          profileTableArn: pulumi.interpolate`arn:${ctx.partition}:dynamodb:${ctx.region}:${ctx.accountId}:table/${src.profileTableName}`,
          reportsBucketArn: pulumi.interpolate`arn:${ctx.partition}:s3:::${src.reportsBucketName}`,
          meterLakeBucketArn: pulumi.interpolate`arn:${ctx.partition}:s3:::${src.meterLakeBucketName}`,
          supplierUploadBucketArn: pulumi.interpolate`arn:${ctx.partition}:s3:::${src.supplierUploadBucketName}`,
          meterKeyArn: src.meterKeyArn,
        },
      },
      { parent: this },
    );
    const replication =
      replicationRole === undefined || args.replicaRegion === undefined
        ? undefined
        : createReplication(
            `${name}-dr`,
            {
              source: raw,
              holds: "the shared raw data",
              keyPurpose: "shared-data-replica",
              // one object per 5-minute Firehose buffer of every device's data, not one per reading
              storageClass: "STANDARD_IA",
              lifecycleRules: rawLifecycle,
              sourceKeyArn: key.arn,
              role: replicationRole,
              replicaRegion: args.replicaRegion,
              defaultTags: args.defaultTags ?? {},
              ctx,
              deployment,
            },
            { parent: this },
          );

    const observed = createServiceObservability(
      name,
      {
        ctx,
        deployment,
        functions: { firehoseTransform: delivery.transform, redshiftLoader: warehouse.loader, usageSummary: usage.summary },
        layout: SHARING_DASHBOARD,
      },
      { parent: this },
    );

    this.rawBucketName = raw.name;
    this.athenaWorkgroupName = catalog.workgroup.name;
    this.glueDatabaseName = catalog.database.name;
    this.redshiftClusterIdentifier = warehouse.cluster.clusterIdentifier;
    this.deliveryStreamName = delivery.deliveryStream.name;
    this.replicaBucketName = replication ? replication.replica.name : pulumi.output(undefined);
    this.dashboardName = observed.dashboard.dashboardName;
    this.dataLossAlarmNames = pulumi.all([...observed.alarms, ...delivery.alarms].map((a) => a.name));
    this.registerOutputs({
      rawBucketName: this.rawBucketName,
      athenaWorkgroupName: this.athenaWorkgroupName,
      glueDatabaseName: this.glueDatabaseName,
      redshiftClusterIdentifier: this.redshiftClusterIdentifier,
      deliveryStreamName: this.deliveryStreamName,
      replicaBucketName: this.replicaBucketName,
      dashboardName: this.dashboardName,
      dataLossAlarmNames: this.dataLossAlarmNames,
    });
  }
}
