// The gridrail policy pack: `pulumi preview --policy-pack policy` (see policy/README.md). Constructing the pack
// starts its gRPC server, so only Pulumi loads this file; tests and the offline runner use ./pack and ./ruleSet.
import { PolicyPack } from "@pulumi/policy";
import { toPolicies } from "./pack";
import { RULES } from "./ruleSet";

new PolicyPack("gridrail", {
  description: "gridrail: S3, KMS, Kinesis, SQS, IoT, Firehose, Lambda, IAM, DynamoDB, Athena, Redshift, Cognito, API Gateway, CloudTrail and prod-only rules",
  policies: toPolicies(RULES),
});
