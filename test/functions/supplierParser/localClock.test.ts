import { expect } from "chai";
import { ingestStream } from "../../../functions/supplierParser/ingest";
import { NEM_TIME, fixedOffsetClock, localDayMinutes, utcMsOn, zoneClock } from "../../../functions/supplierParser/localClock";
import { dayCountProblem, missingStartsNote } from "../../../functions/supplierParser/parsers/longParser";
import { secondPassNote } from "../../../functions/supplierParser/parsers/wideParser";
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

describe("supplierParser: how long a local day is, and when a day of rows is whole", () => {
  const melbourne = zoneClock("Australia/Melbourne");
  const lengths: [string, string, number][] = [
    ["an ordinary day", "2018-10-01", 1440],
    ["the clocks going forward", "2018-10-07", 1380],
    ["the clocks going back", "2019-04-07", 1500],
    ["the last day of a year", "2018-12-31", 1440],
  ];
  for (const [what, d, minutes] of lengths) {
    it(`Australia/Melbourne ${d}, ${what}: ${minutes} minutes`, () => {
      expect(localDayMinutes(melbourne, day(d))).to.equal(minutes);
    });
  }
  const santiago = zoneClock("America/Santiago");
  const midnightChanges: [string, string, number][] = [
    ["the clocks going forward at midnight (the day begins at 1:00)", "2024-09-08", 1380],
    ["the day before it", "2024-09-07", 1440],
    ["the clocks going back at midnight (23:00 twice)", "2024-04-06", 1500],
    ["the day after it", "2024-04-07", 1440],
  ];
  for (const [what, d, minutes] of midnightChanges) {
    it(`America/Santiago ${d}, ${what}: ${minutes} minutes`, () => {
      expect(localDayMinutes(santiago, day(d))).to.equal(minutes);
    });
  }
  it("NEM time has no change day", () => {
    expect(localDayMinutes(NEM_TIME, day("2018-10-07"))).to.equal(1440);
  });

  const counts: [string, number, number, string | undefined][] = [
    ["48 half-hours on an ordinary day", 48, 1440, undefined],
    ["46 on an ordinary day", 46, 1440, "day D has 46 intervals, expected 48"],
    ["50 on an ordinary day", 50, 1440, "day D has 50 intervals, expected 48"],
    ["46 as the clocks go forward", 46, 1380, undefined],
    ["48 as the clocks go forward (the wall clock's rows)", 48, 1380, undefined],
    ["47 as the clocks go forward", 47, 1380, "day D has 47 intervals, expected 46 (the clocks went forward in Z) or 48"],
    ["50 as the clocks go back", 50, 1500, undefined],
    ["48 as the clocks go back", 48, 1500, undefined],
    ["46 as the clocks go back", 46, 1500, "day D has 46 intervals, expected 50 (the clocks went back in Z) or 48"],
  ];
  for (const [what, count, dayMinutes, problem] of counts) {
    it(`${what}: ${problem ?? "whole"}`, () => {
      expect(dayCountProblem("D", count, 30, dayMinutes, "Z")).to.equal(problem);
    });
  }
});

describe("the starts a short long-layout day misses", () => {
  const without = (minutes: number, ...gone: number[]) =>
    Array.from({ length: 1440 / minutes }, (_, i) => ({ startMinute: i * minutes })).filter((r) => !gone.includes(r.startMinute));
  const cases: [string, { startMinute?: number }[], number, string][] = [
    ["a whole day", without(30), 30, ""],
    ["one half-hour", without(30, 240), 30, " (missing 04:00)"],
    ["the first and last quarter-hours", without(15, 0, 1425), 15, " (missing 00:00, 23:45)"],
    ["five half-hours: three named", without(30, 0, 30, 60, 90, 120), 30, " (missing 00:00, 00:30, 01:00 and 2 more)"],
    ["a refused row (no start) does not fill its interval", [...without(30, 60), {}], 30, " (missing 01:00)"],
  ];
  for (const [what, rows, minutes, note] of cases) {
    it(`${what}: ${JSON.stringify(note)}`, () => expect(missingStartsNote(rows, minutes)).to.equal(note));
  }
});

describe("supplierParser: the hour the clocks go back, in a file", () => {
  const LONG = "AccountNumber,NMI,DeviceNumber,DeviceType,RegisterCode,RateTypeDescription,StartDate,EndDate,ProfileReadValue,RegisterReadValue,QualityFlag";
  const hm = (m: number): string => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
  /** Melbourne, 7 April 2019: 3:00 daylight time became 2:00 standard time, so 2:00 and 2:30 came twice. */
  const fallBack = (): string[] => {
    const minutes = [...Array.from({ length: 6 }, (_, i) => i * 30), 120, 150, ...Array.from({ length: 42 }, (_, i) => 180 + i * 30)];
    return [LONG, ...minutes.map((m) => `7,6,2,MRIM,2#E1,G,7/4/19 ${hm(m)},7/4/19 ${hm(m + 29)},0.1,0,A`)];
  };

  it("long layout: a day whose midnight was skipped (Santiago, 8 September 2024) is whole with 46 rows from 1:00", async () => {
    const rows = Array.from({ length: 46 }, (_, i) => `7,6,2,MRIM,2#E1,G,8/9/24 ${hm(60 + i * 30)},8/9/24 ${hm(89 + i * 30)},0.1,0,A`);
    const starts: string[] = [];
    const r = await ingestStream([LONG, ...rows], { clientId: "c1", timeZone: "America/Santiago", onReading: (x) => starts.push(x.intervalStart) });
    expect([r.accepted, r.rejected, starts[0], starts[45]]).to.deep.equal([46, 0, "2024-09-08T04:00:00.000Z", "2024-09-09T02:30:00.000Z"]);
  });

  it("long layout: the second 2:00 and 2:30 are the later hour, and the 25-hour day is whole", async () => {
    const starts: string[] = [];
    const r = await ingestStream(fallBack(), { clientId: "c1", onReading: (x) => starts.push(x.intervalStart) });
    expect([r.rows, r.accepted, r.rejected, new Set(starts).size]).to.deep.equal([50, 50, 0, 50]);
    expect(starts.slice(4, 8)).to.deep.equal(["2019-04-06T15:00:00.000Z", "2019-04-06T15:30:00.000Z", "2019-04-06T16:00:00.000Z", "2019-04-06T16:30:00.000Z"]);
  });

  it("long layout: a third 2:00 is a duplicate", async () => {
    const rows = fallBack();
    const r = await ingestStream([...rows.slice(0, 7), rows[5], ...rows.slice(7)], { clientId: "c1" });
    // lines 6 and 8 are the two 2:00s; the third, line 9, is refused and the rest of the day stands
    expect([r.accepted, r.errors]).to.deep.equal([50, [{ line: 9, reason: "duplicate interval 2019-04-07 02:00 (repeated) (first seen at line 8)" }]]);
  });

  it("plain wall times: London's repeated 01:00 and 01:30 on 27 October 2024 are the later hour the second time", async () => {
    const lines = [
      "timestamp,kwh",
      "2024-10-27 00:30,1",
      "2024-10-27 01:00,1",
      "2024-10-27 01:30,1",
      "2024-10-27 01:00,1",
      "2024-10-27 01:30,1",
      "2024-10-27 02:00,1",
    ];
    const starts: string[] = [];
    const r = await ingestStream(lines, { clientId: "c1", timeZone: "Europe/London", onReading: (x) => starts.push(x.intervalStart) });
    expect([r.accepted, r.rejected]).to.deep.equal([6, 0]);
    expect(starts).to.deep.equal([
      "2024-10-26T23:30:00.000Z",
      "2024-10-27T00:00:00.000Z",
      "2024-10-27T00:30:00.000Z",
      "2024-10-27T01:00:00.000Z",
      "2024-10-27T01:30:00.000Z",
      "2024-10-27T02:00:00.000Z",
    ]);
  });

  it("plain wall times on an ordinary day: a repeat is a duplicate", async () => {
    const r = await ingestStream(["timestamp,kwh", "2024-10-20 01:00,1", "2024-10-20 01:00,1"], { clientId: "c1", timeZone: "Europe/London" });
    expect(r.errors.map((e) => e.reason)).to.deep.equal(['duplicate timestamp "2024-10-20 01:00" (2024-10-20T00:00:00.000Z; first seen at line 2)']);
  });

  it("wide layout: a row of the day the clocks go back is read as the first pass and says the second has no reading", async () => {
    const header = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");
    const values = Array(48).fill("0.1").join(",");
    const lines = [header, `6,7,Consumption,6/4/19,No,${values}`, `6,7,Consumption,7/4/19,No,${values}`, `6,7,Generation,7/4/19,No,${values}`];
    const starts: string[] = [];
    const r = await ingestStream(lines, { clientId: "c1", onReading: (x) => starts.push(x.intervalStart) });
    const note =
      "2019-04-07: 02:00-03:00 happened twice in Australia/Melbourne (the clocks went back), but the row has one column for each of its intervals: " +
      "read as the first pass; the second, 2019-04-06T16:00:00.000Z to 2019-04-06T17:00:00.000Z, has no reading";
    expect([r.accepted, r.rejected, r.readingCount, r.notes]).to.deep.equal([
      3,
      0,
      144,
      [
        { line: 3, note },
        { line: 4, note },
      ],
    ]);
    // the first pass: 02:00 daylight time is 15:00 UTC; 03:00 standard time follows it at 17:00 UTC
    expect(starts.slice(48 + 3, 48 + 7)).to.deep.equal([
      "2019-04-06T14:30:00.000Z",
      "2019-04-06T15:00:00.000Z",
      "2019-04-06T15:30:00.000Z",
      "2019-04-06T17:00:00.000Z",
    ]);
  });

  const notes: [string, Parameters<typeof secondPassNote>, string | undefined][] = [
    ["an ordinary day", [zoneClock("Australia/Melbourne"), day("2019-04-08"), 30, 48], undefined],
    ["the day clocks go forward", [zoneClock("Australia/Melbourne"), day("2019-10-06"), 30, 48], undefined],
    ["NEM time", [NEM_TIME, day("2019-04-07"), 30, 48], undefined],
    [
      "15-minute columns, London",
      [zoneClock("Europe/London"), day("2024-10-27"), 15, 96],
      "2024-10-27: 01:00-02:00 happened twice in Europe/London (the clocks went back), but the row has one column for each of its intervals: " +
        "read as the first pass; the second, 2024-10-27T01:00:00.000Z to 2024-10-27T02:00:00.000Z, has no reading",
    ],
  ];
  for (const [what, args, note] of notes) {
    it(`wide layout's note on ${what}: ${note === undefined ? "none" : "the repeated hour"}`, () => expect(secondPassNote(...args)).to.equal(note));
  }
});
