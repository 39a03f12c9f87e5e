import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Statement, assumeRolePolicy, policyDocument } from "./policyDocuments";
import { HelperOptions } from "./options";

export interface ServiceRoleArgs {
  /** Service principal allowed to assume the role, e.g. `lambda.amazonaws.com`. */
  readonly service: string;
  /** Account that must be the aws:SourceAccount of the assume (confused-deputy guard); omit for Lambda. */
  readonly sourceAccount?: pulumi.Input<string>;
  readonly description: string;
}

/**
 * A role with a trust policy and nothing else attached: no managed policies, ever. Permissions come from
 * `grant`, which writes one inline policy of exact statements.
 */
export function createServiceRole(name: string, args: ServiceRoleArgs, opts: HelperOptions): aws.iam.Role {
  return new aws.iam.Role(
    `${name}-role`,
    {
      description: args.description,
      assumeRolePolicy: pulumi.output(args.sourceAccount).apply((account) => JSON.stringify(assumeRolePolicy(args.service, account))),
      maxSessionDuration: 3600,
    },
    { ...opts },
  );
}

/** Attaches the inline least-privilege policy `<name>-policy` to `role`. */
export function grant(
  name: string,
  { role, statements }: { readonly role: aws.iam.Role; readonly statements: pulumi.Input<pulumi.Input<Statement>[]> },
  opts: HelperOptions,
): aws.iam.RolePolicy {
  return new aws.iam.RolePolicy(
    `${name}-policy`,
    {
      role: role.name,
      policy: pulumi.output(statements).apply((s) => JSON.stringify(policyDocument(s as Statement[]))),
    },
    { ...opts },
  );
}
