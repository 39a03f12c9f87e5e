import { expect } from "chai";
import { Random, hashUniform, mix32 } from "../../anomaly/random";

describe("Random", () => {
  it("repeats the same sequence for the same seed", () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    const ys = Array.from({ length: 5 }, () => b.nextUint32());
    expect(xs).to.deep.equal(ys);
    expect(new Random(43).nextUint32()).to.not.equal(xs[0]);
  });

  it("continues exactly from a saved state", () => {
    const a = new Random(7);
    for (let i = 0; i < 100; i++) a.nextDouble();
    const b = Random.fromState(a.getState());
    expect(Array.from({ length: 10 }, () => b.nextDouble())).to.deep.equal(Array.from({ length: 10 }, () => a.nextDouble()));
  });

  it("draws doubles in [0, 1) with a mean near one half", () => {
    const r = new Random(1);
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < 100000; i++) {
      const x = r.nextDouble();
      sum += x;
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    expect(min).to.be.at.least(0);
    expect(max).to.be.below(1);
    expect(sum / 100000).to.be.closeTo(0.5, 0.005);
  });

  it("rejects a malformed state with the value in the message", () => {
    expect(() => Random.fromState([1, 2, 3])).to.throw("random state must be four uint32 words, got [1,2,3]");
  });
});

describe("hashUniform", () => {
  it("is a pure function of seed and index, inside (0, 1)", () => {
    expect(hashUniform(3, 1e12)).to.equal(hashUniform(3, 1e12));
    expect(hashUniform(3, 1e12)).to.not.equal(hashUniform(4, 1e12));
    for (let i = 0; i < 1000; i++) {
      const u = hashUniform(9, i);
      expect(u).to.be.greaterThan(0).and.lessThan(1);
    }
    expect(mix32(0)).to.equal(0);
  });
});
