/** Every gridrail rule, in the order reports list them. */
import { Rule } from "./rule";
import { ALARM_RULES } from "./rules/alarms";
import { APIGATEWAY_RULES } from "./rules/apigateway";
import { ATHENA_RULES } from "./rules/athena";
import { CLOUDTRAIL_RULES } from "./rules/cloudtrail";
import { COGNITO_RULES } from "./rules/cognito";
import { DYNAMODB_RULES } from "./rules/dynamodb";
import { FIREHOSE_RULES } from "./rules/firehose";
import { IAM_RULES } from "./rules/iam";
import { IOT_RULES } from "./rules/iot";
import { KINESIS_RULES } from "./rules/kinesis";
import { KMS_RULES } from "./rules/kms";
import { LAMBDA_RULES } from "./rules/lambda";
import { MONITORING_RULES } from "./rules/monitoring";
import { NETWORK_RULES } from "./rules/network";
import { PROD_RULES } from "./rules/prod";
import { REDSHIFT_RULES } from "./rules/redshift";
import { S3_RULES } from "./rules/s3";
import { SQS_RULES } from "./rules/sqs";

export const RULES: readonly Rule[] = [
  ...S3_RULES,
  ...KMS_RULES,
  ...KINESIS_RULES,
  ...SQS_RULES,
  ...IOT_RULES,
  ...FIREHOSE_RULES,
  ...LAMBDA_RULES,
  ...IAM_RULES,
  ...DYNAMODB_RULES,
  ...ATHENA_RULES,
  ...REDSHIFT_RULES,
  ...NETWORK_RULES,
  ...COGNITO_RULES,
  ...APIGATEWAY_RULES,
  ...ALARM_RULES,
  ...MONITORING_RULES,
  ...CLOUDTRAIL_RULES,
  ...PROD_RULES,
];
