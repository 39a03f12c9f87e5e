import { join } from "path";

/**
 * The one flag parser and runner of every gridrail command: known flags only, values checked, repeated
 * flags collected, `--help`/`-h` printing the usage (exit 0), usage errors exiting 2 and every other
 * failure exiting 1, each as one `error:` line on stderr (the stack too with GRIDRAIL_DEBUG=1).
 */
export interface FlagSpec {
  /**
   * "string" takes a value, not an empty one; "names" takes a value that may be empty, which the command reads
   * itself (column names: a header can name a column ""); "boolean" takes none; "list" takes a value, not an
   * empty one, and may repeat.
   */
  readonly [flag: string]: "string" | "names" | "boolean" | "list";
}

export type ParsedArgs = Record<string, string | boolean | string[] | undefined>;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const out: ParsedArgs = Object.create(null) as ParsedArgs;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] === "-h" && spec.help === "boolean" ? "--help" : argv[i];
    if (!arg.startsWith("--")) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    const kind = Object.prototype.hasOwnProperty.call(spec, flag) ? spec[flag] : undefined;
    if (!kind) {
      const known = Object.keys(spec).filter((f) => f !== "help");
      throw new UsageError(`unknown flag --${flag}; ${known.length === 0 ? "the command takes none" : `known: ${known.map((f) => `--${f}`).join(", ")}`}`);
    }
    if (kind === "boolean") {
      if (eq > 0) throw new UsageError(`--${flag} takes no value`);
      if (out[flag] !== undefined) throw new UsageError(`--${flag} given twice`);
      out[flag] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq < 0 && value.startsWith("--"))) throw new UsageError(`--${flag} needs a value`);
    if (value === "" && kind !== "names") throw new UsageError(`--${flag} needs a value, got an empty one`);
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

/**
 * `--seeds 42,1,2`: 1 to 50 distinct integer seeds in [0, 2^32), in the order given, or `fallback` when absent;
 * a UsageError naming the flag and the bad part otherwise.
 */
export function seedsFlag(args: ParsedArgs, fallback: readonly number[]): number[] {
  const raw = args.seeds;
  if (raw === undefined) return [...fallback];
  const text = String(raw);
  const seeds = text.split(",").map((part) => {
    const n = Number(part.trim());
    if (!/^\d+$/.test(part.trim()) || n > 0xffffffff) {
      throw new UsageError(`--seeds ${text}: ${JSON.stringify(part)} is not an integer seed in [0, 4294967295]`);
    }
    return n;
  });
  if (seeds.length > 50) throw new UsageError(`--seeds ${text}: ${seeds.length} seeds; at most 50`);
  const repeated = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (repeated !== undefined) throw new UsageError(`--seeds ${text}: seed ${repeated} is given twice`);
  return seeds;
}

/** The project's folder: defaults under it (out/, outbox/) are the same wherever a command is run. */
export const PROJECT_ROOT = join(__dirname, "..");
/** The shared data folder beside the project (`../shared/data`): real datasets the commands use when present. */
export const SHARED_DATA = join(PROJECT_ROOT, "..", "shared", "data");

/**
 * Column names, comma-separated, as a header spells them: an empty name is kept, since a header can have
 * one (pandas' unnamed index, a trailing comma), so `--exclude ""` leaves that column out.
 */
export function columnNames(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(",").map((s) => s.trim());
}

export function commaList(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
}

/** One gridrail command: what `gridrail <name>` and `npm run --silent <name>` run. */
export interface Command {
  readonly name: string;
  /** Printed by `--help`; starts with "usage:". */
  readonly usage: string;
  /** The flags besides --help/-h, which every command takes. */
  readonly flags: FlagSpec;
  /** Verbs the command takes as its first argument (`gridrail claims issue ...`); the one given is `args.subcommand`. */
  readonly subcommands?: readonly string[];
  /** Does the work; a number is the exit code (default 0). `argv` is the raw arguments. */
  readonly run: (args: ParsedArgs, argv: readonly string[]) => Promise<number | void>;
}

/** Error names whose message is written for the user: no "Name:" prefix before it, every line of it kept. */
const USER_ERRORS = new Set(["UsageError", "InputError", "CsvError", "OptionError", "StateError", "ConfigError", "StackFileError", "KeyError"]);

/**
 * The one stderr line for a failure. A message written for the user keeps all its lines, joined with "; "
 * (a stack config's problems), as does any message when `forUser` says the caller wrote it; any other error keeps its first line, so a library's multi-line dump (DuckDB
 * prints the failing file's bytes) does not flood the terminal.
 */
export function errorLine(e: unknown, forUser = false): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const lines = String(err.message ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
  return forUser || USER_ERRORS.has(err.name) ? `error: ${lines.join("; ").replace(/:;/g, ":")}` : `error: ${err.name}: ${lines[0] ?? ""}`;
}

/** The stack after an error line when GRIDRAIL_DEBUG=1, else nothing: for commands that print their own error lines. */
export function debugStack(e: unknown, debug = process.env.GRIDRAIL_DEBUG === "1"): string {
  return debug && e instanceof Error && e.stack ? `${e.stack}\n` : "";
}

export interface CommandIo {
  readonly out: NodeJS.WritableStream;
  readonly err: NodeJS.WritableStream;
  readonly debug: boolean;
}

const processIo = (): CommandIo => ({ out: process.stdout, err: process.stderr, debug: process.env.GRIDRAIL_DEBUG === "1" });

/** Parses `argv` against the command's flags, runs it and returns the exit code; never throws. */
export async function executeCommand(command: Command, argv: readonly string[], io: CommandIo = processIo()): Promise<number> {
  try {
    const verb = command.subcommands && argv[0] !== undefined && !argv[0].startsWith("-") ? argv[0] : undefined;
    const args = parseArgs(verb === undefined ? argv : argv.slice(1), { ...command.flags, help: "boolean" });
    if (args.help) {
      io.out.write(`${command.usage}\n`);
      return 0;
    }
    if (command.subcommands) {
      if (verb === undefined || !command.subcommands.includes(verb)) {
        const why = verb === undefined ? "a subcommand is required" : `unknown subcommand ${JSON.stringify(verb)}`;
        throw new UsageError(`${why}; known: ${command.subcommands.join(", ")}`);
      }
      args.subcommand = verb;
    }
    return (await command.run(args, argv)) ?? 0;
  } catch (e) {
    io.err.write(`${errorLine(e)}\n${debugStack(e, io.debug)}`);
    // an OptionError is a bad --option (or a detector option in a flag): a bad flag value, like a UsageError
    return e instanceof Error && (e.name === "UsageError" || e.name === "OptionError") ? 2 : 1;
  }
}

/**
 * A reader that closes the pipe (`gridrail detect ... | head`) has what it wanted: stop quietly with exit 0
 * rather than print an EPIPE stack.
 */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(0);
    process.stderr.write(`${errorLine(err)}\n`);
    process.exit(1);
  });
  // nowhere left to say anything: just stop
  process.stderr.on("error", (err: NodeJS.ErrnoException) => process.exit(err.code === "EPIPE" ? 0 : 1));
}

/** Runs a command as the process: its argv, its exit code. */
export function runCommand(command: Command, argv: readonly string[] = process.argv.slice(2)): void {
  exitQuietlyOnClosedPipe();
  void executeCommand(command, argv).then((code) => {
    process.exitCode = code;
  });
}
