import { expect } from "chai";
import { evaluateHoldout, injectFaults, windowsOf } from "../../anomaly/evaluation/holdout";
import { minuteTimestamp, sineStream } from "../helpers/streams";

describe("hold-out benchmark: injected faults", () => {
  const base = sineStream(4000, 1, 9).map((v) => 2 + v[0]);

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}: three faults after the probationary 15%, in separate windows, nothing changed outside them`, () => {
      const { values, injections } = injectFaults(base, seed);
      expect(injections.length).to.equal(3);
      expect(new Set(injections.map((f) => f.kind)).size).to.equal(3);
      const window = Math.floor((0.1 * base.length) / 3);
      injections.forEach((f, k) => {
        expect(f.start).to.be.at.least(Math.ceil(0.15 * base.length) + window);
        if (k > 0) expect(f.start - injections[k - 1].start).to.be.greaterThan(window);
        expect(f.length).to.equal({ spike: 1, "level-shift": 96, stuck: 48, outage: 24 }[f.kind]);
      });
      const changed = values.map((v, i) => (v !== base[i] ? i : -1)).filter((i) => i >= 0);
      expect(changed.every((i) => injections.some((f) => i >= f.start && i < f.start + f.length))).to.equal(true);
      expect(injectFaults(base, seed)).to.deep.equal({ values, injections });
    });
  }

  it("writes each kind as documented", () => {
    const kinds = new Map<string, { start: number; length: number; values: number[] }>();
    for (let seed = 1; kinds.size < 4 && seed < 50; seed++) {
      const { values, injections } = injectFaults(base, seed);
      for (const f of injections) kinds.set(f.kind, { ...f, values });
    }
    const sorted = [...base].sort((a, b) => a - b);
    const spike = kinds.get("spike")!;
    expect(spike.values[spike.start]).to.equal(3 * sorted[Math.floor(0.99 * (sorted.length - 1))]);
    const stuck = kinds.get("stuck")!;
    expect(new Set(stuck.values.slice(stuck.start, stuck.start + 48))).to.deep.equal(new Set([base[stuck.start]]));
    const outage = kinds.get("outage")!;
    expect(outage.values.slice(outage.start, outage.start + 24).every((v) => v === 0)).to.equal(true);
    const shift = kinds.get("level-shift")!;
    const up = shift.values[shift.start] - base[shift.start];
    expect(up).to.be.greaterThan(0);
    expect(shift.values.slice(shift.start, shift.start + 96).every((v, i) => Math.abs(v - base[shift.start + i] - up) < 1e-12)).to.equal(true);
  });

  it("labels NAB windows centred on each fault: 10% of the series over its faults", () => {
    const ts = Array.from({ length: 1000 }, (_, i) => i * 10);
    expect(
      windowsOf(ts, [
        { kind: "spike", start: 500, length: 1 },
        { kind: "stuck", start: 990, length: 48 },
      ]),
    ).to.deep.equal([
      [4750, 5250],
      [9650, 9990],
    ]);
  });

  it("refuses a series too short for its faults", () => {
    expect(() => injectFaults(base.slice(0, 300), 1)).to.throw(RangeError, "series of 300 points is too short for 3 injected faults");
  });

  it("scores a corpus: one series per seed, three windows each, a real detector well above the null", () => {
    const series = [{ name: "sine", timestamps: base.map((_, i) => minuteTimestamp(i)), values: base }];
    const report = evaluateHoldout(series, [1, 2], "rcf", { numberOfTrees: 30 });
    expect(report).to.include({ series: 2, rows: 8000, windows: 6 });
    expect(report.injected.map((x) => x.seed)).to.deep.equal([1, 2]);
    expect(report.scores.standard).to.be.greaterThan(20);
  });
});
