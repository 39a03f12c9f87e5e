import { createHash } from "crypto";

export const INVALID_KEYS_PREFIX = "quarantine/_invalid-keys/";
/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
const SUFFIX = ".json";
const HASH_CHARS = 16;

/**
 * Where the report on an upload that cannot be parsed goes: its key URL-encoded (so any key is one flat,
 * readable name). A name that would pass S3's 1024-byte key limit is cut (at a character, so it still decodes) and
 * ends in `~` and the first 16 hex digits of the key's SHA-256, so two long keys never share a report.
 */
export function invalidKeyReportKey(key: string): string {
  const hash = createHash("sha256").update(key, "utf8").digest("hex").slice(0, HASH_CHARS);
  let name: string;
  try {
    name = encodeURIComponent(key);
  } catch {
    return `${INVALID_KEYS_PREFIX}~${hash}${SUFFIX}`; // a lone surrogate cannot be encoded
  }
  const full = `${INVALID_KEYS_PREFIX}${name}${SUFFIX}`;
  if (full.length <= MAX_KEY_BYTES) return full; // encoded names are ASCII: characters are bytes
  const room = MAX_KEY_BYTES - INVALID_KEYS_PREFIX.length - SUFFIX.length - HASH_CHARS - 1;
  let head = "";
  for (const ch of key) {
    const next = encodeURIComponent(ch);
    if (head.length + next.length > room) break;
    head += next;
  }
  return `${INVALID_KEYS_PREFIX}${head}~${hash}${SUFFIX}`;
}

export function invalidKeyReport(key: string, reason: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ file: key, reason, ...extra }, null, 2)}\n`;
}
