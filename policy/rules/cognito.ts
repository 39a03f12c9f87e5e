/** Cognito: no guest identities; strong passwords. */
import { resourceRule, Rule } from "../rule";
import { get, show } from "../values";
import { T } from "./types";

export const cognitoNoUnauthenticated = resourceRule({
  id: "cognito-no-unauthenticated-identities",
  level: "mandatory",
  description: "No Cognito identity pool allows unauthenticated identities.",
  types: T.identityPool,
  check(pool) {
    const allowed = pool.inputs.allowUnauthenticatedIdentities;
    return allowed === true ? [`Cognito identity pool ${pool.name} allows unauthenticated identities (allowUnauthenticatedIdentities: true)`] : [];
  },
});

export const MIN_PASSWORD_LENGTH = 12;
const CHARACTER_CLASSES = ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"];

export const cognitoPasswordPolicy = resourceRule({
  id: "cognito-password-policy",
  level: "mandatory",
  description: `Every Cognito user pool requires passwords of at least ${MIN_PASSWORD_LENGTH} characters with lower case, upper case, numbers and symbols.`,
  types: T.userPool,
  check(pool) {
    const policy = pool.inputs.passwordPolicy;
    const problems: string[] = [];
    const length = get(policy, "minimumLength");
    if (typeof length !== "number" || length < MIN_PASSWORD_LENGTH) {
      problems.push(
        `Cognito user pool ${pool.name} allows passwords shorter than ${MIN_PASSWORD_LENGTH} characters (passwordPolicy.minimumLength: ${show(length)})`,
      );
    }
    const missing = CHARACTER_CLASSES.filter((k) => get(policy, k) !== true);
    if (missing.length > 0) problems.push(`Cognito user pool ${pool.name} password policy does not set ${missing.join(", ")}`);
    return problems;
  },
});

export const COGNITO_RULES: readonly Rule[] = [cognitoNoUnauthenticated, cognitoPasswordPolicy];
