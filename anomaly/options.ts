import { OptionError } from "./errors";
import { hasDecimalSyntax } from "./io/timestamp";
import { DetectorOptions, OptionValue } from "./types";

/**
 * Reads detector options given as numbers/booleans (from code) or strings (from `--option key=value`),
 * with exact errors naming the option and the value. Unknown names are errors, not silently ignored.
 */
export class OptionReader {
  private readonly used = new Set<string>();

  constructor(
    private readonly detector: string,
    private readonly options: DetectorOptions,
  ) {}

  /** Whether the caller gave option `name` (so a default can be told from an explicit value). */
  has(name: string): boolean {
    return this.options[name] !== undefined;
  }

  number(name: string, fallback: number, rule: { min?: number; max?: number; integer?: boolean } = {}): number {
    this.used.add(name);
    const raw = this.options[name];
    if (raw === undefined) return fallback;
    // text must be a decimal number: Number() would also read "0x10" as 16 and "1_0" as NaN silently
    const value = typeof raw === "string" ? (hasDecimalSyntax(raw) ? Number(raw) : NaN) : raw;
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      (!rule.integer || Number.isInteger(value)) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.max === undefined || value <= rule.max);
    if (!ok) throw new OptionError(`option ${name} must be ${describe(rule)}, got ${JSON.stringify(raw)}`);
    return value as number;
  }

  /** A number, or the string "auto" (or nothing) for a value computed by `auto`. */
  numberOrAuto(name: string, auto: () => number, rule: { min?: number; max?: number; integer?: boolean } = {}): number {
    const raw = this.options[name];
    if (raw === undefined || raw === "auto") {
      this.used.add(name);
      return auto();
    }
    return this.number(name, NaN, rule);
  }

  boolean(name: string, fallback: boolean): boolean {
    this.used.add(name);
    const raw = this.options[name];
    if (raw === undefined) return fallback;
    if (raw === true || raw === "true") return true;
    if (raw === false || raw === "false") return false;
    throw new OptionError(`option ${name} must be true or false, got ${JSON.stringify(raw)}`);
  }

  choice<T extends string>(name: string, fallback: T, choices: readonly T[]): T {
    this.used.add(name);
    const raw = this.options[name];
    if (raw === undefined) return fallback;
    if (typeof raw === "string" && (choices as readonly string[]).includes(raw)) return raw as T;
    throw new OptionError(`option ${name} must be one of ${choices.join(", ")}, got ${JSON.stringify(raw)}`);
  }

  string(name: string, fallback: string): string {
    this.used.add(name);
    const raw = this.options[name];
    if (raw === undefined) return fallback;
    if (typeof raw !== "string" || raw === "") throw new OptionError(`option ${name} must be a non-empty string, got ${JSON.stringify(raw)}`);
    return raw;
  }

  /**
   * `length` numbers: one number for all, or a comma-separated list with exactly `length` entries, each
   * obeying `rule`.
   */
  numberList(name: string, length: number, fallback: number, rule: { min?: number; max?: number } = {}): number[] {
    this.used.add(name);
    const raw = this.options[name];
    if (raw === undefined) return new Array<number>(length).fill(fallback);
    const parts: unknown[] = typeof raw === "string" ? raw.split(",").map((p) => p.trim()) : [raw];
    // decimal text only, as number() reads it ("0x10" is not 16)
    const values = parts.map((p) => (typeof p === "string" && p !== "" ? (hasDecimalSyntax(p) ? Number(p) : NaN) : p));
    const fits = (v: unknown) =>
      typeof v === "number" && Number.isFinite(v) && (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max);
    if ((values.length !== 1 && values.length !== length) || !values.every(fits)) {
      throw new OptionError(`option ${name} must be ${describe(rule)} or a list of ${length} such numbers (one per input), got ${JSON.stringify(raw)}`);
    }
    return values.length === 1 ? new Array<number>(length).fill(values[0] as number) : (values as number[]);
  }

  /** Throws for any option that was given but never read. */
  done(): void {
    const unknown = Object.keys(this.options).filter((k) => this.options[k] !== undefined && !this.used.has(k));
    if (unknown.length > 0) {
      const given = unknown.map((k) => `${k}=${String(this.options[k])}`);
      throw new OptionError(
        `unknown option${unknown.length > 1 ? "s" : ""} ${given.join(", ")} for detector ${this.detector}; known: ${[...this.used].sort().join(", ")}`,
      );
    }
  }
}

function describe(rule: { min?: number; max?: number; integer?: boolean }): string {
  const kind = rule.integer ? "an integer" : "a number";
  if (rule.min !== undefined && rule.max !== undefined) return `${kind} in [${rule.min}, ${rule.max}]`;
  if (rule.min !== undefined) return `${kind} >= ${rule.min}`;
  if (rule.max !== undefined) return `${kind} <= ${rule.max}`;
  return kind;
}

/** An option name: a letter, then letters and digits. */
const OPTION_NAME = "[A-Za-z][A-Za-z0-9]*";
/**
 * An option key: a name (`shingleSize`), or an ensemble member's option, `member.name` or `member#tag.name`
 * (`rcf.shingleSize`, `rcf#long.shingleSize`), which the ensemble hands to that member.
 */
const OPTION_KEY = new RegExp(`^(?:${OPTION_NAME}(?:#[A-Za-z0-9]+)?\\.)?${OPTION_NAME}$`);

/**
 * Parses `key=value` pairs (from the command line) into options; values stay strings. Keys are option
 * names (letters and digits) or an ensemble member's (`rcf.shingleSize`, `rcf#long.shingleSize`), each given
 * once; the result has no prototype, so no key (`constructor.prototype`) can change the object.
 */
export function parseOptionPairs(pairs: readonly string[]): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = Object.create(null) as Record<string, OptionValue>;
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new OptionError(`--option expects key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, eq).trim();
    if (!OPTION_KEY.test(key)) {
      throw new OptionError(
        `--option key must be an option name (letters and digits) or member.name or member#tag.name for an ensemble member, got ${JSON.stringify(key)}`,
      );
    }
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new OptionError(`--option ${key} given twice`);
    out[key] = pair.slice(eq + 1).trim();
  }
  return out;
}
