import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { callbackCodePathOptions } from "./codePaths";
import { lambdaDefaults } from "./defaults";
import { Deployment } from "./deployment";
import { createFunctionScaffold, FunctionRoleArgs, FunctionScaffold } from "./lambdaFunction";

export interface CallbackFunctionArgs<E, R> extends FunctionRoleArgs {
  /**
   * The handler, called from an inline arrow function so Pulumi serializes it (and the modules it reaches, by
   * value) into `__index.js`. What it captures must survive that: no module-level Map/Set, no `instanceof` on
   * classes it throws, warm state in a plain object.
   */
  readonly callback: aws.lambda.Callback<E, R>;
  /** Environment variables. Default none. */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /** Seconds. Default `lambdaDefaults.timeout`. */
  readonly timeout?: number;
  /** MB. Default `lambdaDefaults.memorySize`. */
  readonly memorySize?: number;
  /** Reserved concurrent executions. Default unreserved. */
  readonly reservedConcurrency?: number;
}

export interface CallbackFunction<E, R> extends FunctionScaffold {
  readonly fn: aws.lambda.CallbackFunction<E, R>;
}

/**
 * An inline `CallbackFunction` with the same scaffold as a bundled one (own least-privilege role, log group,
 * tracing, KMS-encrypted environment). The explicit role matters: CallbackFunction's default role would attach
 * nine *FullAccess managed policies. `@aws-sdk/*` and every dependency the handlers do not load stay out of
 * the archive (`callbackCodePathOptions`).
 */
export function createCallbackFunction<E, R>(
  name: string,
  args: CallbackFunctionArgs<E, R>,
  deployment: Deployment,
  parent: pulumi.Resource,
): CallbackFunction<E, R> {
  const scaffold = createFunctionScaffold(name, args, deployment, parent);
  const fn = new aws.lambda.CallbackFunction<E, R>(
    `${name}-fn`,
    {
      description: args.description,
      callback: args.callback,
      codePathOptions: callbackCodePathOptions(),
      role: scaffold.role,
      runtime: lambdaDefaults.runtime,
      architectures: [...lambdaDefaults.architectures],
      memorySize: args.memorySize ?? lambdaDefaults.memorySize,
      timeout: args.timeout ?? lambdaDefaults.timeout,
      reservedConcurrentExecutions: args.reservedConcurrency,
      tracingConfig: { mode: lambdaDefaults.tracingMode },
      loggingConfig: { logFormat: lambdaDefaults.logFormat, logGroup: scaffold.logGroup.name },
      kmsKeyArn: args.kmsKeyArn,
      environment: args.environment ? { variables: args.environment } : undefined,
    },
    { parent, dependsOn: [scaffold.policy, scaffold.logGroup] },
  );
  return { ...scaffold, fn };
}
