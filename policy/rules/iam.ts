/**
 * IAM: no identity policy allows a wildcard action on every resource; no role gets a broad AWS managed policy;
 * a Lambda function writes objects under the prefixes it owns, never anywhere in a bucket.
 */
import { ResourceView, StackGraph } from "../graph";
import { joinRule, resourceRule, Rule, stackRule } from "../rule";
import { accountOf, asArray, awsPrincipals, conditionValue, get, isAnyone, isUnknown, parseJson, policyChars, statements, strings } from "../values";
import { T } from "./types";

const POLICY_TYPES = ["aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy", "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy"];

function wildcardGrants(document: unknown, where: string): string[] {
  if (isUnknown(document)) return [];
  return (statements(document) ?? [])
    .filter((s) => s.effect === "Allow" && s.resources.includes("*"))
    .flatMap((s) => s.actions.filter((a) => a === "*" || a.endsWith(":*")).map((a) => `${where} statement ${s.id} allows ${a} on *`));
}

export const iamNoWildcardAdmin = resourceRule({
  id: "iam-no-wildcard-actions-on-all-resources",
  level: "mandatory",
  description: "No IAM identity policy statement allows * or <service>:* on resource *.",
  types: [...POLICY_TYPES, ...T.role],
  check(r: ResourceView) {
    if (r.type === T.role[0]) {
      return asArray(r.inputs.inlinePolicies).flatMap((p) => wildcardGrants(get(p, "policy"), `role ${r.name} inline policy ${String(get(p, "name") ?? "")}`));
    }
    return wildcardGrants(r.inputs.policy, `IAM policy ${r.name}`);
  },
});

/** AWS managed policies too broad for a service role: *FullAccess, PowerUserAccess, AdministratorAccess. */
export const BROAD_MANAGED_POLICY = /:policy\/(?:.*\/)?(?:[\w+=,.@-]*FullAccess[\w+=,.@-]*|PowerUserAccess|AdministratorAccess)$/;

/** Where each attachment type names its managed policies. */
const ATTACHMENTS: Readonly<Record<string, string>> = {
  "aws:iam/role:Role": "managedPolicyArns",
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": "policyArn",
  "aws:iam/policyAttachment:PolicyAttachment": "policyArn",
  "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive": "policyArns",
};

export const iamNoBroadManagedPolicies = resourceRule({
  id: "iam-no-broad-managed-policies",
  level: "mandatory",
  description: "No role (Lambda or other) gets a *FullAccess, PowerUserAccess or AdministratorAccess managed policy.",
  types: Object.keys(ATTACHMENTS),
  check(r) {
    const noun = r.type === T.role[0] ? "role" : "policy attachment";
    return asArray(r.inputs[ATTACHMENTS[r.type]])
      .filter((arn): arn is string => typeof arn === "string" && BROAD_MANAGED_POLICY.test(arn))
      .map((arn) => `${noun} ${r.name} attaches the broad managed policy ${arn}`);
  },
});

/** Actions that include s3:PutObject: the action itself and the wildcards that cover it (IAM ignores case). */
const OBJECT_WRITE = /^(\*|s3:\*|s3:Put\*|s3:PutO\*|s3:PutObject)$/i;
/**
 * Resources that are every object of a bucket (or of every bucket): `*`, `arn:aws:s3:::*`, `arn:aws:s3:::*` +
 * `/*`, `arn:aws:s3:::bucket/*`.
 */
const EVERY_OBJECT = /^(\*|arn:[^:]+:s3:::\*(\/\*)?|arn:[^:]+:s3:::[^/*]+\/\*)$/;

/** Whether a role's trust policy lets Lambda assume it. */
function isLambdaRole(role: ResourceView): boolean {
  return (statements(role.inputs.assumeRolePolicy) ?? []).some((s) => s.effect === "Allow" && strings(s.principal).includes("lambda.amazonaws.com"));
}

/** Each action-on-resource an Allow statement of `document` grants where both tests hold. */
function grants(document: unknown, action: (a: string) => boolean, resource: (r: string) => boolean): { id: string; action: string; resource: string }[] {
  if (isUnknown(document)) return [];
  return (statements(document) ?? [])
    .filter((s) => s.effect === "Allow")
    .flatMap((s) => s.actions.filter(action).flatMap((a) => s.resources.filter(resource).map((r) => ({ id: s.id, action: a, resource: r }))));
}

/** The grants of `document` that let a role write every object of a bucket, as findings about `where`. */
function everyObjectWrites(document: unknown, where: string, role: string): string[] {
  return grants(
    document,
    (a) => OBJECT_WRITE.test(a),
    (r) => EVERY_OBJECT.test(r),
  ).map(
    (g) =>
      `${where} of Lambda role ${role} statement ${g.id} allows ${g.action} on ${g.resource}, every object of the bucket (grant the prefixes the function writes)`,
  );
}

export const iamLambdaObjectWritesPrefixed = joinRule({
  id: "iam-lambda-object-writes-prefixed",
  level: "mandatory",
  description:
    "No Lambda role may s3:PutObject on every object of a bucket, through a role policy, an inline policy of the role or an attached policy of the stack: a function writes the prefixes it owns (processed/, reports/...), so a bug or a hostile input cannot overwrite other data in the bucket.",
  types: ["aws:iam/rolePolicy:RolePolicy", ...T.role, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"],
  check(r: ResourceView, graph: StackGraph) {
    if (T.role.includes(r.type)) {
      if (!isLambdaRole(r)) return [];
      return asArray(r.inputs.inlinePolicies).flatMap((p) => everyObjectWrites(get(p, "policy"), `inline policy ${String(get(p, "name") ?? "")}`, r.name));
    }
    const roles = graph.references(r, "role", T.role).filter(isLambdaRole);
    if (roles.length === 0) return [];
    if (r.type === "aws:iam/rolePolicy:RolePolicy") return everyObjectWrites(r.inputs.policy, `IAM policy ${r.name}`, roles[0].name);
    return graph
      .references(r, "policyArn", ["aws:iam/policy:Policy"])
      .flatMap((p) => everyObjectWrites(p.inputs.policy, `IAM policy ${p.name} (attached by ${r.name})`, roles[0].name));
  },
});

/** Services whose data (objects, items, keys, messages, records, secrets, roles) can be granted resource by resource. */
const DATA_SERVICES = ["s3", "dynamodb", "kms", "sqs", "sns", "kinesis", "firehose", "secretsmanager", "ssm", "iam", "lambda", "glue", "redshift"];
/** `*`, or an ARN that names every resource of its service: `arn:aws:s3:::*`, `arn:aws:kinesis:*:*:*`. */
const EVERY_RESOURCE = /^(\*|arn:[^:]+:[^:]+:[^:]*:[^:]*:\*|arn:[^:]+:s3:::\*(\/\*)?)$/;

function dataGrants(document: unknown, where: string): string[] {
  if (isUnknown(document)) return [];
  const raw = asArray(get(parseJson(document), "Statement"));
  const notActions = raw
    .map((st, i) => ({ st, id: typeof get(st, "Sid") === "string" && get(st, "Sid") !== "" ? String(get(st, "Sid")) : String(i + 1) }))
    .filter(({ st }) => get(st, "Effect") === "Allow" && get(st, "NotAction") !== undefined)
    .map(({ id }) => `${where} statement ${id} allows NotAction: everything but the actions it names`);
  const wide = grants(
    document,
    (a) => DATA_SERVICES.includes(a.split(":")[0].toLowerCase()),
    (r) => EVERY_RESOURCE.test(r),
  ).map((g) => `${where} statement ${g.id} allows ${g.action} on ${g.resource}: name the resources`);
  return [...notActions, ...wide];
}

export const iamNoDataActionsOnAllResources = resourceRule({
  id: "iam-no-data-actions-on-all-resources",
  level: "mandatory",
  description:
    "No identity policy allows an action of a data service (S3, DynamoDB, KMS, SQS, SNS, Kinesis, Firehose, Secrets Manager, SSM, IAM, Lambda, Glue, Redshift) on every resource (`*` or a service-wide ARN), nor any `NotAction` allow.",
  types: [...POLICY_TYPES, ...T.role],
  check(r: ResourceView) {
    if (r.type === T.role[0]) {
      return asArray(r.inputs.inlinePolicies).flatMap((p) => dataGrants(get(p, "policy"), `role ${r.name} inline policy ${String(get(p, "name") ?? "")}`));
    }
    return dataGrants(r.inputs.policy, `IAM policy ${r.name}`);
  },
});

export const iamTrustScoped = resourceRule({
  id: "iam-trust-scoped",
  level: "mandatory",
  description: "No role may be assumed by anyone: a trust statement that allows principal `*` (or AWS `*`) must carry a condition that narrows it.",
  types: T.role,
  check(role) {
    return (statements(role.inputs.assumeRolePolicy) ?? [])
      .filter((s) => s.effect === "Allow" && isAnyone(s.principal) && Object.keys(s.condition).length === 0)
      .map((s) => `role ${role.name} trust statement ${s.id} lets any principal assume it, with no condition`);
  },
});

/** The stack's own accounts: those its KMS key policies give kms:* (a key's administrators are its account's). */
function ownAccounts(graph: StackGraph): Set<string> {
  return new Set(
    graph
      .ofType(...T.kmsKey)
      .flatMap((key) => (statements(key.inputs.policy) ?? []).filter((s) => s.effect === "Allow" && s.actions.includes("kms:*")))
      .flatMap((s) => awsPrincipals(s.principal).map(accountOf))
      .filter((a): a is string => a !== undefined),
  );
}

/** Condition keys that bind a cross-account trust to who may use it. */
const CROSS_ACCOUNT_KEYS = ["sts:ExternalId", "aws:PrincipalOrgID"];

export const iamTrustOwnAccount = joinRule({
  id: "iam-trust-own-account",
  level: "mandatory",
  description:
    "A role's trust policy names AWS principals of the stack's own account (the one its key policies administer); another account needs sts:ExternalId or aws:PrincipalOrgID.",
  types: T.role,
  check(role, graph) {
    const own = ownAccounts(graph);
    if (own.size === 0) return [];
    return (statements(role.inputs.assumeRolePolicy) ?? [])
      .filter((s) => s.effect === "Allow" && !CROSS_ACCOUNT_KEYS.some((k) => conditionValue(s.condition, ["StringEquals", "StringLike"], k) !== undefined))
      .flatMap((s) =>
        awsPrincipals(s.principal)
          .filter((p) => accountOf(p) !== undefined && !own.has(accountOf(p)!))
          .map((p) => `role ${role.name} trust statement ${s.id} lets ${p} of another account assume it, without sts:ExternalId or aws:PrincipalOrgID`),
      );
  },
});

/** IAM's limit on a role's inline policies together, in characters other than white space. */
export const ROLE_INLINE_MAX_CHARS = 10_240;

export const iamRoleInlinePolicySize = stackRule({
  id: "iam-role-inline-policy-size",
  level: "mandatory",
  description: `A role's inline policies together are at most ${ROLE_INLINE_MAX_CHARS} characters, white space excluded (IAM refuses the policy that goes over).`,
  check(graph) {
    const byRole = new Map<string, { chars: number; policies: ResourceView[] }>();
    for (const p of graph.ofType("aws:iam/rolePolicy:RolePolicy")) {
      const chars = policyChars(p.inputs.policy);
      const role = p.inputs.role;
      if (chars === undefined || typeof role !== "string") continue;
      const entry = byRole.get(role) ?? { chars: 0, policies: [] };
      entry.chars += chars;
      entry.policies.push(p);
      byRole.set(role, entry);
    }
    return [...byRole]
      .filter(([, e]) => e.chars > ROLE_INLINE_MAX_CHARS)
      .map(([role, e]) => ({
        resource: e.policies[e.policies.length - 1],
        message: `role ${role}'s inline policies (${e.policies.map((p) => p.name).join(", ")}) are ${e.chars} characters without white space, over IAM's ${ROLE_INLINE_MAX_CHARS}`,
      }));
  },
});

export const IAM_RULES: readonly Rule[] = [
  iamNoWildcardAdmin,
  iamNoDataActionsOnAllResources,
  iamNoBroadManagedPolicies,
  iamLambdaObjectWritesPrefixed,
  iamTrustScoped,
  iamTrustOwnAccount,
  iamRoleInlinePolicySize,
];
