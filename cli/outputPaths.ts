import { realpathSync, statSync } from "fs";
import { basename, dirname, resolve, sep } from "path";
import { InputError } from "../anomaly/errors";
import { UsageError } from "./args";

/** Device and inode of a path, or null when it does not exist. */
function identity(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/** The output path that means standard output, where an output may go there. */
export const STDOUT_PATH = "-";

export interface OutputPath {
  readonly flag: string;
  readonly path: string | undefined;
  /** Whether `-` writes this output to standard output; for the other outputs it is refused, never a file named `-`. */
  readonly stdout?: boolean;
}

/**
 * Checks a command's output files before anything is opened: opening one truncates it, so an output that is
 * the input (the same file by any name: `./x`, a symlink, a hard link) or another output is refused, and an
 * output whose folder is missing fails now rather than after the whole input is scored.
 */
export function checkOutputPaths(input: { flag: string; path: string }, outputs: readonly OutputPath[]): void {
  const inputId = identity(input.path);
  const seen: { flag: string; id: string }[] = [];
  for (const { flag, path, stdout } of outputs) {
    if (path === undefined) continue;
    if (path === STDOUT_PATH) {
      if (stdout) continue;
      refuseStdoutPath(flag, path);
    }
    const id = identity(path) ?? `new:${resolve(path)}`;
    if (inputId !== null && id === inputId) throw new UsageError(`${flag} ${path} is the ${input.flag} file: it would be overwritten before it is read`);
    const twin = seen.find((s) => s.id === id);
    if (twin) throw new UsageError(`${flag} ${path} is the same file as ${twin.flag}`);
    seen.push({ flag, id });
    checkOutputFile(flag, path);
  }
}

/** A file output given as `-` where the flag does not write to standard output. */
export function refuseStdoutPath(flag: string, path: string): void {
  if (path === STDOUT_PATH) throw new UsageError(`${flag} needs a file path: - (standard output) is not supported for it`);
}

/**
 * An output file inside a command's input folder is refused: it could overwrite an input file, and a later run
 * would read it as data. Symlinked folders are followed; the output's folder must already exist (checkOutputFile).
 */
export function checkOutputOutsideFolder(flag: string, path: string, input: { flag: string; folder: string }): void {
  let folder: string;
  let out: string;
  try {
    folder = realpathSync(input.folder);
    out = resolve(realpathSync(dirname(resolve(path))), basename(path));
  } catch {
    return; // a missing folder is reported by the checks that name it
  }
  if (out.startsWith(folder.endsWith(sep) ? folder : folder + sep)) {
    throw new UsageError(
      `${flag} ${path} is inside the ${input.flag} folder ${input.folder}: it could overwrite its data, and would be read as data next time`,
    );
  }
}

/** An output file's folder must exist and the path must not be a folder: checked before any work is done. */
export function checkOutputFile(flag: string, path: string): void {
  if (path.trim() === "") throw new UsageError(`${flag} needs a file path, got an empty one`);
  refuseStdoutPath(flag, path);
  const folder = dirname(resolve(path));
  let isFolder = false;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch {
    // reported below
  }
  if (!isFolder) throw new InputError(`${flag} ${path}: folder ${folder} does not exist`);
  if (identity(path) !== null && statSync(path).isDirectory()) throw new InputError(`${flag} ${path}: is a folder`);
}

/** An output folder's name: not empty, and not `-` (standard output is not a folder). */
export function checkOutputFolder(flag: string, path: string): void {
  if (path.trim() === "" || path === STDOUT_PATH) throw new UsageError(`${flag} needs a folder, got ${JSON.stringify(path)}`);
}
