import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";

/**
 * The named attributes of an item that pass `keep` (by default: present), as a plain object. Items may carry
 * attributes a reader does not know (another writer's, a TTL); a reader's view names what it reads.
 */
export function itemFields(
  item: Record<string, AttributeValue>,
  names: readonly string[],
  keep: (value: unknown) => boolean = (value) => value !== undefined,
): Record<string, unknown> {
  const plain = unmarshall(item);
  const out: Record<string, unknown> = {};
  for (const name of names) if (keep(plain[name])) out[name] = plain[name];
  return out;
}
