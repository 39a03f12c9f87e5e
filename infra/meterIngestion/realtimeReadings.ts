import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { SERIAL_FORMATS } from "../../functions/provisioningHook/serials";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { identifier } from "../shared/naming";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { SecureBucket } from "../shared/secureBucket";
import { IOT_SQL_VERSION, METER_LAKE_KEY, METER_READINGS_SQL } from "../shared/ruleSql";
import { createTopicRuleRole } from "../shared/topicRuleRole";
import { HelperOptions } from "../shared/options";

export interface RealtimeReadingsArgs {
  readonly lake: SecureBucket;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

/**
 * MQTT readings → IoT rule → S3 action → lake `{ClientID}/{YYYYMMDD}/{timestamp}-{uuid}.json` (METER_LAKE_KEY), one
 * object a reading, encrypted by the lake's default KMS key.
 *
 * Why not Firehose with dynamic partitioning by client and day: Firehose buffers each partition on its own and
 * writes it when its interval ends (at most 15 minutes), and a meter sends once a half-hour, so it too would
 * write one object a reading; and a stream holds at most 500 active partitions (5,000 on request), so beyond
 * some 500 meters sending in the same minutes their readings would go to an error prefix. The S3 action has no
 * such limit: the fleet is bounded by IoT Core's rule quotas, not by the lake path.
 *
 * The rule's role may write only under meter client ids (`NMI*`, the only thing names meter provisioning
 * accepts), never into the supplier parser's `processed/` and `quarantine/` prefixes.
 */
export function createRealtimeReadings(name: string, args: RealtimeReadingsArgs, opts: HelperOptions) {
  const { lake, kmsKeyArn, ctx, deployment } = args;

  const ruleRole = createTopicRuleRole(
    name,
    {
      description: "IoT rule writes meter readings to the lake",
      statements: pulumi
        .all([lake.arn, kmsKeyArn])
        .apply(([lakeArn, keyArn]) => [
          allow("WriteReadings", ["s3:PutObject"], `${lakeArn}/${SERIAL_FORMATS.meter.prefix}*`),
          kmsStatement("EncryptReadings", [keyArn], ["kms:GenerateDataKey"]),
        ]),
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );

  const rule = new aws.iot.TopicRule(
    `${name}-rule`,
    {
      // IoT rule names allow only [a-zA-Z0-9_]: Pulumi's hyphenated auto-name would be rejected.
      name: identifier(["gridrail", deployment.stack, name], "_", 128),
      description: "Meter readings to the lake, one object a reading",
      enabled: true,
      sql: METER_READINGS_SQL,
      sqlVersion: IOT_SQL_VERSION,
      s3: [{ bucketName: lake.name, key: METER_LAKE_KEY, roleArn: ruleRole.role.arn }],
      errorAction: ruleRole.errorAction,
    },
    { ...opts, dependsOn: [ruleRole.policy] },
  );

  // readings the rule could not write to the lake
  return { rule, failureMetric: ruleRole.failureMetric, alarms: [ruleRole.failureAlarm] };
}
