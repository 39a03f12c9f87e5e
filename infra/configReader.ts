/**
 * Typed reads of the raw Pulumi config map (`gridrail:<key>` → string). Every read that fails records one exact
 * message in `problems` and returns the fallback, so one pass reports every problem at once.
 */
import { showValue } from "../functions/shared/showValue";

export class ConfigReader {
  readonly problems: string[] = [];

  constructor(readonly raw: Readonly<Record<string, string>>) {}

  /** The full key, `gridrail:<k>`. */
  key(k: string): string {
    return `gridrail:${k}`;
  }

  str(k: string): string | undefined {
    return this.raw[this.key(k)];
  }

  int(k: string, fallback: number, min: number, max: number): number {
    const v = this.str(k);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim())) {
      this.problems.push(`${this.key(k)} must be an integer (got ${showValue(v)})`);
      return fallback;
    }
    if (!Number.isSafeInteger(n)) {
      this.problems.push(`${this.key(k)} must be between ${min} and ${max} (got ${showValue(v.trim())})`);
      return fallback;
    }
    if (n < min || n > max) {
      this.problems.push(`${this.key(k)} must be between ${min} and ${max} (got ${n})`);
      return fallback;
    }
    return n;
  }

  bool(k: string, fallback: boolean): boolean {
    const v = this.str(k);
    if (v === undefined) return fallback;
    if (v === "true" || v === "false") return v === "true";
    this.problems.push(`${this.key(k)} must be true or false (got ${showValue(v)})`);
    return fallback;
  }

  /** One of `allowed`; a missing key without a fallback is a problem (the key is required). */
  oneOf<T extends string>(k: string, fallback: T | undefined, allowed: readonly T[]): T | undefined {
    const v = this.str(k);
    if (v === undefined) {
      if (fallback === undefined) this.problems.push(`${this.key(k)} is required (one of ${allowed.join(", ")})`);
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(v)) {
      this.problems.push(`${this.key(k)} must be one of ${allowed.join(", ")} (got ${showValue(v)})`);
      return fallback;
    }
    return v as T;
  }
}

/** An e-mail address as stack config takes it (`alarmEmail`, the SES sender's From); the domain is group 1. */
export const EMAIL_ADDRESS = /^[^@\s<>()"]+@([a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)$/;

/** A structured config value (Pulumi passes them as JSON text) as a plain object, or undefined when it is not one. */
export function jsonObject(raw: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

/** The items a list holds more than once, each named once, in the order their repeats appear. */
export function repeatedItems<T>(items: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const item of items) {
    if (seen.has(item)) repeated.add(item);
    seen.add(item);
  }
  return [...repeated];
}
