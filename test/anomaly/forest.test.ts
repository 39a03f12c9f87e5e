import { expect } from "chai";
import { readFileSync } from "fs";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { requireShared } from "../helpers/sharedData";
import { sineStream } from "../helpers/streams";

function forest(dimensions: number, seed = 42, numberOfTrees = 50): RandomCutForest {
  return new RandomCutForest({ dimensions, numberOfTrees, sampleSize: 256, lambda: 1 / 2560, seed });
}

describe("RandomCutForest", () => {
  it("scores the paper's isolated near-origin points above every cluster point (rcf-paper.csv)", function () {
    const file = requireShared(this, "rcf-paper", "rcf-paper.csv");
    const rows = readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => Float32Array.from(l.split(",").map(Number)));
    const f = forest(3, 42, 100);
    const scores = rows.map((p) => {
      const s = f.score(p);
      f.update(p);
      return s;
    });
    const isolated = [294, 404, 607, 943, 1055, 1092, 1163, 1560, 1694, 1960, 2006].map((r) => r - 1);
    const cluster = scores.filter((_, i) => i >= 300 && !isolated.includes(i));
    const minIsolated = Math.min(...isolated.map((i) => scores[i]));
    expect(minIsolated).to.be.greaterThan(Math.max(...cluster));
    // the Java RCF README gives row 2006 a score of 2.83 against ~0.66-0.91 for its neighbours
    expect(scores[2005]).to.be.within(2.3, 3.5);
    expect(scores[2004]).to.be.within(0.5, 1.2);
  });

  it("gives an ordinary point a score near 1 and a far outlier a much higher one", () => {
    const f = forest(2);
    for (const v of sineStream(2000, 2, 1)) f.update(Float32Array.from(v));
    const ordinary = f.score(Float32Array.from([Math.sin(2000 / 15), Math.sin(2000 / 15 + 1)]));
    const outlier = f.score(Float32Array.from([8, -8]));
    expect(ordinary).to.be.within(0.4, 1.3);
    expect(outlier).to.be.greaterThan(2.5);
  });

  it("splits the score into attributions that sum to it and point at the odd dimension and direction", () => {
    const f = forest(3);
    for (const v of sineStream(1500, 3, 2)) f.update(Float32Array.from(v));
    const p = Float32Array.from([0.2, 9, 0.1]);
    const { high, low } = f.attribution(p);
    const total = [...high, ...low].reduce((a, b) => a + b, 0);
    expect(total).to.be.closeTo(f.score(p), 1e-9);
    expect(high[1]).to.be.greaterThan(0.8 * total);
    expect(low[1]).to.equal(0);
  });

  it("imputes a missing dimension from the sample, not from the query's value", () => {
    const f = forest(2);
    // the second dimension is always 10 x the first
    for (let i = 0; i < 2000; i++) {
      const x = (i % 100) / 10;
      f.update(Float32Array.from([x, 10 * x]));
    }
    const completed = f.impute([5, 999], [1]);
    expect(completed[0]).to.equal(5);
    expect(completed[1]).to.be.within(40, 60);
  });

  it("keeps every tree at the sample size and frees points no tree holds", () => {
    const f = forest(1, 3, 20);
    for (let i = 0; i < 5000; i++) f.update(Float32Array.from([i % 37]));
    expect(f.trees.every((t) => t.totalMass === 256)).to.equal(true);
    let refs = 0;
    for (let i = 0; i < f.store.size; i++) refs += Math.max(0, f.store.refCount[i]);
    expect(refs).to.equal(20 * 256);
    expect(f.store.liveCount).to.be.at.most(20 * 256);
  });
});
