/**
 * Pure IAM policy-document builders. Everything here takes plain strings and returns plain objects, so the
 * exact statements are table-tested; components wrap them in `pulumi.all(...).apply(JSON.stringify)`.
 */

export type ConditionValue = string | readonly string[] | boolean;
export type Conditions = Readonly<Record<string, Readonly<Record<string, ConditionValue>>>>;
export type Principal = "*" | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[]; readonly Federated?: string };

export interface Statement {
  readonly Sid?: string;
  readonly Effect: "Allow" | "Deny";
  readonly Principal?: Principal;
  readonly Action?: string | readonly string[];
  /** Every action but these (a deny of everything else); a statement has Action or NotAction. */
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Conditions;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly Statement[];
}

export function policyDocument(statements: readonly Statement[]): PolicyDocument {
  if (statements.length === 0) throw new Error("a policy document needs at least one statement");
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * The condition key by which a service's AssumeRole names the account it acts for: aws:SourceAccount, except
 * Firehose, whose guide binds its role with sts:ExternalId (it passes the account id as the external id).
 */
const TRUST_ACCOUNT_KEY: Readonly<Record<string, string>> = { "firehose.amazonaws.com": "sts:ExternalId" };

/**
 * Trust policy for a service role. `sourceAccount` adds the confused-deputy guard AWS recommends for
 * services that act on behalf of resources (IoT, Firehose, Scheduler, S3 replication); Lambda does not
 * send aws:SourceAccount on AssumeRole, so it is omitted there.
 */
export function assumeRolePolicy(service: string, sourceAccount?: string): PolicyDocument {
  const key = TRUST_ACCOUNT_KEY[service] ?? "aws:SourceAccount";
  return policyDocument([
    {
      Effect: "Allow",
      Principal: { Service: service },
      Action: "sts:AssumeRole",
      ...(sourceAccount ? { Condition: { StringEquals: { [key]: sourceAccount } } } : {}),
    },
  ]);
}

/** Denies every request to the bucket that does not arrive over TLS (and TLS older than 1.2). */
export function tlsOnlyStatements(bucketArn: string): Statement[] {
  return [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { "aws:SecureTransport": false } },
    },
    {
      Sid: "DenyOutdatedTls",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
    },
  ];
}

export interface CorporateAccessArgs {
  readonly bucketArn: string;
  /** Corporate egress CIDRs that people may read from. */
  readonly cidrs: readonly string[];
  /** The VPC endpoint Redshift COPY comes through (enhanced VPC routing). */
  readonly vpcEndpointId: string;
  /** Service roles that write from AWS addresses (Firehose, replication); exempted by principal ARN. */
  readonly servicePrincipalArns: readonly string[];
}

/**
 * The bucket's own configuration, which the restriction leaves to IAM: whoever deploys the stack reads and
 * writes it from wherever Pulumi runs (a refresh's HeadBucket needs s3:ListBucket, which lists keys, not data).
 */
export const BUCKET_MANAGEMENT_ACTIONS = ["s3:ListBucket", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucket*", "s3:*Configuration"];

/**
 * Deny every data action (reading, writing, deleting objects; anything but BUCKET_MANAGEMENT_ACTIONS) unless
 * the request comes from a corporate CIDR, through our VPC endpoint, from a service acting on the caller's
 * behalf (Athena/Glue forward access sessions set aws:ViaAWSService), or from one of our own service roles.
 * All conditions of one statement are ANDed, so each is an exemption.
 */
export function corporateAccessStatement(args: CorporateAccessArgs): Statement {
  if (args.cidrs.length === 0) throw new Error("corporateAccessStatement needs at least one CIDR");
  return {
    Sid: "DenyOutsideCorporateNetwork",
    Effect: "Deny",
    Principal: "*",
    NotAction: BUCKET_MANAGEMENT_ACTIONS,
    Resource: [args.bucketArn, `${args.bucketArn}/*`],
    Condition: {
      NotIpAddressIfExists: { "aws:SourceIp": [...args.cidrs] },
      StringNotEqualsIfExists: { "aws:SourceVpce": args.vpcEndpointId },
      BoolIfExists: { "aws:ViaAWSService": false },
      ...(args.servicePrincipalArns.length > 0 ? { ArnNotEquals: { "aws:PrincipalArn": [...args.servicePrincipalArns] } } : {}),
    },
  };
}

/** Lets a service principal write into a log bucket for our account only (S3 server access logs, CloudTrail). */
export function logDeliveryStatements(args: {
  bucketArn: string;
  accountId: string;
  /** CloudTrail trail ARN allowed to deliver under `cloudtrail/`; omit for access logs only. */
  trailArn?: string;
}): Statement[] {
  const statements: Statement[] = [
    {
      Sid: "AllowS3ServerAccessLogs",
      Effect: "Allow",
      Principal: { Service: "logging.s3.amazonaws.com" },
      Action: "s3:PutObject",
      Resource: `${args.bucketArn}/access/*`,
      Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
    },
  ];
  if (args.trailArn) {
    statements.push(
      {
        Sid: "AllowCloudTrailAclCheck",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:GetBucketAcl",
        Resource: args.bucketArn,
        Condition: { StringEquals: { "aws:SourceArn": args.trailArn } },
      },
      {
        Sid: "AllowCloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${args.bucketArn}/cloudtrail/AWSLogs/${args.accountId}/*`,
        Condition: {
          StringEquals: { "aws:SourceArn": args.trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
        },
      },
    );
  }
  return statements;
}

export interface KeyPolicyArgs {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** Service principals (without region) that encrypt with the key themselves, e.g. `logs`, `s3`, `cloudwatch`. */
  readonly services: readonly KeyService[];
}

export type KeyService = "logs" | "s3" | "cloudwatch" | "cloudtrail" | "sns" | "events";

/**
 * Key policy: the account administers the key through IAM (so role policies grant usage, least privilege
 * lives there), and the listed services may use it only on behalf of this account.
 */
export function keyPolicy(args: KeyPolicyArgs): PolicyDocument {
  const { partition, accountId, region } = args;
  const statements: Statement[] = [
    {
      Sid: "AccountAdministersThroughIam",
      Effect: "Allow",
      Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
      Action: "kms:*",
      Resource: "*",
    },
  ];
  // a service principal's use of the key: every statement names its actions, on the key itself
  const useBy = (Sid: string, service: string, Action: string[], Condition?: Statement["Condition"]): Statement => ({
    Sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action,
    Resource: "*",
    ...(Condition ? { Condition } : {}),
  });
  for (const service of [...args.services].sort()) {
    if (service === "logs") {
      statements.push(
        useBy(
          "AllowCloudWatchLogs",
          `logs.${region}.amazonaws.com`,
          ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` },
          },
        ),
      );
    } else if (service === "cloudtrail") {
      // two statements, as the CloudTrail guide has them: DescribeKey carries no encryption context, so a
      // condition on it would never match and CreateTrail would refuse the key
      statements.push(
        useBy("AllowCloudTrail", "cloudtrail.amazonaws.com", ["kms:GenerateDataKey*"], {
          StringEquals: { "aws:SourceAccount": accountId },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${partition}:cloudtrail:*:${accountId}:trail/*` },
        }),
        useBy("AllowCloudTrailDescribe", "cloudtrail.amazonaws.com", ["kms:DescribeKey"], { StringEquals: { "aws:SourceAccount": accountId } }),
      );
    } else if (service === "cloudwatch") {
      // alarms publishing to a topic encrypted with the key: the SNS guide's statement, without a condition (as
      // for S3 below: not documented as sent, and a condition that does not match drops every notification
      // unseen); the topic policy's aws:SourceAccount keeps other accounts' alarms out
      statements.push(useBy("AllowCloudwatch", "cloudwatch.amazonaws.com", ["kms:GenerateDataKey*", "kms:Decrypt"]));
    } else if (service === "s3") {
      // S3 event notifications to a queue encrypted with the key: the statement of the S3 and SQS guides, without
      // a condition (neither documents that S3's request to KMS carries aws:SourceAccount, and a condition that
      // does not match would make S3 refuse the notification configuration); the queue policy's aws:SourceArn and
      // aws:SourceAccount keep other buckets out
      statements.push(useBy("AllowS3", "s3.amazonaws.com", ["kms:GenerateDataKey", "kms:Decrypt"]));
    } else {
      const sid = `Allow${service[0].toUpperCase()}${service.slice(1)}`;
      statements.push(useBy(sid, `${service}.amazonaws.com`, ["kms:GenerateDataKey*", "kms:Decrypt"], { StringEquals: { "aws:SourceAccount": accountId } }));
    }
  }
  return policyDocument(statements);
}

/** CloudWatch Logs write access to one log group (its streams). */
export function logWriteStatement(logGroupArn: string): Statement {
  return {
    Sid: "WriteOwnLogs",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: `${logGroupArn}:*`,
  };
}

/** What Firehose needs on a destination bucket (AWS's documented Firehose-to-S3 role actions). */
export const FIREHOSE_S3_DESTINATION_ACTIONS: readonly string[] = [
  "s3:AbortMultipartUpload",
  "s3:GetBucketLocation",
  "s3:GetObject",
  "s3:ListBucket",
  "s3:ListBucketMultipartUploads",
  "s3:PutObject",
];

/** X-Ray segment upload; these two actions support no resource-level permissions. */
export const xrayWriteStatement: Statement = {
  Sid: "WriteTraces",
  Effect: "Allow",
  Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  Resource: "*",
};

export function kmsStatement(sid: string, keyArns: readonly string[], actions: readonly string[]): Statement {
  return { Sid: sid, Effect: "Allow", Action: [...actions], Resource: [...keyArns] };
}

export function allow(sid: string, actions: readonly string[], resources: string | readonly string[]): Statement {
  return { Sid: sid, Effect: "Allow", Action: [...actions], Resource: typeof resources === "string" ? resources : [...resources] };
}

/**
 * GetItem of a table's items whose partition key matches one of `keyPatterns` (IAM StringLike: `claim#*`), returning only
 * `attributes` (the key's among them): DynamoDB's fine-grained access control. The request must name them in
 * its ProjectionExpression; one that asks for every attribute is refused (`dynamodb:Select`).
 */
export function projectedGetStatement(sid: string, tableArn: string, keyPatterns: readonly string[], attributes: readonly string[]): Statement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: ["dynamodb:GetItem"],
    Resource: tableArn,
    Condition: {
      "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...keyPatterns] },
      "ForAllValues:StringEquals": { "dynamodb:Attributes": [...attributes] },
      StringEqualsIfExists: { "dynamodb:Select": "SPECIFIC_ATTRIBUTES" },
    },
  };
}
