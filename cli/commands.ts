import { Command, errorLine, executeCommand, exitQuietlyOnClosedPipe, UsageError } from "./args";

/**
 * The `gridrail` executable's subcommands, one per npm script (which stay as aliases). Each module is
 * loaded only when its command runs, so `gridrail detect` never loads the Pulumi program.
 */
export const COMMANDS: Readonly<Record<string, () => Command>> = {
  start: () => (require("./start") as typeof import("./start")).command,
  detect: () => (require("./detect") as typeof import("./detect")).command,
  eval: () => (require("./eval") as typeof import("./eval")).command,
  "eval:fleet": () => (require("./evalFleet") as typeof import("./evalFleet")).command,
  bench: () => (require("./bench") as typeof import("./bench")).command,
  "bench:lambda": () => (require("./benchLambda") as typeof import("./benchLambda")).command,
  "bench:analysis": () => (require("./benchAnalysis") as typeof import("./benchAnalysis")).command,
  "bench:parser": () => (require("./benchParser") as typeof import("./benchParser")).command,
  synth: () => (require("./synth") as typeof import("./synth")).command,
  policy: () => (require("./policy") as typeof import("./policy")).command,
  diagram: () => (require("./diagram") as typeof import("./diagram")).command,
  "train-agent": () => (require("./trainAgent") as typeof import("./trainAgent")).command,
  ingest: () => (require("./ingest") as typeof import("./ingest")).command,
  summary: () => (require("./summary") as typeof import("./summary")).command,
  demo: () => (require("./demo") as typeof import("./demo")).command,
  screenshot: () => (require("./screenshot") as typeof import("./screenshot")).command,
  "build:wasm": () => (require("./buildWasm") as typeof import("./buildWasm")).command,
  claims: () => (require("./claims") as typeof import("./claims")).command,
  openapi: () => (require("./openapi") as typeof import("./openapi")).command,
  devices: () => (require("./devices") as typeof import("./devices")).command,
};

/** One-line summaries for `gridrail --help`, kept here so listing them loads no command module. */
export const SUMMARIES: Readonly<Record<string, string>> = {
  start: "run both IoT systems end to end on 127.0.0.1 and print the day's summary",
  detect: "score every row of a time series CSV for anomalies",
  eval: "score a detector on NAB, SKAB, a labelled set or the meter hold-out; --protocol chooses the defaults",
  "eval:fleet": "how well the train models catch the local stack's injected faults, over seeds",
  bench: "random cut forest throughput and model size",
  "bench:lambda": "train anomaly Lambda: warm and cold batch times, checkpoint and archive bytes",
  "bench:analysis": "CPU per client of the daily meter analysis, and clients per invocation",
  "bench:parser": "supplier parser: a large upload within the function's memory, peak RSS",
  synth: "offline synth of a stack under mocks: the resource inventory (or --json, --diagram)",
  policy: "every policy rule over a stack's offline synth or a graph file (exit 1: a mandatory violation)",
  diagram: "regenerate docs/architecture.md (the architecture diagram) from the prod synth",
  "train-agent": "a train: publish sensor readings over MQTT and print what the cloud tells it",
  ingest: "parse a supplier CSV with the supplier parser's core and print the outcome",
  summary: "the daily usage summary, on Athena (--stack) or DuckDB over a local folder (--local)",
  demo: "run the detector over labelled NAB series (or a built-in one) and write HTML reports",
  screenshot: "photograph the local web view after the scripted demo run (docs/screenshot.png)",
  "build:wasm": "compile the forest's WebAssembly tree code (--check: verify it is current)",
  claims: "issue or revoke a meter's one-time claim code (the customer links the meter with it), or unlink a meter from a household that moved out",
  openapi: "print or write the customer API's OpenAPI 3.1 document (--check: docs/openapi.json is current)",
  devices: "provision a meter or train by claim and write its certificate and key (or serve the local stand-in)",
};

export function gridrailUsage(): string {
  const width = Math.max(...Object.keys(SUMMARIES).map((n) => n.length));
  return [
    "usage: gridrail <command> [flags]   (gridrail <command> --help for its flags)",
    "commands:",
    ...Object.entries(SUMMARIES).map(([name, text]) => `  ${name.padEnd(width)}  ${text}`),
    "exit codes: 0 done, 1 failed (one error: line on stderr; GRIDRAIL_DEBUG=1 adds the stack), 2 usage error, 3 detect scored but rejected rows",
  ].join("\n");
}

/** `gridrail <command> [flags]`: the exit code. */
export async function gridrail(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "--help" || name === "-h") {
    process.stdout.write(`${gridrailUsage()}\n`);
    return 0;
  }
  const load = name !== undefined && Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    const why = name === undefined ? "a command is required" : `unknown command ${JSON.stringify(name)}`;
    process.stderr.write(`${errorLine(new UsageError(`${why}; known: ${Object.keys(COMMANDS).join(", ")}`))}\n`);
    return 2;
  }
  return executeCommand(load(), rest);
}

/** The bin's entry: runs `process.argv` and sets the exit code. */
export function main(): void {
  exitQuietlyOnClosedPipe();
  void gridrail(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
