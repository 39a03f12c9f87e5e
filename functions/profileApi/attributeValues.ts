import { AttributeValue } from "@aws-sdk/client-dynamodb";

/** JSON-like values as DynamoDB attributes and back: what profile items hold (strings, numbers, flags, maps). */
export type Plain = string | number | boolean | null | readonly Plain[] | { readonly [key: string]: Plain };

export function toAttribute(value: Plain): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  return { M: toItem(value as { readonly [key: string]: Plain }) };
}

export function toItem(value: { readonly [key: string]: Plain | undefined }): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [key, v] of Object.entries(value)) if (v !== undefined) out[key] = toAttribute(v);
  return out;
}

export function fromAttribute(attribute: AttributeValue): Plain {
  if (attribute.S !== undefined) return attribute.S;
  if (attribute.N !== undefined) return Number(attribute.N);
  if (attribute.BOOL !== undefined) return attribute.BOOL;
  if (attribute.NULL !== undefined) return null;
  if (attribute.L !== undefined) return attribute.L.map(fromAttribute);
  if (attribute.M !== undefined) return fromItem(attribute.M);
  throw new Error(`unsupported DynamoDB attribute type ${Object.keys(attribute).join(", ")}`);
}

export function fromItem(item: Record<string, AttributeValue>): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  for (const [key, v] of Object.entries(item)) out[key] = fromAttribute(v);
  return out;
}
