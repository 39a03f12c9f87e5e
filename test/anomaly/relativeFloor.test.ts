import { expect } from "chai";
import fc from "fast-check";
import { createDetector, decodeState, encodeState, restoreDetector } from "../../anomaly";
import { OptionError } from "../../anomaly/errors";
import { Preprocessor } from "../../anomaly/rcf/preprocessor";
import { minuteTimestamp, sineStream } from "../helpers/streams";

/** A preprocessor that has learned inputs of deviation 10 and 0.01 around 0 (exactly: +-10 and +-0.01 in turn). */
function learned(relativeFloor: number): Preprocessor {
  const p = new Preprocessor(2, true, "none", 1000, undefined, [], relativeFloor);
  for (let i = 0; i < 1000; i++) p.update(i % 2 === 0 ? [10, 0.01] : [-10, -0.01]);
  return p;
}

function features(p: Preprocessor, values: number[]): number[] {
  const out = new Float64Array(2);
  p.transform(0, values, out, 0);
  return Array.from(out);
}

describe("rcf relativeFloor", () => {
  it("standardises an input by at least the given share of the largest input's deviation", () => {
    const [, quiet] = features(learned(0), [0, 0.01]);
    const [, floored] = features(learned(0.1), [0, 0.01]);
    const [loud, quietUnderFloor] = features(learned(0.1), [10, 0.02]);
    expect(quiet).to.be.closeTo(1, 1e-6); // without: the 0.01 noise is one deviation, as big as the signal's
    expect(floored).to.be.closeTo(0.01, 1e-6); // with 0.1: scaled by 0.1 x 10 = 1
    expect(loud).to.be.closeTo(1, 1e-6);
    expect(quietUnderFloor).to.be.closeTo(0.02, 1e-6);
  });

  it("maps features back to input units through the same scale", () => {
    const p = learned(0.1);
    const [, f] = features(p, [0, 0.37]);
    expect(p.inverse(1, f)).to.be.closeTo(0.37, 1e-12);
  });

  it("defaults to 0.03, is left out of saved options when 0 and kept when set", () => {
    const options = (o: Record<string, number>) => (createDetector("rcf", 2, o).toState() as unknown as { options: { relativeFloor?: number } }).options;
    expect(options({}).relativeFloor).to.equal(0.03);
    expect(options({ relativeFloor: 0 })).to.not.have.property("relativeFloor");
    expect(options({ relativeFloor: 0.05 }).relativeFloor).to.equal(0.05);
  });

  it("restores a state saved before the option existed as a model without the floor", () => {
    const data = sineStream(300, 2, 5, 41).map(([a, b]) => [a, 0.01 * b]);
    const feed = (d: ReturnType<typeof createDetector>, from: number, to: number) =>
      data.slice(from, to).map((values, i) => d.process({ timestamp: minuteTimestamp(from + i), values }));
    const unfloored = createDetector("rcf", 2, { numberOfTrees: 10, subSampleSize: 16, relativeFloor: 0 });
    feed(unfloored, 0, 150);
    const old = JSON.parse(JSON.stringify(unfloored.toState()));
    expect(old.options).to.not.have.property("relativeFloor");
    const restored = restoreDetector(old);
    expect(feed(restored, 150, 300)).to.deep.equal(feed(unfloored, 150, 300));
  });

  it("refuses a share outside [0, 1], naming the option and the value", () => {
    expect(() => createDetector("rcf", 2, { relativeFloor: 2 })).to.throw(OptionError, "option relativeFloor must be a number in [0, 1], got 2");
    expect(() => createDetector("rcf", 2, { relativeFloor: "some" })).to.throw(OptionError, 'option relativeFloor must be a number in [0, 1], got "some"');
  });

  it("restores bit for bit at any point", () => {
    const options = { numberOfTrees: 10, subSampleSize: 16, relativeFloor: 0.2 };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.uniqueArray(fc.integer({ min: 1, max: 299 }), { maxLength: 3 }), (seed, cuts) => {
        const data = sineStream(300, 3, seed, 41).map(([a, b, c]) => [a, 0.01 * b, 100 * c]);
        const live = createDetector("rcf", 3, options);
        const expected = data.map((values, i) => live.process({ timestamp: minuteTimestamp(i), values }));
        let d = createDetector("rcf", 3, options);
        const actual = data.map((values, i) => {
          if (cuts.includes(i)) d = restoreDetector(decodeState(encodeState(d.toState())));
          return d.process({ timestamp: minuteTimestamp(i), values });
        });
        expect(actual).to.deep.equal(expected);
      }),
      { numRuns: 6, seed: 20261203 },
    );
  });
});
