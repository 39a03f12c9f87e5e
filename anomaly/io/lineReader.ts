import { createReadStream } from "fs";
import { InputError } from "../errors";

/** Longest line a series CSV may have: far beyond any real row, far below V8's 512 MB string limit. */
export const MAX_LINE_CHARS = 16 * 1024 * 1024;

/** The path that means standard input. */
export const STDIN_PATH = "-";

/** How a path is named in messages: standard input as `stdin`. */
export function displayName(file: string): string {
  return file === STDIN_PATH ? "stdin" : file;
}

/**
 * The lines of a UTF-8 file, or of standard input for STDIN_PATH (without `\n` or `\r\n`), read in chunks. A
 * line longer than `maxChars` is an InputError naming the file and the line number as soon as it passes the
 * limit, so a file holding one endless line never has to fit in memory.
 */
export async function* readLines(file: string, maxChars = MAX_LINE_CHARS): AsyncGenerator<string> {
  let pending = "";
  let lineNo = 1;
  const tooLong = () => new InputError(`${displayName(file)}:${lineNo}: line longer than ${maxChars} characters`);
  const source = file === STDIN_PATH ? process.stdin.setEncoding("utf8") : createReadStream(file, { encoding: "utf8" });
  for await (const chunk of source) {
    let start = 0;
    const text = chunk as string;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      const line = pending + text.slice(start, nl);
      pending = "";
      start = nl + 1;
      if (line.length > maxChars + 1) throw tooLong();
      const clean = line.endsWith("\r") ? line.slice(0, -1) : line;
      if (clean.length > maxChars) throw tooLong();
      yield clean;
      lineNo++;
    }
    pending += text.slice(start);
    if (pending.length > maxChars + 1) throw tooLong();
  }
  if (pending !== "") {
    const clean = pending.endsWith("\r") ? pending.slice(0, -1) : pending;
    if (clean.length > maxChars) throw tooLong();
    yield clean;
  }
}
