import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import * as vm from "vm";
import { anomalyCodePathOptions } from "../../infra/trainTelemetry/anomalyFunction";
import { RecordedResource, Synthesis } from "../../infra/synth/recorder";
import { ofType, runProgram } from "../helpers/pulumiRecorder";

interface Archive {
  assets: Promise<Record<string, { text?: Promise<string> }>>;
}

async function archiveOf(fn: RecordedResource): Promise<Record<string, { text?: Promise<string> }>> {
  return (fn.inputs.code as unknown as Archive).assets;
}

/** Loads CommonJS text the way Lambda's Node.js runtime would and returns its exports. */
function loadCommonJs(text: string): { handler: (event: unknown) => Promise<unknown> } {
  const module = { exports: {} as Record<string, unknown> };
  const context = vm.createContext({
    module,
    exports: module.exports,
    require,
    console,
    process,
    Buffer,
    setTimeout,
    clearTimeout,
    setImmediate,
    queueMicrotask,
    TextDecoder,
    TextEncoder,
    URL,
    AbortController,
  });
  // Node's `global`: Pulumi's serialized classes extend `global.Error`
  context.global = vm.runInContext("globalThis", context);
  vm.runInContext(text, context, { filename: "index.js" });
  return module.exports as { handler: (event: unknown) => Promise<unknown> };
}

async function rejectionOf(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    return (err as Error).message;
  }
  return "resolved";
}

/** Each function must be wired to its own handler under functions/: run with no environment, each fails with its own first complaint. */
const WIRING: Record<string, string> = {
  "trains-anomaly-fn": "environment variables CHECKPOINT_TABLE, FAILURE_QUEUE_URL, SHADOW_NAME, METRIC_NAMESPACE must be set",
  "meters-supplier-parser-fn": "environment variable LAKE_BUCKET must be set",
  "meters-daily-fn": "environment variables LAKE_BUCKET, REPORTS_BUCKET, HOUSEHOLD_TABLE must be set",
  "customers-authorizer-fn": "environment variables USER_POOL_ID, CLIENT_ID must be set",
  "customers-profile-fn": "environment variable PROFILE_TABLE must be set",
  "customers-report-url-fn": "environment variables PROFILE_TABLE, REPORTS_BUCKET, URL_TTL_SECONDS must be set",
  "sharing-share-transform-fn": 'not a Firehose transformation event: no "records" array',
  "sharing-warehouse-loader-fn": "environment variables CLUSTER_ID, DATABASE, SECRET_ARN, RAW_BUCKET, COPY_ROLE_ARN must be set",
  "sharing-usage-summary-fn": "environment variables WORKGROUP, DATABASE, RESULTS_BUCKET must be set",
  "meters-provisioning-hook-fn": "environment variables DEVICE_KIND, ALLOW_LIST_TABLE must be set",
  "trains-provisioning-hook-fn": "environment variables DEVICE_KIND, ALLOW_LIST_TABLE must be set",
};

describe("Lambda code", () => {
  let s: Synthesis;
  before(async () => {
    s = await runProgram("prod");
  });

  it("serializes every inline CallbackFunction to CommonJS without @aws-sdk in the archive", async () => {
    const inline = [];
    for (const fn of ofType(s, "aws:lambda/function:Function")) {
      const assets = await archiveOf(fn);
      if (!("__index.js" in assets)) continue;
      inline.push(fn.name);
      const paths = Object.keys(assets);
      expect(
        paths.filter((p) => p.includes("@aws-sdk")),
        fn.name,
      ).to.deep.equal([]);
      const text = (await assets["__index.js"].text)!;
      expect(text, fn.name).to.match(/^exports\.handler = /);
      expect(text, fn.name).to.not.match(/^\s*(import|export)\s/m);
      const bytes = Buffer.byteLength(text);
      console.log(`      ${fn.name}: archive of ${paths.length} file(s), __index.js ${bytes} bytes`);
      // the anomaly library travels by value (the train function: ~515 KB of text, under a bound that catches a
      // module pulled in by mistake); bench:lambda checks the zipped archive
      expect(bytes, fn.name).to.be.below(640 * 1024);
      expect(await rejectionOf(() => loadCommonJs(text).handler({ Records: [] })), fn.name).to.equal(WIRING[fn.name]);
    }
    expect(inline.sort()).to.deep.equal([
      "meters-provisioning-hook-fn",
      "sharing-usage-summary-fn",
      "sharing-warehouse-loader-fn",
      "trains-anomaly-fn",
      "trains-provisioning-hook-fn",
    ]);
  });

  it("leaves @aws-sdk and deploy-time @pulumi packages (awsx too) out of the inline Lambdas' node_modules", async () => {
    const options = anomalyCodePathOptions();
    expect(options.extraExcludePackages).to.include.members(["@aws-sdk/client-dynamodb", "@aws-sdk/client-iot-data-plane"]);
    const paths = [...(await pulumi.runtime.computeCodePaths(options)).keys()];
    expect(paths.filter((p) => p.includes("@aws-sdk") || p.includes("@pulumi") || p.includes("docker"))).to.deep.equal([]);
  });

  it("bundles every other function from functions/<name>/handler.ts into one CommonJS file", async () => {
    for (const fn of ofType(s, "aws:lambda/function:Function")) {
      const assets = await archiveOf(fn);
      if ("__index.js" in assets) continue;
      expect(Object.keys(assets), fn.name).to.deep.equal(["index.js"]);
      expect(fn.inputs.handler, fn.name).to.equal("index.handler");
      const text = (await assets["index.js"].text)!;
      expect(text, fn.name).to.contain("module.exports = __toCommonJS(");
      expect(await rejectionOf(() => loadCommonJs(text).handler({})), fn.name).to.equal(WIRING[fn.name]);
    }
  });
});
