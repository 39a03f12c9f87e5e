import { expect } from "chai";
import { ClockError } from "../../../functions/trainAnomaly/errors";
import { Arrival, arrivalOf, checkReadingTime } from "../../../functions/trainAnomaly/readingTime";

const LIMITS = { maxClockAheadSeconds: 300, maxReadingAgeSeconds: 604800 };
const ARRIVAL: Arrival = { at: Date.UTC(2026, 11, 3, 12), source: "Kinesis" };
const WHERE = "record 17";

function check(timestamp: number, arrival: Arrival | undefined = ARRIVAL): ClockError | undefined {
  try {
    checkReadingTime(timestamp, arrival, LIMITS, WHERE);
  } catch (e) {
    return e as ClockError;
  }
  return undefined;
}

describe("a reading's time against its arrival", () => {
  const accepted: [string, number][] = [
    ["read as it arrived", ARRIVAL.at],
    ["a clock 5 minutes fast", ARRIVAL.at + 300_000],
    ["a minute in transit", ARRIVAL.at - 60_000],
    ["a week in the outbox of a train that was offline", ARRIVAL.at - 604_800_000],
  ];
  for (const [what, t] of accepted) {
    it(`accepts ${what}`, () => expect(check(t)).to.equal(undefined));
  }

  const refused: [string, number, string][] = [
    [
      "the broken clock's 2099-12-31T23:59:59Z",
      Date.UTC(2099, 11, 31, 23, 59, 59),
      'record 17: field "timestamp" is 2099-12-31T23:59:59.000Z, 2306145599 s after the record reached Kinesis at 2026-12-03T12:00:00.000Z; at most 300 s ahead is accepted (the train\'s clock is wrong)',
    ],
    [
      "a clock 301 s fast",
      ARRIVAL.at + 301_000,
      'record 17: field "timestamp" is 2026-12-03T12:05:01.000Z, 301 s after the record reached Kinesis at 2026-12-03T12:00:00.000Z; at most 300 s ahead is accepted (the train\'s clock is wrong)',
    ],
    [
      "a reading a week and a second old",
      ARRIVAL.at - 604_801_000,
      'record 17: field "timestamp" is 2026-11-26T11:59:59.000Z, 604801 s before the record reached Kinesis at 2026-12-03T12:00:00.000Z; readings at most 604800 s old are accepted',
    ],
    [
      "a clock reset to 2000",
      Date.UTC(2000, 0, 1),
      'record 17: field "timestamp" is 2000-01-01T00:00:00.000Z, 849614400 s before the record reached Kinesis at 2026-12-03T12:00:00.000Z; readings at most 604800 s old are accepted',
    ],
  ];
  for (const [what, t, message] of refused) {
    it(`refuses ${what}, naming the field, the value and the arrival`, () => {
      const e = check(t);
      expect([e?.name, e?.reason, e?.field, e?.message]).to.deep.equal(["ClockError", "clock", "timestamp", message]);
    });
  }

  it("compares with IoT Core's receipt when the Kinesis arrival is missing, and names it", () => {
    const arrival = arrivalOf(undefined, ARRIVAL.at);
    expect(arrival).to.deep.equal({ at: ARRIVAL.at, source: "IoT Core" });
    expect(check(ARRIVAL.at + 400_000, arrival)?.message).to.equal(
      'record 17: field "timestamp" is 2026-12-03T12:06:40.000Z, 400 s after the record reached IoT Core at 2026-12-03T12:00:00.000Z; at most 300 s ahead is accepted (the train\'s clock is wrong)',
    );
  });

  it("prefers the Kinesis arrival over IoT Core's receipt", () => {
    expect(arrivalOf(5, 7)).to.deep.equal({ at: 5, source: "Kinesis" });
  });

  it("lets a reading pass when there is no arrival to compare with (an offline replay)", () => {
    expect(arrivalOf(undefined, undefined)).to.equal(undefined);
    expect(() => checkReadingTime(Date.UTC(2099, 0, 1), undefined, LIMITS, WHERE)).not.to.throw();
  });
});
