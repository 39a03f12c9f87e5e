import { evaluateNab } from "../anomaly/evaluation/nabRun";
import { rmSync } from "fs";
import { MIN_CROP_AT, newCropsFolder, writeNabCrops, WrittenCrops } from "../anomaly/evaluation/nabCrops";
import { evaluateSkab } from "../anomaly/evaluation/skabRun";
import { evaluateHoldout } from "../anomaly/evaluation/holdout";
import { HOLDOUT_SEEDS, readHoldoutSeries } from "./holdoutSeries";
import { parseOptionPairs } from "../anomaly/options";
import { Command, integerFlag, ParsedArgs, runCommand, UsageError } from "./args";
import { detectorFlag } from "./detectorFlag";
import { runLabelledMode } from "./evalLabelled";
import { runProtocolMode } from "./evalProtocol";
import { removedOnInterrupt } from "./stagedOutput";

const USAGE = `usage: gridrail eval (--nab DIR | --skab DIR | --holdout DIR | --labelled DIR | --protocol) [--detector rcf] [--option key=value ...] [--json]
  --nab DIR      NAB layout (data/<category>/*.csv, labels/combined_windows.json): NAB v1.1 scores per profile
                 [--crop ROWS] [--crop-at SHARE]: scores short series instead, one crop of ROWS rows per labelled
                 anomaly (labels/combined_labels.json), the anomaly SHARE of the way in (default 0.3), windows
                 drawn as NAB draws them
  --skab DIR     SKAB layout (labelled csv files with anomaly/changepoint columns): point-wise F1, FAR, MAR
  --holdout DIR  supplier meter CSVs (e.g. ../shared/data/meters) with seeded injected faults, NAB-scored
  --labelled DIR CSVs with a per-row "label" column (+ optional labels_windows.json, meta.json with
                 unlabelled_prefix_rows per file, e.g. ../shared/data/asd): NAB v1.1 scores and point-wise F1
  --protocol     [--data ../shared/data] [--results out/protocol.json] [--only CANDIDATE] [--seeds 42,1,2,3,4]: the
                 rcf candidate option sets over every development set, once a seed, defaults chosen leave-one-set-out
                 on the seeds' mean, and leaving one benchmark out (NAB's categories together); then the state
                 alarm's track: its candidates' point-wise F1 on skab, asd, smd, chosen the same way
                 (docs/benchmarks.md)`;

async function main(args: ParsedArgs): Promise<void> {
  if ([args.nab, args.skab, args.holdout, args.labelled, args.protocol].filter(Boolean).length !== 1) {
    throw new UsageError("give exactly one of --nab DIR, --skab DIR, --holdout DIR, --labelled DIR or --protocol");
  }
  // a flag of another mode would be ignored: refuse it, so a run never quietly differs from what was asked
  const protocolOnly = ["data", "results", "only", "seeds"].filter((f) => args[f] !== undefined);
  if (!args.protocol && protocolOnly.length > 0) throw new UsageError(`--${protocolOnly[0]} is for --protocol only`);
  const cropOnly = ["crop", "crop-at"].filter((f) => args[f] !== undefined);
  if (!args.nab && cropOnly.length > 0) throw new UsageError(`--${cropOnly[0]} is for --nab only`);
  if (args["crop-at"] !== undefined && args.crop === undefined) throw new UsageError("--crop-at needs --crop ROWS");
  const detectorFlags = ["detector", "option"].filter((f) => args[f] !== undefined);
  if (args.protocol && detectorFlags.length > 0) {
    throw new UsageError(`--${detectorFlags[0]} does not apply to --protocol, which runs the rcf candidates of anomaly/evaluation/candidates.ts`);
  }
  if (args.protocol) return runProtocolMode(args);
  const detector = detectorFlag(args);
  const given = parseOptionPairs((args.option as string[] | undefined) ?? []);
  const progress = (m: string): void => {
    process.stderr.write(`${m}\n`);
  };
  if (args.labelled) return runLabelledMode(args.labelled as string, detector, given, Boolean(args.json), progress);
  if (args.holdout) {
    const series = await readHoldoutSeries(args.holdout as string);
    const report = evaluateHoldout(series, HOLDOUT_SEEDS, detector, given, progress);
    if (args.json) return void process.stdout.write(`${JSON.stringify(report)}\n`);
    process.stdout.write(
      `hold-out: ${series.length} meter series x ${HOLDOUT_SEEDS.length} seeds, ${report.rows} rows, ${report.windows} injected faults, detector ${detector}\n`,
    );
    for (const p of Object.keys(report.scores)) process.stdout.write(`${p.padEnd(20)} ${report.scores[p].toFixed(2).padStart(8)}\n`);
    return;
  }
  if (args.nab) {
    const crop = args.crop === undefined ? undefined : { rows: cropRows(args), at: cropAt(args) };
    // the crops' folder is watched from before it is written, so an interrupt at any point removes it
    const folder = crop ? newCropsFolder() : undefined;
    const watched = folder ? removedOnInterrupt(folder) : () => {};
    let crops: WrittenCrops | undefined;
    let report;
    try {
      if (crop && folder) crops = writeNabCrops(args.nab as string, crop.rows, crop.at, progress, folder);
      // NAB's machine_temperature file steps back in time once; score rows in file order as NAB does
      report = await evaluateNab(crops?.dir ?? (args.nab as string), detector, { outOfOrder: "accept", ...given }, progress);
    } catch (e) {
      // a row at fault is named in its source file, not in the crop that is removed next
      if (crops && e instanceof Error) e.message = crops.sourceText(e.message);
      throw e;
    } finally {
      watched();
      if (folder) rmSync(folder, { recursive: true, force: true });
    }
    if (args.json) return void process.stdout.write(`${JSON.stringify(crop && crops ? { ...report, crop: { ...crop, crops: crops.crops } } : report)}\n`);
    const of = crop ? `, crops of ${crop.rows} rows (anomaly at ${crop.at})` : "";
    process.stdout.write(`NAB v1.1, ${report.files} files${of}, ${report.rows} rows, ${report.windows} windows, detector ${detector}\n`);
    process.stdout.write("profile              score (optimal threshold)   score (detector's own decisions)\n");
    for (const p of Object.keys(report.scores)) {
      process.stdout.write(
        `${p.padEnd(20)} ${report.scores[p].toFixed(2).padStart(8)}   (threshold ${report.thresholds[p].toFixed(4)})   ${report.decisionScores[p].toFixed(2).padStart(8)}\n`,
      );
    }
    return;
  }
  // SKAB labels every point of a fault: judge the rcf detector's state flags unless told otherwise
  const skabOptions = detector === "rcf" ? { alarm: "state", ...given } : given;
  const report = await evaluateSkab(args.skab as string, detector, skabOptions, progress);
  if (args.json) return void process.stdout.write(`${JSON.stringify(report)}\n`);
  process.stdout.write(`SKAB, ${report.files} files, ${report.rows} rows, detector ${detector}\n`);
  process.stdout.write(
    `F1 ${report.f1.toFixed(3)}  false-alarm rate ${report.falseAlarmRate.toFixed(3)}  missed-alarm rate ${report.missedAlarmRate.toFixed(3)}\n`,
  );
}

/** `--crop ROWS`: an integer of at least 100 rows. */
const cropRows = (args: ParsedArgs): number => integerFlag(args, "crop", 0, 100, 100_000_000);

/** `--crop-at SHARE` (default 0.3): a number in [MIN_CROP_AT, 1); a UsageError naming the flag and the value otherwise. */
function cropAt(args: ParsedArgs): number {
  const raw = args["crop-at"];
  if (raw === undefined) return 0.3;
  const value = Number(raw);
  if (!/^\d*\.?\d+$/.test(String(raw)) || !(value >= MIN_CROP_AT && value < 1))
    throw new UsageError(`--crop-at must be a number in [${MIN_CROP_AT}, 1) (the anomaly's place in its crop), got ${JSON.stringify(raw)}`);
  return value;
}

export const command: Command = {
  name: "eval",
  usage: USAGE,
  flags: {
    nab: "string",
    skab: "string",
    holdout: "string",
    labelled: "string",
    protocol: "boolean",
    data: "string",
    results: "string",
    only: "string",
    seeds: "string",
    crop: "string",
    "crop-at": "string",
    detector: "string",
    option: "list",
    json: "boolean",
  },
  run: main,
};

if (require.main === module) runCommand(command);
