import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./deployment";
import { logGroupName } from "./naming";
import { HelperOptions } from "./options";

/** A log group named `/gridrail/<stack>/<path>` with the stack's retention, encrypted with `kmsKeyArn`. */
export function createLogGroup(
  name: string,
  path: string,
  kmsKeyArn: pulumi.Input<string>,
  deployment: Deployment,
  opts: HelperOptions,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    {
      name: logGroupName(deployment.stack, path),
      retentionInDays: deployment.logRetentionDays,
      kmsKeyId: kmsKeyArn,
    },
    { ...opts },
  );
}
