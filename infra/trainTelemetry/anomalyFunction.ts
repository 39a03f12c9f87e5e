import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { handler as trainAnomalyHandler } from "../../functions/trainAnomaly/handler";
import { lambdaDefaults } from "../shared/defaults";
import { createFunctionScaffold, FunctionScaffold } from "../shared/lambdaFunction";
import { Statement } from "../shared/policyDocuments";
import { callbackCodePathOptions } from "../shared/codePaths";
import { trainDefaults } from "./defaults";
import { HelperOptions, WithDeployment } from "../shared/options";

export interface AnomalyFunctionArgs {
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly statements: pulumi.Input<pulumi.Input<Statement>[]>;
  readonly environment: Record<string, pulumi.Input<string>>;
}

export interface AnomalyFunction extends FunctionScaffold {
  readonly fn: aws.lambda.CallbackFunction<unknown, unknown>;
}

/** Options for the serialized archive; exported so the serialization test uses exactly these. */
export function anomalyCodePathOptions(): pulumi.runtime.CodePathOptions {
  return callbackCodePathOptions();
}

/**
 * The anomaly Lambda as an inline `CallbackFunction`: Pulumi serializes the callback (and the handler module it
 * captures, by value) into `__index.js`. It gets its own least-privilege role; the CallbackFunction default
 * role would attach nine *FullAccess managed policies.
 */
export function createAnomalyFunction(name: string, args: AnomalyFunctionArgs & WithDeployment, opts: HelperOptions): AnomalyFunction {
  const { deployment } = args;
  const scaffold = createFunctionScaffold(
    name,
    {
      description: "Scores train telemetry for anomalies",
      kmsKeyArn: args.kmsKeyArn,
      statements: args.statements,
      deployment,
    },
    opts,
  );
  const fn = new aws.lambda.CallbackFunction<unknown, unknown>(
    `${name}-fn`,
    {
      description: "Scores train telemetry for anomalies (Kinesis consumer)",
      // the context carries the request id every log line needs
      callback: async (event: unknown, context: aws.lambda.Context) => trainAnomalyHandler(event, context),
      codePathOptions: anomalyCodePathOptions(),
      role: scaffold.role,
      runtime: lambdaDefaults.runtime,
      architectures: [...lambdaDefaults.architectures],
      memorySize: trainDefaults.memorySize,
      timeout: trainDefaults.timeoutSeconds,
      // one batch per shard and parallelization slot at most; the rest of the account's pool stays free
      reservedConcurrentExecutions: deployment.reservedConcurrency.trainAnomaly,
      tracingConfig: { mode: lambdaDefaults.tracingMode },
      loggingConfig: { logFormat: lambdaDefaults.logFormat, logGroup: scaffold.logGroup.name },
      kmsKeyArn: args.kmsKeyArn,
      environment: { variables: args.environment },
    },
    { ...opts, dependsOn: [scaffold.policy, scaffold.logGroup] },
  );
  return { ...scaffold, fn };
}
