import type { LocalReport } from "./localStack";
import { FaultOutcome } from "./runMetrics";

/** What the run report says of the injected faults: the totals, then one line a fault. */
export type AnomalyTotals = Pick<
  LocalReport,
  "anomaliesInjected" | "anomaliesDetected" | "falseAlarms" | "shadowDeliveries" | "inFlight" | "detectionLatencyMs" | "faults"
>;

/** 2 h 12 min, 45 min, 0 min. */
export function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${minutes} min`;
}

/** Detections whose alarms joined an episode open before the fault (`openBeforeMs` is set only for a detected fault). */
export function inOpenEpisodes(faults: readonly FaultOutcome[]): number {
  return faults.filter((f) => f.openBeforeMs !== null).length;
}

/** " (N in an episode already open)" after a count of detections, "" when there are none such. */
export function openEpisodesNote(joined: number): string {
  return joined > 0 ? ` (${joined} in an episode already open)` : "";
}

function outcomeText(f: FaultOutcome): string {
  const episode = f.openBeforeMs === null ? `(${f.episodeId})` : `(${f.episodeId}, open ${duration(f.openBeforeMs)} before the fault)`;
  switch (f.delivery) {
    case "missed":
      return "MISSED";
    case "delivered":
      return `detected ${episode}, train told after ${f.latencyMs} ms`;
    case "in flight":
      return `detected ${episode}, in flight at the end: in the train's shadow for ${f.inShadowMs} ms, not yet read by the train`;
    case "not written":
      return `detected ${episode}, never written to the train's shadow`;
  }
}

export function anomalyLines(r: AnomalyTotals): string[] {
  const notWritten = r.faults.filter((f) => f.delivery === "not written").length;
  const undelivered = [
    ...(r.inFlight > 0 ? [`${r.inFlight} still in flight at the end (in the train's shadow, not yet read by it)`] : []),
    ...(notWritten > 0 ? [`${notWritten} never written to the train's shadow`] : []),
  ];
  return [
    `anomalies: ${r.anomaliesDetected} of ${r.anomaliesInjected} injected faults detected${openEpisodesNote(inOpenEpisodes(r.faults))}, ${r.falseAlarms} false alarm(s), ${r.shadowDeliveries} delivered to their train${undelivered.map((u) => `, ${u}`).join("")}; ${latencyText(r.detectionLatencyMs)}`,
    ...r.faults.map((f) => `  ${f.trainId} ${f.kind.padEnd(12)} ${outcomeText(f)}${f.offline ? " (train was offline)" : ""}`),
  ];
}

/** Detection latency of the online trains' alerts, or why there is none to show. */
export function latencyText(l: { readonly p50: number | null; readonly p99: number | null }): string {
  return l.p50 === null || l.p99 === null ? "latency: no alert reached an online train" : `latency p50 ${l.p50} ms, p99 ${l.p99} ms (online trains)`;
}
