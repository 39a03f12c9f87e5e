import { DetectorResult } from "../../anomaly";

/** A sensor that drove an anomaly: its value when it did and what the model expected instead. */
export interface Driver {
  readonly sensor: string;
  readonly direction: "high" | "low";
  readonly value: number;
  readonly expected: number;
  /** Its share of the anomaly score's attribution, in (0, 1]. */
  readonly share: number;
}

/** One ongoing (then cleared) anomaly of one model: many anomalous readings, one entry. */
export interface Episode {
  /** `<group>-<startedAt>`: the same readings always give the same id, so replays update, never add. */
  readonly id: string;
  readonly group: string;
  readonly status: "ongoing" | "cleared";
  /** Reading timestamps (epoch ms). */
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly clearedAt?: number;
  /** normal: the drivers came back; settled: no alarm for `settleAfter` readings (the model adapted). */
  readonly clearedBy?: "normal" | "settled";
  /** Peak score and grade over the episode. */
  readonly score: number;
  readonly grade: number;
  /** Anomalous readings in the episode. */
  readonly alarms: number;
  readonly drivers: readonly Driver[];
  /**
   * A sensor reading outside its physical bounds (sensorFaults.ts), with the bounds: its one driver is the
   * sensor, its value the first one outside, its expected value the bound crossed; score and grade are 0 and
   * `alarms` counts the readings outside. Absent for the model's anomalies.
   */
  readonly fault?: { readonly min: number; readonly max: number };
}

export interface EpisodeOptions {
  readonly clearAfter: number;
  readonly settleAfter: number;
}

/** An ongoing episode and how the readings since its last alarm went. */
export interface OpenEpisode {
  readonly episode: Episode;
  /** Consecutive readings with every driver back to normal. */
  readonly normalRun: number;
  /** Readings since the episode's last alarm. */
  readonly quietRun: number;
}

export interface TrackerState {
  /** Ongoing episodes, oldest first. */
  readonly open: readonly OpenEpisode[];
}

/** Checkpoints written before episodes could run side by side held one: `{ open: Episode | null, normalRun, quietRun }`. */
interface SingleEpisodeState {
  readonly open: Episode | null;
  readonly normalRun: number;
  readonly quietRun: number;
}

export interface EpisodeChange {
  readonly kind: "opened" | "updated" | "cleared";
  readonly episode: Episode;
}

const MAX_DRIVERS = 3;
/** Episodes of one model ongoing at once; beyond that a new cause joins the newest. */
export const MAX_OPEN_EPISODES = 3;
/** A driver is back when it is within this fraction of its anomalous deviation from the expected value. */
const RETURN_FRACTION = 0.5;

/**
 * Turns per-reading decisions into episodes, one per cause. An alarm updates the ongoing episode that shares a
 * driving sensor with it, or opens its own: an oil fault while a pressure alarm is still open is a second
 * episode with its own start, not a line in the first. An episode stays ongoing until every driving sensor
 * has been back near its expected value for `clearAfter` readings in a row (normal), or it has had no alarm
 * for `settleAfter` readings (settled: the model took the readings as normal). The detector's onset alarms
 * fire once per new thing, so the readings, not the scores, say when it is over.
 */
export class EpisodeTracker {
  private open: OpenEpisode[];

  constructor(
    readonly group: string,
    readonly sensors: readonly string[],
    readonly options: EpisodeOptions,
    state?: TrackerState | SingleEpisodeState,
  ) {
    this.open = !state ? [] : Array.isArray(state.open) ? [...(state as TrackerState).open] : fromSingle(state as SingleEpisodeState);
  }

  /** Follows one scored reading; returns what changed (opened/updated first, then cleared, oldest first). */
  observe(timestamp: number, values: readonly number[], result: DetectorResult): EpisodeChange[] {
    if (!result.ready) return [];
    const changes: EpisodeChange[] = [];
    let alarmed: OpenEpisode | undefined;
    if (result.anomaly) {
      alarmed = this.alarm(timestamp, values, result);
      changes.push({ kind: alarmed.episode.alarms === 1 ? "opened" : "updated", episode: alarmed.episode });
    }
    const still: OpenEpisode[] = [];
    for (const o of this.open) {
      if (o === alarmed) {
        still.push(o);
        continue;
      }
      // a driver filled in for a sensor outside its bounds is neither back nor still off: both runs wait for it
      // (nothing was measured, so the episode can neither be over nor be taken as the new normal)
      const unknown = o.episode.drivers.some((d) => result.imputed.includes(this.sensors.indexOf(d.sensor)));
      const quietRun = unknown ? o.quietRun : o.quietRun + 1;
      const normalRun = unknown ? o.normalRun : o.episode.drivers.every((d) => isBack(d, values[this.sensors.indexOf(d.sensor)])) ? o.normalRun + 1 : 0;
      const clearedBy = normalRun >= this.options.clearAfter ? "normal" : quietRun >= this.options.settleAfter ? "settled" : undefined;
      if (!clearedBy) {
        still.push({ episode: o.episode, normalRun, quietRun });
        continue;
      }
      changes.push({ kind: "cleared", episode: { ...o.episode, status: "cleared", updatedAt: timestamp, clearedAt: timestamp, clearedBy } });
    }
    this.open = still;
    return changes;
  }

  /** Updates the episode the alarm belongs to, or opens one; returns it as it now stands. */
  private alarm(timestamp: number, values: readonly number[], result: DetectorResult): OpenEpisode {
    const drivers = driversOf(this.sensors, values, result);
    const shares = (o: OpenEpisode) => drivers.some((d) => o.episode.drivers.some((e) => e.sensor === d.sensor));
    let k = -1;
    for (let i = this.open.length - 1; i >= 0 && k < 0; i--) if (shares(this.open[i])) k = i;
    if (k < 0 && (this.open.length >= MAX_OPEN_EPISODES || (drivers.length === 0 && this.open.length > 0))) k = this.open.length - 1;
    if (k < 0) {
      const opened: OpenEpisode = {
        episode: {
          id: `${this.group}-${timestamp}`,
          group: this.group,
          status: "ongoing",
          startedAt: timestamp,
          updatedAt: timestamp,
          score: result.score,
          grade: result.grade,
          alarms: 1,
          drivers,
        },
        normalRun: 0,
        quietRun: 0,
      };
      this.open.push(opened);
      return opened;
    }
    const e = this.open[k].episode;
    const updated: OpenEpisode = {
      episode: {
        ...e,
        updatedAt: timestamp,
        score: Math.max(e.score, result.score),
        grade: Math.max(e.grade, result.grade),
        alarms: e.alarms + 1,
        drivers: mergeDrivers(e.drivers, drivers),
      },
      normalRun: 0,
      quietRun: 0,
    };
    this.open[k] = updated;
    return updated;
  }

  getState(): TrackerState {
    return { open: [...this.open] };
  }
}

function fromSingle(state: SingleEpisodeState): OpenEpisode[] {
  return state.open ? [{ episode: state.open, normalRun: state.normalRun ?? 0, quietRun: state.quietRun ?? 0 }] : [];
}

function isBack(d: Driver, value: number): boolean {
  return Math.abs(value - d.expected) <= RETURN_FRACTION * Math.abs(d.value - d.expected);
}

/**
 * The inputs carrying at least an average share of the attribution, largest first, at most three. An input the
 * model filled in (`result.imputed`: its sensor read outside its bounds) drives nothing, nor counts in the
 * average: its value is not a reading.
 */
export function driversOf(sensors: readonly string[], values: readonly number[], result: DetectorResult): Driver[] {
  const { high, low } = result.attribution;
  const shares = sensors.map((_, i) => (result.imputed.includes(i) ? 0 : high[i] + low[i]));
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return [];
  return sensors
    .map((sensor, i) => ({ sensor, i }))
    .filter(({ i }) => shares[i] > 0 && shares[i] >= total / (sensors.length - result.imputed.length))
    .sort((a, b) => shares[b.i] - shares[a.i] || a.i - b.i)
    .slice(0, MAX_DRIVERS)
    .map(({ sensor, i }) => ({
      sensor,
      // the sentence compares the reading with what was expected, so the word follows them; the attribution's side
      // (which may come from an earlier reading of the shingle) decides only where they are equal
      direction: values[i] !== result.expected[i] ? (values[i] > result.expected[i] ? "high" : "low") : high[i] >= low[i] ? "high" : "low",
      value: values[i],
      expected: result.expected[i],
      share: shares[i] / total,
    }));
}

/**
 * The episode's drivers after a new alarm: the new alarm's first, then the earlier ones, one entry per sensor
 * (the larger deviation), at most three. The newest first, so a different cause turning up in an ongoing
 * episode (an oil fault while a pressure alarm is still open) is what the train reads, not crowded out.
 */
function mergeDrivers(earlier: readonly Driver[], latest: readonly Driver[]): Driver[] {
  const gap = (d: Driver) => Math.abs(d.value - d.expected);
  const out: Driver[] = [];
  for (const d of [...latest, ...earlier]) {
    const k = out.findIndex((o) => o.sensor === d.sensor);
    if (k < 0) out.push(d);
    else if (gap(d) > gap(out[k])) out[k] = d;
  }
  return out.slice(0, MAX_DRIVERS);
}
