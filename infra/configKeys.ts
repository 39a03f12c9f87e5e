/** Checks on the stack file's keys and on `aws:defaultTags`, beside the typed reads of config.ts. */
import { showValue } from "../functions/shared/showValue";

/**
 * Namespaces a stack file of this program may use. Another namespace within two letters of a long one, or one
 * of them in another case, is taken for a typo.
 */
const NAMESPACES = ["gridrail", "aws", "awsx", "pulumi"];

/** Edit distance of two short words (insertions, deletions, substitutions). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next.push(Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)));
    row = next;
  }
  return row[b.length];
}

/** Keys of the config map that would go unread: an unknown `gridrail:` key, a misspelt namespace or AWS key. */
export function unknownKeyProblems(keys: readonly string[], known: readonly string[]): string[] {
  const problems: string[] = [];
  for (const k of keys) {
    const namespace = k.slice(0, k.indexOf(":"));
    if (k.startsWith("gridrail:") && !known.includes(k.slice("gridrail:".length))) {
      problems.push(`${k} is not a known config key (known: ${known.join(", ")})`);
    } else if (!NAMESPACES.includes(namespace)) {
      // short names are too near each other (tls, eks and aws differ in two letters): only their case is checked
      const near = NAMESPACES.find((n) => namespace.toLowerCase() === n || (n.length > 4 && distance(namespace.toLowerCase(), n) <= 2));
      if (near) problems.push(`${k}: namespace "${namespace}" is not "${near}" (a typo would leave the setting unread)`);
    } else if (AWS_KEY_TYPOS.has(k)) {
      problems.push(`${k} is not a key the AWS provider reads; did you mean ${AWS_KEY_TYPOS.get(k)}?`);
    }
  }
  return problems;
}

const AWS_KEY_TYPOS = new Map([
  ["aws:defaultTag", "aws:defaultTags"],
  ["aws:regions", "aws:region"],
  ["aws:Region", "aws:region"],
]);

/** Tags AWS accepts on every resource: at most 50, keys 1-128 characters not starting `aws:`, values up to 256. */
export function tagProblems(tags: Record<string, string>): string[] {
  const problems: string[] = [];
  const keys = Object.keys(tags);
  if (keys.length > 49) problems.push(`aws:defaultTags has ${keys.length} tags; AWS allows 50 a resource, and some resources carry one of their own`);
  for (const key of keys) {
    if (key.length === 0 || key.length > 128) problems.push(`aws:defaultTags: tag key ${showValue(key)} must be 1 to 128 characters`);
    else if (key.toLowerCase().startsWith("aws:")) problems.push(`aws:defaultTags: tag key ${showValue(key)} must not start with aws: (reserved by AWS)`);
    if (tags[key].length > 256) problems.push(`aws:defaultTags: the value of tag ${showValue(key)} is over 256 characters`);
  }
  return problems;
}

/**
 * Keys written twice in one object of a JSON config value. `JSON.parse` keeps the last silently, so
 * `{"meter": [...], "meter": []}` would drop the serials listed first. Undefined for text that is not JSON (its
 * parser reports that).
 */
export function repeatedJsonKeys(text: string): string[] | undefined {
  const repeated = new Set<string>();
  const objects: (Set<string> | undefined)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") {
      objects.push(new Set());
      expectKey = true;
    } else if (c === "[") {
      objects.push(undefined);
    } else if (c === "}" || c === "]") {
      objects.pop();
    } else if (c === ",") {
      expectKey = objects[objects.length - 1] !== undefined;
    } else if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (end >= text.length) return undefined;
      const keys = objects[objects.length - 1];
      if (expectKey && keys) {
        let key: string;
        try {
          key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return undefined;
        }
        if (keys.has(key)) repeated.add(key);
        keys.add(key);
        expectKey = false;
      }
      i = end;
    }
  }
  return [...repeated];
}

/** A problem for each structured config value (JSON) that writes a key twice in one object. */
export function repeatedKeyProblems(raw: Readonly<Record<string, string>>): string[] {
  return Object.entries(raw).flatMap(([key, value]) =>
    /^\s*[[{]/.test(value)
      ? (repeatedJsonKeys(value) ?? []).map((k) => `${key}: ${showValue(k)} is written twice in one object, and JSON keeps only the last`)
      : [],
  );
}
