import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms, createQueueDepthAlarm } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createBundledFunction } from "../shared/lambdaFunction";
import { allow, kmsStatement, policyDocument } from "../shared/policyDocuments";
import { createQueueWithDlq } from "../shared/queue";
import { SecureBucket } from "../shared/secureBucket";
import { meterDefaults } from "./defaults";
import { variableValues } from "../../functions/shared/environment";
import { SUPPLIER_PARSER_VARIABLES } from "../../functions/supplierParser/variables";
import { HelperOptions } from "../shared/options";

export interface SupplierUploadsArgs {
  readonly uploads: SecureBucket;
  readonly lake: SecureBucket;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * Supplier CSVs `{YYYYMMDD}/{ClientID}.csv` → S3 event → SQS (DLQ after 5 receives) → parser Lambda → lake.
 * The queue decouples S3's at-least-once notifications from the parser and makes failures replayable.
 */
export function createSupplierUploads(name: string, args: SupplierUploadsArgs, opts: HelperOptions) {
  const { uploads, lake, kmsKeyArn, ctx, deployment } = args;
  const { queue, dlq } = createQueueWithDlq(
    name,
    {
      kmsKeyArn,
      visibilityTimeoutSeconds: 6 * meterDefaults.parserTimeoutSeconds,
    },
    opts,
  );

  const queuePolicy = new aws.sqs.QueuePolicy(
    `${name}-queue-policy`,
    {
      queueUrl: queue.url,
      policy: pulumi.all([queue.arn, uploads.arn, ctx.accountId]).apply(([queueArn, bucketArn, accountId]) =>
        JSON.stringify(
          policyDocument([
            {
              Sid: "SupplierBucketNotifies",
              Effect: "Allow",
              Principal: { Service: "s3.amazonaws.com" },
              Action: "sqs:SendMessage",
              Resource: queueArn,
              Condition: { ArnEquals: { "aws:SourceArn": bucketArn }, StringEquals: { "aws:SourceAccount": accountId } },
            },
          ]),
        ),
      ),
    },
    { ...opts },
  );

  new aws.s3.BucketNotification(
    `${name}-notification`,
    {
      bucket: uploads.bucket.id,
      // no filterSuffix: S3 matches it case-sensitively, so `.CSV` uploads would never arrive; the parser
      // checks the suffix in any case and quarantines any other key with a report
      queues: [{ queueArn: queue.arn, events: ["s3:ObjectCreated:*"] }],
    },
    { ...opts, dependsOn: [queuePolicy] },
  );

  const parser = createBundledFunction(
    `${name}-parser`,
    {
      source: "supplierParser",
      description: "Parses supplier CSV uploads into the lake",
      kmsKeyArn,
      timeout: meterDefaults.parserTimeoutSeconds,
      memorySize: meterDefaults.parserMemoryMb,
      environment: variableValues(SUPPLIER_PARSER_VARIABLES, {
        LAKE_BUCKET: lake.name,
        SUPPLIER_MAX_OBJECT_MB: String(meterDefaults.parserMaxObjectMb),
        SUPPLIER_MAX_KW: String(meterDefaults.parserMaxKw),
      }),
      statements: pulumi.all([queue.arn, uploads.arn, lake.arn, kmsKeyArn]).apply(([queueArn, uploadsArn, lakeArn, keyArn]) => [
        allow("ConsumeUploadQueue", ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], queueArn),
        allow("ReadUploads", ["s3:GetObject"], `${uploadsArn}/*`),
        // ListBucket makes an upload deleted before it is parsed a 404 (quarantined as gone) rather than a 403 (retried),
        // and lists a key's other spellings (.CSV for .csv), the newest of which owns their shared output
        allow("ListUploads", ["s3:ListBucket"], uploadsArn),
        allow(
          "WriteLake",
          ["s3:PutObject", "s3:AbortMultipartUpload"],
          meterDefaults.parserWritePrefixes.map((prefix) => `${lakeArn}/${prefix}*`),
        ),
        kmsStatement("UseMeterKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
      ]),
      deployment,
    },
    opts,
  );

  new aws.lambda.EventSourceMapping(
    `${name}-parser-esm`,
    {
      eventSourceArn: queue.arn,
      functionName: parser.fn.arn,
      // one upload per invocation: ten files near the size limit would not fit in one timeout, and a timed-out
      // batch is redelivered whole, files already parsed included
      batchSize: 1,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: meterDefaults.parserMaxConcurrency },
    },
    { ...opts },
  );

  createFunctionAlarms(`${name}-parser`, { functionName: parser.fn.name, deployment }, opts);
  const dlqAlarm = createQueueDepthAlarm(`${name}-dlq`, { queueName: dlq.name, deployment }, opts);
  return { queue, dlq, parser, dlqAlarm };
}
