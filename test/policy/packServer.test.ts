/**
 * The real pack end to end: policy/ started the way `pulumi preview --policy-pack policy` starts it
 * (@pulumi/pulumi's run-policy-pack, ts-node, PulumiPolicy.yaml + package.json in policy/), then driven over
 * gRPC like the engine drives it: every rule case's graphs go through `analyze` (resource policies) or
 * `analyzeStack` (stack policies) and must come back with the case's exact messages.
 */
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
  AnalyzeRequest,
  AnalyzeResponse,
  AnalyzeStackRequest,
  AnalyzerInfo,
  AnalyzerResource,
  AnalyzerResourceOptions,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { expect } from "chai";
import { ChildProcess, spawn } from "child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";
import { ResourceView } from "../../policy/graph";
import { RULES } from "../../policy/ruleSet";
import { ALL_CASES } from "./cases/all";
import { res } from "./fixtures";

const POLICY_DIR = path.join(__dirname, "..", "..", "policy");

/** Starts the pack; resolves with its gRPC port (the first line it prints). */
function startPack(): Promise<{ pack: ChildProcess; port: number }> {
  const pack = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
    cwd: POLICY_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  pack.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    pack.stdout!.once("data", (d: Buffer) => resolve({ pack, port: Number(d.toString().trim()) }));
    pack.once("exit", (code) => reject(new Error(`the pack exited with ${code}: ${stderr}`)));
  });
}

function unary<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, req: Req): Promise<Res> {
  return new Promise((resolve, reject) => method(req, (err, res) => (err ? reject(err) : resolve(res))));
}

const urnOf = (r: ResourceView, i: number) => `urn:pulumi:prod::gridrail::${r.type}::${r.name}-${i}`;
const properties = (r: ResourceView) => Struct.fromJavaScript(JSON.parse(JSON.stringify(r.inputs)) as never);
/** Real runs say prod through the default provider's tags (aws:defaultTags). */
const PROD_PROVIDER = res("pulumi:providers:aws", "default_7_48_0", { region: "eu-west-1", defaultTags: '{"tags":{"stack":"prod"}}' });

/** Our message of each diagnostic of `policy` (@pulumi/policy prefixes it with the policy's description). */
function messagesOf(response: AnalyzeResponse, policy: string): string[] {
  return response
    .getDiagnosticsList()
    .filter((d) => d.getPolicyname() === policy)
    .map((d) => d.getMessage().split("\n").slice(1).join("\n"));
}

describe("the policy pack served over gRPC", function () {
  this.timeout(120_000);
  let pack: ChildProcess;
  let client: AnalyzerClient;

  before(async () => {
    const started = await startPack();
    pack = started.pack;
    client = new AnalyzerClient(`127.0.0.1:${started.port}`, grpc.credentials.createInsecure());
  });
  after(() => {
    client?.close();
    pack?.kill();
  });

  async function analyzeResources(graph: readonly ResourceView[], policy: string): Promise<string[]> {
    const out: string[] = [];
    for (const [i, r] of graph.entries()) {
      const req = new AnalyzeRequest();
      req.setType(r.type);
      req.setName(r.name);
      req.setUrn(urnOf(r, i));
      req.setProperties(properties(r));
      req.setOptions(new AnalyzerResourceOptions());
      out.push(...messagesOf(await unary(client.analyze.bind(client), req), policy));
    }
    return out;
  }

  async function analyzeStack(graph: readonly ResourceView[], policy: string): Promise<string[]> {
    const req = new AnalyzeStackRequest();
    req.setResourcesList(
      [PROD_PROVIDER, ...graph].map((r, i) => {
        const a = new AnalyzerResource();
        a.setType(r.type);
        a.setName(r.name);
        a.setUrn(urnOf(r, i));
        a.setProperties(properties(r));
        a.setOptions(new AnalyzerResourceOptions());
        return a;
      }),
    );
    return messagesOf(await unary(client.analyzeStack.bind(client), req), policy);
  }

  it("announces one policy per rule, named by rule id, at the rule's level", async () => {
    const info = await unary<Empty, AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    expect(info.getName()).to.equal("gridrail");
    const levels = ["advisory", "mandatory"];
    expect(info.getPoliciesList().map((p) => [p.getName(), levels[p.getEnforcementlevel()]])).to.deep.equal(RULES.map((r) => [r.id, r.level]));
  });

  for (const c of ALL_CASES) {
    const rule = RULES.find((r) => r.id === c.rule)!;
    // The engine does not send the retainOnDelete option to analyzers: that rule is offline-only.
    if (rule.id === "prod-retain-on-delete") continue;
    it(`${c.rule}: ${c.title}`, async () => {
      const analyze = rule.resource && !rule.prodOnly ? analyzeResources : analyzeStack;
      expect(await analyze(c.pass, rule.id)).to.deep.equal([]);
      expect(await analyze(c.fail, rule.id)).to.deep.equal(c.messages);
    });
  }
});
