import { evaluateLabelled } from "../anomaly/evaluation/labelledRun";
import { DetectorOptions } from "../anomaly/types";

/** `eval --labelled DIR`: NAB scores over the windows and point-wise F1 of the detector's decisions. */
export async function runLabelledMode(dir: string, detector: string, options: DetectorOptions, json: boolean, progress: (m: string) => void): Promise<void> {
  const report = await evaluateLabelled(dir, detector, options, progress);
  if (json) return void process.stdout.write(`${JSON.stringify(report)}\n`);
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`labelled set ${dir}: ${report.files} files, ${report.rows} rows (${report.countedRows} counted), ${report.windows} windows, detector ${detector}`);
  // NAB normalises by the best reachable total, which a set without a window does not have
  if (report.windows === 0)
    out("no labelled anomaly in the set: no NAB score (it needs at least one window); the false-alarm rate still says how often it alarms");
  else out("profile              score (optimal threshold)   score (detector's own decisions)");
  for (const p of report.windows === 0 ? [] : Object.keys(report.scores)) {
    out(
      `${p.padEnd(20)} ${report.scores[p].toFixed(2).padStart(8)}   (threshold ${report.thresholds[p].toFixed(4)})   ${report.decisionScores[p].toFixed(2).padStart(8)}`,
    );
  }
  out(`point-wise F1 ${report.f1.toFixed(3)}  false-alarm rate ${report.falseAlarmRate.toFixed(3)}  missed-alarm rate ${report.missedAlarmRate.toFixed(3)}`);
}
