/** Supplier-file fixtures of every layout, and `ingest`, which parses one through the streaming file reader. */
import { writeFileSync } from "fs";
import { join } from "path";
import { IngestOptions, IngestResult, ingestFile } from "../../../functions/supplierParser/ingest";
import { Reading } from "../../../functions/supplierParser/readingSchema";
import { tempDir } from "../../helpers/tempDir";

/** Where `ingest` writes its fixtures. */
export const fixtureDir = tempDir("gridrail-ingest-");
let n = 0;
/** Writes the fixture to a tmp file and parses it through the streaming file reader. */
export async function ingest(text: string, opts: IngestOptions = {}): Promise<IngestResult> {
  const path = join(fixtureDir, `f${n++}.csv`);
  writeFileSync(path, text);
  return ingestFile(path, { clientId: "c1", ...opts });
}

export const vals = (k: number, v = "0.1"): string => Array(k).fill(v).join(",");
export const H200 = "200,M1,E1E2,E1,E1,,CZ1,KWH,30,";
export const d300 = (date: string, values = vals(48), q = "A"): string => `300,${date},${values},${q},,,20240102030312,`;
export const nem12 = (...lines: string[]): string => [H200, ...lines].join("\n") + "\n";
export const WIDE = "NMI,METER SERIAL NUMBER,CON/GEN,DATE,ESTIMATED?," + Array.from({ length: 48 }, (_, i) => `c${i}`).join(",");
export const wide = (...rows: string[]): string => [WIDE, ...rows].join("\n");
export const wrow = (date: string, values = vals(48), est = "No", cg = "Consumption"): string => `N1,7625,${cg},${date},${est},${values}`;
export const LONG =
  "AccountNumber,NMI,DeviceNumber,DeviceType,RegisterCode,RateTypeDescription,StartDate,EndDate,ProfileReadValue,RegisterReadValue,QualityFlag";
export const hm = (m: number): string => `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}`;
export const lrow = (date: string, i: number, v = "0.1", q = "A"): string => `7,6,2,MRIM,2#E1,G,${date} ${hm(i * 30)},${date} ${hm(i * 30 + 29)},${v},0,${q}`;
export const longDay = (date: string, count = 48): string[] => Array.from({ length: count }, (_, i) => lrow(date, i));
export const long = (...rows: string[]): string => [LONG, ...rows].join("\n") + "\n";

export const reading = (intervalStart: string, kwh: number, quality = "A", intervalMinutes = 30, channel: Reading["channel"] = "consumption"): Reading => ({
  clientId: "c1",
  intervalStart,
  intervalMinutes,
  kwh,
  quality,
  channel,
});
