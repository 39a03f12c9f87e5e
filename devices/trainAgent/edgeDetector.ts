import { existsSync, renameSync, writeFileSync } from "fs";
import { join } from "path";
import { Checkpoint, newModel } from "../../functions/trainAnomaly/checkpoint";
import { Episode } from "../../functions/trainAnomaly/episodes";
import { TelemetryError, isRecordError, messageOf } from "../../functions/trainAnomaly/errors";
import { TrainDetectorSettings, TRAIN_DETECTOR_DEFAULTS, requiredSensors } from "../../functions/trainAnomaly/settings";
import { describeEpisode } from "../../functions/trainAnomaly/shadowDocument";
import { encodeModelState } from "../../functions/trainAnomaly/stateBlobs";
import { parseTelemetry, tooManyOutside } from "../../functions/trainAnomaly/telemetry";
import { TrainModel } from "../../functions/trainAnomaly/trainModel";
import { EdgeJournal, MAX_EDGE_EPISODES } from "./edgeJournal";
import { checkpointFileOf, edgeModelOf, forTrain, readEdgeModelFile } from "./edgeModelFile";
import { EdgeEpisode } from "./reconcile";

/** Where the agent saves a group's model at each stop: beside the episode journal, in the `--edge-model` format. */
export function savedModelFile(dir: string, group: string): string {
  return join(dir, `edge-model-${group}.json`);
}

/** An episode the edge opened or cleared, as the agent emits it ("edge" event). */
export interface EdgeChange {
  readonly kind: "opened" | "cleared";
  readonly episode: EdgeEpisode;
  /** The agent was offline when the reading came. */
  readonly offline: boolean;
}

export interface EdgeStep {
  readonly changes: readonly EdgeChange[];
  /** Why the edge could not score the reading (it is still sent: the cloud decides for itself). */
  readonly rejection?: string;
}

export interface EdgeStats {
  readonly readings: number;
  readonly scored: number;
  readonly rejected: number;
  /** Time spent validating, scoring and tracking, ms (one thread: the CPU time it costs). */
  readonly busyMs: number;
}

export interface EdgeDetectorOptions {
  /** The cloud's settings (functions/trainAnomaly/settings.ts). Default the train Lambda's defaults. */
  readonly settings?: TrainDetectorSettings;
  /** A checkpoint or model state file to start from (edgeModelFile.ts); fresh models when absent. */
  readonly modelFile?: string;
  /**
   * Folder of the episode journal and the saved models (the outbox's); memory only when absent. A model saved
   * there is preferred to `modelFile` unless that one has learned newer readings.
   */
  readonly journalDir?: string;
  /** Monotonic ms, for the cost. Default performance.now. */
  readonly clock?: () => number;
}

function edgeEpisodeOf(e: Episode, raisedOffline: boolean): EdgeEpisode {
  return {
    id: e.id,
    group: e.group,
    status: e.status,
    startedAt: e.startedAt,
    ...(e.clearedAt === undefined ? {} : { clearedAt: e.clearedAt }),
    sensors: e.drivers.map((d) => d.sensor),
    ...(e.fault ? { fault: true } : {}),
    raisedOffline,
    message: describeEpisode(e),
  };
}

/**
 * The cloud's detector, run on the train: the same models (`TrainModel`: detector, duplicate guard, episode
 * tracker) with the same settings, sensors and telemetry checks as the train Lambda, fed each reading as the
 * agent queues it. Episodes it opens and clears go to the journal; the agent warns its operator of them.
 */
export class EdgeDetector {
  readonly settings: TrainDetectorSettings;
  private readonly models: TrainModel[];
  private readonly journal?: EdgeJournal;
  private readonly saveDir?: string;
  private readonly memory = new Map<string, EdgeEpisode>();
  private readonly required: string[];
  private readonly clock: () => number;
  private seq = 0;
  private counts = { readings: 0, scored: 0, rejected: 0, busyMs: 0 };
  /** What the operator should know of the starting model (another train's checkpoint). */
  readonly notes: string[] = [];

  constructor(
    readonly trainId: string,
    o: EdgeDetectorOptions = {},
  ) {
    this.settings = o.settings ?? TRAIN_DETECTOR_DEFAULTS;
    const settings = this.settings;
    const file = o.modelFile;
    const read = file === undefined ? undefined : forTrain(trainId, file, readEdgeModelFile(file, settings));
    if (read?.note) this.notes.push(read.note);
    const start = read?.model;
    this.saveDir = o.journalDir;
    this.models = Object.keys(settings.groups).map((group) => {
      const given = file !== undefined && start?.group === group ? edgeModelOf(trainId, file, start, settings) : undefined;
      const path = o.journalDir === undefined ? undefined : savedModelFile(o.journalDir, group);
      const kept = path !== undefined && existsSync(path) ? edgeModelOf(trainId, path, readEdgeModelFile(path, settings), settings) : undefined;
      // the model the agent saved at its last stop, unless the given one has learned newer readings
      if (kept && (!given || (kept.watermark ?? -Infinity) >= (given.watermark ?? -Infinity))) return kept;
      return given ?? newModel(trainId, group, settings);
    });
    this.required = requiredSensors(settings);
    this.clock = o.clock ?? (() => performance.now());
    this.journal = o.journalDir === undefined ? undefined : new EdgeJournal(o.journalDir);
  }

  get stats(): EdgeStats {
    return { ...this.counts };
  }

  /** Every episode the edge raised that the journal still holds, oldest first. */
  episodes(): EdgeEpisode[] {
    return (this.journal ? this.journal.all() : [...this.memory.values()]).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Scores one reading with every model; never throws for a bad reading (it is reported in the step). */
  observe(reading: { readonly timestamp: number; readonly sensors: Readonly<Record<string, number>> }, offline: boolean): EdgeStep {
    const t0 = this.clock();
    this.counts.readings++;
    const changes: EdgeChange[] = [];
    let rejection: string | undefined;
    const where = `reading ${this.counts.readings} of ${this.trainId} at ${new Date(reading.timestamp).toISOString()}`;
    try {
      const telemetry = parseTelemetry(
        { trainId: this.trainId, timestamp: reading.timestamp, sensors: reading.sensors },
        this.required,
        where,
        this.settings.bounds,
      );
      const outside = tooManyOutside(telemetry, this.settings.groups);
      if (outside) throw new TelemetryError(outside.field, `${where}: ${outside.message}`);
      const seq = String(++this.seq);
      for (const model of this.models) {
        const outcome = model.process(telemetry, seq);
        if (outcome.kind !== "scored") continue;
        for (const c of outcome.changes) {
          if (c.kind === "updated") continue;
          const known = this.find(c.episode.id);
          const episode = edgeEpisodeOf(c.episode, known ? known.raisedOffline : offline);
          this.keep(episode);
          changes.push({ kind: c.kind, episode, offline });
        }
      }
      this.counts.scored++;
    } catch (e) {
      if (!isRecordError(e)) throw e;
      this.counts.rejected++;
      rejection = `edge detector skipped ${messageOf(e).startsWith("reading") ? "" : `${where}: `}${messageOf(e)}`;
    }
    this.counts.busyMs += this.clock() - t0;
    return rejection === undefined ? { changes } : { changes, rejection };
  }

  private find(id: string): EdgeEpisode | undefined {
    return this.journal ? this.journal.all().find((e) => e.id === id) : this.memory.get(id);
  }

  private keep(e: EdgeEpisode): void {
    if (this.journal) return this.journal.record(e);
    this.memory.delete(e.id);
    this.memory.set(e.id, e);
    if (this.memory.size > MAX_EDGE_EPISODES) this.memory.delete(this.memory.keys().next().value!);
  }

  /** Closes the journal and saves each model beside it, so a restarted agent goes on from what it learned. */
  close(): void {
    this.journal?.close();
    if (this.saveDir === undefined) return;
    for (const m of this.models) {
      if (m.watermark === null) continue;
      const c: Checkpoint = {
        trainId: m.trainId,
        group: m.group,
        version: 0,
        fingerprint: m.fingerprint,
        model: encodeModelState(m.detector.toState()),
        sidecar: JSON.stringify(m.sidecar()),
        watermark: m.watermark,
        updatedAt: new Date().toISOString(),
      };
      const path = savedModelFile(this.saveDir, m.group);
      writeFileSync(`${path}.tmp`, checkpointFileOf(c));
      renameSync(`${path}.tmp`, path);
    }
  }
}
