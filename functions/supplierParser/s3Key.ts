import { Channel } from "./readingSchema";
import { NamedError } from "../shared/errors";

/** The object keys suppliers drop and the keys we derive from them: `{YYYYMMDD}/{ClientID}.csv`. */
export interface SupplierKey {
  /** YYYYMMDD */
  readonly date: string;
  readonly clientId: string;
}

export class KeyError extends NamedError {
  constructor(message: string) {
    super("KeyError", message);
  }
}

export const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** True when `yyyymmdd` is 8 digits naming a real calendar day. */
export function isValidYmd(yyyymmdd: string): boolean {
  if (!/^\d{8}$/.test(yyyymmdd)) return false;
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** True when `day` is YYYY-MM-DD naming a real calendar day. */
export function isValidIsoDay(day: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && isValidYmd(day.replace(/-/g, ""));
}

export function validateClientId(clientId: string): void {
  if (!CLIENT_ID.test(clientId)) {
    throw new KeyError(`client id ${JSON.stringify(clientId)} must be 1-64 characters of A-Z, a-z, 0-9, _ or -`);
  }
}

export function validateDate(date: string): void {
  if (!isValidYmd(date)) throw new KeyError(`date ${JSON.stringify(date)} is not a valid YYYYMMDD day`);
}

/** Parses an S3 key (already URL-decoded) into date and client id, with an exact error otherwise. */
export function parseS3Key(key: string): SupplierKey {
  const parts = key.split("/");
  if (parts.length !== 2) throw new KeyError(`key ${JSON.stringify(key)} must be {YYYYMMDD}/{ClientID}.csv`);
  const [date, file] = parts;
  // any case: spreadsheet tools on Windows save `.CSV`
  if (!file.toLowerCase().endsWith(".csv")) throw new KeyError(`key ${JSON.stringify(key)} must end in .csv`);
  validateDate(date);
  const clientId = file.slice(0, -4);
  validateClientId(clientId);
  return { date, clientId };
}

/**
 * The start every spelling of a supplier key shares: its folder, client id and the dot (`20240101/acme.`). Its
 * spellings differ only in the case of `csv` (`.CSV` from spreadsheet tools on Windows, `.Csv`), and share one output.
 */
export function spellingPrefix(key: string): string {
  return key.slice(0, -"csv".length);
}

/** True when `candidate` is a spelling of the supplier key `key` (itself included). */
export function isSpellingOf(candidate: string, key: string): boolean {
  return candidate.length === key.length && candidate.startsWith(spellingPrefix(key)) && candidate.slice(-4).toLowerCase() === ".csv";
}

/**
 * Deterministic output keys, so reprocessing a file overwrites rather than duplicates. Consumption keeps the
 * key the daily analysis reads; generation sits one folder down, out of the analysis' `processed/{date}/*.jsonl`.
 */
export function processedKey(k: SupplierKey, channel: Channel = "consumption"): string {
  return channel === "consumption" ? `processed/${k.date}/${k.clientId}.jsonl` : `processed/${k.date}/generation/${k.clientId}.jsonl`;
}

export function quarantineKey(k: SupplierKey): string {
  return `quarantine/${k.date}/${k.clientId}.json`;
}
