import { expect } from "chai";
import { NEM_TIME, fixedOffsetClock, utcMsOn, zoneClock } from "../../../functions/supplierParser/localClock";
import { Day } from "../../../functions/supplierParser/readingSchema";

const day = (s: string): Day => {
  const [y, m, d] = s.split("-").map(Number);
  return { y, m, d };
};
const hm = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

describe("supplierParser local clocks", () => {
  const melbourne = zoneClock("Australia/Melbourne");
  const cases: [string, string, string, string][] = [
    ["winter (AEST, +10)", "2019-06-22", "00:00", "2019-06-21T14:00:00.000Z"],
    ["summer (AEDT, +11)", "2019-01-15", "12:00", "2019-01-15T01:00:00.000Z"],
    ["the last minute before clocks go forward", "2019-10-06", "01:59", "2019-10-05T15:59:00.000Z"],
    ["the first minute after", "2019-10-06", "03:00", "2019-10-05T16:00:00.000Z"],
    ["the repeated hour as clocks go back: its first occurrence", "2019-04-07", "02:30", "2019-04-06T15:30:00.000Z"],
    ["after clocks went back", "2019-04-07", "03:00", "2019-04-06T17:00:00.000Z"],
  ];
  for (const [what, d, t, utc] of cases) {
    it(`Australia/Melbourne ${d} ${t}, ${what} -> ${utc}`, () => {
      expect(new Date(utcMsOn(melbourne, day(d), hm(t))).toISOString()).to.equal(utc);
      expect(melbourne.resolve(day(d), hm(t))).to.equal(Date.parse(utc));
    });
  }

  it("refuses a local time in the hour skipped when clocks go forward, naming it", () => {
    expect(melbourne.resolve(day("2019-10-06"), hm("02:30"))).to.equal(undefined);
    expect(() => utcMsOn(melbourne, day("2019-10-06"), hm("02:30"))).to.throw(
      "local time 2019-10-06 02:30 did not happen in Australia/Melbourne (the clocks went forward)",
    );
  });

  it("keeps NEM time at UTC+10:00 all year, and names fixed offsets", () => {
    expect(new Date(utcMsOn(NEM_TIME, day("2019-01-15"), hm("12:00"))).toISOString()).to.equal("2019-01-15T02:00:00.000Z");
    expect([NEM_TIME.name, fixedOffsetClock(-330).name, fixedOffsetClock(0).name]).to.deep.equal(["UTC+10:00", "UTC-05:30", "UTC+00:00"]);
  });

  it("refuses a time zone the runtime does not know", () => {
    expect(() => zoneClock("Australia/Narnia")).to.throw(
      RangeError,
      'time zone "Australia/Narnia" is not an IANA time zone this runtime knows (e.g. Australia/Melbourne)',
    );
  });
});
