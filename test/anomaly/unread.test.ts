import { expect } from "chai";
import { createDetector, InputError, restoreDetector } from "../../anomaly";
import { minuteTimestamp, sineStream } from "../helpers/streams";

/** Two inputs that move together (the second is the first, a little noisy): one can be told from the other. */
function pairs(n: number): number[][] {
  return sineStream(n, 1, 7).map(([x], i) => [x, x + 0.02 * Math.sin(i * 1.7)]);
}

const state = (d: ReturnType<typeof createDetector>) => d.toState() as Record<string, unknown>;

describe("inputs the caller has no reading of (unread)", () => {
  for (const name of ["rcf", "zscore", "ewma", "ensemble"]) {
    it(`${name}: a broken input's value neither alarms nor reaches the model; the point is still scored`, () => {
      const d = createDetector(name, 2, name === "rcf" ? { seed: 1 } : {});
      const points = pairs(700);
      points.slice(0, 500).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
      const lastRead = (state(d).guard as { lastValues: number[] }).lastValues[0];
      const results = points.slice(500, 600).map(([, y], k) => d.process({ timestamp: minuteTimestamp(500 + k), values: [1e6, y], unread: [0] }));
      expect(results.every((r) => r.ready && !r.anomaly)).to.equal(true);
      expect(results.every((r) => JSON.stringify(r.imputed) === "[0]")).to.equal(true);
      // a later gap the caller fills is filled with the last value read, never the broken one
      expect((state(d).guard as { lastValues: number[] }).lastValues[0]).to.equal(lastRead);
      const after = points.slice(600).map((v, k) => d.process({ timestamp: minuteTimestamp(600 + k), values: v }));
      expect(after.filter((r) => r.anomaly)).to.have.length(0);
    });
  }

  it("zscore and ewma: the unread input's statistics stay as they were", () => {
    for (const name of ["zscore", "ewma"]) {
      const d = createDetector(name, 2, {});
      pairs(200).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
      const input0 = (s: Record<string, unknown>) =>
        name === "zscore" ? (s.windows as number[][])[0] : ["level", "variance", "season"].map((k) => ((s as Record<string, unknown[]>)[k] ?? [])[0]);
      const before = JSON.stringify(input0(state(d)));
      for (let i = 0; i < 20; i++) d.process({ timestamp: minuteTimestamp(200 + i), values: [50, 0.5], unread: [0] });
      expect([name, JSON.stringify(input0(state(d)))]).to.deep.equal([name, before]);
    }
  });

  it("rcf: learns nothing while the forest cannot score yet (no estimate), and resumes exactly from a state saved mid-gap", () => {
    const fresh = createDetector("rcf", 2, { seed: 3 });
    pairs(20).forEach(([, y], i) => fresh.process({ timestamp: minuteTimestamp(i), values: [-40, y], unread: [0] }));
    expect((state(fresh).forest as { updates: number }).updates).to.equal(0);

    const live = createDetector("rcf", 2, { seed: 3 });
    const points = pairs(600);
    points.slice(0, 400).forEach((v, i) => live.process({ timestamp: minuteTimestamp(i), values: v }));
    const feed = (d: ReturnType<typeof createDetector>, from: number, to: number) =>
      points.slice(from, to).map(([x, y], k) => {
        const i = from + k;
        return JSON.stringify(d.process({ timestamp: minuteTimestamp(i), values: [i < 500 ? 999 : x, y], ...(i < 500 ? { unread: [0] } : {}) }));
      });
    feed(live, 400, 450);
    const restored = restoreDetector(JSON.parse(JSON.stringify(live.toState())));
    expect(feed(restored, 450, 600)).to.deep.equal(feed(live, 450, 600));
  });

  it("refuses a bad list, and a point with every input unread", () => {
    const d = createDetector("rcf", 2, {});
    expect(() => d.process({ timestamp: 1, values: [1, 2], unread: [2] })).to.throw(
      InputError,
      "unread must list input dimensions (integers in [0, 1]), got 2",
    );
    expect(() => d.process({ timestamp: 1, values: [1, 2], unread: [0, 1] })).to.throw(
      InputError,
      "unread lists every input (0,1): a point needs at least one input read",
    );
    // an input named twice is one input: the other is still read
    expect(d.process({ timestamp: 2, values: [1, 2], unread: [0, 0] }).imputed).to.deep.equal([0]);
  });
});
