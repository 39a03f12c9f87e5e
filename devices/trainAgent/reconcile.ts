import { AnomalyEntry, isFaultEntry } from "./anomalyInbox";

/**
 * The train's own detector and the cloud's see the same readings (the outbox sends each one, with its own
 * timestamp), so an anomaly both saw is one episode with two reports. On each full read of the anomaly shadow
 * the agent pairs them: same group, both a sensor fault or both an anomaly, a driving sensor in common (or
 * either names none), and reading-time ranges that overlap (closed: an episode that clears at the instant the
 * other starts is the same). An ongoing episode runs on to the end of time. Times are reading times, never wall
 * clocks, so the train's and the cloud's clocks need not agree. Pure.
 */
export interface EdgeEpisode {
  /** `<group>-<startedAt>`, as the cloud names its episodes. */
  readonly id: string;
  readonly group: string;
  readonly status: "ongoing" | "cleared";
  /** Reading times, epoch ms. */
  readonly startedAt: number;
  readonly clearedAt?: number;
  /** Driving sensors. */
  readonly sensors: readonly string[];
  /** A sensor reading outside its bounds, not an anomaly of the model (the cloud's entry has `fault`). */
  readonly fault?: boolean;
  /** The agent was offline when the episode opened: its operator was warned by the edge alone. */
  readonly raisedOffline: boolean;
  readonly message: string;
}

export type ReconciledKind = "confirmed by cloud" | "edge only" | "cloud only";

export interface ReconciledEpisode {
  readonly kind: ReconciledKind;
  /** The shadow entry's id (absent for edge only). */
  readonly cloudId?: string;
  /** The edge episodes it stands for (empty for cloud only). */
  readonly edgeIds: readonly string[];
  readonly group: string;
  /** Earliest start of the reports, epoch ms (NaN when the cloud entry's time is unreadable). */
  readonly startedAt: number;
}

export interface Reconciliation {
  /** Oldest first. */
  readonly episodes: readonly ReconciledEpisode[];
  readonly confirmed: number;
  readonly edgeOnly: number;
  readonly cloudOnly: number;
}

interface Span {
  readonly group: string;
  readonly from: number;
  readonly to: number;
  readonly sensors: readonly string[];
  readonly fault: boolean;
}

function cloudSpan(entry: AnomalyEntry): Span {
  const from = Date.parse(entry.startedAt);
  const cleared = typeof entry.clearedAt === "string" ? Date.parse(entry.clearedAt) : NaN;
  const to = entry.status === "ongoing" ? Infinity : Number.isNaN(cleared) ? Date.parse(entry.updatedAt) : cleared;
  const list = Array.isArray(entry.sensors) ? (entry.sensors as unknown[]) : [];
  const sensors = list.map((s) => (s && typeof s === "object" ? (s as { name?: unknown }).name : undefined)).filter((n): n is string => typeof n === "string");
  return { group: entry.group, from, to, sensors, fault: isFaultEntry(entry) };
}

function edgeSpan(e: EdgeEpisode): Span {
  return {
    group: e.group,
    from: e.startedAt,
    to: e.status === "ongoing" ? Infinity : (e.clearedAt ?? e.startedAt),
    sensors: e.sensors,
    fault: e.fault === true,
  };
}

/** Whether two reports are one episode; an unreadable time (NaN) never matches. */
export function sameEpisode(a: Span, b: Span): boolean {
  if (a.group !== b.group || a.fault !== b.fault) return false;
  if (!(a.from <= b.to && b.from <= a.to)) return false;
  if (a.sensors.length === 0 || b.sensors.length === 0) return true;
  return a.sensors.some((s) => b.sensors.includes(s));
}

/** Pairs the edge's episodes with the shadow's `desired.anomalies`: one entry per episode, oldest first. */
export function reconcileEpisodes(edge: readonly EdgeEpisode[], cloud: Readonly<Record<string, AnomalyEntry>>): Reconciliation {
  const spans = edge.map(edgeSpan);
  const matched = new Set<number>();
  const episodes: ReconciledEpisode[] = [];
  for (const [cloudId, entry] of Object.entries(cloud)) {
    const span = cloudSpan(entry);
    const mine = edge.map((_, i) => i).filter((i) => sameEpisode(span, spans[i]));
    mine.forEach((i) => matched.add(i));
    episodes.push({
      kind: mine.length > 0 ? "confirmed by cloud" : "cloud only",
      cloudId,
      edgeIds: mine.map((i) => edge[i].id),
      group: entry.group,
      startedAt: Math.min(span.from, ...mine.map((i) => edge[i].startedAt)),
    });
  }
  edge.forEach((e, i) => matched.has(i) || episodes.push({ kind: "edge only", edgeIds: [e.id], group: e.group, startedAt: e.startedAt }));
  episodes.sort((a, b) => (a.startedAt || 0) - (b.startedAt || 0) || ((a.cloudId ?? a.edgeIds[0]) < (b.cloudId ?? b.edgeIds[0]) ? -1 : 1));
  const count = (kind: ReconciledKind) => episodes.filter((e) => e.kind === kind).length;
  return { episodes, confirmed: count("confirmed by cloud"), edgeOnly: count("edge only"), cloudOnly: count("cloud only") };
}
