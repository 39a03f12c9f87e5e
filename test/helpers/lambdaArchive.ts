/**
 * Runs an inline CallbackFunction the way Lambda would: the archive Pulumi would upload, unpacked into a
 * temporary folder, `__index.handler` called in a fresh Node process with only the SDK on NODE_PATH (as the
 * Node.js runtime ships it) and AWS_ENDPOINT_URL pointing at a loopback stand-in.
 */
import { execFile } from "child_process";
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { join, resolve } from "path";
import { ArchiveFile, archiveFiles, writeArchive } from "../../infra/shared/callbackArchive";
import { Synthesis } from "../../infra/synth/recorder";
import { one } from "./pulumiRecorder";
import { tempDir } from "./tempDir";

/** What the runtime does with `__index.handler`: load, call with each event and a context, report result or error. */
const INVOKE = `const fs = require("fs");
const { handler } = require("./task/__index.js");
const [functionName, ...files] = process.argv.slice(2);
(async () => {
  for (const [i, file] of files.entries()) {
    const context = { awsRequestId: "req-" + i, functionName, functionVersion: "$LATEST", memoryLimitInMB: "256",
      invokedFunctionArn: "arn:aws:lambda:eu-west-1:123456789012:function:" + functionName, getRemainingTimeInMillis: () => 300000 };
    try {
      const r = await handler(JSON.parse(fs.readFileSync(file, "utf8")), context);
      process.stdout.write("\\nRESULT " + JSON.stringify({ ok: r }) + "\\n");
    } catch (e) {
      process.stdout.write("\\nRESULT " + JSON.stringify({ error: { name: e.name, message: e.message } }) + "\\n");
    }
  }
})().catch((e) => { process.stderr.write(require("util").inspect(e)); process.exit(1); });
`;

export interface Outcome {
  readonly ok?: unknown;
  readonly error?: { readonly name: string; readonly message: string };
}

export interface Invocation {
  /** One per event, in order. */
  readonly outcomes: Outcome[];
  /** The JSON log lines (Powertools logs and EMF metrics). */
  readonly lines: Record<string, unknown>[];
}

export interface UnpackedFunction {
  readonly name: string;
  readonly files: ArchiveFile[];
  /** The function's environment as the stack sets it. */
  readonly variables: Record<string, string>;
  invoke(events: readonly unknown[], endpoint: string, env?: Record<string, string>): Promise<Invocation>;
  remove(): void;
}

export async function unpackFunction(s: Synthesis, name: string): Promise<UnpackedFunction> {
  const fn = one(s, "aws:lambda/function:Function", name);
  const files = await archiveFiles(fn.inputs.code);
  const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
  const dir = tempDir("gridrail-lambda-");
  writeArchive(files, join(dir, "task"));
  mkdirSync(join(dir, "runtime"));
  symlinkSync(resolve("node_modules/@aws-sdk"), join(dir, "runtime", "@aws-sdk"), "dir");
  writeFileSync(join(dir, "invoke.js"), INVOKE);
  let batch = 0;
  return {
    name,
    files,
    variables,
    invoke(events, endpoint, env = {}) {
      batch += 1;
      const eventFiles = events.map((e, i) => {
        const file = join(dir, `event-${batch}-${i}.json`);
        writeFileSync(file, JSON.stringify(e));
        return file;
      });
      const childEnv = {
        PATH: process.env.PATH ?? "",
        NODE_PATH: join(dir, "runtime"),
        AWS_REGION: "eu-west-1",
        AWS_ACCESS_KEY_ID: "AKIDLOOPBACK",
        AWS_SECRET_ACCESS_KEY: "loopback",
        AWS_CONFIG_FILE: join(dir, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL: endpoint,
        ...variables,
        ...env,
      };
      return new Promise((done, fail) => {
        execFile(
          process.execPath,
          [join(dir, "invoke.js"), name, ...eventFiles],
          { cwd: dir, env: childEnv, maxBuffer: 16 * 1024 * 1024 },
          (err, stdout, stderr) => {
            if (err) return fail(new Error(`${err.message}\n${stderr}`));
            const lines = `${stdout}\n${stderr}`
              .split("\n")
              .filter((l) => l.startsWith("{"))
              .map((l) => JSON.parse(l) as Record<string, unknown>);
            const outcomes = stdout
              .split("\n")
              .filter((l) => l.startsWith("RESULT "))
              .map((l) => JSON.parse(l.slice("RESULT ".length)) as Outcome);
            done({ outcomes, lines });
          },
        );
      });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The EMF records a run published under `namespace`, in order (one per invocation that flushed metrics). */
export function metricRecords(lines: readonly Record<string, unknown>[], namespace: string): Record<string, unknown>[] {
  return lines.filter((l) => (l._aws as { CloudWatchMetrics?: { Namespace: string }[] } | undefined)?.CloudWatchMetrics?.[0].Namespace === namespace);
}

/** The EMF metric values a run published under `namespace` (all records merged, later ones winning). */
export function metricValues(lines: readonly Record<string, unknown>[], namespace: string): Record<string, unknown> {
  return Object.assign({}, ...metricRecords(lines, namespace));
}
