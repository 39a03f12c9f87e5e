import { expect } from "chai";
import { damp, normalise, normaliser, scoreSeen, scoreUnseen } from "../../anomaly/rcf/scoreFunctions";

describe("rcf score functions", () => {
  // the scorer reads log2(mass + 1) from a table up to mass 256 and computes it above: the same double either way
  const masses = [0, 1, 2, 63, 255, 256, 257, 511, 1000, 4096, 10_000];
  for (const mass of masses) {
    it(`scales a tree of mass ${mass} by log2(${mass} + 1) exactly`, () => {
      const log2 = Math.log(mass + 1) / Math.LN2;
      expect([normaliser(mass), normalise(0.37, mass)]).to.deep.equal([log2, 0.37 * log2]);
    });
  }

  const cases: [name: string, value: () => number, expected: number][] = [
    ["a point isolated at the root scores 1", () => scoreUnseen(0), 1],
    ["a point isolated at depth 3 scores 1/4", () => scoreUnseen(3), 0.25],
    ["a point alone in its leaf at depth 2 scores 1/3", () => scoreSeen(2, 1), 1 / 3],
    ["a point held 3 times in its leaf at depth 2 scores 1/4", () => scoreSeen(2, 3), 0.25],
    ["a leaf holding half the tree is damped by 1/4", () => damp(128, 256), 0.75],
  ];
  for (const [name, value, expected] of cases) {
    it(name, () => {
      expect(value()).to.equal(expected);
    });
  }
});
