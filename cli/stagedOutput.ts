import { createWriteStream, openSync, realpathSync, renameSync, statSync, unlinkSync, WriteStream } from "fs";
import { basename, dirname, join } from "path";
import { InputError } from "../anomaly/errors";

/**
 * An output file that replaces its target only when complete: written beside it under a hidden name and
 * renamed onto it by `commit`, so a run that fails part-way (a line too long, a disk full) leaves an earlier
 * run's file as it was, and `discard` removes the partial one. A target that is not a regular file (a
 * device such as /dev/stdout, a FIFO) is written in place, since renaming onto it would replace the
 * device; a symlink is followed, so the file it points to is the one replaced.
 */
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
    const target = existing ? realpathSync(path) : path;
    const staging = inPlace ? null : join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
    try {
      return new StagedOutput(flag, path, target, staging, createWriteStream(staging ?? target, { fd: openSync(staging ?? target, "w") }));
    } catch (e) {
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
    if (this.staging) renameSync(this.staging, this.target);
  }

  /** Abandons the output: the partial file is removed and the target left as it was. */
  discard(): void {
    this.stream.destroy();
    this.removeStaging();
  }

  private removeStaging(): void {
    if (!this.staging) return;
    try {
      unlinkSync(this.staging);
    } catch {
      // already gone
    }
  }
}
