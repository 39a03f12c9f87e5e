/** A rejected data row: the line and the reason the quarantine report shows next to it. */
export interface IngestError {
  readonly line: number;
  readonly reason: string;
}

/** How many rows were rejected for one kind of reason (the reason with its values masked). */
export interface ReasonCount {
  readonly reason: string;
  readonly count: number;
}

/** First N rejected rows kept by default: a report stays small whatever the file holds. */
export const DEFAULT_MAX_ERRORS = 100;
/** Reason kinds kept before the rest are counted together. */
export const MAX_REASON_KINDS = 100;
export const OTHER_REASONS = "(other reasons)";

/**
 * The kind of a reason: quoted text, times, days and numbers masked, so `interval 3: "abc" is not a number`
 * and `interval 7: "x" is not a number` are counted together.
 */
export function reasonKind(reason: string): string {
  return reason
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g, "<time>")
    .replace(/\d{4}-\d\d-\d\d/g, "<day>")
    .replace(/\d\d:\d\d/g, "<hh:mm>")
    .replace(/[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/g, "<n>");
}

/** The longest reason kept; a row's cell quoted whole (a megabyte of text) would make the report as large. */
export const MAX_REASON_CHARS = 200;

/** `reason`, cut to MAX_REASON_CHARS with how long it was. */
export function cappedReason(reason: string): string {
  return reason.length <= MAX_REASON_CHARS ? reason : `${reason.slice(0, MAX_REASON_CHARS)}... (${reason.length} characters in all)`;
}

/**
 * Keeps the `max` rejected rows of the lowest line numbers (a parser may settle rows out of line order: the long
 * layout settles a day at a time) and a count of every reason kind; memory does not grow with the file.
 */
export class RejectionLog {
  private readonly kept: IngestError[] = [];
  private highest = -Infinity;
  private readonly kinds = new Map<string, number>();
  total = 0;

  constructor(private readonly max = DEFAULT_MAX_ERRORS) {}

  add(line: number, full: string): void {
    this.total++;
    if (this.kept.length < this.max) {
      this.kept.push({ line, reason: cappedReason(full) });
      this.highest = Math.max(this.highest, line);
    } else if (line < this.highest) {
      this.kept[this.kept.findIndex((e) => e.line === this.highest)] = { line, reason: cappedReason(full) };
      this.highest = Math.max(...this.kept.map((e) => e.line));
    }
    // the kind from the whole reason: a cut one would leave its quote open, and every long cell a kind of its own
    let kind = cappedReason(reasonKind(full));
    if (!this.kinds.has(kind) && this.kinds.size >= MAX_REASON_KINDS) kind = OTHER_REASONS;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  /** The kept rows, in line order. */
  get errors(): IngestError[] {
    return [...this.kept].sort((a, b) => a.line - b.line);
  }

  /** Counts per reason kind, most frequent first. */
  reasons(): ReasonCount[] {
    return [...this.kinds].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : 1));
  }
}
