/**
 * A JSON Schema 2020-12 evaluator for the keywords the customer API's schemas use (type, enum, const,
 * minLength, maxLength, pattern, minimum, maximum, properties, required, additionalProperties: false, if/then,
 * allOf, oneOf). An unknown keyword throws, so a schema using more cannot pass unchecked.
 */
type Node = Record<string, unknown>;
const KNOWN = new Set(["type", "enum", "const", "minLength", "maxLength", "pattern", "minimum", "maximum", "properties", "required"]);
const NOTES = new Set(["description", "examples", "default", "format", "additionalProperties", "if", "then", "allOf", "oneOf"]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

export function accepts(schema: Node, value: unknown): boolean {
  for (const key of Object.keys(schema)) if (!KNOWN.has(key) && !NOTES.has(key)) throw new Error(`keyword ${key} is not supported`);
  if (schema.type !== undefined) {
    const types = ([] as unknown[]).concat(schema.type);
    const t = typeOf(value);
    if (!types.includes(t) && !(t === "integer" && types.includes("number"))) return false;
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) return false;
  if ("const" in schema && schema.const !== value) return false;
  if (typeof value === "string") {
    const length = [...value].length;
    if (typeof schema.minLength === "number" && length < schema.minLength) return false;
    if (typeof schema.maxLength === "number" && length > schema.maxLength) return false;
    if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) return false;
  }
  if (typeof value === "number") {
    if (typeof schema.minimum === "number" && value < schema.minimum) return false;
    if (typeof schema.maximum === "number" && value > schema.maximum) return false;
  }
  if (typeOf(value) === "object") {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Node>;
    for (const name of (schema.required ?? []) as string[]) if (!(name in object)) return false;
    for (const [name, v] of Object.entries(object)) {
      if (name in properties) {
        if (!accepts(properties[name], v)) return false;
      } else if (schema.additionalProperties === false) return false;
    }
  }
  if (schema.if && accepts(schema.if as Node, value) && schema.then && !accepts(schema.then as Node, value)) return false;
  for (const part of (schema.allOf ?? []) as Node[]) if (!accepts(part, value)) return false;
  if (schema.oneOf && (schema.oneOf as Node[]).filter((s) => accepts(s, value)).length !== 1) return false;
  return true;
}
