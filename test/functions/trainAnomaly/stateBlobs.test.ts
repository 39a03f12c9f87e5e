import { expect } from "chai";
import * as fc from "fast-check";
import { createDetector, DetectorState, restoreDetector } from "../../../anomaly";
import { decodeModelState, encodeModelState } from "../../../functions/trainAnomaly/stateBlobs";
import { minuteTimestamp, sineStream } from "../../helpers/streams";

describe("model state bytes", () => {
  it("store an RCF's base64 fields raw and give the state back exactly", () => {
    const d = createDetector("rcf", 3, { numberOfTrees: 10, subSampleSize: 64 });
    sineStream(300, 3, 9).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
    const state = d.toState();
    const bytes = encodeModelState(state);
    const forest = state.forest as { points: string; trees: string };
    const raw = ((forest.points.length + forest.trees.length) * 3) / 4;
    expect(bytes.length).to.be.within(raw, raw + 8 * 1024);
    expect(JSON.stringify(decodeModelState(bytes))).to.equal(JSON.stringify(state));
    const restored = restoreDetector(decodeModelState(bytes));
    expect(restored.process({ timestamp: minuteTimestamp(300), values: [0, 1, 2] })).to.deep.equal(
      d.process({ timestamp: minuteTimestamp(300), values: [0, 1, 2] }),
    );
  });

  it("keep -0 in the header, which JSON.stringify would write as 0", () => {
    const state = { detector: "x", version: 1, lastValues: [-0, 0, -2] } as unknown as DetectorState;
    const back = decodeModelState(encodeModelState(state)) as unknown as { lastValues: number[] };
    expect(back.lastValues.map((v) => Object.is(v, -0))).to.deep.equal([true, false, false]);
  });

  it("round-trip any JSON state, long strings base64 or not", () => {
    const longText = fc.string({ minLength: 1024, maxLength: 3000 });
    const base64 = fc.uint8Array({ minLength: 768, maxLength: 3000 }).map((b) => Buffer.from(b).toString("base64"));
    const value = fc.oneof(fc.jsonValue(), longText, base64);
    fc.assert(
      fc.property(fc.dictionary(fc.string(), value), (extra) => {
        const state = { detector: "x", version: 1, ...extra } as DetectorState;
        expect(decodeModelState(encodeModelState(state))).to.deep.equal(state);
      }),
      { numRuns: 50 },
    );
  });

  const damaged: [string, Uint8Array, string][] = [
    ["another format", Buffer.from("deflated bytes"), "model state does not start with GRS1"],
    ["a cut header", Buffer.concat([Buffer.from("GRS1"), Buffer.from([200, 0, 0, 0]), Buffer.from("{}")]), "model state header of 200 bytes overruns 10 bytes"],
    [
      "a cut blob",
      Buffer.concat([Buffer.from("GRS1"), Buffer.from([2, 0, 0, 0]), Buffer.from("{}"), Buffer.from([9, 0, 0, 0, 1])]),
      "model state blob 0 overruns the data",
    ],
  ];
  for (const [what, bytes, message] of damaged) {
    it(`refuse ${what} with a CheckpointError`, () => {
      expect(() => decodeModelState(bytes))
        .to.throw(message)
        .with.property("name", "CheckpointError");
    });
  }
});
