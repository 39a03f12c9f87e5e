import * as aws from "@pulumi/aws";
import { callbackCodePathOptions } from "./codePaths";
import { createFunctionScaffold, FunctionRoleArgs, FunctionRuntimeArgs, FunctionScaffold, functionRuntime } from "./lambdaFunction";
import { HelperOptions, WithDeployment } from "./options";

export interface CallbackFunctionArgs<E, R> extends FunctionRoleArgs, FunctionRuntimeArgs {
  /**
   * The handler, called from an inline arrow function so Pulumi serializes it (and the modules it reaches, by
   * value) into `__index.js`. What it reaches must follow docs/inline-callbacks.md.
   */
  readonly callback: aws.lambda.Callback<E, R>;
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
export function createCallbackFunction<E, R>(name: string, args: CallbackFunctionArgs<E, R> & WithDeployment, opts: HelperOptions): CallbackFunction<E, R> {
  const scaffold = createFunctionScaffold(name, args, opts);
  const fn = new aws.lambda.CallbackFunction<E, R>(
    `${name}-fn`,
    {
      description: args.description,
      callback: args.callback,
      codePathOptions: callbackCodePathOptions(),
      role: scaffold.role,
      ...functionRuntime(args, scaffold),
      reservedConcurrentExecutions: args.reservedConcurrency,
    },
    { ...opts, dependsOn: [scaffold.policy, scaffold.logGroup] },
  );
  return { ...scaffold, fn };
}
