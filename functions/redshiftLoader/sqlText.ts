import { SqlError } from "./errors";

/**
 * Quoting for SQL that runs unchanged on Redshift and on PostgreSQL (the merge is tested on PGlite).
 * Identifiers are always double-quoted. Literals double their single quotes; a backslash is refused because
 * Redshift reads it as an escape inside '...' and PostgreSQL (standard_conforming_strings) does not.
 */
export function quoteIdent(name: string): string {
  // Redshift identifiers are at most 127 bytes
  if (name === "" || Buffer.byteLength(name) > 127 || /[\u0000-\u001f]/.test(name)) {
    throw new SqlError(`identifier ${JSON.stringify(name)} must be 1-127 bytes without control characters`);
  }
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  if (/[\\\u0000-\u001f]/.test(value)) {
    throw new SqlError(`literal ${JSON.stringify(value)} contains a backslash or a control character, which Redshift and PostgreSQL read differently`);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** `"schema"."table"` */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

export function integerLiteral(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new SqlError(`${what} must be an integer, got ${value}`);
  return String(value);
}

/** A TIMESTAMP literal (UTC, milliseconds) both engines parse the same way. */
export function timestampLiteral(ms: number): string {
  return `CAST(${quoteLiteral(new Date(ms).toISOString().replace("T", " ").replace("Z", ""))} AS TIMESTAMP)`;
}
