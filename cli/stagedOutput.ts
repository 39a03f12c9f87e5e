import { createWriteStream, openSync, readdirSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, WriteStream } from "fs";
import { basename, dirname, join } from "path";
import { InputError } from "../anomaly/errors";

/**
 * An output file that replaces its target only when complete: written beside it under a hidden name and
 * renamed onto it by `commit`, so a run that fails part-way (a line too long, a disk full) leaves an earlier
 * run's file as it was, and `discard` removes the partial one. A target that is not a regular file (a
 * device such as /dev/stdout, a FIFO) is written in place, since renaming onto it would replace the
 * device; a symlink is followed, so the file it points to is the one replaced. An interrupt (Ctrl-C, SIGTERM,
 * SIGHUP) removes the partial file before the process ends; one a killed run left behind (its process gone) is
 * removed by the next run that writes the same target.
 */
/** Staging files not yet committed or discarded (and other paths given to removedOnInterrupt): removed when the process is interrupted. */
const live = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/** On the first interrupt, removes every live staging file, then lets the signal end the process as it would have. */
function removeOnInterrupt(signal: NodeJS.Signals): void {
  for (const s of SIGNALS) process.removeListener(s, removeOnInterrupt);
  for (const path of live) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // cannot be removed: the signal ends the process all the same
    }
  }
  live.clear();
  process.kill(process.pid, signal);
}

function track(staging: string): void {
  if (live.size === 0) for (const s of SIGNALS) process.once(s, removeOnInterrupt);
  live.add(staging);
}

function untrack(staging: string): void {
  live.delete(staging);
  if (live.size === 0) for (const s of SIGNALS) process.removeListener(s, removeOnInterrupt);
}

/**
 * Removes `path` (a file or a folder) if the process is interrupted (Ctrl-C, SIGTERM, SIGHUP) before the function
 * returned is called, then lets the signal end the process as it would have.
 */
export function removedOnInterrupt(path: string): () => void {
  track(path);
  return () => untrack(path);
}

/** Whether a process of this id runs (one of another user counts: it may not be signalled, but it is alive). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the staging files for `target` of runs that ended without removing them (killed: their process is gone). */
function removeStale(target: string): void {
  const name = basename(target);
  let entries: string[];
  try {
    entries = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = entry.startsWith(`.${name}.`) && entry.endsWith(".partial") ? entry.slice(name.length + 2, -".partial".length) : "";
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid || isAlive(Number(pid))) continue;
    try {
      unlinkSync(join(dirname(target), entry));
    } catch {
      // another run removed it
    }
  }
}

export class StagedOutput {
  private error: Error | null = null;

  private constructor(
    private readonly flag: string,
    private readonly path: string,
    private readonly target: string,
    private readonly staging: string | null,
    readonly stream: WriteStream,
  ) {
    stream.on("error", (e: Error) => (this.error ??= e));
  }

  /** Opens the output (an InputError naming the flag and path when it cannot be). */
  static open(flag: string, path: string): StagedOutput {
    const existing = statSync(path, { throwIfNoEntry: false });
    const inPlace = existing !== undefined && !existing.isFile();
    // a symlink to a file is followed; a device is opened by the name given (/dev/stdout resolves to a pipe's
    // or socket's name, which cannot be opened)
    const target = existing && !inPlace ? realpathSync(path) : path;
    const staging = inPlace ? null : join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
    if (!inPlace) removeStale(target);
    // listening before the file exists: a signal between its creation and the listener would end the process
    // with the partial file left behind
    if (staging) track(staging);
    try {
      return new StagedOutput(flag, path, target, staging, createWriteStream(staging ?? target, { fd: openSync(staging ?? target, "w") }));
    } catch (e) {
      if (staging) untrack(staging);
      throw new InputError(`${flag} ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }

  /** Flushes and closes the file, then puts it in place; an InputError naming the output when any write failed. */
  async commit(): Promise<void> {
    // a failed last flush reaches only end's callback (as ERR_STREAM_DESTROYED) before 'close'; its cause
    // comes with the 'error' event, which precedes 'close'
    await new Promise<void>((resolve) => {
      let endError: Error | null = null;
      this.stream.once("close", () => {
        this.error ??= endError;
        resolve();
      });
      this.stream.end((e?: Error | null) => (endError = e ?? null));
    });
    if (this.error) {
      this.removeStaging();
      throw new InputError(`${this.flag} ${this.path}: cannot write: ${(this.error as NodeJS.ErrnoException).code ?? this.error.message}`);
    }
    if (this.staging) {
      renameSync(this.staging, this.target);
      untrack(this.staging);
    }
  }

  /** Abandons the output: the partial file is removed and the target left as it was. */
  discard(): void {
    this.stream.destroy();
    this.removeStaging();
  }

  private removeStaging(): void {
    if (!this.staging) return;
    untrack(this.staging);
    try {
      unlinkSync(this.staging);
    } catch {
      // already gone
    }
  }
}
