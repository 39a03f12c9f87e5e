import { join } from "path";

/**
 * A small strict argument parser for the gridrail commands: known flags only, values checked, repeated
 * flags collected, and errors that name the flag.
 */
export interface FlagSpec {
  /** "string" takes a value; "boolean" does not; "list" takes a value and may repeat. */
  readonly [flag: string]: "string" | "boolean" | "list";
}

export type ParsedArgs = Record<string, string | boolean | string[] | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = spec[flag];
    if (!kind) throw new UsageError(`unknown flag --${flag}; known: ${Object.keys(spec).map((f) => `--${f}`).join(", ")}`);
    if (kind === "boolean") {
      if (eq > 0) throw new UsageError(`--${flag} takes no value`);
      out[flag] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`--${flag} needs a value`);
    if (kind === "list") out[flag] = [...((out[flag] as string[] | undefined) ?? []), value];
    else if (out[flag] !== undefined) throw new UsageError(`--${flag} given twice`);
    else out[flag] = value;
  }
  return out;
}

/** An integer flag in [min, max], or `fallback` when absent; a UsageError naming the flag otherwise. */
export function integerFlag(args: ParsedArgs, flag: string, fallback: number, min: number, max: number): number {
  const raw = args[flag];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(String(raw)) || n < min || n > max) throw new UsageError(`--${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(raw)}`);
  return n;
}

/** The shared data folder beside the project (`../shared/data`): real datasets the commands use when present. */
export const SHARED_DATA = join(__dirname, "..", "..", "shared", "data");

/** Runs a command's main, printing errors as one line to stderr with a non-zero exit code. */
export function runMain(usage: string, main: () => Promise<void>): void {
  main().catch((e: unknown) => {
    const err = e as Error;
    const known = ["UsageError", "InputError", "CsvError", "OptionError", "StateError"].includes(err.name);
    process.stderr.write(`error: ${known ? err.message : err.stack ?? String(err)}\n`);
    if (err.name === "UsageError") process.stderr.write(`${usage}\n`);
    process.exitCode = err.name === "UsageError" ? 2 : 1;
  });
}

export function commaList(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim()).filter(Boolean);
}
