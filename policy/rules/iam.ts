/** IAM: no identity policy allows a wildcard action on every resource; no role gets a broad AWS managed policy. */
import { ResourceView } from "../graph";
import { resourceRule, Rule } from "../rule";
import { asArray, get, isUnknown, statements } from "../values";
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

export const IAM_RULES: readonly Rule[] = [iamNoWildcardAdmin, iamNoBroadManagedPolicies];
