import { DEFAULT_MAX_KW } from "./bounds";
import { DEFAULT_MAX_OBJECT_BYTES, MB } from "./byteLimit";
import { DEFAULT_MAX_ERRORS } from "./rejectionLog";

/** The parser's limits, set per stack through the function's environment. */
export interface ParserSettings {
  /** Largest upload parsed, bytes (`SUPPLIER_MAX_OBJECT_MB`, default 100). */
  readonly maxBytes: number;
  /** Bound on every reading, kW (`SUPPLIER_MAX_KW`, default 250). */
  readonly maxKw: number;
  /** Rejected rows listed one by one in a report (`SUPPLIER_MAX_LISTED_ERRORS`, default 100). */
  readonly maxErrors: number;
}

export const DEFAULT_SETTINGS: ParserSettings = { maxBytes: DEFAULT_MAX_OBJECT_BYTES, maxKw: DEFAULT_MAX_KW, maxErrors: DEFAULT_MAX_ERRORS };

function positive(env: Record<string, string | undefined>, name: string, integer: boolean): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const v = Number(raw);
  if (!/^\d+(\.\d+)?$/.test(raw.trim()) || !(v > 0) || (integer && !Number.isInteger(v))) {
    throw new RangeError(`environment variable ${name} must be ${integer ? "a whole number" : "a number"} above 0, got ${JSON.stringify(raw)}`);
  }
  return v;
}

/** Reads the settings, defaults where a variable is unset; a RangeError naming the variable and value otherwise. */
export function settingsFromEnv(env: Record<string, string | undefined>): ParserSettings {
  const mb = positive(env, "SUPPLIER_MAX_OBJECT_MB", false);
  return {
    maxBytes: mb === undefined ? DEFAULT_SETTINGS.maxBytes : Math.floor(mb * MB),
    maxKw: positive(env, "SUPPLIER_MAX_KW", false) ?? DEFAULT_SETTINGS.maxKw,
    maxErrors: positive(env, "SUPPLIER_MAX_LISTED_ERRORS", true) ?? DEFAULT_SETTINGS.maxErrors,
  };
}
