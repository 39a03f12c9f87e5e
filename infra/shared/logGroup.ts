import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Deployment } from "./deployment";
import { logGroupName } from "./naming";
import { HelperOptions } from "./options";

/** A log group named `/gridrail/<stack>/<path>` with the stack's retention, encrypted with `kmsKeyArn`. */
export interface LogGroupArgs {
  /** Below `/gridrail/<stack>/`. */
  readonly path: string;
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly deployment: Deployment;
}

export function createLogGroup(name: string, { path, kmsKeyArn, deployment }: LogGroupArgs, opts: HelperOptions): aws.cloudwatch.LogGroup {
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
