import { expect } from "chai";
import { isDecimalText, parseTimestamp, zonedIsoTime } from "../../anomaly/io/timestamp";

describe("strict timestamps and numbers", () => {
  const valid: [string, number][] = [
    ["2014-04-10 07:15:00.000000", Date.UTC(2014, 3, 10, 7, 15)],
    ["2020-03-09T10:14:33+01:00", Date.UTC(2020, 2, 9, 9, 14, 33)],
    ["2020-03-09T10:14:33-0230", Date.UTC(2020, 2, 9, 12, 44, 33)],
    ["2020-03-09T10:14:33.5Z", Date.UTC(2020, 2, 9, 10, 14, 33, 500)],
    ["2020-03-09 10:14", Date.UTC(2020, 2, 9, 10, 14)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["2000-02-29T23:59:59Z", Date.UTC(2000, 1, 29, 23, 59, 59)],
    ["0050-01-01", new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(50)],
    ["1700000000", 1700000000],
    ["-12.5", -12.5],
  ];
  for (const [text, ms] of valid) {
    it(`reads ${JSON.stringify(text)}`, () => expect(parseTimestamp(text)).to.equal(ms));
  }

  const invalid = [
    "2020-02-30",
    "2021-02-29",
    "2020-04-31",
    "2020-13-01",
    "2020-00-10",
    "2020-01-00",
    "2020-01-01 24:00",
    "2020-01-01 23:60",
    "2020-01-01 23:59:60",
    "2020-01-01T10:00+25:00",
    "2020-01-01T10:00+01:60",
    "March 7",
    "Tue Mar 10 2020",
    "2020/01/01",
    "20200101T000000",
    "2020-1-1",
    "yesterday",
    "",
    "0x10",
    "1e3",
  ];
  for (const text of invalid) {
    it(`refuses ${JSON.stringify(text)}`, () => expect(parseTimestamp(text)).to.be.NaN);
  }

  const numbers: [string, boolean][] = [
    ["12", true],
    ["-0.5", true],
    ["+3.", true],
    [".25", true],
    ["1e3", true],
    ["2.5E-4", true],
    [" 7 ", true],
    ["0x10", false],
    ["0b101", false],
    ["0o17", false],
    ["Infinity", false],
    ["1e999", false],
    ["", false],
    [" ", false],
    ["1,5", false],
    ["NaN", false],
  ];
  for (const [text, ok] of numbers) {
    it(`${ok ? "accepts" : "refuses"} the number ${JSON.stringify(text)}`, () => expect(isDecimalText(text)).to.equal(ok));
  }

  const zoned: [string, number | undefined][] = [
    ["2026-11-21T10:30:00Z", Date.UTC(2026, 10, 21, 10, 30)],
    ["2026-11-21T20:30+10:00", Date.UTC(2026, 10, 21, 10, 30)],
    ["2026-02-30T10:00:00Z", NaN],
    ["2026-11-21T24:00:00Z", NaN],
    ["2026-11-21T10:30:00", undefined],
    ["2026-11-21 10:30:00Z", undefined],
  ];
  for (const [text, ms] of zoned) {
    it(`reads ${JSON.stringify(text)} as a zoned ISO time: ${String(ms)}`, () => expect(zonedIsoTime(text)).to.deep.equal(ms));
  }
});
