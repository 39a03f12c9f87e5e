import { execFile } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseOptions, USAGE } from "../../cli/policy";
import { UsageError } from "../../cli/args";
import { RULES } from "../../policy/ruleSet";
import { KEY_ARN, res, secureBucket } from "./fixtures";

const ROOT = path.join(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");

interface Run {
    readonly status: number;
    readonly stdout: string;
    readonly stderr: string;
}

/** `npm run --silent policy -- args`, asynchronously so the runs below overlap. */
function policy(args: string[]): Promise<Run> {
    return new Promise((resolve) => {
        execFile(process.execPath, [TSX, path.join(ROOT, "cli", "policy.ts"), ...args], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
            resolve({ status: err ? Number((err as { code?: number }).code ?? -1) : 0, stdout, stderr });
        });
    });
}

const trail = res("aws:cloudtrail/trail:Trail", "trail", { s3BucketName: "logs", enableLogFileValidation: true, kmsKeyId: KEY_ARN });
const entries = (views: ReturnType<typeof res>[]) => JSON.stringify(views.map((v) => ({ type: v.type, name: v.name, parent: null, inputs: v.inputs })));

describe("policy CLI", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gridrail-policy-"));
    const file = (name: string, text: string) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, text);
        return p;
    };
    const good = file("good.json", entries([trail]));
    const advisoryOnly = file("advisory.json", entries([trail, ...secureBucket("raw", ["lifecycle"])]));
    const bad = file("bad.json", entries([trail, res("aws:s3/bucket:Bucket", "raw"), res("aws:kinesis/stream:Stream", "telemetry", { encryptionType: "NONE" })]));
    const notJson = file("broken.json", "[{");
    const runs = new Map<string, Promise<Run>>();
    const run = (...args: string[]) => {
        const key = args.join(" ");
        if (!runs.has(key)) runs.set(key, policy(args));
        return runs.get(key)!;
    };

    before(() => {
        // Start every run at once; each test awaits its own.
        for (const args of [["--stack", "dev", "--json"], ["--graph", good, "--environment", "dev", "--json"], ["--graph", bad, "--json"], ["--graph", bad], ["--graph", advisoryOnly],
            ["--graph", path.join(dir, "missing.json")], ["--graph", notJson], ["--stack", "staging"], ["--graph"]]) run(...args);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("evaluates every non-prod rule on the dev synth and prints { rules, resources, violations }, exit 0", async () => {
        const r = await run("--stack", "dev", "--json");
        expect(r.status, r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout) as Record<string, unknown>;
        expect(Object.keys(out)).to.deep.equal(["rules", "resources", "violations"]);
        expect(out).to.deep.include({ rules: RULES.filter((x) => !x.prodOnly).length, violations: [] });
        expect(out.resources).to.be.greaterThan(200);
    });

    it("passes a compliant graph file, exit 0", async () => {
        const r = await run("--graph", good, "--environment", "dev", "--json");
        expect(r.status, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout)).to.deep.equal({ rules: RULES.filter((x) => !x.prodOnly).length, resources: 1, violations: [] });
    });

    it("fails a crafted bad graph with exit 1, listing rule, level, resource and message", async () => {
        const r = await run("--graph", bad, "--json");
        expect(r.status).to.equal(1);
        const violations = (JSON.parse(r.stdout) as { violations: Record<string, unknown>[] }).violations;
        expect(violations.map((v) => v.rule)).to.deep.equal(["s3-encryption", "s3-public-access-block", "s3-versioning", "s3-tls-only", "s3-access-logging", "s3-lifecycle", "kinesis-encryption"]);
        expect(violations[0]).to.deep.equal({ rule: "s3-encryption", level: "mandatory", type: "aws:s3/bucket:Bucket", resource: "raw", message: "bucket raw has no SSE-KMS encryption configuration" });
        expect(r.stderr).to.include("skipped prod-s3-replication: prod-only, and the graph does not say which environment it is (pass --environment)");
    });

    it("prints one line per violation and a count", async () => {
        const r = await run("--graph", bad);
        expect(r.status).to.equal(1);
        const lines = r.stdout.trim().split("\n");
        expect(lines[0]).to.equal(`policy: graph ${bad} (environment unknown): ${RULES.length - 4} rules on 3 resources`);
        expect(lines).to.include("mandatory  kinesis-encryption  telemetry (aws:kinesis/stream:Stream): Kinesis stream telemetry is not encrypted (encryptionType: NONE)");
        expect(lines).to.include("advisory   s3-lifecycle  raw (aws:s3/bucket:Bucket): bucket raw has no lifecycle configuration");
        expect(lines[lines.length - 1]).to.equal("6 mandatory, 1 advisory violation(s)");
    });

    it("exits 0 when only advisory rules are violated", async () => {
        const r = await run("--graph", advisoryOnly);
        expect(r.status, r.stdout).to.equal(0);
        expect(r.stdout).to.include("0 mandatory, 1 advisory violation(s)");
    });

    const failures: [string[], string][] = [
        [["--graph", "MISSING"], "error: cannot read graph file MISSING: ENOENT"],
        [["--graph", "BROKEN"], "error: invalid graph file BROKEN: not JSON: "],
        [["--stack", "staging"], 'error: no stack file Pulumi.staging.yaml for stack "staging"'],
        [["--graph"], `error: --graph needs a value\n${USAGE}`],
    ];
    for (const [args, message] of failures) {
        it(`cannot run with ${args.join(" ")}: exit 2 and "${message.split("\n")[0]}"`, async () => {
            const real = args.map((a) => (a === "MISSING" ? path.join(dir, "missing.json") : a === "BROKEN" ? notJson : a));
            const r = await run(...real);
            expect(r.status).to.equal(2);
            expect(r.stdout).to.equal("");
            expect(r.stderr).to.include(message.replace("MISSING", path.join(dir, "missing.json")).replace("BROKEN", notJson));
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
        expect(parseOptions(["--graph=g.json", "--environment", "prod", "--json"])).to.deep.equal({ stack: undefined, graph: "g.json", environment: "prod", json: true });
    });
});
