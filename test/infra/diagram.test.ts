import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DIAGRAM_STACK, buildDiagram, renderDiagramDocument } from "../../infra/synth/diagram";
import { Synthesis } from "../../infra/synth/recorder";
import { REPO_ROOT } from "../../infra/synth/synthStack";
import { runProgram } from "../helpers/pulumiRecorder";

describe("architecture diagram", () => {
  let s: Synthesis;
  before(async () => {
    s = await runProgram(DIAGRAM_STACK);
  });

  it("matches the committed docs/architecture.md (regenerate with npm run --silent synth -- --stack prod --diagram docs/architecture.md)", () => {
    const committed = fs.readFileSync(path.join(REPO_ROOT, "docs", "architecture.md"), "utf8");
    expect(renderDiagramDocument(s)).to.equal(committed);
  });

  it("names the command that wrote it, and claims a test keeps it current only for the committed file", () => {
    const header = (file?: string) => renderDiagramDocument(s, file).split("\n").slice(2, 5);
    const count = s.resources.length;
    expect(header()).to.deep.equal([
      `Generated from the Pulumi program (stack \`prod\`, ${count} resources) by`,
      "`npm run --silent synth -- --stack prod --diagram docs/architecture.md`.",
      "Do not edit by hand: `test/infra/diagram.test.ts` fails when this file differs from the program.",
    ]);
    expect(header("out/prod.md")).to.deep.equal([
      `Generated from the Pulumi program (stack \`prod\`, ${count} resources) by`,
      "`npm run --silent synth -- --stack prod --diagram out/prod.md`.",
      "",
    ]);
  });

  it("draws the data paths of both systems from the graph", () => {
    const diagram = buildDiagram(s);
    for (const edge of [
      "ext_meters_devices --> meters_readings_rule",
      'meters_readings_rule -->|"object a reading"| meters_lake_bucket',
      'meters_uploads_bucket -->|"object created"| meters_supplier_queue',
      "meters_supplier_queue --> meters_supplier_parser_fn",
      "ext_train_devices --> trains_rule",
      "trains_rule --> trains_stream",
      "trains_stream --> trains_anomaly_fn",
      'trains_anomaly_fn -->|"on failure"| trains_anomaly_dlq',
      'sharing_share_delivery -->|"transform"| sharing_share_transform_fn',
      'sharing_raw_bucket -->|"replicate"| sharing_dr_replica_bucket',
      'ext_data_scientists -->|"corporate CIDRs"| sharing_raw_bucket',
      'customers_api -->|"authorize"| customers_authorizer_fn',
    ]) {
      expect(diagram).to.contain(edge);
    }
  });

  it("groups nodes by component", () => {
    const diagram = buildDiagram(s);
    expect(diagram.match(/^ {4}subgraph /gm)).to.have.length(5);
    expect(diagram).to.contain('subgraph c_trains["TrainTelemetry trains"]');
  });
});
