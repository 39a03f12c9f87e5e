import { expect } from "chai";
import { createDetector, encodeState } from "../../anomaly";
import { defaultTimeDecay, estimateStateBytes, expectedDistinctPoints } from "../../anomaly/rcf/rcfOptions";
import { minuteTimestamp, sineStream } from "../helpers/streams";

describe("rcf state size", () => {
  it("estimates the distinct points a forest holds (measured 7492 for 100 x 256 at horizon 2560)", () => {
    expect(expectedDistinctPoints(100, 256, 2560)).to.be.within(7300, 7450);
    expect(expectedDistinctPoints(10, 256, 1e9)).to.be.closeTo(2560, 1);
  });

  const horizons: [number, number, number, "none" | "day", number][] = [
    // trees, inputs, shingle, calendar -> automatic timeDecay
    [100, 1, 1, "day", 22100],
    [100, 5, 1, "day", 2560],
    [100, 1, 8, "day", 2560],
    [30, 5, 1, "day", 100000],
  ];
  for (const [trees, inputs, shingle, calendar, expected] of horizons) {
    it(`picks timeDecay ${expected} for ${trees} trees, ${inputs} input(s), shingle ${shingle}, calendar ${calendar}`, () => {
      expect(defaultTimeDecay(trees, 256, inputs, shingle, calendar)).to.equal(expected);
    });
  }

  it("keeps the estimate of a longer horizon larger", () => {
    expect(estimateStateBytes(100, 256, 1, 1, "day", 30000)).to.be.greaterThan(estimateStateBytes(100, 256, 1, 1, "day", 20000));
  });

  for (const [inputs, points] of [
    [5, 12000],
    [1, 60000],
  ]) {
    it(`the default ${inputs}-input model's encoded state fits a DynamoDB item (400 KB) after ${points} points`, () => {
      const d = createDetector("rcf", inputs);
      sineStream(points, inputs, 9, 101).forEach((values, i) => d.process({ timestamp: minuteTimestamp(i), values }));
      const state = d.toState();
      const bytes = encodeState(state).length;
      // printed for docs/benchmarks.md; the item also holds its keys, so keep a margin
      console.log(
        `      default rcf, ${inputs} input(s), timeDecay ${(state as unknown as { options: { timeDecay: number } }).options.timeDecay}: encoded state ${bytes} bytes`,
      );
      expect(bytes).to.be.below(380_000);
    });
  }
});
