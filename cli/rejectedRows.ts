import { closeSync, openSync, writeSync } from "fs";
import { InputError } from "../anomaly/errors";
import { CsvError } from "../anomaly/io/csvSeries";
import { csvCell } from "./csvCell";

/** How many rejected rows `detect` names on stderr; `--rejected FILE` lists them all. */
export const SHOWN_REJECTIONS = 20;

const HEADER = "line,column,reason";

/** One rejected row as a line of the `--rejected` report. */
export function rejectedLine(e: CsvError): string {
  return [String(e.line), csvCell(e.column ?? ""), csvCell(e.reason)].join(",");
}

/**
 * The rows `detect` could not score (the reader could not read them, or the detector refused them): the
 * first SHOWN_REJECTIONS are named on stderr as they come, every one goes to the `--rejected` report when
 * there is one, and the summary says how many. Nothing is dropped silently: a rejected row is either named
 * or counted, and listed in the report.
 */
export class RejectedRows {
  count = 0;
  private fd: number | null = null;

  constructor(
    private readonly err: NodeJS.WritableStream,
    private readonly reportPath?: string,
  ) {}

  add(e: CsvError): void {
    this.count++;
    if (this.count <= SHOWN_REJECTIONS) this.err.write(`detect: rejected ${e.message}\n`);
    if (this.reportPath) this.write(`${rejectedLine(e)}\n`);
  }

  /** Closes the report; writes its header alone when no row was rejected, so no report of an earlier run is left. */
  finish(): void {
    if (this.reportPath && this.fd === null) this.write("");
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** The summary's clause: "" when none, else how many and where they are. */
  summary(): string {
    if (this.count === 0) return "";
    const unnamed = this.count - SHOWN_REJECTIONS;
    const where = this.reportPath ? `, listed in ${this.reportPath}` : unnamed > 0 ? `, ${unnamed} not named above (--rejected FILE lists all)` : "";
    return `, ${this.count} row(s) rejected${where}`;
  }

  private write(text: string): void {
    const path = this.reportPath as string;
    try {
      if (this.fd === null) {
        this.fd = openSync(path, "w");
        writeSync(this.fd, `${HEADER}\n`);
      }
      writeSync(this.fd, text);
    } catch (e) {
      throw new InputError(`--rejected ${path}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
