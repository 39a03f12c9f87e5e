import { expect } from "chai";
import fc from "fast-check";
import { readingJson } from "../../../functions/supplierParser/readingSchema";
import { invalidKeyReportKey } from "../../../functions/supplierParser/invalidKeyReport";
import { reasonKind } from "../../../functions/supplierParser/rejectionLog";
import { settingsFromEnv } from "../../../functions/supplierParser/settings";

describe("supplierParser settings from the environment", () => {
  const ok: [Record<string, string>, { maxBytes: number; maxKw: number; maxErrors: number }][] = [
    [{}, { maxBytes: 104_857_600, maxKw: 250, maxErrors: 100 }],
    [
      { SUPPLIER_MAX_OBJECT_MB: "", SUPPLIER_MAX_KW: "" },
      { maxBytes: 104_857_600, maxKw: 250, maxErrors: 100 },
    ],
    [
      { SUPPLIER_MAX_OBJECT_MB: "0.5", SUPPLIER_MAX_KW: "1000", SUPPLIER_MAX_LISTED_ERRORS: "20" },
      { maxBytes: 524_288, maxKw: 1000, maxErrors: 20 },
    ],
  ];
  for (const [env, settings] of ok) {
    it(`reads ${JSON.stringify(env)}`, () => expect(settingsFromEnv(env)).to.deep.equal(settings));
  }

  const bad: [Record<string, string>, string][] = [
    [{ SUPPLIER_MAX_OBJECT_MB: "0" }, 'environment variable SUPPLIER_MAX_OBJECT_MB must be a number above 0, got "0"'],
    [{ SUPPLIER_MAX_KW: "1e999" }, 'environment variable SUPPLIER_MAX_KW must be a number above 0, got "1e999"'],
    [{ SUPPLIER_MAX_KW: "-5" }, 'environment variable SUPPLIER_MAX_KW must be a number above 0, got "-5"'],
    [{ SUPPLIER_MAX_LISTED_ERRORS: "2.5" }, 'environment variable SUPPLIER_MAX_LISTED_ERRORS must be a whole number above 0, got "2.5"'],
  ];
  for (const [env, message] of bad) {
    it(`refuses ${JSON.stringify(env)}`, () => expect(() => settingsFromEnv(env)).to.throw(RangeError, message));
  }
});

describe("supplierParser invalid-key report names", () => {
  it("URL-encodes a key that fits", () => {
    expect(invalidKeyReportKey("uploads/my file.xlsx")).to.equal("quarantine/_invalid-keys/uploads%2Fmy%20file.xlsx.json");
  });

  it("cuts a long name to 1024 bytes, never inside an escape, and ends it in a hash of the whole key", () => {
    const a = invalidKeyReportKey("a".repeat(2000));
    const b = invalidKeyReportKey(`${"a".repeat(1999)}b`);
    expect([a.length, a.slice(-22, -5).charAt(0), a === b]).to.deep.equal([1024, "~", false]);
    const e = invalidKeyReportKey("é".repeat(1000));
    expect(/^quarantine\/_invalid-keys\/(%C3%A9)+~[0-9a-f]{16}\.json$/.test(e)).to.equal(true);
  });

  it("names a key that cannot be encoded (a lone surrogate) by its hash alone", () => {
    expect(invalidKeyReportKey("\ud800.csv")).to.match(/^quarantine\/_invalid-keys\/~[0-9a-f]{16}\.json$/);
  });
});

describe("supplierParser reason kinds", () => {
  const cases: [string, string][] = [
    ['interval 3: "abc" is not a number', 'interval <n>: "…" is not a number'],
    ["duplicate timestamp 2024-01-01T00:00:00.000Z (first seen at line 2)", "duplicate timestamp <time> (first seen at line <n>)"],
    ['duplicate timestamp "2024-06-01T03:30" (2024-05-31T17:30:00.000Z; first seen at line 9)', 'duplicate timestamp "…" (<time>; first seen at line <n>)'],
    [
      "local time 2024-10-06 02:00 did not happen in Australia/Melbourne (the clocks went forward)",
      "local time <day> <hh:mm> did not happen in Australia/Melbourne (the clocks went forward)",
    ],
  ];
  for (const [reason, kind] of cases) it(`counts "${reason}" as "${kind}"`, () => expect(reasonKind(reason)).to.equal(kind));
});

describe("supplierParser reading lines", () => {
  it("writes exactly what JSON.stringify writes, for any reading the parsers can produce", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
        fc.date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true }),
        fc.constantFrom(1, 5, 15, 30, 60),
        fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(-0)),
        fc.constantFrom("A", "E", "F", "N", "S"),
        fc.constantFrom("consumption" as const, "generation" as const),
        (clientId, t, intervalMinutes, kwh, quality, channel) => {
          const r = { clientId, intervalStart: t.toISOString(), intervalMinutes, kwh, quality, channel };
          expect(readingJson(r)).to.equal(JSON.stringify(r));
        },
      ),
      { numRuns: 500, seed: 3 },
    );
  });
});
