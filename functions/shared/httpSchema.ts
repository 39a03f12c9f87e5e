/**
 * A small schema language for request bodies and parameters: each schema both checks a value (collecting
 * every problem, each naming the field and the value) and describes itself as JSON Schema 2020-12, so the
 * validator and the OpenAPI document cannot drift apart.
 */
import { showValue } from "./showValue";

/** A JSON Schema 2020-12 object, as the OpenAPI 3.1 document embeds it. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface Schema<T> {
  /** The value when it is valid; otherwise undefined, with one line per problem pushed onto `problems`. */
  check(value: unknown, field: string, problems: string[]): T | undefined;
  readonly jsonSchema: JsonSchema;
}

/** A value as it appears in an error message: JSON, cut to 60 characters. */
export function show(value: unknown): string {
  return showValue(value, "nothing");
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Characters no free text may hold: C0 and C1 controls and DEL, line and paragraph separators, the bidi
 * embeddings, overrides and isolates (which can make text read other than it is stored), and a lone surrogate
 * (not text at all: DynamoDB would refuse it). Zero-width joiners stay: emoji and some scripts need them.
 */
export const CONTROL_CLASS = "\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069";
export const CONTROL = new RegExp(`[${CONTROL_CLASS}\\ud800-\\udfff]`, "u");
/** Something visible: not only spaces and zero-width characters. */
const VISIBLE = /[^\s\u200b-\u200d\u2060\ufeff]/u;

/** Free text of `min`-`max` characters (code points), no control characters, no surrounding spaces, something visible. */
export function text(min: number, max: number, description?: string): Schema<string> {
  return {
    check(value, field, problems) {
      const length = typeof value === "string" ? [...value].length : -1;
      if (typeof value !== "string" || length < min || length > max || CONTROL.test(value) || value.trim() !== value || (length > 0 && !VISIBLE.test(value))) {
        problems.push(`${field} must be a string of ${min} to ${max} characters without control characters or surrounding spaces, got ${show(value)}`);
        return undefined;
      }
      return value;
    },
    jsonSchema: {
      type: "string",
      minLength: min,
      maxLength: max,
      pattern: `^(?!\\s)(?!.*\\s$)(?=$|.*[^\\s\\u200b-\\u200d\\u2060\\ufeff])[^${CONTROL_CLASS}]*$`,
      ...(description ? { description } : {}),
    },
  };
}

/** A string matching `pattern`, at most `max` characters; `what` completes "must be ...". */
export function matching(pattern: RegExp, what: string, max?: number, example?: string): Schema<string> {
  return {
    check(value, field, problems) {
      if (typeof value !== "string" || (max !== undefined && value.length > max) || !pattern.test(value)) {
        problems.push(`${field} must be ${what}, got ${show(value)}`);
        return undefined;
      }
      return value;
    },
    jsonSchema: {
      type: "string",
      ...(max !== undefined ? { maxLength: max } : {}),
      pattern: pattern.source,
      description: what,
      ...(example ? { examples: [example] } : {}),
    },
  };
}

/** A string turned into its canonical form by `normalise` (undefined: invalid). */
export function normalised(normalise: (typed: string) => string | undefined, what: string, jsonSchema: JsonSchema): Schema<string> {
  return {
    check(value, field, problems) {
      const out = typeof value === "string" ? normalise(value) : undefined;
      if (out === undefined) problems.push(`${field} must be ${what}, got ${show(value)}`);
      return out;
    },
    jsonSchema: { type: "string", description: what, ...jsonSchema },
  };
}

/** One of a fixed list of strings. `what` defaults to `one of "a", "b"`. */
export function oneOf<T extends string>(values: readonly T[], what = `one of ${values.map((v) => `"${v}"`).join(", ")}`): Schema<T> {
  return {
    check(value, field, problems) {
      if ((values as readonly unknown[]).includes(value)) return value as T;
      problems.push(`${field} must be ${what}, got ${show(value)}`);
      return undefined;
    },
    jsonSchema: { type: "string", enum: [...values] },
  };
}

export function flag(description?: string): Schema<boolean> {
  return {
    check(value, field, problems) {
      if (typeof value === "boolean") return value;
      problems.push(`${field} must be true or false, got ${show(value)}`);
      return undefined;
    },
    jsonSchema: { type: "boolean", ...(description ? { description } : {}) },
  };
}

export interface FieldSpec {
  readonly schema: Schema<unknown>;
  readonly required: boolean;
}

export const required = (schema: Schema<unknown>): FieldSpec => ({ schema, required: true });
export const optional = (schema: Schema<unknown>): FieldSpec => ({ schema, required: false });

/** A check across fields (run when the value is an object), with the JSON Schema that says the same. */
export interface Rule {
  check(raw: Record<string, unknown>, problems: string[]): void;
  readonly jsonSchema: JsonSchema;
}

export interface ObjectOptions {
  /** Completes "<field> must be ..." when the value is not an object; the root field is "the body". */
  readonly what: string;
  /** Fields refused with their own reason (server-kept fields), checked before unknown fields. */
  readonly refused?: Readonly<Record<string, string>>;
  /** A missing required field is reported by its schema ("must be ..., got nothing") rather than "is required". */
  readonly missingIsInvalid?: boolean;
  readonly rules?: readonly Rule[];
  readonly description?: string;
}

/**
 * An object with exactly the given fields. Problems come in a fixed order: refused fields, unknown fields,
 * required fields, optional fields (each in declaration order), then the rules.
 */
export function object<T>(fields: Readonly<Record<string, FieldSpec>>, options: ObjectOptions): Schema<T> {
  const names = Object.keys(fields);
  const ordered = [...names.filter((n) => fields[n].required), ...names.filter((n) => !fields[n].required)];
  const refused = options.refused ?? {};
  return {
    check(value, field, problems) {
      if (!isObject(value)) {
        problems.push(`${field === "" ? "the body" : field} must be ${options.what}, got ${show(value)}`);
        return undefined;
      }
      const where = field === "" ? "" : `${field}.`;
      const before = problems.length;
      for (const [key, why] of Object.entries(refused)) if (Object.hasOwn(value, key)) problems.push(`${where}${key} ${why}, got ${show(value[key])}`);
      for (const key of Object.keys(value)) {
        if (Object.hasOwn(fields, key) || Object.hasOwn(refused, key)) continue;
        problems.push(`unknown field ${show(where + key)} (allowed: ${names.map((k) => where + k).join(", ")})`);
      }
      const out: Record<string, unknown> = {};
      for (const key of ordered) {
        const spec = fields[key];
        if (value[key] === undefined) {
          if (!spec.required) continue;
          if (!options.missingIsInvalid) {
            problems.push(`${where}${key} is required`);
            continue;
          }
        }
        out[key] = spec.schema.check(value[key], where + key, problems);
      }
      for (const rule of options.rules ?? []) rule.check(value, problems);
      return problems.length > before ? undefined : (out as T);
    },
    jsonSchema: {
      type: "object",
      ...(options.description ? { description: options.description } : {}),
      properties: Object.fromEntries(names.map((n) => [n, fields[n].schema.jsonSchema])),
      required: names.filter((n) => fields[n].required),
      additionalProperties: false,
      ...rulesSchema(options.rules ?? []),
    },
  };
}

function rulesSchema(rules: readonly Rule[]): JsonSchema {
  if (rules.length === 0) return {};
  return rules.length === 1 ? rules[0].jsonSchema : { allOf: rules.map((r) => r.jsonSchema) };
}

/** Checks `raw` against `schema`: the value, or every problem found. */
export function validate<T>(schema: Schema<T>, raw: unknown, field = ""): { ok: true; value: T } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  const value = schema.check(raw, field, problems);
  return problems.length === 0 ? { ok: true, value: value as T } : { ok: false, problems };
}

/** A schema written as one function: the value, or the one problem with it. */
export function custom<T>(jsonSchema: JsonSchema, check: (value: unknown, field: string) => { value: T } | { problem: string }): Schema<T> {
  return {
    check(value, field, problems) {
      const out = check(value, field);
      if ("problem" in out) {
        problems.push(out.problem);
        return undefined;
      }
      return out.value;
    },
    jsonSchema,
  };
}
