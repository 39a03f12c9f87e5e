import { execFile } from "child_process";
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { parseArgs, UsageError } from "../../cli/args";
import { command, synthOptions } from "../../cli/synth";
import { REPO_ROOT } from "../../infra/synth/synthStack";
import { tempDir } from "../helpers/tempDir";

const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, "node_modules", ".bin", "tsx");

describe("synth CLI", () => {
  const options = (argv: string[]) => synthOptions(parseArgs(argv, command.flags));
  const bad: [string[], string][] = [
    [[], "--stack is required"],
    [["--stack", "dev", "--yaml"], "unknown flag --yaml; known: --stack, --json, --diagram"],
    [["--stack", "dev", "--diagram="], "--diagram needs a value, got an empty one"],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${JSON.stringify(argv)}: ${message}`, () => {
      expect(() => options(argv)).to.throw(UsageError, message);
    });
  }

  it("parses --stack, --json and --diagram", () => {
    expect(options(["--stack=prod", "--json", "--diagram", "x.md"])).to.deep.equal({ stack: "prod", json: true, diagram: "x.md" });
  });

  it("prints the dev inventory as a JSON array of {type, name, parent, inputs}", async () => {
    const { stdout } = await run(TSX, ["cli/synth.ts", "--stack", "dev", "--json"], { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024 });
    const inventory = JSON.parse(stdout) as { type: string; name: string; parent: string | null }[];
    expect(inventory.find((r) => r.type === "aws:redshift/cluster:Cluster")).to.deep.include({
      name: "sharing-warehouse-cluster",
      parent: "gridrail:sharing:DataSharing",
    });
    expect(
      inventory
        .filter((r) => r.parent === null)
        .map((r) => r.type)
        .sort(),
    ).to.deep.equal(["gridrail:customer:CustomerApi", "gridrail:meter:MeterIngestion", "gridrail:sharing:DataSharing", "gridrail:train:TrainTelemetry"]);
  });

  it("names the file it wrote the diagram to in the document: relative inside the project, absolute outside", async () => {
    const dir = tempDir("gridrail-diagram-");
    const outside = path.join(dir, "dev.md");
    await run(TSX, ["cli/synth.ts", "--stack", "dev", "--diagram", outside], { cwd: REPO_ROOT });
    expect(fs.readFileSync(outside, "utf8").split("\n")[3]).to.equal(`\`npm run --silent synth -- --stack dev --diagram ${outside}\`.`);
    const inside = path.join(REPO_ROOT, "out", "dev-diagram.md");
    fs.mkdirSync(path.dirname(inside), { recursive: true });
    await run(TSX, [path.join(REPO_ROOT, "cli/synth.ts"), "--stack", "dev", "--diagram", inside], { cwd: dir });
    expect(fs.readFileSync(inside, "utf8").split("\n")[3]).to.equal("`npm run --silent synth -- --stack dev --diagram out/dev-diagram.md`.");
    fs.rmSync(inside);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an unknown stack as a bad --stack (exit 2), naming the stack file and the stacks there are", async () => {
    const err = await run(TSX, ["cli/synth.ts", "--stack", "staging"], { cwd: REPO_ROOT }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).to.equal(2);
    expect(err?.stderr).to.equal('error: --stack "staging": no stack file Pulumi.staging.yaml (stacks: dev, prod)\n');
  });

  it("refuses a stack name that is a path (it never reads a file outside the checkout)", () => {
    expect(() => synthOptions({ stack: "../../tmp/x" } as never)).to.throw(
      UsageError,
      '--stack "../../tmp/x": no stack file Pulumi.../../tmp/x.yaml (stacks: dev, prod)',
    );
  });
});
