/**
 * The train's side of the anomaly shadow protocol (the cloud writes `state.desired.anomalies`, see
 * functions/trainAnomaly/shadowDocument.ts). On every full document (a `get`, asked for on connect and after
 * each delta) the train tells its people about each entry it has not reported yet, or that changed, then
 * reports exactly those entries back under `state.reported.anomalies`, which clears AWS IoT's delta; entries
 * the cloud dropped are dropped from `reported` too (null).
 */
export interface AnomalyEntry {
  readonly group: string;
  readonly status: "ongoing" | "cleared";
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

export interface AnomalyNotice {
  readonly id: string;
  readonly entry: AnomalyEntry;
  /** new: never reported; changed: reported before with other content (e.g. now cleared). */
  readonly kind: "new" | "changed";
}

interface ShadowDocument {
  readonly state?: { readonly desired?: { readonly anomalies?: Record<string, AnomalyEntry> }; readonly reported?: { readonly anomalies?: Record<string, AnomalyEntry> } };
}

export interface InboxStep {
  readonly notices: AnomalyNotice[];
  /** The `reported.anomalies` update to publish; undefined when nothing changes. */
  readonly report?: Record<string, AnomalyEntry | null>;
}

/** JSON with object keys sorted: AWS IoT does not keep the order of a document's keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** What a `get/accepted` document asks of the train. Pure. */
export function readAnomalyShadow(doc: ShadowDocument): InboxStep {
  const desired = doc.state?.desired?.anomalies ?? {};
  const reported = doc.state?.reported?.anomalies ?? {};
  const notices: AnomalyNotice[] = [];
  const report: Record<string, AnomalyEntry | null> = {};
  const ids = Object.keys(desired).sort((a, b) => (desired[a].startedAt < desired[b].startedAt ? -1 : desired[a].startedAt > desired[b].startedAt ? 1 : a < b ? -1 : 1));
  for (const id of ids) {
    if (reported[id] !== undefined && canonical(desired[id]) === canonical(reported[id])) continue;
    notices.push({ id, entry: desired[id], kind: reported[id] ? "changed" : "new" });
    report[id] = desired[id];
  }
  for (const id of Object.keys(reported)) if (!(id in desired)) report[id] = null;
  return Object.keys(report).length > 0 ? { notices, report } : { notices };
}
