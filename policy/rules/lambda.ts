/** Lambda: a role of this stack, traced, logging to a log group of this stack that has a retention; environments encrypted, no secrets in them. */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule } from "../rule";
import { get, isUnknown, show, stackKeyProblem } from "../values";
import { T } from "./types";

export const lambdaExplicitRole = joinRule({
  id: "lambda-explicit-role",
  level: "mandatory",
  description: "Every Lambda function runs as an IAM role defined in this stack (its own, least-privilege role), not a pre-existing one.",
  types: T.lambdaFunction,
  check(fn, graph) {
    const role = fn.inputs.role;
    if (isUnknown(role) && !fn.propertyDependencies?.role?.length) return [];
    return graph.references(fn, "role", T.role).length > 0 ? [] : [`Lambda function ${fn.name} does not run as a role of this stack (role: ${show(role)})`];
  },
});

export const lambdaTracing = resourceRule({
  id: "lambda-tracing",
  level: "advisory",
  description: "Every Lambda function has active X-Ray tracing.",
  types: T.lambdaFunction,
  check(fn) {
    const mode = get(fn.inputs, "tracingConfig.mode");
    return mode === "Active" ? [] : [`Lambda function ${fn.name} is not traced (tracingConfig.mode: ${show(mode)})`];
  },
});

/** The log group a function writes to: `loggingConfig.logGroup`, else Lambda's default `/aws/lambda/<function name>`. */
function logGroupsOf(fn: ResourceView, graph: StackGraph): { name: unknown; groups: ResourceView[] } {
  const configured = get(fn.inputs, "loggingConfig.logGroup");
  if (configured !== undefined) return { name: configured, groups: graph.references(fn, "loggingConfig.logGroup", T.logGroup) };
  const name = `/aws/lambda/${String(fn.inputs.name ?? fn.name)}`;
  return { name, groups: graph.ofType(...T.logGroup).filter((g) => g.inputs.name === name) };
}

export const lambdaLogRetention = joinRule({
  id: "lambda-log-retention",
  level: "mandatory",
  description: "Every Lambda function logs to a log group created in this stack with a retention, so logs neither vanish nor pile up forever.",
  types: T.lambdaFunction,
  check(fn, graph) {
    const { name, groups } = logGroupsOf(fn, graph);
    if (groups.length === 0) {
      if (isUnknown(name) && !fn.propertyDependencies?.loggingConfig?.length) return [];
      return [`Lambda function ${fn.name} logs to ${show(name)}, which is not a log group of this stack`];
    }
    return groups
      .filter((g) => typeof g.inputs.retentionInDays !== "number" || g.inputs.retentionInDays <= 0)
      .map((g) => `log group ${g.name} of Lambda function ${fn.name} keeps logs forever (retentionInDays: ${show(g.inputs.retentionInDays)})`);
  },
});

export const lambdaReservedConcurrency = resourceRule({
  id: "lambda-reserved-concurrency",
  level: "mandatory",
  description: "Every Lambda function has reserved concurrency (at least 1): a flood on one path cannot take the account's whole pool from the others.",
  types: T.lambdaFunction,
  check(fn) {
    const reserved = fn.inputs.reservedConcurrentExecutions;
    if (isUnknown(reserved)) return [];
    if (reserved === 0) return [`Lambda function ${fn.name} has reserved concurrency 0, which stops every invocation`];
    return typeof reserved === "number" && Number.isInteger(reserved) && reserved >= 1
      ? []
      : [`Lambda function ${fn.name} has no reserved concurrency (reservedConcurrentExecutions: ${show(reserved)})`];
  },
});

const SERVICE_PRINCIPAL = /^[a-z0-9.-]+\.amazonaws\.com$/;

export const lambdaInvokeRestricted = resourceRule({
  id: "lambda-invoke-restricted",
  level: "mandatory",
  description: "No function is open to the world: an invoke permission names an AWS service with a sourceArn (never `*`), and a function URL uses AWS_IAM.",
  types: ["aws:lambda/permission:Permission", "aws:lambda/functionUrl:FunctionUrl"],
  check(r) {
    if (r.type === "aws:lambda/functionUrl:FunctionUrl") {
      const auth = r.inputs.authorizationType;
      return auth === "AWS_IAM" || isUnknown(auth) ? [] : [`function URL ${r.name} has authorizationType ${show(auth)}: anyone could invoke it; use AWS_IAM`];
    }
    const principal = r.inputs.principal;
    if (isUnknown(principal)) return [];
    if (typeof principal !== "string" || !SERVICE_PRINCIPAL.test(principal)) {
      return [`permission ${r.name} lets ${show(principal)} invoke the function: name the AWS service that calls it`];
    }
    return r.inputs.sourceArn === undefined ? [`permission ${r.name} lets ${principal} invoke the function from any source: give a sourceArn`] : [];
  },
});

/** The function's environment variables, or an empty object. */
function variablesOf(fn: ResourceView): Record<string, unknown> {
  const variables = get(fn.inputs, "environment.variables");
  return typeof variables === "object" && variables !== null && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
}

export const lambdaEnvironmentEncryption = resourceRule({
  id: "lambda-environment-encryption",
  level: "mandatory",
  description: "Every Lambda function with environment variables encrypts them with a KMS key of the stack (kmsKeyArn), not Lambda's AWS managed key.",
  types: T.lambdaFunction,
  check(fn) {
    if (Object.keys(variablesOf(fn)).length === 0) return [];
    return stackKeyProblem(`Lambda function ${fn.name} environment`, "kmsKeyArn", fn.inputs.kmsKeyArn);
  },
});

/** Variable names that say a secret is in the value itself (a name ending in _ARN, _NAME or _ID names where one is kept). */
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;

export const lambdaNoPlaintextSecrets = resourceRule({
  id: "lambda-no-plaintext-secrets",
  level: "mandatory",
  description:
    "No Lambda environment variable named like a secret (…PASSWORD, …SECRET, …TOKEN, …API_KEY) holds a literal value: keep it in Secrets Manager and pass its ARN.",
  types: T.lambdaFunction,
  check(fn) {
    return Object.entries(variablesOf(fn))
      .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === "string" && value !== "" && !value.startsWith("arn:") && !isUnknown(value))
      .map(([name]) => `Lambda function ${fn.name} environment variable ${name} holds a secret in plain text (value withheld): pass a Secrets Manager ARN`);
  },
});

export const lambdaScheduledFailureDestination = joinRule({
  id: "lambda-scheduled-failure-destination",
  level: "mandatory",
  description:
    "Every function a Scheduler schedule invokes has an on-failure destination: Scheduler invokes asynchronously, its own dead-letter queue only gets what it could not hand to Lambda, and Lambda drops a run that failed its retries.",
  types: T.lambdaFunction,
  check(fn, graph) {
    if (graph.referrers(fn, T.schedule, "target.arn").length === 0) return [];
    const configs = graph.referrers(fn, T.lambdaInvokeConfig, "functionName");
    const destinations = configs.map((c) => get(c.inputs, "destinationConfig.onFailure.destination"));
    if (destinations.some((d) => (typeof d === "string" && d !== "") || isUnknown(d))) return [];
    return [
      `scheduled Lambda function ${fn.name} has no on-failure destination (destinationConfig.onFailure.destination: ${show(destinations[0])}): a run that fails its retries is lost`,
    ];
  },
});

export const LAMBDA_RULES: readonly Rule[] = [
  lambdaExplicitRole,
  lambdaTracing,
  lambdaLogRetention,
  lambdaReservedConcurrency,
  lambdaInvokeRestricted,
  lambdaEnvironmentEncryption,
  lambdaNoPlaintextSecrets,
  lambdaScheduledFailureDestination,
];
