import { expect } from "chai";
import { writeFileSync } from "fs";
import { join } from "path";
import { evaluateRcfPaper, quantileOf, readRcfPaper } from "../../anomaly/evaluation/rcfPaper";
import { requireShared } from "../helpers/sharedData";
import { tempDir } from "../helpers/tempDir";

const ISOLATED_ROWS = [294, 404, 607, 943, 1055, 1092, 1163, 1560, 1694, 1960, 2006];

describe("the random cut forest paper's example", () => {
  it("with the rcf defaults, scores every isolated point above the clusters' 99th percentile", function () {
    const file = requireShared(this, "rcf-paper", "rcf-paper.csv");
    const r = evaluateRcfPaper(file, "rcf", {});
    expect(r.isolated).to.deep.equal(ISOLATED_ROWS);
    expect([r.caught, r.afterWarmUp, r.caughtAll]).to.deep.equal([10, 10, 11]);
    expect(Math.min(...r.scores)).to.be.greaterThan(r.clusterP99);
    // the default likelihood scores: isolated points 0.385-0.666, the clusters' p99 0.336
    expect(r.clusterP99).to.be.closeTo(0.336, 0.001);
    expect(Math.min(...r.scores)).to.be.closeTo(0.385, 0.001);
  });

  it("with threshold scoring and no suppression too, scores every isolated point above the clusters' 99th percentile", function () {
    const file = requireShared(this, "rcf-paper", "rcf-paper.csv");
    const r = evaluateRcfPaper(file, "rcf", { scoring: "threshold", suppress: 0 });
    expect([r.caught, r.afterWarmUp, r.caughtAll]).to.deep.equal([10, 10, 11]);
    expect(Math.min(...r.scores)).to.be.greaterThan(r.clusterP99);
  });

  it("misses them when every input is standardised by its own deviation alone (relativeFloor 0)", function () {
    // the two near-constant inputs' noise, standardised, is as wide as the clusters' separation
    const file = requireShared(this, "rcf-paper", "rcf-paper.csv");
    const caught = (options: Record<string, string | number>) => evaluateRcfPaper(file, "rcf", { relativeFloor: 0, ...options }).caught;
    // 2 of 10 with the default likelihood scoring, 0 of 10 with threshold scoring
    expect([caught({}), caught({ scoring: "threshold", suppress: 0 })]).to.deep.equal([2, 0]);
  });

  it("takes the nearest-rank quantile and names a malformed line", () => {
    expect(quantileOf([5, 1, 4, 2, 3], 0.99)).to.equal(4);
    expect(quantileOf([5, 1, 4, 2, 3], 1)).to.equal(5);
    const dir = tempDir("gridrail-paper-");
    const file = join(dir, "p.csv");
    writeFileSync(file, "1,2,3\n1,2\n");
    expect(() => readRcfPaper(file)).to.throw(`${file}:2: expected three numbers, got "1,2"`);
  });
});
