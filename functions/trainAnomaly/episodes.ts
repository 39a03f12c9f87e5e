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
}

export interface EpisodeOptions {
  readonly clearAfter: number;
  readonly settleAfter: number;
}

export interface TrackerState {
  readonly open: Episode | null;
  /** Consecutive readings with every driver back to normal. */
  readonly normalRun: number;
  /** Readings since the last alarm. */
  readonly quietRun: number;
}

export interface EpisodeChange {
  readonly kind: "opened" | "updated" | "cleared";
  readonly episode: Episode;
}

const MAX_DRIVERS = 3;
/** A driver is back when it is within this fraction of its anomalous deviation from the expected value. */
const RETURN_FRACTION = 0.5;

/**
 * Turns per-reading decisions into episodes. An alarm opens one (or updates the open one); it stays ongoing
 * until every driving sensor has been back near its expected value for `clearAfter` readings in a row. The
 * detector's onset alarms fire once per new thing, so the readings, not the scores, say when it is over.
 */
export class EpisodeTracker {
  private open: Episode | null;
  private normalRun: number;
  private quietRun: number;

  constructor(
    readonly group: string,
    readonly sensors: readonly string[],
    readonly options: EpisodeOptions,
    state?: TrackerState,
  ) {
    this.open = state?.open ?? null;
    this.normalRun = state?.normalRun ?? 0;
    this.quietRun = state?.quietRun ?? 0;
  }

  /** Follows one scored reading; returns what changed, if anything. */
  observe(timestamp: number, values: readonly number[], result: DetectorResult): EpisodeChange | undefined {
    if (!result.ready) return undefined;
    if (result.anomaly) return this.alarm(timestamp, values, result);
    const open = this.open;
    if (!open) return undefined;
    this.quietRun++;
    this.normalRun = open.drivers.every((d) => isBack(d, values[this.sensors.indexOf(d.sensor)])) ? this.normalRun + 1 : 0;
    let clearedBy: Episode["clearedBy"];
    if (this.normalRun >= this.options.clearAfter) clearedBy = "normal";
    else if (this.quietRun >= this.options.settleAfter) clearedBy = "settled";
    else return undefined;
    const episode: Episode = { ...open, status: "cleared", updatedAt: timestamp, clearedAt: timestamp, clearedBy };
    this.open = null;
    this.normalRun = 0;
    this.quietRun = 0;
    return { kind: "cleared", episode };
  }

  private alarm(timestamp: number, values: readonly number[], result: DetectorResult): EpisodeChange {
    const drivers = driversOf(this.sensors, values, result);
    this.normalRun = 0;
    this.quietRun = 0;
    const open = this.open;
    if (!open) {
      this.open = {
        id: `${this.group}-${timestamp}`, group: this.group, status: "ongoing", startedAt: timestamp, updatedAt: timestamp,
        score: result.score, grade: result.grade, alarms: 1, drivers,
      };
      return { kind: "opened", episode: this.open };
    }
    this.open = {
      ...open,
      updatedAt: timestamp,
      score: Math.max(open.score, result.score),
      grade: Math.max(open.grade, result.grade),
      alarms: open.alarms + 1,
      drivers: mergeDrivers(open.drivers, drivers),
    };
    return { kind: "updated", episode: this.open };
  }

  getState(): TrackerState {
    return { open: this.open, normalRun: this.normalRun, quietRun: this.quietRun };
  }
}

function isBack(d: Driver, value: number): boolean {
  return Math.abs(value - d.expected) <= RETURN_FRACTION * Math.abs(d.value - d.expected);
}

/** The inputs carrying at least an average share of the attribution, largest first, at most three. */
export function driversOf(sensors: readonly string[], values: readonly number[], result: DetectorResult): Driver[] {
  const { high, low } = result.attribution;
  const shares = sensors.map((_, i) => high[i] + low[i]);
  const total = shares.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return [];
  return sensors
    .map((sensor, i) => ({ sensor, i }))
    .filter(({ i }) => shares[i] > 0 && shares[i] >= total / sensors.length)
    .sort((a, b) => shares[b.i] - shares[a.i] || a.i - b.i)
    .slice(0, MAX_DRIVERS)
    .map(({ sensor, i }) => ({
      sensor,
      direction: high[i] >= low[i] ? "high" : "low",
      value: values[i],
      expected: result.expected[i],
      share: shares[i] / total,
    }));
}

/** The first drivers first, then new sensors, at most three; per sensor the reading furthest from expected. */
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
