import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "fs";
import { join } from "path";
import { EdgeEpisode } from "./reconcile";

/**
 * The edge detector's episodes on disk, next to the outbox (`<outbox>/edge-episodes.jsonl`): one JSON line per
 * opened or cleared episode, fsynced at once (episodes are rare), so a train that reboots during an outage
 * still knows what it warned its operator of and reconciles it on reconnect. The newest line of an id wins.
 * Past `maxEpisodes` the oldest are forgotten when the file is next opened (it is rewritten compacted).
 */
export const EDGE_JOURNAL_FILE = "edge-episodes.jsonl";
export const MAX_EDGE_EPISODES = 200;

export class EdgeJournal {
  readonly file: string;
  private readonly episodes = new Map<string, EdgeEpisode>();
  /** Open while writing; closed by `close()` and reopened by the next record (an agent stops and starts). */
  private fd?: number;
  /** Unreadable lines skipped at open (a torn last line after a crash). */
  readonly torn: number = 0;

  constructor(
    dir: string,
    readonly maxEpisodes = MAX_EDGE_EPISODES,
  ) {
    mkdirSync(dir, { recursive: true });
    this.file = join(dir, EDGE_JOURNAL_FILE);
    let lines = 0;
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, "utf8").split("\n")) {
        if (!line) continue;
        lines++;
        try {
          const e = JSON.parse(line) as EdgeEpisode;
          if (typeof e.id !== "string" || typeof e.startedAt !== "number") throw new Error("not an episode");
          this.episodes.delete(e.id);
          this.episodes.set(e.id, e);
        } catch {
          this.torn++;
        }
      }
    }
    while (this.episodes.size > maxEpisodes) this.episodes.delete(this.episodes.keys().next().value!);
    if (lines > this.episodes.size) {
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, [...this.episodes.values()].map((e) => `${JSON.stringify(e)}\n`).join(""));
      renameSync(tmp, this.file);
    }
  }

  /** Every episode known, in the order they were last written. */
  all(): EdgeEpisode[] {
    return [...this.episodes.values()];
  }

  record(e: EdgeEpisode): void {
    this.episodes.delete(e.id);
    this.episodes.set(e.id, e);
    this.fd ??= openSync(this.file, "a");
    writeSync(this.fd, `${JSON.stringify(e)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
