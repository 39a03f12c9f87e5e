import { expect } from "chai";
import { Random } from "../../anomaly/random";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { currentForest, forestOfCheckout, pairedRun } from "../../cli/benchPaired";
import { InputError } from "../../anomaly/errors";

describe("bench --baseline: two forests side by side on the same points", () => {
  const config = { dimensions: 6, numberOfTrees: 5, sampleSize: 32, lambda: 1 / 320, seed: 3 };
  const random = new Random(7);
  const data = (n: number) => Array.from({ length: n }, (_, i) => Float64Array.from([Math.sin(i / 9) * 10 + random.nextDouble(), random.nextDouble()]));
  const cases: { label: string; baseline: (c: typeof config) => RandomCutForest; same: boolean }[] = [
    { label: "the same code gives the same score for every point", baseline: (c) => new RandomCutForest(c), same: true },
    { label: "a forest that differs (another seed) is caught", baseline: (c) => new RandomCutForest({ ...c, seed: 4 }), same: false },
  ];
  for (const c of cases) {
    it(c.label, () => {
      const r = pairedRun(c.baseline, currentForest, config, data(2000), 500);
      expect(r.sameScores).to.equal(c.same);
      expect(r.baselinePointsPerSecond).to.be.above(0);
      expect(r.currentPointsPerSecond).to.be.above(0);
      expect(r.speedup).to.be.closeTo(r.currentPointsPerSecond / r.baselinePointsPerSecond, 0.01);
    });
  }

  it("loads another checkout's forest (here: this one) and names a folder without one", () => {
    const maker = forestOfCheckout(process.cwd());
    expect(pairedRun(maker, currentForest, config, data(1200), 200).sameScores).to.equal(true);
    expect(() => forestOfCheckout("/nonexistent/gridrail")).to.throw(
      InputError,
      /^--baseline \/nonexistent\/gridrail: cannot load \/nonexistent\/gridrail\/anomaly\/rcf\/forest\.ts \(Cannot find module/,
    );
  });
});
