/**
 * Fleet provisioning by claim for one device kind: the allow-list table (seeded from config), the
 * pre-provisioning hook (an inline Lambda with its own least-privilege role, invocable by IoT Core only for this
 * template), the provisioning role IoT Core runs the template as, the template, and the claim certificate's policy.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as fs from "fs";
import * as path from "path";
import { handler as provisioningHookHandler } from "../../functions/provisioningHook/handler";
import { ALLOW_LIST_KEY } from "../../functions/provisioningHook/dynamoAllowList";
import { provisionedKey } from "../../functions/provisioningHook/decide";
import { DeviceKind, SERIAL_FORMATS, provisioningTemplateName } from "../../functions/provisioningHook/serials";
import { createFunctionAlarms } from "./alarms";
import { AwsContext } from "./awsContext";
import { lambdaDefaults, provisioningDefaults } from "./defaults";
import { statefulOptions } from "./deployment";
import { iotArn } from "./iotPolicies";
import { createFunctionScaffold } from "./lambdaFunction";
import { allow } from "./policyDocuments";
import { claimPolicy, provisioningRoleStatements, templateBody } from "./provisioningDocuments";
import { createServiceRole, grant } from "./role";
import { PROVISIONING_HOOK_VARIABLES } from "../../functions/provisioningHook/variables";
import { variableValues } from "../../functions/shared/environment";
import { HelperOptions, WithDeployment } from "./options";

export interface FleetProvisioningArgs {
  readonly kind: DeviceKind;
  /** Thing group the provisioned things join. Required. */
  readonly thingGroupName: pulumi.Input<string>;
  /** The kind's scoped device policy, attached to each new certificate. Required. */
  readonly devicePolicyName: pulumi.Input<string>;
  /** Thing type of the new things. Default none. */
  readonly thingTypeName?: pulumi.Input<string>;
  /** Serials put on the allow-list at deploy time (`gridrail:deviceAllowList`). Default none. */
  readonly allowedSerials?: readonly string[];
  /** Key of the allow-list table, the hook's logs and environment. Required. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly ctx: AwsContext;
}

export interface FleetProvisioning {
  readonly template: aws.iot.ProvisioningTemplate;
  readonly claimPolicy: aws.iot.Policy;
  readonly allowList: aws.dynamodb.Table;
  readonly hook: aws.lambda.CallbackFunction<unknown, unknown>;
}

function productionDependencies(): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "..", "..", "package.json"), "utf8")) as { dependencies?: Record<string, string> };
  return Object.keys(pkg.dependencies ?? {}).sort();
}

/** Options for the hook's serialized archive: it loads only the SDK the runtime ships, so every dependency stays out. */
export function hookCodePathOptions(): pulumi.runtime.CodePathOptions {
  return { extraExcludePackages: productionDependencies() };
}

export function createFleetProvisioning(name: string, args: FleetProvisioningArgs & WithDeployment, opts: HelperOptions): FleetProvisioning {
  const { deployment } = args;
  const { ctx, kind } = args;
  const format = SERIAL_FORMATS[kind];
  const templateName = provisioningTemplateName(deployment.stack, kind);
  const scope = pulumi.all([ctx.partition, ctx.region, ctx.accountId]).apply(([partition, region, accountId]) => ({ partition, region, accountId }));

  const allowList = new aws.dynamodb.Table(
    `${name}-allow-list`,
    {
      billingMode: "PAY_PER_REQUEST",
      hashKey: ALLOW_LIST_KEY,
      attributes: [{ name: ALLOW_LIST_KEY, type: "S" }],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: args.kmsKeyArn },
      deletionProtectionEnabled: deployment.environment === "prod",
    },
    statefulOptions(deployment, opts),
  );
  for (const serial of args.allowedSerials ?? []) {
    new aws.dynamodb.TableItem(
      `${name}-allow-${serial}`,
      { tableName: allowList.name, hashKey: ALLOW_LIST_KEY, item: JSON.stringify({ [ALLOW_LIST_KEY]: { S: serial } }) },
      { ...opts },
    );
  }

  const hookName = `${name}-hook`;
  const scaffold = createFunctionScaffold(
    hookName,
    {
      description: `Allows a ${kind} to provision only if its serial is on the allow-list, once`,
      kmsKeyArn: args.kmsKeyArn,
      statements: allowList.arn.apply((tableArn) => [
        allow("ReadAllowList", ["dynamodb:GetItem"], tableArn),
        // the hook marks a serial provisioned (provisioned#<serial>); it cannot put a serial on the list
        {
          ...allow("MarkProvisioned", ["dynamodb:PutItem"], tableArn),
          Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [provisionedKey("*")] } },
        },
      ]),
      deployment,
    },
    opts,
  );
  const hook = new aws.lambda.CallbackFunction<unknown, unknown>(
    `${hookName}-fn`,
    {
      description: `Pre-provisioning hook of the ${kind} fleet provisioning template`,
      callback: async (event: unknown) => provisioningHookHandler(event),
      codePathOptions: hookCodePathOptions(),
      role: scaffold.role,
      runtime: lambdaDefaults.runtime,
      architectures: [...lambdaDefaults.architectures],
      memorySize: provisioningDefaults.hookMemorySize,
      timeout: provisioningDefaults.hookTimeoutSeconds,
      reservedConcurrentExecutions: provisioningDefaults.hookReservedConcurrency,
      tracingConfig: { mode: lambdaDefaults.tracingMode },
      loggingConfig: { logFormat: lambdaDefaults.logFormat, logGroup: scaffold.logGroup.name },
      kmsKeyArn: args.kmsKeyArn,
      environment: { variables: variableValues(PROVISIONING_HOOK_VARIABLES, { DEVICE_KIND: kind, ALLOW_LIST_TABLE: allowList.name }) },
    },
    { ...opts, dependsOn: [scaffold.policy, scaffold.logGroup] },
  );
  // a failing hook turns every device away at provisioning: errors and throttles alarm like any function's
  createFunctionAlarms(hookName, { functionName: hook.name, deployment }, opts);
  // the permission exists before IoT Core validates the hook. Its source ARN has the form AWS documents for IoT
  // Core (arn:aws:iot:region:account-id:*, the confused-deputy guide): which ARN IoT passes when a template calls its
  // hook is not documented, and a narrower one that does not match would refuse every device
  const invoke = new aws.lambda.Permission(
    `${hookName}-invoke`,
    {
      function: hook.name,
      action: "lambda:InvokeFunction",
      principal: "iot.amazonaws.com",
      sourceAccount: ctx.accountId,
      sourceArn: scope.apply((s) => iotArn(s, "*")),
    },
    { ...opts },
  );

  const role = createServiceRole(
    `${name}-iot`,
    { service: "iot.amazonaws.com", sourceAccount: ctx.accountId, description: `IoT Core provisions ${kind} things by claim` },
    opts,
  );
  const rolePolicy = grant(
    `${name}-iot`,
    {
      role,
      statements: pulumi
        .all([scope, args.thingGroupName, args.devicePolicyName, args.thingTypeName])
        .apply(([s, thingGroupName, devicePolicyName, thingTypeName]) =>
          provisioningRoleStatements(s, { thingGroupName, devicePolicyName, thingTypeName, thingPrefix: format.prefix }),
        ),
    },
    opts,
  );
  const template = new aws.iot.ProvisioningTemplate(
    `${name}-template`,
    {
      name: templateName,
      description: `Fleet provisioning by claim of ${kind}s: thing named after the serial, in its group, with the ${kind} policy`,
      enabled: true,
      type: "FLEET_PROVISIONING",
      provisioningRoleArn: role.arn,
      preProvisioningHook: { targetArn: hook.arn, payloadVersion: provisioningDefaults.hookPayloadVersion },
      templateBody: pulumi
        .all([args.thingGroupName, args.devicePolicyName, args.thingTypeName])
        .apply(([thingGroupName, devicePolicyName, thingTypeName]) => JSON.stringify(templateBody({ thingGroupName, devicePolicyName, thingTypeName }))),
    },
    { ...opts, dependsOn: [invoke, rolePolicy] },
  );
  const claim = new aws.iot.Policy(
    `${name}-claim-policy`,
    { policy: scope.apply((s) => JSON.stringify(claimPolicy(s, templateName, format.prefix))) },
    { ...opts },
  );
  return { template, claimPolicy: claim, allowList, hook };
}
