import { Episode, EpisodeChange } from "./episodes";
import { SensorBounds } from "./sensors";

/** A sensor that reads outside its physical bounds, as one episode: opened at its first such reading. */
export interface OpenFault {
  readonly episode: Episode;
  /** Consecutive readings since with the sensor back within its bounds. */
  readonly inBoundsRun: number;
}

export interface FaultState {
  /** Ongoing faults, oldest first. */
  readonly open: readonly OpenFault[];
}

/**
 * Follows the sensors of one model that read outside their physical bounds. Such a value is a broken
 * transducer, its wiring or a unit mistake, not a reading: the model scores the reading with that input unread
 * (its own estimate in its place, `DataPoint.unread`), and the train is told of the sensor once, as an episode of its own (id
 * `<group>-<sensor>-<startedAt>`, `fault` holding the bounds). The episode clears once the sensor has read
 * within its bounds for `clearReadings` readings in a row (the model's `settleAfter`, an hour by default: an
 * intermittent sensor, a loose connector, stays one fault instead of one a glitch); it never settles, since a
 * broken sensor does not become normal by lasting. Changes are `opened` and `cleared` only: the entry the train
 * reads stays as it was told while the fault lasts, and the count of readings (`alarms`) is told when it clears.
 */
export class SensorFaultTracker {
  private open: OpenFault[];

  constructor(
    readonly group: string,
    readonly sensors: readonly string[],
    readonly clearReadings: number,
    state?: FaultState,
  ) {
    this.open = state ? [...state.open] : [];
  }

  /** Follows one scored reading: `values` as the train sent them, `outOfBounds` the sensors outside theirs. */
  observe(timestamp: number, values: readonly number[], outOfBounds: Readonly<Record<string, SensorBounds>> = {}): EpisodeChange[] {
    const changes: EpisodeChange[] = [];
    const still: OpenFault[] = [];
    for (const o of this.open) {
      const sensor = o.episode.drivers[0].sensor;
      if (Object.hasOwn(outOfBounds, sensor)) {
        still.push({ episode: { ...o.episode, updatedAt: timestamp, alarms: o.episode.alarms + 1 }, inBoundsRun: 0 });
        continue;
      }
      const inBoundsRun = o.inBoundsRun + 1;
      if (inBoundsRun < this.clearReadings) {
        still.push({ episode: o.episode, inBoundsRun });
        continue;
      }
      changes.push({ kind: "cleared", episode: { ...o.episode, status: "cleared", clearedAt: timestamp, clearedBy: "normal" } });
    }
    this.sensors.forEach((sensor, i) => {
      if (!Object.hasOwn(outOfBounds, sensor) || still.some((o) => o.episode.drivers[0].sensor === sensor)) return;
      const episode = faultEpisode(this.group, sensor, timestamp, values[i], outOfBounds[sensor]);
      still.push({ episode, inBoundsRun: 0 });
      changes.push({ kind: "opened", episode });
    });
    this.open = still;
    return changes;
  }

  getState(): FaultState {
    return { open: [...this.open] };
  }
}

/** The episode of a sensor first read at `value`, outside `bounds`: its driver's expected value is the bound it crossed. */
export function faultEpisode(group: string, sensor: string, timestamp: number, value: number, bounds: SensorBounds): Episode {
  const high = value > bounds.max;
  return {
    id: `${group}-${sensor}-${timestamp}`,
    group,
    status: "ongoing",
    startedAt: timestamp,
    updatedAt: timestamp,
    score: 0,
    grade: 0,
    alarms: 1,
    drivers: [{ sensor, direction: high ? "high" : "low", value, expected: high ? bounds.max : bounds.min, share: 1 }],
    fault: { min: bounds.min, max: bounds.max },
  };
}
