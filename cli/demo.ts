import { existsSync, mkdirSync, writeFileSync } from "fs";
import { join } from "path";
import { createDetector, DetectorResult } from "../anomaly";
import { readSeries } from "../anomaly/io/csvSeries";
import { Random } from "../anomaly/random";
import { htmlPage, lineChart } from "../report/svgChart";
import { readNabLabels } from "../anomaly/evaluation/nabLabels";
import { InputError } from "../anomaly/errors";
import { Command, PROJECT_ROOT, ParsedArgs, SHARED_DATA, runCommand, UsageError } from "./args";
import { checkOutputFolder } from "./outputPaths";

/**
 * `gridrail demo`: runs the anomaly detector over real labelled data
 * from ../shared/data/nab (or, where that folder is absent, a built-in demo series with injected faults),
 * prints what it found against the labels, and writes an HTML report per series to out/.
 */
const USAGE = "usage: gridrail demo [--out DIR] [--no-report]";
const NAB = join(SHARED_DATA, "nab");
const SERIES = [
  "realKnownCause/machine_temperature_system_failure.csv",
  "realKnownCause/nyc_taxi.csv",
  "realKnownCause/ec2_request_latency_system_failure.csv",
  "artificialWithAnomaly/art_daily_jumpsdown.csv",
];

interface Series {
  name: string;
  timestamps: number[];
  values: number[];
  windows: [number, number][];
}

/** Every time the demo prints, to the minute, in UTC (NAB's timestamps are UTC). */
const minute = (t: number): string => `${new Date(t).toISOString().slice(0, 16).replace("T", " ")} UTC`;
/** A value as the demo prints it: six significant digits. */
const shown = (x: number): number => Number(x.toPrecision(6));

async function nabSeries(): Promise<Series[]> {
  const labels = readNabLabels(join(NAB, "labels", "combined_windows.json"));
  const out: Series[] = [];
  for (const name of SERIES) {
    const s: Series = { name, timestamps: [], values: [], windows: labels[name] ?? [] };
    for await (const row of readSeries({ file: join(NAB, "data", name) })) {
      s.timestamps.push(row.timestamp);
      s.values.push(row.values[0]);
    }
    out.push(s);
  }
  return out;
}

/** Five days of 5-minute readings with a daily cycle, then a stuck sensor and a spike. */
function demoSeries(): Series[] {
  const r = new Random(1);
  const start = Date.UTC(2026, 0, 1);
  const s: Series = { name: "built-in demo (daily cycle, stuck sensor, spike)", timestamps: [], values: [], windows: [] };
  for (let i = 0; i < 2016; i++) {
    const t = start + i * 300_000;
    let v = 20 + 5 * Math.sin((2 * Math.PI * i) / 288) + r.nextDouble();
    if (i >= 1500 && i < 1560) v = 20; // stuck
    if (i === 1800) v = 45; // spike
    s.timestamps.push(t);
    s.values.push(v);
  }
  s.windows = [
    [start + 1490 * 300_000, start + 1570 * 300_000],
    [start + 1795 * 300_000, start + 1805 * 300_000],
  ];
  return [s];
}

async function main(args: ParsedArgs): Promise<void> {
  if (args["no-report"] && args.out !== undefined) throw new UsageError("--out is the reports' folder; --no-report writes none");
  const outDir = (args.out as string | undefined) ?? join(PROJECT_ROOT, "out");
  checkOutputFolder("--out", outDir);
  // the report folder is made before the scoring, so a bad --out fails at once
  if (!args["no-report"]) {
    try {
      mkdirSync(outDir, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EEXIST" || code === "ENOTDIR") throw new InputError(`--out ${outDir}: a file is in the way of the folder`);
      throw new InputError(`--out ${outDir}: cannot make the folder: ${code ?? (e as Error).message}`);
    }
  }
  const useNab = existsSync(join(NAB, "labels", "combined_windows.json"));
  process.stdout.write(
    useNab
      ? `gridrail: streaming the random cut forest over ${SERIES.length} labelled NAB series from ${NAB}\n`
      : "gridrail: ../shared/data/nab is absent; streaming the random cut forest over a built-in demo series\n",
  );
  const all = useNab ? await nabSeries() : demoSeries();
  for (const s of all) {
    const detector = createDetector("rcf", 1, { outOfOrder: "accept" });
    const results: DetectorResult[] = [];
    const started = Date.now();
    s.values.forEach((v, i) => {
      results.push(detector.process({ timestamp: s.timestamps[i], values: [v] }));
      // on a terminal the count rewrites its line; in a log, one line each
      if ((i + 1) % 5000 === 0) process.stderr.write(`  ${s.name}: ${i + 1}/${s.values.length} points${process.stderr.isTTY ? "\r" : "\n"}`);
    });
    const flagged = results.map((r, i) => (r.anomaly ? i : -1)).filter((i) => i >= 0);
    const inWindow = (i: number): number => s.windows.findIndex(([a, b]) => s.timestamps[i] >= a && s.timestamps[i] <= b);
    const caught = s.windows.map((_, w) => flagged.find((i) => inWindow(i) === w));
    process.stdout.write(`\n${s.name}: ${s.values.length} points in ${Date.now() - started} ms, ${flagged.length} flagged\n`);
    s.windows.forEach(([a, b], w) => {
      const i = caught[w];
      process.stdout.write(
        `  labelled anomaly ${minute(a)} .. ${minute(b)}: ` +
          (i === undefined
            ? "missed\n"
            : `detected at ${minute(s.timestamps[i])} (score ${results[i].score.toFixed(3)}, expected ${shown(results[i].expected[0])}, saw ${shown(s.values[i])})\n`),
      );
    });
    const others = flagged.filter((i) => inWindow(i) < 0);
    process.stdout.write(
      `  outside labelled windows: ${others.length} flag(s)${
        others.length
          ? `, first at ${others
              .slice(0, 3)
              .map((i) => minute(s.timestamps[i]))
              .join(", ")}`
          : ""
      }\n`,
    );
    if (!args["no-report"]) {
      const file = join(outDir, `${s.name.replace(/[^A-Za-z0-9]+/g, "_")}.html`);
      const fmt = (x: number): string => new Date(x).toISOString().slice(0, 16);
      writeFileSync(
        file,
        htmlPage(
          `gridrail: ${s.name}`,
          [
            ["points", String(s.values.length)],
            ["flagged", String(flagged.length)],
            ["labelled windows", String(s.windows.length)],
            ["detected windows", String(caught.filter((c) => c !== undefined).length)],
          ],
          [
            lineChart({
              title: "value (red: flagged)",
              x: s.timestamps,
              series: [{ label: "value", values: s.values, color: "#1f77b4" }],
              markers: flagged,
              formatX: fmt,
            }),
            lineChart({
              title: "anomaly score",
              x: s.timestamps,
              series: [{ label: "score", values: results.map((r) => r.score), color: "#ff7f0e" }],
              markers: flagged,
              yRange: [0, 1],
              formatX: fmt,
            }),
          ],
        ),
      );
      process.stdout.write(`  report: ${file}\n`);
    }
  }
}

export const command: Command = {
  name: "demo",
  usage: USAGE,
  flags: { out: "string", "no-report": "boolean" },
  run: main,
};

if (require.main === module) runCommand(command);
