/** Resource type tokens the rules read (@pulumi/aws 7, plus the deprecated `…V2` S3 aliases), and their nouns. */
import { ResourceView } from "../graph";

const s3 = (resource: string): string[] => {
  const module = resource[0].toLowerCase() + resource.slice(1);
  return [`aws:s3/${module}:${resource}`, `aws:s3/${module}V2:${resource}V2`];
};

export const T = {
  bucket: s3("Bucket"),
  bucketEncryption: s3("BucketServerSideEncryptionConfiguration"),
  bucketVersioning: s3("BucketVersioning"),
  bucketLogging: s3("BucketLogging"),
  bucketLifecycle: s3("BucketLifecycleConfiguration"),
  bucketPublicAccessBlock: ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"],
  bucketPolicy: ["aws:s3/bucketPolicy:BucketPolicy"],
  bucketReplication: ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"],
  kmsKey: ["aws:kms/key:Key"],
  kinesisStream: ["aws:kinesis/stream:Stream"],
  firehose: ["aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream"],
  eventSourceMapping: ["aws:lambda/eventSourceMapping:EventSourceMapping"],
  lambdaFunction: ["aws:lambda/function:Function"],
  lambdaInvokeConfig: ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"],
  queue: ["aws:sqs/queue:Queue"],
  snsTopic: ["aws:sns/topic:Topic"],
  snsSubscription: ["aws:sns/topicSubscription:TopicSubscription"],
  schedule: ["aws:scheduler/schedule:Schedule"],
  logGroup: ["aws:cloudwatch/logGroup:LogGroup"],
  iotRule: ["aws:iot/topicRule:TopicRule"],
  iotPolicy: ["aws:iot/policy:Policy"],
  role: ["aws:iam/role:Role"],
  table: ["aws:dynamodb/table:Table"],
  athenaWorkgroup: ["aws:athena/workgroup:Workgroup"],
  redshiftCluster: ["aws:redshift/cluster:Cluster"],
  redshiftParameterGroup: ["aws:redshift/parameterGroup:ParameterGroup"],
  redshiftLogging: ["aws:redshift/logging:Logging"],
  identityPool: ["aws:cognito/identityPool:IdentityPool"],
  userPool: ["aws:cognito/userPool:UserPool"],
  apiStage: ["aws:apigatewayv2/stage:Stage", "aws:apigateway/stage:Stage"],
  trail: ["aws:cloudtrail/trail:Trail"],
} satisfies Record<string, readonly string[]>;

const NOUNS: Readonly<Record<string, string>> = {
  "aws:s3/bucket:Bucket": "bucket",
  "aws:s3/bucketV2:BucketV2": "bucket",
  "aws:kms/key:Key": "KMS key",
  "aws:kinesis/stream:Stream": "Kinesis stream",
  "aws:dynamodb/table:Table": "DynamoDB table",
  "aws:redshift/cluster:Cluster": "Redshift cluster",
  "aws:cognito/userPool:UserPool": "Cognito user pool",
};

/** "bucket meters-lake-bucket", "KMS key trains-key"; the type token for types without a noun. */
export function label(r: ResourceView): string {
  return `${NOUNS[r.type] ?? r.type} ${r.name}`;
}
