import { writeFileSync } from "fs";
import { InputError } from "../anomaly/errors";
import { parseOptionPairs } from "../anomaly/options";
import { runSeries } from "../anomaly/io/runSeries";
import { displayName } from "../anomaly/io/lineReader";
import { notInputs, SeriesTally } from "../anomaly/io/seriesTally";
import { htmlPage, lineChart } from "../report/svgChart";
import { Command, ParsedArgs, columnNames, runCommand, UsageError } from "./args";
import { detectorFlag } from "./detectorFlag";
import { checkOutputPaths, STDOUT_PATH } from "./outputPaths";
import { flooredInputsNote, nameList, risingInputsNote, suspectNote } from "./columnHints";
import { readRcfOptions } from "../anomaly/rcf/rcfOptions";
import { RejectedRows } from "./rejectedRows";
import { progressTicker } from "./progress";
import { csvCell } from "./csvCell";
import { StagedOutput } from "./stagedOutput";

/** The scores file's columns: new ones go at the end, so readers by position keep working. */
const SCORE_HEADER = "timestamp,score,anomaly,raw_score,grade,ready,imputed,clipped";

const USAGE = `usage: gridrail detect --input FILE [--delimiter ,|;] [--time-column NAME | --no-time]
         [--columns a,b | --exclude a,b] [--detector rcf] [--option key=value ...]
         [--output OUT.csv] [--report OUT.html] [--rejected OUT.csv]
Writes ${SCORE_HEADER} for every row scored, in order (to stdout
without --output or with --output -); ready is 0 while the detector warms up (score 0, no anomaly).
--input - reads standard input.
--detector: rcf (default), zscore, ewma or ensemble. --option key=value sets one of its options (an
ensemble member's as --option rcf.shingleSize=4); docs/anomaly.md lists every option, its default and meaning.
A row that cannot be read or that the detector refuses is not scored: it is named on stderr (the first
20) and listed with its line, column and reason in --rejected OUT.csv; the other rows are scored.
--no-time: the rows carry no time; the k-th row is at time k (written as k), and a first line of numbers
only is data, its columns named column1, column2, ...
Exit codes: 0 done; 1 failed (unreadable input, a missing output folder, or no row could be scored);
2 usage error (bad flag, detector or option); 3 done, but some rows were rejected.`;

const FLAGS = {
  input: "string",
  delimiter: "string",
  "time-column": "names",
  "no-time": "boolean",
  columns: "names",
  exclude: "names",
  detector: "string",
  option: "list",
  output: "string",
  report: "string",
  rejected: "string",
} as const;

/** Exit code of a run that scored some rows and rejected others. */
const EXIT_REJECTED = 3;

async function main(args: ParsedArgs): Promise<number> {
  const input = args.input as string | undefined;
  if (input === undefined) throw new UsageError("--input is required");
  const delimiter = args.delimiter as string | undefined;
  if (delimiter !== undefined && delimiter !== "," && delimiter !== ";") {
    throw new UsageError(`--delimiter must be , or ;, got ${JSON.stringify(delimiter)}`);
  }
  if (args.columns !== undefined && args.exclude !== undefined) throw new UsageError("give --columns or --exclude, not both");
  if (args["time-column"] !== undefined && args["no-time"]) throw new UsageError("give --time-column or --no-time, not both");
  const detector = detectorFlag(args);
  const options = parseOptionPairs((args.option as string[] | undefined) ?? []);
  // --output - is standard output, as no --output is; the notes and the summary go to stderr either way
  const outPath = args.output === STDOUT_PATH ? undefined : (args.output as string | undefined);
  const reportPath = args.report as string | undefined;
  const rejectedPath = args.rejected as string | undefined;
  checkOutputPaths({ flag: "--input", path: input }, [
    { flag: "--output", path: args.output as string | undefined, stdout: true },
    { flag: "--report", path: reportPath },
    { flag: "--rejected", path: rejectedPath },
  ]);
  const rejected = new RejectedRows(process.stderr, rejectedPath);
  // opened with the first scored row and put in place when complete: a run that fails leaves an earlier output as it was
  let staged: StagedOutput | null = null;
  const write = (line: string): void => {
    if (!outPath) {
      process.stdout.write(`${line}\n`);
      return;
    }
    staged ??= StagedOutput.open("--output", outPath);
    staged.stream.write(`${line}\n`);
  };
  try {
    const keep = reportPath ? { x: [] as number[], values: [] as number[][], scores: [] as number[], flagged: [] as number[] } : null;
    let anomalies = 0;
    let headerWritten = false;
    const started = Date.now();
    const tally = new SeriesTally(args["no-time"] === true, {
      columns: args.columns !== undefined,
      excluded: columnNames(args.exclude as string | undefined) ?? [],
    });
    const tick = progressTicker(
      (text) => process.stderr.write(text),
      (n, rate) => `detect: ${n} rows scored so far (${rate} rows/s)${rejected.count > 0 ? `, ${rejected.count} rejected` : ""}`,
    );
    // the --rejected report is this run's even when the file as a whole fails: no earlier report is left
    const read = runSeries(
      {
        file: input,
        delimiter,
        timeColumn: args["time-column"] as string | undefined,
        rowTime: args["no-time"] === true,
        columns: columnNames(args.columns as string | undefined),
        exclude: columnNames(args.exclude as string | undefined),
      },
      detector,
      options,
      ({ row, result }, seriesHeader) => {
        // the header goes out with the first row, so a file that cannot be read leaves no half output
        if (!headerWritten) {
          headerWritten = true;
          if (!args.columns) process.stderr.write(suspectNote(seriesHeader.columns));
          write(SCORE_HEADER);
        }
        tally.scored(row.timestampText, row.timestamp, result);
        tally.cells(seriesHeader, row.cells);
        tally.inputs(row.values);
        tick(tally.rows);
        if (result.anomaly) anomalies++;
        write(
          `${csvCell(row.timestampText)},${round(result.score)},${result.anomaly ? 1 : 0},${round(result.rawScore)},${round(result.grade)},` +
            `${result.ready ? 1 : 0},${result.imputed.length},${result.clipped.length}`,
        );
        if (keep) {
          if (result.anomaly) keep.flagged.push(keep.x.length);
          keep.x.push(row.timestamp);
          keep.values.push(row.values);
          keep.scores.push(result.score);
        }
      },
      (e) => {
        rejected.add(e);
        tally.rejected(e);
      },
    ).finally(() => rejected.finish());
    const { header, rows } = await read;
    if (rows === 0) throw new InputError(`${displayName(input)}: no row could be scored (${rejected.count} rejected)`);
    await (staged as StagedOutput | null)?.commit();
    if (keep && reportPath) {
      const palette = ["#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
      const fmt = (x: number): string => (x > 1e11 ? new Date(x).toISOString().replace(".000Z", "Z") : String(x));
      const charts = header.columns.map((c, j) =>
        lineChart({
          title: c,
          x: keep.x,
          series: [{ label: c, values: keep.values.map((v) => v[j]), color: palette[j % palette.length] }],
          markers: keep.flagged,
          formatX: fmt,
        }),
      );
      charts.push(
        lineChart({
          title: "anomaly score (0.5 = threshold)",
          x: keep.x,
          series: [{ label: "score", values: keep.scores, color: "#ff7f0e" }],
          markers: keep.flagged,
          yRange: [0, 1],
          formatX: fmt,
        }),
      );
      const page = htmlPage(
        `gridrail detect: ${displayName(input)}`,
        [
          ["input", input],
          [
            "detector",
            `${detector} ${Object.entries(options)
              .map(([k, v]) => `${k}=${v}`)
              .join(" ")}`.trim(),
          ],
          ["columns", header.columns.join(", ")],
          ["rows", String(rows)],
          ["anomalies", String(anomalies)],
          ...(tally.notReady > 0 ? [["rows before the detector was ready (not judged)", String(tally.notReady)] as [string, string]] : []),
          ...(rejected.count > 0
            ? [["rejected rows (not scored)", `${rejected.count}${rejectedPath ? `, listed in ${rejectedPath}` : ""}`] as [string, string]]
            : []),
        ],
        charts,
      );
      try {
        writeFileSync(reportPath, page);
      } catch (e) {
        throw new InputError(`--report ${reportPath}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    // columns that are neither the time nor an input are said, never left out silently
    const unused = notInputs(header).map((c) => c.name);
    for (const note of tally.notes()) process.stderr.write(`detect: note: ${note}\n`);
    process.stderr.write(risingInputsNote(header.columns, tally.inputStepCounts()));
    if (detector === "rcf") {
      const relativeFloor = readRcfOptions(header.columns.length, options).relativeFloor ?? 0;
      process.stderr.write(flooredInputsNote(header.columns, tally.inputDeviations(), relativeFloor, "relativeFloor" in options));
    }
    process.stderr.write(
      `detect: ${rows} rows scored${tally.warmUpClause()}, ${header.columns.length} column(s) [${nameList(header.columns)}], ${anomalies} anomalies` +
        `${tally.timesClause()}, ${((Date.now() - started) / 1000).toFixed(1)} s` +
        `${outPath ? `, scores in ${outPath}` : ""}${reportPath ? `, report in ${reportPath}` : ""}` +
        `${rejected.summary()}${tally.textColumnsHint(header.columns)}${unused.length > 0 ? `; not inputs: [${nameList(unused)}]` : ""}${tally.numericTextColumnsHint()}\n`,
    );
    return rejected.count > 0 ? EXIT_REJECTED : 0;
  } catch (e) {
    // the partial scores are removed; an earlier --output stays as it was
    (staged as StagedOutput | null)?.discard();
    throw e;
  }
}

function round(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "");
}

export const command: Command = {
  name: "detect",
  usage: USAGE,
  flags: FLAGS,
  run: main,
};

if (require.main === module) runCommand(command);
