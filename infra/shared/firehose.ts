import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFreshnessAlarm } from "./alarms";
import { observabilityDefaults } from "./defaults";
import { HelperOptions, WithDeployment } from "./options";
import { allow, FIREHOSE_S3_DESTINATION_ACTIONS, kmsStatement, logWriteStatement, Statement } from "./policyDocuments";
import { grant } from "./role";

export interface FirehoseGrantArgs {
  readonly role: aws.iam.Role;
  /** Buckets the stream writes (objects and the bucket itself, as S3 destinations need). */
  readonly bucketArns: readonly pulumi.Input<string>[];
  /** Sid of the write statement, e.g. `WriteLake`. */
  readonly writeSid: string;
  /** Statements after the write one, e.g. invoking a transform. */
  readonly extra?: pulumi.Input<pulumi.Input<Statement>[]>;
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Sid of the key statement, e.g. `EncryptLakeObjects`. */
  readonly keySid: string;
  readonly logGroupArn: pulumi.Input<string>;
}

/** What a Firehose stream delivering to S3 may do: write its buckets, encrypt with the key, log its delivery. */
export function grantFirehoseDelivery(name: string, args: FirehoseGrantArgs, opts: HelperOptions): aws.iam.RolePolicy {
  return grant(
    name,
    {
      role: args.role,
      statements: pulumi
        .all([pulumi.all([...args.bucketArns]), pulumi.output(args.extra ?? []), args.kmsKeyArn, args.logGroupArn])
        .apply(([buckets, extra, keyArn, logArn]) => [
          allow(
            args.writeSid,
            FIREHOSE_S3_DESTINATION_ACTIONS,
            buckets.flatMap((b) => [b, `${b}/*`]),
          ),
          ...(extra as Statement[]),
          kmsStatement(args.keySid, [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"]),
          logWriteStatement(logArn),
        ]),
    },
    opts,
  );
}

/** What differs between the S3 delivery streams: where objects go and how records are processed on the way. */
export type S3DestinationSettings = Omit<
  aws.types.input.kinesis.FirehoseDeliveryStreamExtendedS3Configuration,
  "roleArn" | "bucketArn" | "compressionFormat" | "fileExtension" | "customTimeZone" | "kmsKeyArn" | "cloudwatchLoggingOptions"
>;

export interface S3DeliveryArgs extends WithDeployment {
  /** The stream's role (created by the caller: a bucket policy may need to name it first). */
  readonly role: aws.iam.Role;
  /** Buckets the stream writes; the first is its destination. */
  readonly bucketArns: readonly [pulumi.Input<string>, ...pulumi.Input<string>[]];
  readonly writeSid: string;
  /** Statements the role needs besides writing, encrypting and logging, e.g. invoking a transform. */
  readonly extra?: pulumi.Input<pulumi.Input<Statement>[]>;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly keySid: string;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly logStreamName: pulumi.Input<string>;
  readonly destination: S3DestinationSettings;
}

/**
 * A Firehose stream to S3 as every gridrail stream is (`${name}-delivery`), with its role's grant
 * (`${name}-firehose`): encrypted at rest with the customer key (stream and objects), gzip objects of JSON lines
 * named `*.json.gz` (without it Firehose names them `*.gz`, which says nothing of their contents) under
 * UTC-dated prefixes, delivery errors logged, an alarm when records wait longer than
 * `observabilityDefaults.deliveryFreshnessSeconds`. The stream is created after the grant, or its first validation fails.
 */
export function createS3Delivery(name: string, args: S3DeliveryArgs, opts: HelperOptions) {
  const { role, bucketArns, kmsKeyArn, logGroup, deployment } = args;
  const grant = grantFirehoseDelivery(
    `${name}-firehose`,
    { role, bucketArns, writeSid: args.writeSid, extra: args.extra, kmsKeyArn, keySid: args.keySid, logGroupArn: logGroup.arn },
    opts,
  );
  const stream = new aws.kinesis.FirehoseDeliveryStream(
    `${name}-delivery`,
    {
      destination: "extended_s3",
      serverSideEncryption: { enabled: true, keyType: "CUSTOMER_MANAGED_CMK", keyArn: kmsKeyArn },
      extendedS3Configuration: {
        roleArn: role.arn,
        bucketArn: bucketArns[0],
        compressionFormat: "GZIP",
        fileExtension: ".json.gz",
        customTimeZone: "UTC",
        kmsKeyArn,
        ...args.destination,
        cloudwatchLoggingOptions: { enabled: true, logGroupName: logGroup.name, logStreamName: args.logStreamName },
      },
    },
    { ...opts, dependsOn: [grant] },
  );
  const freshnessAlarm = createFreshnessAlarm(
    `${name}-delivery`,
    { streamName: stream.name, thresholdSeconds: observabilityDefaults.deliveryFreshnessSeconds, deployment },
    opts,
  );
  return { stream, grant, freshnessAlarm };
}

/** The statement an IoT rule's role needs to put records on a stream. */
export function firehosePutStatement(sid: string, streamArn: string): Statement {
  return allow(sid, ["firehose:PutRecord", "firehose:PutRecordBatch"], streamArn);
}
