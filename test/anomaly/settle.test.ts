import { expect } from "chai";
import { createDetector, DetectorOptions, restoreDetector } from "../../anomaly";
import { readRcfOptions } from "../../anomaly/rcf/rcfOptions";
import { uniformNoise as noise } from "../helpers/streams";

/** The rows `alarm=state` flags over `n` five-minute points of `value`. */
function flaggedRows(options: DetectorOptions, value: (i: number) => number, n: number): number[] {
  const d = createDetector("rcf", 1, { alarm: "state", ...options });
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (d.process({ timestamp: Date.UTC(2024, 0, 1) + i * 300_000, values: [value(i)] }).anomaly) rows.push(i);
  return rows;
}

describe("the state alarm's settle", () => {
  // a daily square wave: 20 for the first 9 hours, 80 after; the model first judges it after 108 points, all at 20
  const square = (i: number) => (i % 288 < 108 ? 20 : 80);

  it("learns a pattern first judged before the model had seen it, instead of flagging it for good", () => {
    // with the standardisation learning flagged rows (scaleFlagged true, as before that option)
    const never = flaggedRows({ settle: 0, scaleFlagged: true }, square, 288 * 14);
    const settled = flaggedRows({ scaleFlagged: true }, square, 288 * 14);
    // without settle the first 80 is flagged and never learned: 97% of the rows, to the end
    expect([never.length, never[never.length - 1]]).to.deep.equal([3924, 4031]);
    // with the default (300) the first high stretch is flagged, then learned: nothing after the first day and a half
    expect([settled.length, settled[0], settled[settled.length - 1]]).to.deep.equal([305, 108, 412]);
  });

  it("with the standardisation held while flagged (the default), the square wave ends its flags before settling", () => {
    // the low rows of the next day look normal again, so the first high rows after them are learned
    for (const settle of [0, 300]) {
      const rows = flaggedRows({ settle }, square, 288 * 14);
      expect([rows.length, rows[0], rows[rows.length - 1]], `settle ${settle}`).to.deep.equal([228, 108, 335]);
    }
  });

  it("flags a lasting change for settle points and then takes it for the new normal", () => {
    const n = noise();
    const lasting = (i: number) => (i < 2000 ? 10 : 30) + n(i);
    const rows = flaggedRows({}, lasting, 5000);
    expect([rows[0], rows[rows.length - 1]]).to.deep.equal([2000, 2352]);
    // without settle, a model that learns nothing flagged and holds its scale flags it to the end
    const never = flaggedRows({ settle: 0 }, lasting, 5000);
    expect([never.length, never[0], never[never.length - 1]]).to.deep.equal([3000, 2000, 4999]);
    // with the scale learning flagged rows (as before scaleFlagged), the same
    const learning = flaggedRows({ scaleFlagged: true }, lasting, 5000);
    expect([learning[0], learning[learning.length - 1]]).to.deep.equal([2000, 2361]);
  });

  it("keeps flagging a fault shorter than settle to its end, as without it", () => {
    const n = noise();
    const fault = (i: number) => 10 + n(i) + (i >= 3000 && i < 3150 ? 8 : 0);
    expect(flaggedRows({}, fault, 5000)).to.deep.equal(flaggedRows({ settle: 0 }, fault, 5000));
    expect(flaggedRows({}, fault, 5000)[0]).to.equal(3000);
  });

  it("resumes exactly from a state saved inside a flagged run, before and after it settles", () => {
    const n = 2600;
    const wobble = noise();
    const point = (i: number) => ({ timestamp: Date.UTC(2024, 0, 1) + i * 300_000, values: [(i < 2000 ? 10 : 30) + wobble(i)] });
    const live = createDetector("rcf", 1, { alarm: "state" });
    const straight = Array.from({ length: n }, (_, i) => live.process(point(i)));
    // rows 2000 to 2352 are flagged: cut at 2042 (a run of 42), 2299 (299, one short of settling) and 2302 (settled)
    for (const cut of [2042, 2299, 2302]) {
      const d = createDetector("rcf", 1, { alarm: "state" });
      for (let i = 0; i < cut; i++) d.process(point(i));
      const state = JSON.parse(JSON.stringify(d.toState())) as { flaggedRun?: number };
      expect(state.flaggedRun, `flagged run at ${cut}`).to.equal(Math.min(cut - 2000, 300));
      const restored = restoreDetector(state as never);
      const rest = Array.from({ length: n - cut }, (_, k) => restored.process(point(cut + k)));
      expect(JSON.stringify(rest), `cut at ${cut}`).to.equal(JSON.stringify(straight.slice(cut)));
    }
    // a restore that lost the run would settle 300 rows late: the test above would see it
    const d = createDetector("rcf", 1, { alarm: "state" });
    for (let i = 0; i < 2299; i++) d.process(point(i));
    const lost = restoreDetector({ ...d.toState(), flaggedRun: 0 } as never);
    const after = Array.from({ length: n - 2299 }, (_, k) => lost.process(point(2299 + k)));
    expect(JSON.stringify(after)).to.not.equal(JSON.stringify(straight.slice(2299)));
  });

  const options: [DetectorOptions, number | undefined | string][] = [
    [{ alarm: "state" }, 300],
    [{ alarm: "state", settle: 0 }, undefined],
    [{ alarm: "state", settle: 50 }, 50],
    [{}, undefined],
    [{ updateOnAnomaly: false }, undefined],
    [{ alarm: "state", updateOnAnomaly: true }, undefined],
    [{ settle: 50 }, "option settle needs updateOnAnomaly=false (a model that learns flagged points has nothing to settle), got settle=50"],
    [{ alarm: "state", settle: -1 }, "option settle must be an integer in [0, 1000000], got -1"],
  ];
  for (const [given, expected] of options) {
    it(`${JSON.stringify(given)}: settle ${typeof expected === "string" ? "refused" : String(expected)}`, () => {
      if (typeof expected === "string") expect(() => readRcfOptions(1, given)).to.throw(expected);
      else expect(readRcfOptions(1, given).settle).to.equal(expected);
    });
  }
});
