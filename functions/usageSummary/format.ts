import { Summary } from "./summary";

const TOTALS: readonly [keyof Summary, string][] = [
  ["installationsWithRealtimeData", "installations with real-time data"],
  ["supplierFiles", "supplier files received"],
  ["rejectedRows", "supplier rows rejected"],
  ["profileUpdates", "profile updates"],
  ["reportDownloads", "report downloads"],
];

/** The readable table the CLI prints by default. */
export function summaryTable(s: Summary, source: string): string {
  const lines = [`Usage summary for ${s.date} (${source})`];
  for (const [key, label] of TOTALS) lines.push(`  ${label.padEnd(36)}${String(s[key]).padStart(8)}`);
  lines.push(`  ${"trains with data".padEnd(36)}${String(s.trains.length).padStart(8)}`);
  if (s.trains.length > 0) {
    const width = Math.max(5, ...s.trains.map((t) => t.trainId.length));
    lines.push(`    ${"train".padEnd(width)}  ${"readings".padStart(10)}  ${"anomalies".padStart(9)}`);
    for (const t of s.trains) lines.push(`    ${t.trainId.padEnd(width)}  ${String(t.readings).padStart(10)}  ${String(t.anomalies).padStart(9)}`);
  }
  if (s.unreadableReadings !== undefined) lines.push(`  ${"readings not counted (unreadable)".padEnd(36)}${String(s.unreadableReadings).padStart(8)}`);
  if (s.skippedFiles !== undefined) lines.push(`  ${"files skipped".padEnd(36)}${String(s.skippedFiles).padStart(8)}`);
  if (s.bytesScanned !== undefined && s.costUsd !== undefined) {
    lines.push(`  scanned ${(s.bytesScanned / 1024 / 1024).toFixed(1)} MB, cost $${s.costUsd.toFixed(6)}`);
  }
  return `${lines.join("\n")}\n`;
}

const cell = (v: string | number) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/** Long CSV: every row without a train (totals, then what the run adds) first, then per train and metric, so it loads into any tool. */
export function summaryCsv(s: Summary): string {
  const rows: (string | number)[][] = [["date", "train_id", "metric", "value"]];
  for (const [key] of TOTALS) rows.push([s.date, "", key, s[key] as number]);
  if (s.unreadableReadings !== undefined) rows.push([s.date, "", "unreadableReadings", s.unreadableReadings]);
  if (s.skippedFiles !== undefined) rows.push([s.date, "", "skippedFiles", s.skippedFiles]);
  if (s.bytesScanned !== undefined && s.costUsd !== undefined) rows.push([s.date, "", "bytesScanned", s.bytesScanned], [s.date, "", "costUsd", s.costUsd]);
  for (const t of s.trains) {
    rows.push([s.date, t.trainId, "readings", t.readings], [s.date, t.trainId, "anomalies", t.anomalies]);
  }
  return rows.map((r) => `${r.map(cell).join(",")}\n`).join("");
}
