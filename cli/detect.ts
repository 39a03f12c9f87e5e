import { createWriteStream, writeFileSync, WriteStream } from "fs";
import { parseOptionPairs } from "../anomaly/options";
import { runSeries } from "../anomaly/io/runSeries";
import { htmlPage, lineChart } from "../report/svgChart";
import { commaList, parseArgs, runMain, UsageError } from "./args";

const USAGE = `usage: npm run --silent detect -- --input FILE [--delimiter ,|;] [--time-column NAME]
         [--columns a,b | --exclude a,b] [--detector rcf] [--option key=value ...]
         [--output OUT.csv] [--report OUT.html]
Writes timestamp,score,anomaly,raw_score,grade for every input row (to stdout without --output).`;

const FLAGS = {
  input: "string",
  delimiter: "string",
  "time-column": "string",
  columns: "string",
  exclude: "string",
  detector: "string",
  option: "list",
  output: "string",
  report: "string",
  help: "boolean",
} as const;

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), FLAGS);
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const input = args.input as string | undefined;
  if (!input) throw new UsageError("--input is required");
  const delimiter = args.delimiter as string | undefined;
  if (delimiter !== undefined && delimiter !== "," && delimiter !== ";") {
    throw new UsageError(`--delimiter must be , or ;, got ${JSON.stringify(delimiter)}`);
  }
  if (args.columns && args.exclude) throw new UsageError("give --columns or --exclude, not both");
  const detector = (args.detector as string | undefined) ?? "rcf";
  const options = parseOptionPairs((args.option as string[] | undefined) ?? []);
  const outPath = args.output as string | undefined;
  const reportPath = args.report as string | undefined;
  const out: NodeJS.WritableStream | WriteStream = outPath ? createWriteStream(outPath) : process.stdout;
  const write = (line: string): void => {
    out.write(`${line}\n`);
  };
  const keep = reportPath ? { x: [] as number[], values: [] as number[][], scores: [] as number[], flagged: [] as number[] } : null;
  let anomalies = 0;
  let headerWritten = false;
  const started = Date.now();
  const { header, rows } = await runSeries(
    { file: input, delimiter, timeColumn: args["time-column"] as string | undefined, columns: commaList(args.columns as string | undefined), exclude: commaList(args.exclude as string | undefined) },
    detector,
    options,
    ({ row, result }) => {
      // the header goes out with the first row, so a file that cannot be read leaves no half output
      if (!headerWritten) {
        headerWritten = true;
        write("timestamp,score,anomaly,raw_score,grade");
      }
      if (result.anomaly) anomalies++;
      write(`${csvCell(row.timestampText)},${round(result.score)},${result.anomaly ? 1 : 0},${round(result.rawScore)},${round(result.grade)}`);
      if (keep) {
        if (result.anomaly) keep.flagged.push(keep.x.length);
        keep.x.push(row.timestamp);
        keep.values.push(row.values);
        keep.scores.push(result.score);
      }
    },
  );
  if (outPath) await new Promise<void>((resolve, reject) => (out as WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())));
  if (keep && reportPath) {
    const palette = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    const fmt = (x: number): string => (x > 1e11 ? new Date(x).toISOString().replace(".000Z", "Z") : String(x));
    const charts = header.columns.map((c, j) =>
      lineChart({ title: c, x: keep.x, series: [{ label: c, values: keep.values.map((v) => v[j]), color: palette[j % palette.length] }], markers: keep.flagged, formatX: fmt }),
    );
    charts.push(lineChart({ title: "anomaly score (0.5 = threshold)", x: keep.x, series: [{ label: "score", values: keep.scores, color: "#ff7f0e" }], markers: keep.flagged, yRange: [0, 1], formatX: fmt }));
    writeFileSync(
      reportPath,
      htmlPage(`gridrail detect: ${input}`, [
        ["input", input],
        ["detector", `${detector} ${Object.entries(options).map(([k, v]) => `${k}=${v}`).join(" ")}`.trim()],
        ["columns", header.columns.join(", ")],
        ["rows", String(rows)],
        ["anomalies", String(anomalies)],
      ], charts),
    );
  }
  process.stderr.write(
    `detect: ${rows} rows, ${header.columns.length} column(s) [${header.columns.join(", ")}], ${anomalies} anomalies, ${((Date.now() - started) / 1000).toFixed(1)} s` +
      `${outPath ? `, scores in ${outPath}` : ""}${reportPath ? `, report in ${reportPath}` : ""}\n`,
  );
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

runMain(USAGE, main);
