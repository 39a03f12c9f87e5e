import { splitCsvLine } from "../../anomaly/io/csvLine";

/** Which supplier layout a file is in, decided from its first non-blank lines. */
export type Layout = "nem12" | "nem12-excel" | "wide" | "long" | "plain" | "unknown" | "empty";

export const WIDE_HEADER = ["NMI", "METER SERIAL NUMBER", "CON/GEN", "DATE", "ESTIMATED?"];
export const LONG_HEADER = [
  "AccountNumber",
  "NMI",
  "DeviceNumber",
  "DeviceType",
  "RegisterCode",
  "RateTypeDescription",
  "StartDate",
  "EndDate",
  "ProfileReadValue",
  "RegisterReadValue",
  "QualityFlag",
];

/** Excel turns the 14-digit NEM12 update timestamp into a float like 2.01811E+13. */
const EXCEL_NUMBER = /^\d(\.\d+)?E\+\d+$/i;

/** `lines` are the first few non-blank lines (BOM already stripped). */
export function detectLayout(lines: readonly string[]): Layout {
  if (lines.length === 0) return "empty";
  const first = splitCsvLine(lines[0], ",").map((s) => s.trim());
  if (first[0] === "100" || first[0] === "200") {
    const day = lines.find((l) => l.startsWith("300,"));
    const fields = day?.split(",").map((s) => s.trim()) ?? [];
    return fields.some((f) => EXCEL_NUMBER.test(f)) ? "nem12-excel" : "nem12";
  }
  if (WIDE_HEADER.every((h, i) => first[i] === h) && first.length > WIDE_HEADER.length) return "wide";
  if (LONG_HEADER.every((h, i) => first[i] === h)) return "long";
  if (first.length === 2 && first[0].toLowerCase() === "timestamp" && first[1].toLowerCase() === "kwh") return "plain";
  return "unknown";
}
