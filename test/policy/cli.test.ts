import { execFile } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../../cli/args";
import { parseOptions, runPolicy } from "../../cli/policy";
import { RULES } from "../../policy/ruleSet";
import { runProgram, StackName } from "../helpers/pulumiRecorder";
import { KEY_ARN, res, secureBucket } from "./fixtures";
import { tempDir } from "../helpers/tempDir";

const ROOT = path.join(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run --silent policy -- args` as a process, asynchronously so the runs overlap. */
function spawnPolicy(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSX, path.join(ROOT, "cli", "policy.ts"), ...args], { cwd: ROOT, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
    });
  });
}

/** The same command in-process, on the test suite's cached synth. */
async function inProcess(args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await runPolicy(args, { out: (t) => (stdout += t), err: (t) => (stderr += t) }, (stack) => runProgram(stack as StackName));
  return { status, stdout, stderr };
}

const NON_PROD_RULES = RULES.filter((r) => !r.prodOnly).length;
const trail = res("aws:cloudtrail/trail:Trail", "trail", { s3BucketName: "logs", enableLogFileValidation: true, kmsKeyId: KEY_ARN });
const entries = (views: ReturnType<typeof res>[]) => JSON.stringify(views.map((v) => ({ type: v.type, name: v.name, parent: null, inputs: v.inputs })));

describe("policy CLI", function () {
  this.timeout(120_000);
  const dir = tempDir("gridrail-policy-");
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const good = file("good.json", entries([trail]));
  const advisoryOnly = file("advisory.json", entries([trail, ...secureBucket("raw", ["lifecycle"])]));
  const bad = file("bad.json", entries([trail, res("aws:s3/bucket:Bucket", "raw"), res("aws:kinesis/stream:Stream", "telemetry", { encryptionType: "NONE" })]));
  const notJson = file("broken.json", "[{");
  const missing = path.join(dir, "missing.json");
  const processes = new Map<string, Promise<Run>>();
  const spawned = (...args: string[]) => processes.get(args.join(" "))!;

  before(() => {
    // Real processes for the exit codes CI sees, all started at once; each test awaits its own.
    for (const args of [["--graph", good, "--environment", "dev", "--json"], ["--graph", bad, "--json"], ["--graph", missing], ["--graph"]]) {
      processes.set(args.join(" "), spawnPolicy(args));
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("passes a compliant graph file: exit 0 and { rules, resources, violations }", async () => {
    const r = await spawned("--graph", good, "--environment", "dev", "--json");
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ rules: NON_PROD_RULES, resources: 1, violations: [] });
  });

  it("fails a crafted bad graph: exit 1, each violation with rule, level, resource and message", async () => {
    const r = await spawned("--graph", bad, "--json");
    expect(r.status).to.equal(1);
    const violations = (JSON.parse(r.stdout) as { violations: Record<string, unknown>[] }).violations;
    expect(violations.map((v) => v.rule)).to.deep.equal([
      "s3-encryption",
      "s3-public-access-block",
      "s3-versioning",
      "s3-tls-only",
      "s3-access-logging",
      "s3-lifecycle",
      "kinesis-encryption",
    ]);
    expect(violations[0]).to.deep.equal({
      rule: "s3-encryption",
      level: "mandatory",
      type: "aws:s3/bucket:Bucket",
      resource: "raw",
      message: "bucket raw has no SSE-KMS encryption configuration",
    });
    expect(r.stderr).to.include("skipped prod-s3-replication: prod-only, and the graph does not say which environment it is (pass --environment)");
  });

  it("answers exit 2, not a verdict, when a rule fails on an odd graph (a policy nested 8000 deep)", async () => {
    // written as text: JSON.stringify itself cannot go that deep
    const deep = `${"[".repeat(8000)}"s3:GetObject"${"]".repeat(8000)}`;
    const odd = file(
      "deep.json",
      `[{"type":"aws:iam/rolePolicy:RolePolicy","name":"deep","parent":null,"inputs":{"role":"r","policy":{"Statement":[{"Effect":"Allow","Action":${deep},"Resource":"*"}]}}}]`,
    );
    const r = await inProcess(["--graph", odd, "--environment", "dev"]);
    expect([r.status, r.stdout, r.stderr.startsWith("error: a policy rule failed on this graph: RangeError: Maximum call stack size exceeded")]).to.deep.equal([
      2,
      "",
      true,
    ]);
  });

  it("cannot read a missing graph file: exit 2 and the reason (and the stack with GRIDRAIL_DEBUG=1)", async () => {
    const r = await spawned("--graph", missing);
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([2, "", `error: cannot read graph file ${missing}: ENOENT\n`]);
    process.env.GRIDRAIL_DEBUG = "1";
    try {
      const debug = await inProcess(["--graph", missing]);
      expect(debug.stderr.split("\n").slice(0, 2)).to.deep.equal([
        `error: cannot read graph file ${missing}: ENOENT`,
        `Error: cannot read graph file ${missing}: ENOENT`,
      ]);
    } finally {
      delete process.env.GRIDRAIL_DEBUG;
    }
  });

  it("prints usage for a bad command line: exit 2", async () => {
    const r = await spawned("--graph");
    expect([r.status, r.stderr]).to.deep.equal([2, "error: --graph needs a value\n"]);
  });

  it("evaluates the dev synth: exit 0, every non-prod rule, no violation", async () => {
    const r = await inProcess(["--stack", "dev", "--json"]);
    expect(r.status, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(out)).to.deep.equal(["rules", "resources", "violations"]);
    expect(out).to.deep.include({ rules: NON_PROD_RULES, violations: [] });
    expect(out.resources).to.equal((await runProgram("dev")).resources.length);
  });

  it("evaluates the prod synth: every rule, no violation, exit 0", async () => {
    const r = await inProcess(["--stack", "prod"]);
    expect(r.status).to.equal(0);
    expect(r.stdout.trim().split("\n")).to.deep.equal([
      `policy: stack prod (environment prod): ${RULES.length} rules on ${(await runProgram("prod")).resources.length} resources`,
      "0 mandatory, 0 advisory violation(s)",
    ]);
  });

  it("prints one line per violation and a count", async () => {
    const r = await inProcess(["--graph", bad]);
    expect(r.status).to.equal(1);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).to.equal(`policy: graph ${bad} (environment unknown): ${NON_PROD_RULES} rules on 3 resources`);
    expect(lines).to.include(
      "mandatory  kinesis-encryption  telemetry (aws:kinesis/stream:Stream): Kinesis stream telemetry is not encrypted (encryptionType: NONE)",
    );
    expect(lines).to.include("advisory   s3-lifecycle  raw (aws:s3/bucket:Bucket): bucket raw has no lifecycle configuration");
    expect(lines).to.include("skipped    prod-deletion-protection: prod-only, and the graph does not say which environment it is (pass --environment)");
    expect(lines[lines.length - 1]).to.equal("6 mandatory, 1 advisory violation(s)");
  });

  it("exits 0 when only advisory rules are violated", async () => {
    const r = await inProcess(["--graph", advisoryOnly]);
    expect([r.status, r.stdout.trim().split("\n").pop()]).to.deep.equal([0, "0 mandatory, 1 advisory violation(s)"]);
  });

  const failures: [string[], string][] = [
    [["--graph", notJson], `error: invalid graph file ${notJson}: not JSON: `],
    [["--graph", good, "--environment", "qa"], 'error: --environment must be dev or prod, not "qa"'],
    [["--stack", "staging"], 'error: no stack file Pulumi.staging.yaml for stack "staging"'],
    [["--stack", "../../tmp/x"], 'error: stack name "../../tmp/x" must be 1-21 lowercase letters, digits or -, starting with a letter'],
  ];
  for (const [args, message] of failures) {
    it(`cannot run ${args.map((a) => path.basename(a)).join(" ")}: exit 2, "${message.replace(dir, "…")}"`, async () => {
      const r = await inProcess(args);
      expect([r.status, r.stdout]).to.deep.equal([2, ""]);
      expect(r.stderr.startsWith(message), r.stderr).to.equal(true);
    });
  }

  const usage: [string[], string][] = [
    [[], "give exactly one of --stack or --graph"],
    [["--stack", "dev", "--graph", "g.json"], "give exactly one of --stack or --graph"],
    [["--graph", "g.json", "--environment", "staging"], '--environment must be dev or prod, not "staging"'],
    [["--stack", "prod", "--environment", "prod"], "--environment goes with --graph; a stack's environment comes from its stack file"],
    [["--stack", "dev", "--yaml"], "unknown flag --yaml; known: --stack, --graph, --environment, --json"],
  ];
  for (const [args, message] of usage) {
    it(`rejects ${JSON.stringify(args)}: ${message}`, () => {
      expect(() => parseOptions(args)).to.throw(UsageError, message);
    });
  }

  it("parses a graph run", () => {
    expect(parseOptions(["--graph=g.json", "--environment", "prod", "--json"])).to.deep.equal({
      stack: undefined,
      graph: "g.json",
      environment: "prod",
      json: true,
    });
  });
});
