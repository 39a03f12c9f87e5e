/**
 * The train's side of the anomaly shadow protocol (the cloud writes `state.desired.anomalies` of the `anomaly`
 * shadow, see functions/trainAnomaly/shadowDocument.ts; the train may only read that shadow). On every full
 * document (a `get`, asked for on connect and after each delta) the train tells its people about each entry it
 * has not acknowledged yet, or that changed, then acknowledges exactly those entries under
 * `state.reported.anomalies` of its own `anomaly-ack` shadow; entries the cloud dropped are dropped from the
 * acknowledgements too (null).
 */
export interface AnomalyEntry {
  readonly group: string;
  readonly status: "ongoing" | "cleared";
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly message: string;
  readonly [field: string]: unknown;
}

/** Whether an entry is a sensor reading outside its bounds (it has `fault`), not an anomaly of the model. */
export function isFaultEntry(entry: AnomalyEntry): boolean {
  return typeof entry.fault === "object" && entry.fault !== null;
}

export interface AnomalyNotice {
  readonly id: string;
  readonly entry: AnomalyEntry;
  /**
   * new: never reported; changed: reported before with other content (e.g. now cleared); withdrawn: told as
   * ongoing, then gone from the shadow before it cleared (the cloud dropped it from a full shadow, or someone
   * deleted it): its end is not known. The entry of a withdrawn notice is the one the train was told.
   */
  readonly kind: "new" | "changed" | "withdrawn";
  /** The edge detector's episodes this one is (reconcile.ts): the operator was warned of it already. */
  readonly edgeIds?: readonly string[];
}

interface ShadowDocument {
  readonly state?: {
    readonly desired?: { readonly anomalies?: Record<string, AnomalyEntry> };
    readonly reported?: { readonly anomalies?: Record<string, AnomalyEntry> };
  };
}

export interface InboxStep {
  readonly notices: AnomalyNotice[];
  /** The `reported.anomalies` update to publish; undefined when nothing changes. */
  readonly report?: Record<string, AnomalyEntry | null>;
  /** Ids of desired entries that are not anomaly entries (skipped, neither told nor acknowledged); absent when none. */
  readonly malformed?: string[];
}

/** Whether a desired entry is one the train can tell its people about (the fields it shows and sorts by). */
function isEntry(value: unknown): value is AnomalyEntry {
  const e = value as Partial<AnomalyEntry> | null;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof e.startedAt === "string" &&
    typeof e.message === "string" &&
    (e.status === "ongoing" || e.status === "cleared")
  );
}

/** `state.desired.anomalies` of a document or an update as written, entries unchecked (null: a deletion). */
export function desiredObject(doc: unknown): Record<string, unknown> {
  const desired = (doc as ShadowDocument | null)?.state?.desired?.anomalies;
  return desired && typeof desired === "object" && !Array.isArray(desired) ? (desired as Record<string, unknown>) : {};
}

/** JSON with object keys sorted: AWS IoT does not keep the order of a document's keys. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * The anomalies the cloud wrote into a shadow document (`state.desired.anomalies`); none when it holds no object
 * there. Entries that are not anomaly entries (a hand edit of the shadow) are left out: see `readAnomalyShadow`.
 */
export function desiredAnomalies(doc: unknown): Record<string, AnomalyEntry> {
  return sortDesired(doc).entries;
}

/** The desired entries the train can show, and the ids of those it cannot. */
function sortDesired(doc: unknown): { entries: Record<string, AnomalyEntry>; malformed: string[] } {
  const entries: Record<string, AnomalyEntry> = {};
  const malformed: string[] = [];
  for (const [id, value] of Object.entries(desiredObject(doc))) {
    if (isEntry(value)) entries[id] = value;
    else malformed.push(id);
  }
  return { entries, malformed };
}

/**
 * What a `get/accepted` document of the anomaly shadow asks of the train, given what it acknowledged (the
 * `anomaly-ack` shadow's `state.reported.anomalies`; by default the document's own `reported`). Pure.
 */
export function readAnomalyShadow(doc: ShadowDocument, acknowledged?: Readonly<Record<string, AnomalyEntry>>): InboxStep {
  const { entries: desired, malformed } = sortDesired(doc);
  const reported = acknowledged ?? doc.state?.reported?.anomalies ?? {};
  const notices: AnomalyNotice[] = [];
  const report: Record<string, AnomalyEntry | null> = {};
  const ids = Object.keys(desired).sort((a, b) =>
    desired[a].startedAt < desired[b].startedAt ? -1 : desired[a].startedAt > desired[b].startedAt ? 1 : a < b ? -1 : 1,
  );
  for (const id of ids) {
    const told = reported[id];
    if (told !== undefined && canonical(desired[id]) === canonical(told)) continue;
    // another alarm of an episode already told (its count, score or time moved, its sentence and status did
    // not) is acknowledged without telling the driver the same sentence again
    if (told === undefined || told.status !== desired[id].status || told.message !== desired[id].message) {
      notices.push({ id, entry: desired[id], kind: told ? "changed" : "new" });
    }
    report[id] = desired[id];
  }
  for (const id of Object.keys(reported)) {
    if (id in desired) continue;
    report[id] = null;
    // told as ongoing and gone before it cleared: the driver must not be left believing it still runs, nor that it ended
    if (reported[id].status === "ongoing" && !malformed.includes(id)) notices.push({ id, entry: reported[id], kind: "withdrawn" });
  }
  return { notices, ...(Object.keys(report).length > 0 ? { report } : {}), ...(malformed.length > 0 ? { malformed } : {}) };
}

/** `acknowledged` after the train reported `report` (null removes an entry). Pure. */
export function applyReport(
  acknowledged: Readonly<Record<string, AnomalyEntry>>,
  report: Readonly<Record<string, AnomalyEntry | null>>,
): Record<string, AnomalyEntry> {
  const out: Record<string, AnomalyEntry> = { ...acknowledged };
  for (const [id, entry] of Object.entries(report)) {
    if (entry === null) delete out[id];
    else out[id] = entry;
  }
  return out;
}

/** The acknowledgements an `anomaly-ack` get/accepted document holds. */
export function acknowledgementsOf(doc: unknown): Record<string, AnomalyEntry> {
  const anomalies = (doc as ShadowDocument | null)?.state?.reported?.anomalies;
  return anomalies && typeof anomalies === "object" ? { ...anomalies } : {};
}

/** A shadow service's refusal: `{"code": 404, "message": "No shadow exists with name: ..."}`. */
export interface ShadowRefusal {
  readonly code?: number;
  readonly message?: string;
}

/** A `get/rejected` payload's code and message; one without a code is taken as 404 (no such shadow). */
export function shadowRefusal(payload: Buffer | string): ShadowRefusal {
  try {
    const doc = JSON.parse(payload.toString()) as { code?: unknown; message?: unknown };
    return {
      code: typeof doc.code === "number" ? doc.code : 404,
      ...(typeof doc.message === "string" ? { message: doc.message } : {}),
    };
  } catch {
    return { code: 404 };
  }
}
