import { CORE_SCHEMA, FAILSAFE_SCHEMA, load, YAMLException } from "js-yaml";

/**
 * Reads `Pulumi.<stack>.yaml` into the same flat map `pulumi.runtime.allConfig()` gives a real run: full
 * `namespace:key` keys, scalars as strings, structured values (maps, lists) as JSON. Secrets (`secure:` values)
 * need the Pulumi CLI to decrypt, so the offline synth refuses them rather than passing ciphertext on.
 */

export class StackFileError extends Error {
  override readonly name = "StackFileError";
}

const CONFIG_KEY = /^[A-Za-z][\w-]*:[A-Za-z][\w-]*$/;

function isSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value;
}

export function parseStackFile(text: string, fileName = "stack file"): Record<string, string> {
  let doc: unknown;
  let raw: unknown;
  try {
    // the core schema for structured values, which Pulumi passes as JSON of their YAML types; a scalar value
    // reaches the program as the text written (7.0 stays "7.0", True stays "True"), which the failsafe schema keeps
    doc = load(text, { filename: fileName, schema: CORE_SCHEMA });
    raw = load(text, { filename: fileName, schema: FAILSAFE_SCHEMA });
  } catch (e) {
    if (e instanceof YAMLException) throw new StackFileError(`${fileName}: ${e.reason} (line ${e.mark.line + 1}, column ${e.mark.column + 1})`);
    throw e;
  }
  if (doc === undefined || doc === null) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new StackFileError(`${fileName}: expected a YAML mapping at the top level`);
  const config = (doc as Record<string, unknown>).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new StackFileError(`${fileName}: "config" must be a mapping of "namespace:key: value"`);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!CONFIG_KEY.test(key)) throw new StackFileError(`${fileName}: config key "${key}" is not "namespace:key"`);
    if (isSecret(value)) throw new StackFileError(`${fileName}: ${key} is a secret: the offline synth cannot decrypt it (use the Pulumi CLI)`);
    if (value === null || value === undefined) throw new StackFileError(`${fileName}: ${key} has no value`);
    const written = (raw as { config: Record<string, unknown> }).config[key];
    out[key] = typeof value === "object" ? JSON.stringify(value) : typeof written === "string" ? written : String(value);
  }
  return out;
}
