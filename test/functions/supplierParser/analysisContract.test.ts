import { expect } from "chai";
import { Readable } from "stream";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { addDays, parseDay } from "../../../functions/dailyAnalysis/reportDay";
import { LATE_DAYS } from "../../../functions/dailyAnalysis/lateReadings";
import { processObject } from "../../../functions/supplierParser/processObject";

const vals = (v: string): string => Array(48).fill(v).join(",");

/** The parser's output of `body` uploaded as `key`, written into `lake` (at `writtenAt`, epoch ms). */
async function upload(lake: MemoryLake, key: string, body: string, writtenAt: number): Promise<void> {
  await processObject({ get: async () => ({ body: Readable.from([body]) }), put: async (k, b) => void lake.objects.set(k, b) }, key);
  for (const k of lake.objects.keys()) if (!lake.modified.has(k)) lake.modified.set(k, writtenAt);
}

const nem12 = (day: string, e1: string, b1?: string): string =>
  [
    "200,N1,E1B1,1,E1,,M1,KWH,30,",
    `300,${day},${vals(e1)},A,,,20240102030312,`,
    ...(b1 === undefined ? [] : ["200,N1,E1B1,1,B1,,M1,KWH,30,", `300,${day},${vals(b1)},A,,,20240102030312,`]),
  ].join("\n");

type Report = { totalKwh: number; sources: { supplierReadings: number; outsideDay: number } };
const reportOf = (reports: MemoryReports, day: string) => JSON.parse(reports.objects.get(`reports/acme/${day}.json`)!) as Report;

describe("supplierParser output read by the daily analysis", () => {
  // NEM time (UTC+10): day 20240101 runs 2023-12-31T14:00Z to 2024-01-01T14:00Z, so 28 of its half-hours fall on
  // the UTC day 2024-01-01 and the other 20 on 2023-12-31; the UTC day's last 20 are in the file of 20240102
  it("gives the analysis the consumption of a file with E1 and B1, never its generation, and only the UTC day's half-hours", async () => {
    const lake = new MemoryLake();
    await upload(lake, "20240101/acme.csv", nem12("20240101", "0.5", "0.2"), Date.parse("2024-01-01T20:00:00Z"));
    expect([...lake.objects.keys()].sort()).to.deep.equal([
      "processed/20240101/acme.jsonl",
      "processed/20240101/generation/acme.jsonl",
      "quarantine/20240101/acme.json",
    ]);
    const reports = new MemoryReports();
    await analyseDay(lake, reports, parseDay("2024-01-01"), { now: () => new Date("2024-01-02T00:30:00Z") });
    const report = reportOf(reports, "20240101");
    expect([report.totalKwh, report.sources.supplierReadings, report.sources.outsideDay]).to.deep.equal([14, 28, 0]);
    expect(new Set(lake.reads)).to.deep.equal(new Set(["processed/20240101/acme.jsonl"]));
    // the file's first 20 half-hours are of the UTC day before, whose run came before the file: a report is made
    expect([reportOf(reports, "20231231").totalKwh, reportOf(reports, "20231231").sources.supplierReadings]).to.deep.equal([10, 20]);
  });

  it("completes the UTC day with the next day's file: at once when it is there, else by revision when it arrives", async () => {
    const lake = new MemoryLake();
    const reports = new MemoryReports();
    await upload(lake, "20240101/acme.csv", nem12("20240101", "0.5"), Date.parse("2024-01-01T20:00:00Z"));
    await analyseDay(lake, reports, parseDay("2024-01-01"), { now: () => new Date("2024-01-02T00:30:00Z") });
    expect(reportOf(reports, "20240101").totalKwh).to.equal(14);
    // the next local day's file arrives the morning after it (UTC afternoon of 2024-01-02)
    await upload(lake, "20240102/acme.csv", nem12("20240102", "0.25"), Date.parse("2024-01-02T16:00:00Z"));
    // and, sent early, the file of the day after (its first 20 half-hours are the UTC day 2024-01-02's last)
    await upload(lake, "20240103/acme.csv", nem12("20240103", "0.1"), Date.parse("2024-01-02T23:00:00Z"));
    const summary = await analyseDay(lake, reports, parseDay("2024-01-02"), { now: () => new Date("2024-01-03T00:30:00Z") });
    expect(summary.reportsRevised).to.equal(1);
    const revised = reportOf(reports, "20240101");
    expect([revised.totalKwh, revised.sources.supplierReadings]).to.deep.equal([14 + 20 * 0.25, 48]);
    // and a day whose two files were both there when it ran is whole at once
    expect([reportOf(reports, "20240102").sources.supplierReadings, reportOf(reports, "20240102").totalKwh]).to.deep.equal([48, 28 * 0.25 + 20 * 0.1]);
  });

  it("revises no further back than LATE_DAYS, even for the day before a file that old", async () => {
    const run = parseDay("2024-03-20");
    const named = addDays(run, -LATE_DAYS);
    const lake = new MemoryLake();
    await upload(lake, `${named.compact}/acme.csv`, nem12(named.compact, "0.5"), run.startMs + 3_600_000);
    const reports = new MemoryReports();
    await analyseDay(lake, reports, run, { now: () => new Date(run.startMs + 86_400_000 + 1_800_000) });
    expect([...reports.objects.keys()].filter((k) => k.endsWith(".json"))).to.deep.equal([`reports/acme/${named.compact}.json`]);
  });
});
