/**
 * Reading resource inputs the way every rule needs: dotted paths, values rendered for messages, and IAM-style
 * policy documents (a JSON string in @pulumi/aws inputs) normalised to arrays.
 */

/** A value the engine cannot know yet (a real `pulumi preview` of resources that do not exist yet). */
export const UNKNOWN = "[unknown during preview]";

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** `get(inputs, "a.b.c")`; undefined when any step is missing or not an object. */
export function get(obj: unknown, path: string): unknown {
  let current = obj;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** JSON strings (policies, redrive policies, default tags) become values; anything else is returned as is. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string" || !/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** Every string inside `value`, looking inside JSON strings too. */
export function strings(value: unknown, out: string[] = []): string[] {
  const parsed = parseJson(value);
  if (typeof parsed === "string") out.push(parsed);
  else if (Array.isArray(parsed)) parsed.forEach((v) => strings(v, out));
  else if (parsed && typeof parsed === "object") Object.values(parsed).forEach((v) => strings(v, out));
  return out;
}

/** How a message shows an offending value: `unset`, a bare string, or JSON. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return "unset";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Booleans arrive as booleans or, in a few @pulumi/aws 7 inputs (Redshift `encrypted`), as "true"/"false". */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === "string" && value.toLowerCase() === "true");
}

/**
 * A condition's value for `key` under any of `operators` (`Bool`, `BoolIfExists`, ...): IAM matches operator
 * and condition-key names without regard to case, so `aws:securetransport` is `aws:SecureTransport`.
 */
export function conditionValue(condition: unknown, operators: readonly string[], key: string): unknown {
  if (typeof condition !== "object" || condition === null) return undefined;
  for (const [operator, block] of Object.entries(condition)) {
    if (!operators.some((o) => o.toLowerCase() === operator.toLowerCase()) || typeof block !== "object" || block === null) continue;
    for (const [k, v] of Object.entries(block)) if (k.toLowerCase() === key.toLowerCase()) return v;
  }
  return undefined;
}

export interface Statement {
  /** The Sid, or the statement's 1-based position when it has none. */
  readonly id: string;
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly principal: unknown;
  readonly condition: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The statements of a policy document; undefined when the document is absent, unknown or not JSON. */
export function statements(document: unknown): Statement[] | undefined {
  const doc = parseJson(document);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return undefined;
  const raw = asArray((doc as { Statement?: unknown }).Statement);
  return raw.map((s, i) => {
    const st = (s ?? {}) as Record<string, unknown>;
    return {
      id: typeof st.Sid === "string" && st.Sid !== "" ? st.Sid : String(i + 1),
      effect: String(st.Effect ?? ""),
      actions: asArray(st.Action).map(String),
      resources: asArray(st.Resource).map(String),
      principal: st.Principal,
      condition: (st.Condition ?? {}) as Statement["condition"],
    };
  });
}

/** Whether a key id names an AWS managed key (`alias/aws/...`), which its service owns and no key policy of the stack governs. */
export function isAwsManagedKey(key: unknown): boolean {
  return typeof key === "string" && /(^|:)alias\/aws\//.test(key);
}

/** The problem with `key` as the key `what` is encrypted with (`field` names the input), if any. */
export function stackKeyProblem(what: string, field: string, key: unknown): string[] {
  if (key === undefined || key === "") return [`${what} is not encrypted with KMS (${field}: unset)`];
  return isAwsManagedKey(key) ? [`${what} uses the AWS managed key ${show(key)}, not a key of the stack`] : [];
}

/** The account of an AWS principal: an account id, or the account field of an IAM ARN. */
export function accountOf(principal: string): string | undefined {
  return /^\d{12}$/.test(principal) ? principal : /^arn:[^:]+:iam::(\d{12}):/.exec(principal)?.[1];
}

/** A statement's AWS principals (`{"AWS": ...}`), as strings. */
export function awsPrincipals(principal: unknown): string[] {
  return asArray(get(principal, "AWS")).map(String);
}

/** Whether a statement's principal is anyone: `*`, or `*` among its AWS principals. */
export function isAnyone(principal: unknown): boolean {
  return principal === "*" || awsPrincipals(principal).includes("*");
}

/**
 * A policy document's size as AWS counts it against its limits: characters other than white space, of the
 * JSON as sent (a document given as an object is sent as its JSON). Undefined while the document is unknown.
 */
export function policyChars(document: unknown): number | undefined {
  if (isUnknown(document) || document === undefined || document === null) return undefined;
  const text = typeof document === "string" ? document : JSON.stringify(document);
  return text.replace(/\s/g, "").length;
}
