/**
 * The thin adapter between the gridrail rules and @pulumi/policy: a real `pulumi preview --policy-pack policy`
 * runs exactly the validators the offline runner runs, on the same neutral view.
 *  - single-resource rules become `validateResource` policies (checked before each resource is created);
 *  - join and stack-wide rules, and prod-only rules, become `validateStack` policies over `args.resources`,
 *    joined through the engine's property dependencies (a new bucket's id is unknown during preview).
 * Values not known during preview are read as UNKNOWN, which rules treat as "cannot judge yet": Pulumi runs
 * stack policies again after `pulumi up` with the real outputs.
 */
import { Policies, PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { skipReason } from "./evaluate";
import { Environment, inferEnvironment, ResourceView, StackGraph, StackView } from "./graph";
import { Rule } from "./rule";
import { UNKNOWN } from "./values";

/** The sentinel strings @pulumi/policy puts where a value is unknown (internal exports of its proxy module). */
const SENTINELS: ReadonlySet<unknown> = new Set(
  Object.entries(require("@pulumi/policy/proxy") as Record<string, unknown>)
    .filter(([key, value]) => /^unknown\w*Value$/.test(key) && typeof value === "string")
    .map(([, value]) => value),
);

/** @pulumi/policy wraps props in a proxy that throws on unknowns; this key returns the wrapped object. */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** A plain copy of policy props: proxies unwrapped, unknown values as UNKNOWN. */
export function plain(value: unknown): unknown {
  if (typeof value === "string") return SENTINELS.has(value) ? UNKNOWN : value;
  if (value === null || typeof value !== "object") return value;
  const target = ((value as Record<string, unknown>)[PROXY_TARGET] ?? value) as object;
  if (Array.isArray(target)) return target.map(plain);
  return Object.fromEntries(Object.entries(target).map(([k, v]) => [k, plain(v)]));
}

type Described = Pick<PolicyResource, "type" | "name" | "urn" | "props">;

function view(r: Described, dependencies?: Record<string, PolicyResource[]>): ResourceView {
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    inputs: plain(r.props) as Record<string, unknown>,
    propertyDependencies: dependencies && Object.fromEntries(Object.entries(dependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
  };
}

export interface EnvironmentConfig {
  readonly environment?: Environment;
}

/** The stack as the rules see it; the environment from the policy config, else the AWS providers' default tags. */
export function stackView(args: Pick<StackValidationArgs, "resources" | "getConfig">): StackView {
  const resources = args.resources.map((r) => view(r, r.propertyDependencies));
  const providers = args.resources.flatMap((r) => (r.provider ? [view(r.provider)] : []));
  const configured = args.getConfig<EnvironmentConfig>().environment;
  return { environment: configured ?? inferEnvironment([...resources, ...providers]), resources };
}

export function resourceView(args: Pick<ResourceValidationArgs, "type" | "name" | "urn" | "props">): ResourceView {
  return view(args);
}

const ENVIRONMENT_SCHEMA = { properties: { environment: { type: "string" as const, enum: ["dev", "prod"] } } };

function resourcePolicy(rule: Rule): ResourceValidationPolicy {
  const { types, check } = rule.resource!;
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: rule.level,
    validateResource: (args, reportViolation) => {
      if (!types.includes(args.type)) return;
      for (const message of check(resourceView(args))) reportViolation(message);
    },
  };
}

function stackPolicy(rule: Rule): StackValidationPolicy {
  return {
    name: rule.id,
    description: rule.description,
    enforcementLevel: rule.level,
    ...(rule.prodOnly ? { configSchema: ENVIRONMENT_SCHEMA } : {}),
    validateStack: (args, reportViolation) => {
      const graph = new StackGraph(stackView(args));
      const reason = skipReason(rule, graph);
      if (reason !== undefined) args.notApplicable(reason);
      for (const f of rule.evaluate(graph)) reportViolation(f.message, f.resource?.urn);
    },
  };
}

/** One @pulumi/policy policy per rule, named by the rule id, at the rule's level. */
export function toPolicies(rules: readonly Rule[]): Policies {
  return rules.map((rule) => (rule.resource && !rule.prodOnly ? resourcePolicy(rule) : stackPolicy(rule)));
}
