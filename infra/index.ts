// Composition root of the Pulumi program (Pulumi.yaml `main: infra/`): read and validate the stack config,
// create both systems, export their outputs.
import * as pulumi from "@pulumi/pulumi";
import { parseStackConfig } from "./config";
import { placeholderWarnings } from "./placeholders";
import { createStack } from "./stack";

const config = parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
for (const warning of placeholderWarnings(config)) void pulumi.log.warn(warning);
const outputs = createStack(config);

export const alarmTopicArn = outputs.alarmTopicArn;
export const meterLakeBucket = outputs.meterLakeBucket;
export const supplierUploadBucket = outputs.supplierUploadBucket;
export const meterPolicyName = outputs.meterPolicyName;
export const trainStreamName = outputs.trainStreamName;
export const trainCheckpointTable = outputs.trainCheckpointTable;
export const trainThingGroup = outputs.trainThingGroup;
export const meterThingGroup = outputs.meterThingGroup;
export const meterProvisioningTemplate = outputs.meterProvisioningTemplate;
export const trainProvisioningTemplate = outputs.trainProvisioningTemplate;
export const meterClaimPolicy = outputs.meterClaimPolicy;
export const trainClaimPolicy = outputs.trainClaimPolicy;
export const meterAllowListTable = outputs.meterAllowListTable;
export const trainAllowListTable = outputs.trainAllowListTable;
export const trainDashboard = outputs.trainDashboard;
export const meterDashboard = outputs.meterDashboard;
export const customerDashboard = outputs.customerDashboard;
export const sharingDashboard = outputs.sharingDashboard;
export const dataLossAlarms = outputs.dataLossAlarms;
export const customerApiAlarms = outputs.customerApiAlarms;
export const profileTableName = outputs.profileTableName;
export const sharedRawBucket = outputs.sharedRawBucket;
export const athenaWorkgroup = outputs.athenaWorkgroup;
export const redshiftCluster = outputs.redshiftCluster;
export const customerApiEndpoint = outputs.customerApiEndpoint;
export const customerUserPoolId = outputs.customerUserPoolId;
export const customerUserPoolClientId = outputs.customerUserPoolClientId;
