import { expect } from "chai";
import { createDetector, encodeState } from "../../anomaly";
import { minuteTimestamp, sineStream } from "../helpers/streams";

describe("rcf state size", () => {
  it("the default 5-input model's encoded state fits a DynamoDB item (400 KB) after 12k points", () => {
    const d = createDetector("rcf", 5);
    sineStream(12000, 5, 9, 101).forEach((values, i) => d.process({ timestamp: minuteTimestamp(i), values }));
    const bytes = encodeState(d.toState()).length;
    // reported in the closing note; the limit counts the attribute name and key too, so keep a margin
    console.log(`      default rcf, 5 inputs: encoded state ${bytes} bytes, JSON ${JSON.stringify(d.toState()).length} bytes`);
    expect(bytes).to.be.below(380_000);
  });
});
