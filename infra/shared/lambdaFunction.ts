import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FunctionSource, bundleHandler } from "./bundle";
import { lambdaDefaults, stackMetricNamespace } from "./defaults";
import { createLogGroup } from "./logGroup";
import { Statement, kmsStatement, logWriteStatement, xrayWriteStatement } from "./policyDocuments";
import { createServiceRole, grant } from "./role";
import { HelperOptions, WithDeployment } from "./options";

export interface FunctionRoleArgs {
  /** Extra statements beyond logs, X-Ray and the environment key. Default none. */
  readonly statements?: pulumi.Input<pulumi.Input<Statement>[]>;
  /** Key that encrypts the log group and the environment variables. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly description: string;
  /**
   * The function's role, when something must name its ARN before the function exists (a bucket policy
   * that exempts it); made with `functionRole(name, ...)`. Default: the scaffold creates it.
   */
  readonly role?: aws.iam.Role;
}

export interface FunctionScaffold {
  readonly role: aws.iam.Role;
  readonly policy: aws.iam.RolePolicy;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/** The role a function named `name` gets; same logical name whether the scaffold or a caller creates it. */
export function functionRole(name: string, { description }: { readonly description: string }, opts: HelperOptions): aws.iam.Role {
  return createServiceRole(name, { service: "lambda.amazonaws.com", description }, opts);
}

/** Log group + role + inline policy every function gets, whether bundled or an inline CallbackFunction. */
export function createFunctionScaffold(name: string, args: FunctionRoleArgs & WithDeployment, opts: HelperOptions): FunctionScaffold {
  const { deployment } = args;
  const logGroup = createLogGroup(name, { path: `lambda/${name}`, kmsKeyArn: args.kmsKeyArn, deployment }, opts);
  const role = args.role ?? functionRole(name, { description: args.description }, opts);
  const statements = pulumi
    .all([logGroup.arn, args.kmsKeyArn, args.statements ?? []])
    .apply(([logArn, keyArn, extra]) => [
      logWriteStatement(logArn),
      xrayWriteStatement,
      kmsStatement("DecryptEnvironment", [keyArn], ["kms:Decrypt"]),
      ...(extra as Statement[]),
    ]);
  const policy = grant(name, { role, statements }, opts);
  return { role, policy, logGroup };
}

/** What sizes a function and where it runs: the same for bundled and inline functions. */
export interface FunctionRuntimeArgs {
  /** Environment variables. Default none. */
  readonly environment?: Record<string, pulumi.Input<string>>;
  /** Seconds. Default `lambdaDefaults.timeout`. */
  readonly timeout?: number;
  /** MB. Default `lambdaDefaults.memorySize`. */
  readonly memorySize?: number;
}

/**
 * The settings every function shares: runtime, architecture, size, tracing, JSON logs into its log group, keys,
 * and the stack's metric namespace (METRIC_NAMESPACE, unless the function sets its own).
 */
export function functionRuntime(args: FunctionRuntimeArgs & Pick<FunctionRoleArgs, "kmsKeyArn"> & WithDeployment, scaffold: FunctionScaffold) {
  return {
    runtime: lambdaDefaults.runtime,
    architectures: [...lambdaDefaults.architectures],
    memorySize: args.memorySize ?? lambdaDefaults.memorySize,
    timeout: args.timeout ?? lambdaDefaults.timeout,
    tracingConfig: { mode: lambdaDefaults.tracingMode },
    loggingConfig: { logFormat: lambdaDefaults.logFormat, logGroup: scaffold.logGroup.name },
    kmsKeyArn: args.kmsKeyArn,
    environment: { variables: { METRIC_NAMESPACE: stackMetricNamespace(args.deployment.stack), ...args.environment } },
  };
}

export interface BundledFunctionArgs extends FunctionRoleArgs, FunctionRuntimeArgs {
  /** Folder under `functions/` whose `handler.ts` is bundled. */
  readonly source: FunctionSource;
}

export interface BundledFunction extends FunctionScaffold {
  readonly fn: aws.lambda.Function;
}

/** A Lambda built from `functions/<source>/handler.ts`, with its own role, tracing and log group. */
export function createBundledFunction(name: string, args: BundledFunctionArgs & WithDeployment, opts: HelperOptions): BundledFunction {
  const { deployment } = args;
  const scaffold = createFunctionScaffold(name, args, opts);
  const fn = new aws.lambda.Function(
    `${name}-fn`,
    {
      description: args.description,
      ...functionRuntime(args, scaffold),
      handler: "index.handler",
      code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(args.source)) }),
      role: scaffold.role.arn,
      reservedConcurrentExecutions: deployment.reservedConcurrency[args.source],
    },
    { ...opts, dependsOn: [scaffold.policy, scaffold.logGroup] },
  );
  return { ...scaffold, fn };
}
