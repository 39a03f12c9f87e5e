import { expect } from "chai";
import { Readable } from "stream";
import { ingestStream, reportedSpan } from "../../../functions/supplierParser/ingest";
import { UNREPORTED, processObject } from "../../../functions/supplierParser/processObject";
import { MAX_REASON_CHARS, cappedReason } from "../../../functions/supplierParser/rejectionLog";

const plain = (...starts: string[]): string[] => ["timestamp,kwh", ...starts.map((t) => `${t},0.5`)];

describe("supplierParser: readings no daily report reads", () => {
  // readings of days after the file's date are rejected rows: only earlier ones can go unread
  it("spans from the day before the file's date to the day after it, in UTC", () => {
    expect(reportedSpan("20240101")).to.deep.equal({ fromMs: Date.parse("2023-12-31T00:00:00Z"), toMs: Date.parse("2024-01-03T00:00:00Z") });
  });

  const cases: [string, string[], string | undefined, object | undefined][] = [
    ["the file's own day", ["2024-01-01T00:00:00Z", "2024-01-01T23:30:00Z"], "20240101", undefined],
    ["the day before's first half-hour (its report reads the file)", ["2023-12-31T00:00:00Z", "2024-01-01T00:00:00Z"], "20240101", undefined],
    [
      "the half-hour before it",
      ["2023-12-30T23:30:00Z", "2024-01-01T00:00:00Z"],
      "20240101",
      { readings: 1, first: "2023-12-30T23:30:00.000Z", last: "2023-12-30T23:30:00.000Z" },
    ],
    [
      "a multi-year export under one day",
      ["2019-03-01T00:00:00Z", "2019-03-01T00:30:00Z", "2020-06-01T00:00:00Z"],
      "20240101",
      { readings: 3, first: "2019-03-01T00:00:00.000Z", last: "2020-06-01T00:00:00.000Z" },
    ],
    ["no date to judge by (the CLI without --date)", ["2019-03-01T00:00:00Z"], undefined, undefined],
  ];
  for (const [title, rows, date, expected] of cases) {
    it(title, async () => {
      const r = await ingestStream(plain(...rows), { clientId: "acme", date });
      expect([r.accepted, r.unreported]).to.deep.equal([rows.length, expected]);
    });
  }

  it("counts consumption only: generation is never in a report", async () => {
    const vals = (v: string) => Array(48).fill(v).join(",");
    const file = ["200,N1,E1B1,1,B1,,M1,KWH,30,", `300,20190101,${vals("0.2")},A,,,20190102030312,`];
    const r = await ingestStream(file, { clientId: "acme", date: "20240101" });
    expect([r.readingCount, r.unreported]).to.deep.equal([48, undefined]);
  });

  it("says so in the quarantine report, with the span and what to do", async () => {
    const puts = new Map<string, string>();
    const body = plain("2019-03-01T00:00:00Z", "2024-01-01T00:00:00Z").join("\n");
    await processObject({ get: async () => ({ body: Readable.from([body]) }), put: async (k, b) => void puts.set(k, b) }, "20240101/acme.csv");
    expect(JSON.parse(puts.get("quarantine/20240101/acme.json")!).unreported).to.deep.equal({
      readings: 1,
      first: "2019-03-01T00:00:00.000Z",
      last: "2019-03-01T00:00:00.000Z",
      why: UNREPORTED,
    });
  });
});

describe("supplierParser: reasons quoting a huge cell", () => {
  it("are cut to MAX_REASON_CHARS, saying how long they were, so the report stays small", async () => {
    const cell = "9".repeat(100) + "x".repeat(1_000_000);
    const rows = ["timestamp,kwh", ...Array.from({ length: 50 }, (_, i) => `2024-01-01T${String(i % 24).padStart(2, "0")}:00:00Z,${cell}`)];
    const r = await ingestStream(rows, { clientId: "acme", date: "20240101" });
    expect(r.rejected).to.equal(50);
    expect(r.errors.every((e) => e.reason.length < MAX_REASON_CHARS + 40)).to.equal(true);
    expect(r.errors[0].reason).to.match(/^kwh "9{100}x+\.\.\. \(1000\d{3} characters in all\)$/);
    expect(JSON.stringify(r).length).to.be.below(50 * 300);
  });

  it("counts long reasons of one kind as one kind, with the reason's end", async () => {
    const rows = ["timestamp,kwh", ...Array.from({ length: 150 }, (_, i) => `2024-01-01T${String(i % 24).padStart(2, "0")}:00:00Z,${"a".repeat(300 + i)}`)];
    const r = await ingestStream(rows, { clientId: "acme", date: "20240101" });
    expect(r.reasons.map((k) => [k.reason, k.count])).to.deep.equal([['kwh "…" is not a number', 150]]);
  });

  it("leaves a short reason as it is", () => {
    expect([cappedReason("short"), cappedReason("a".repeat(MAX_REASON_CHARS))]).to.deep.equal(["short", "a".repeat(MAX_REASON_CHARS)]);
  });
});
