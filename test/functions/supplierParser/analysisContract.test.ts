import { expect } from "chai";
import { Readable } from "stream";
import { analyseDay } from "../../../functions/dailyAnalysis/analyseDay";
import { MemoryLake, MemoryReports } from "../../../functions/dailyAnalysis/memoryPorts";
import { parseDay } from "../../../functions/dailyAnalysis/reportDay";
import { processObject } from "../../../functions/supplierParser/processObject";

const vals = (v: string): string => Array(48).fill(v).join(",");

describe("supplierParser output read by the daily analysis", () => {
  it("gives the analysis the consumption of a file with E1 and B1, never its generation", async () => {
    // NEM time: day 20240101 runs 2023-12-31T14:00Z to 2024-01-01T14:00Z, so 28 of its half-hours fall on the UTC day
    const file = [
      "200,N1,E1B1,1,E1,,M1,KWH,30,",
      `300,20240101,${vals("0.5")},A,,,20240102030312,`,
      "200,N1,E1B1,1,B1,,M1,KWH,30,",
      `300,20240101,${vals("0.2")},A,,,20240102030312,`,
    ].join("\n");
    const lake = new MemoryLake();
    await processObject(
      {
        get: async () => ({ body: Readable.from([file]) }),
        put: async (key, body) => void lake.objects.set(key, body),
      },
      "20240101/acme.csv",
    );
    expect([...lake.objects.keys()].sort()).to.deep.equal([
      "processed/20240101/acme.jsonl",
      "processed/20240101/generation/acme.jsonl",
      "quarantine/20240101/acme.json",
    ]);

    const reports = new MemoryReports();
    await analyseDay(lake, reports, parseDay("2024-01-01"), { now: () => new Date("2024-01-02T00:30:00Z") });
    const report = JSON.parse(reports.objects.get("reports/acme/20240101.json")!) as { totalKwh: number; sources: { supplierReadings: number } };
    expect([report.totalKwh, report.sources.supplierReadings]).to.deep.equal([14, 48]);
    expect(lake.reads).to.deep.equal(["processed/20240101/acme.jsonl"]);
  });
});
