import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "./config";
import { CustomerApi } from "./customerApi/customerApi";
import { DataSharing } from "./dataSharing/dataSharing";
import { MeterIngestion } from "./meterIngestion/meterIngestion";
import { Alerting } from "./shared/alerting";
import { Deployment } from "./shared/deployment";
import { TrainTelemetry } from "./trainTelemetry/trainTelemetry";

/** Stack outputs, exported by `infra/index.ts`. */
export interface StackOutputs {
  readonly alarmTopicArn: pulumi.Output<string> | null;
  readonly meterLakeBucket: pulumi.Output<string>;
  readonly supplierUploadBucket: pulumi.Output<string>;
  readonly meterPolicyName: pulumi.Output<string>;
  readonly trainStreamName: pulumi.Output<string>;
  readonly trainCheckpointTable: pulumi.Output<string>;
  readonly trainThingGroup: pulumi.Output<string>;
  /** Fleet provisioning (docs/devices.md): thing group, template, claim-certificate policy and allow-list per kind. */
  readonly meterThingGroup: pulumi.Output<string>;
  readonly meterProvisioningTemplate: pulumi.Output<string>;
  readonly trainProvisioningTemplate: pulumi.Output<string>;
  readonly meterClaimPolicy: pulumi.Output<string>;
  readonly trainClaimPolicy: pulumi.Output<string>;
  readonly meterAllowListTable: pulumi.Output<string>;
  readonly trainAllowListTable: pulumi.Output<string>;
  readonly trainDashboard: pulumi.Output<string>;
  readonly meterDashboard: pulumi.Output<string>;
  readonly customerDashboard: pulumi.Output<string>;
  readonly sharingDashboard: pulumi.Output<string>;
  /** Alarms whose firing means data is being lost (docs/operations.md says what to do for each). */
  readonly dataLossAlarms: pulumi.Output<string[]>;
  readonly customerApiAlarms: pulumi.Output<string[]>;
  /** The customer API's profile table, where `claims` issues, revokes and unlinks (docs/commands.md). */
  readonly profileTableName: pulumi.Output<string>;
  readonly sharedRawBucket: pulumi.Output<string>;
  readonly athenaWorkgroup: pulumi.Output<string>;
  readonly redshiftCluster: pulumi.Output<string>;
  readonly customerApiEndpoint: pulumi.Output<string>;
  readonly customerUserPoolId: pulumi.Output<string>;
  readonly customerUserPoolClientId: pulumi.Output<string>;
}

/**
 * Creates both systems from a validated config. No module side effects: the real program (`index.ts`), the
 * offline synth and the tests all call this, each with their own config.
 */
export function createStack(config: StackConfig): StackOutputs {
  const alerting = config.alarmTopic ? new Alerting("alerts", { deployment: baseDeployment(config, []), email: config.alarmEmail }) : undefined;
  const deployment = baseDeployment(config, alerting ? [alerting.topicArn] : []);

  // the analysis (meters) reads the households of the profile table (customers), which needs the reports bucket
  // (meters): the table's name and key are given to the meters before the customers exist
  const [householdTableName, resolveHouseholdTableName] = pulumi.deferredOutput<string>();
  const [householdTableArn, resolveHouseholdTableArn] = pulumi.deferredOutput<string>();
  const [householdKeyArn, resolveHouseholdKeyArn] = pulumi.deferredOutput<string>();
  const meters = new MeterIngestion("meters", {
    deployment,
    households: { tableName: householdTableName, tableArn: householdTableArn, keyArn: householdKeyArn },
    allowedSerials: config.deviceAllowList.meter,
    replicaRegion: config.replicaRegion,
    defaultTags: config.defaultTags,
  });
  const trains = new TrainTelemetry("trains", {
    deployment,
    streamMode: config.kinesis.mode,
    shardCount: config.kinesis.shardCount,
    retentionHours: config.kinesis.retentionHours,
    detector: config.trainDetector,
    allowedSerials: config.deviceAllowList.train,
  });
  const customers = new CustomerApi("customers", {
    deployment,
    reportsBucketName: meters.reportsBucketName,
    reportsBucketArn: meters.reportsBucketArn,
    reportsKeyArn: meters.dataKeyArn,
    throttleRateLimit: config.apiThrottleRateLimit,
    throttleBurstLimit: config.apiThrottleBurstLimit,
    webOrigin: config.webOrigin,
    emailSender: config.customerEmailSender,
  });
  resolveHouseholdTableName(customers.profileTableName);
  resolveHouseholdTableArn(customers.profileTableArn);
  resolveHouseholdKeyArn(customers.profileKeyArn);
  const sharing = new DataSharing("sharing", {
    deployment,
    corporateCidrs: config.corporateCidrs,
    vpcCidr: config.vpcCidr,
    redshift: config.redshift,
    athenaBytesScannedCutoffMb: config.athenaBytesScannedCutoffMb,
    glacierTransitionDays: config.glacierTransitionDays,
    replicaRegion: config.replicaRegion,
    defaultTags: config.defaultTags,
    summarySources: {
      meterLakeBucketName: meters.lakeBucketName,
      supplierUploadBucketName: meters.uploadBucketName,
      reportsBucketName: meters.reportsBucketName,
      meterKeyArn: meters.dataKeyArn,
      profileTableName: customers.profileTableName,
    },
  });

  return {
    alarmTopicArn: alerting ? alerting.topicArn : null,
    meterLakeBucket: meters.lakeBucketName,
    supplierUploadBucket: meters.uploadBucketName,
    meterPolicyName: meters.meterPolicyName,
    trainStreamName: trains.streamName,
    trainCheckpointTable: trains.checkpointTableName,
    trainThingGroup: trains.thingGroupName,
    meterThingGroup: meters.thingGroupName,
    meterProvisioningTemplate: meters.provisioningTemplateName,
    trainProvisioningTemplate: trains.provisioningTemplateName,
    meterClaimPolicy: meters.claimPolicyName,
    trainClaimPolicy: trains.claimPolicyName,
    meterAllowListTable: meters.allowListTableName,
    trainAllowListTable: trains.allowListTableName,
    trainDashboard: trains.dashboardName,
    meterDashboard: meters.dashboardName,
    customerDashboard: customers.dashboardName,
    sharingDashboard: sharing.dashboardName,
    dataLossAlarms: pulumi.all([meters.dataLossAlarmNames, trains.dataLossAlarmNames, sharing.dataLossAlarmNames]).apply((lists) => lists.flat()),
    customerApiAlarms: customers.alarmNames,
    profileTableName: customers.profileTableName,
    sharedRawBucket: sharing.rawBucketName,
    athenaWorkgroup: sharing.athenaWorkgroupName,
    redshiftCluster: sharing.redshiftClusterIdentifier,
    customerApiEndpoint: customers.apiEndpoint,
    customerUserPoolId: customers.userPoolId,
    customerUserPoolClientId: customers.userPoolClientId,
  };
}

function baseDeployment(config: StackConfig, alarmActions: pulumi.Input<string>[]): Deployment {
  return {
    stack: config.stack,
    environment: config.environment,
    logRetentionDays: config.logRetentionDays,
    forceDestroyBuckets: config.forceDestroyBuckets,
    retainOnDelete: config.retainOnDelete,
    alarmActions,
    reservedConcurrency: config.reservedConcurrency,
  };
}
