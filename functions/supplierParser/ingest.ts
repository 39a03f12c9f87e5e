import { createReadStream } from "fs";
import { stat } from "fs/promises";
import { createInterface } from "readline";
import { Readable } from "stream";
import { DEFAULT_MAX_KW, validateBounds } from "./bounds";
import { Layout, detectLayout } from "./layout";
import { LineParser, ParseContext } from "./parsers/lineParser";
import { longParser } from "./parsers/longParser";
import { nem12Parser } from "./parsers/nem12Parser";
import { plainParser } from "./parsers/plainParser";
import { wideParser } from "./parsers/wideParser";
import { LocalClock, zoneClock } from "./localClock";
import { DEFAULT_TIME_ZONE, Reading } from "./readingSchema";
import { DEFAULT_MAX_ERRORS, IngestError, ReasonCount, RejectionLog } from "./rejectionLog";
import { parseS3Key, validateClientId, validateDate } from "./s3Key";
import { NamedError } from "../shared/errors";
import { splitCsvLine } from "../../anomaly/io/csvLine";

export { IngestError, ReasonCount } from "./rejectionLog";

/** A line's last field empty: it ends in a separator (and blanks). */
const TRAILING_SEPARATOR = /,\s*$/;
/** NEM12's first record: its lines end in empty fields by the format, not by an export's habit. */
const NEM12_START = /^\s*"?(100|200)"?,/;

export interface IngestOptions {
  /** An S3 key `{YYYYMMDD}/{ClientID}.csv`; or give clientId (and optionally date) instead. */
  readonly key?: string;
  readonly clientId?: string;
  /** YYYYMMDD; when set, rows dated after it are rejected. */
  readonly date?: string;
  /** IANA time zone of wall-clock layouts (wide, long, plain without a zone); default DEFAULT_TIME_ZONE. NEM12 is always NEM time. */
  readonly timeZone?: string;
  /** Interval length of the plain `timestamp,kwh` layout; default 30. */
  readonly plainIntervalMinutes?: number;
  /** Largest average power a reading may show, kW: each value is held to maxKw × its interval; default DEFAULT_MAX_KW. */
  readonly maxKw?: number;
  /** Rejected rows listed one by one (the rest are counted per reason); default DEFAULT_MAX_ERRORS. */
  readonly maxErrors?: number;
  /** How many readings to keep in the result; default 5. All of them go to onReading. */
  readonly sample?: number;
  /** Receives every accepted reading in file order, so callers can stream them out. */
  readonly onReading?: (r: Reading) => void;
  /** Called after each line; when it returns a promise the next line waits for it (output backpressure). */
  readonly afterLine?: () => Promise<void> | undefined;
}

export interface IngestResult {
  readonly layout: Layout;
  /** Data rows seen; always accepted + rejected. Headers, blank lines and NEM12 100/200/400/500/900 are not rows. */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly readingCount: number;
  readonly readings: Reading[];
  /** The first `maxErrors` rejected rows in file order (and "file is empty" for a file without lines). */
  readonly errors: IngestError[];
  /** Every rejected row counted by reason kind, most frequent first. */
  readonly reasons: ReasonCount[];
  /**
   * With a key date: the consumption readings no report reads (a report reads the files named for its UTC day
   * and the days either side, so readings starting outside the day before the key's to the day after it), with
   * the first and last interval start; absent when there are none.
   */
  readonly unreported?: Unreported;
  /** Accepted rows whose readings leave a gap the file cannot fill (the first MAX_NOTES), absent when none. */
  readonly notes?: readonly RowNote[];
}

/** An accepted row's note: what of its day the file could not say. */
export interface RowNote {
  readonly line: number;
  readonly note: string;
}

/** Notes kept in a result and its report; a file holds at most a couple (one a channel a year). */
export const MAX_NOTES = 20;

export interface Unreported {
  readonly readings: number;
  readonly first: string;
  readonly last: string;
}

const DAY_MS = 86_400_000;

/** The UTC span of interval starts the reports reading a file named `keyDate` (YYYYMMDD) take readings from. */
export function reportedSpan(keyDate: string): { fromMs: number; toMs: number } {
  const dayMs = Date.UTC(Number(keyDate.slice(0, 4)), Number(keyDate.slice(4, 6)) - 1, Number(keyDate.slice(6, 8)));
  return { fromMs: dayMs - DAY_MS, toMs: dayMs + 2 * DAY_MS };
}

export class InputError extends NamedError {
  constructor(message: string) {
    super("InputError", message);
  }
}

/** Enough non-blank lines to tell the layouts apart (NEM12 may put a 100 before its 200 and 300). */
const DETECT_LINES = 4;

function parserFor(layout: Layout, ctx: ParseContext, header: string[]): LineParser | undefined {
  switch (layout) {
    case "nem12":
    case "nem12-excel":
      return nem12Parser(ctx);
    case "wide":
      return wideParser(ctx, header);
    case "long":
      return longParser(ctx);
    case "plain":
      return plainParser(ctx);
    default:
      return undefined;
  }
}

const clocks = new Map<string, LocalClock>();

/** One clock per zone for the life of the process (a warm Lambda keeps the offsets it looked up). */
function clockOf(timeZone: string): LocalClock {
  let clock = clocks.get(timeZone);
  if (!clock) {
    try {
      clock = zoneClock(timeZone);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
    clocks.set(timeZone, clock);
  }
  return clock;
}

function bounds(maxKw: number): { maxKw: number } {
  try {
    return validateBounds({ maxKw });
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}

function context(opts: IngestOptions): ParseContext {
  const fromKey = opts.key !== undefined ? parseS3Key(opts.key) : undefined;
  const clientId = fromKey?.clientId ?? opts.clientId;
  if (clientId === undefined) throw new InputError("a key or a client id is required");
  validateClientId(clientId);
  const keyDate = fromKey?.date ?? opts.date;
  if (keyDate !== undefined) validateDate(keyDate);
  return {
    clientId,
    keyDate,
    clock: clockOf(opts.timeZone ?? DEFAULT_TIME_ZONE),
    plainIntervalMinutes: opts.plainIntervalMinutes ?? 30,
    bounds: bounds(opts.maxKw ?? DEFAULT_MAX_KW),
  };
}

/** The pure core: lines in (any line endings, BOM allowed), normalised readings and rejected rows out. */
export async function ingestStream(lines: AsyncIterable<string> | Iterable<string>, opts: IngestOptions): Promise<IngestResult> {
  const ctx = context(opts);
  const sample = opts.sample ?? 5;
  const readings: Reading[] = [];
  const notes: RowNote[] = [];
  const log = new RejectionLog(opts.maxErrors ?? DEFAULT_MAX_ERRORS);
  let rows = 0;
  let accepted = 0;
  let readingCount = 0;
  let layout: Layout = "empty";
  let parser: LineParser | undefined;
  let headerPending = false;
  const buffered: { fields: string[]; line: number; text: string }[] = [];
  const span = ctx.keyDate === undefined ? undefined : reportedSpan(ctx.keyDate);
  let unreported: { readings: number; firstMs: number; lastMs: number } | undefined;
  const tally = (r: Reading): void => {
    if (!span || r.channel !== "consumption") return;
    const ms = Date.parse(r.intervalStart);
    if (ms >= span.fromMs && ms < span.toMs) return;
    unreported ??= { readings: 0, firstMs: ms, lastMs: ms };
    unreported.readings++;
    unreported.firstMs = Math.min(unreported.firstMs, ms);
    unreported.lastMs = Math.max(unreported.lastMs, ms);
  };

  const record = (outcomes: ReturnType<LineParser["end"]>): void => {
    for (const o of outcomes) {
      rows++;
      if ("reason" in o) {
        log.add(o.line, o.reason);
        continue;
      }
      accepted++;
      if (o.note !== undefined && notes.length < MAX_NOTES) notes.push({ line: o.line, note: o.note });
      for (const r of o.readings) {
        readingCount++;
        if (readings.length < sample) readings.push(r);
        tally(r);
        opts.onReading?.(r);
      }
    }
  };
  const feed = (fields: string[], line: number, text: string): void => {
    if (headerPending) {
      headerPending = false;
      return;
    }
    if (parser) record(parser.line(fields, line));
    else record([{ line, reason: `unrecognised layout (expected NEM12, wide, long or timestamp,kwh): ${JSON.stringify(text.slice(0, 60))}` }]);
  };
  const start = (): void => {
    layout = detectLayout(buffered.map((b) => b.text));
    parser = parserFor(layout, ctx, buffered[0]?.fields ?? []);
    headerPending = layout === "wide" || layout === "long" || layout === "plain";
    for (const b of buffered.splice(0)) feed(b.fields, b.line, b.text);
  };

  let lineNo = 0;
  let started = false;
  let trailingSeparator: boolean | undefined;
  for await (const raw of lines) {
    lineNo++;
    let text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.endsWith("\r")) text = text.slice(0, -1);
    if (text.trim() === "") continue;
    // a header ending in a separator (some exports end every line with one): the file's lines drop their last, empty field
    if (trailingSeparator === undefined) trailingSeparator = TRAILING_SEPARATOR.test(text) && !NEM12_START.test(text);
    if (trailingSeparator && TRAILING_SEPARATOR.test(text)) text = text.replace(TRAILING_SEPARATOR, "");
    const fields = splitCsvLine(text, ",");
    if (started) {
      feed(fields, lineNo, text);
      const wait = opts.afterLine?.();
      if (wait) await wait;
      continue;
    }
    buffered.push({ fields, line: lineNo, text });
    if (buffered.length >= DETECT_LINES) {
      started = true;
      start();
    }
  }
  if (!started) start();
  if (parser) record(parser.end());
  if (layout === "empty") log.add(0, "file is empty");
  const result = {
    layout,
    rows,
    accepted,
    rejected: rows - accepted,
    readingCount,
    readings,
    errors: log.errors,
    reasons: log.reasons(),
    ...(notes.length > 0 ? { notes } : {}),
  };
  if (!unreported) return result;
  const iso = (ms: number) => new Date(ms).toISOString();
  return { ...result, unreported: { readings: unreported.readings, first: iso(unreported.firstMs), last: iso(unreported.lastMs) } };
}

/** Splits a byte stream into lines without holding the file: readline handles LF and CRLF. */
export function streamLines(stream: Readable): AsyncIterable<string> {
  return createInterface({ input: stream, crlfDelay: Infinity });
}

/**
 * Reads a local file as a stream; InputError when it cannot be read at all, or when it is over `maxBytes` (the
 * parser's limit, as the Lambda would refuse such an upload), before a byte is read.
 */
export async function ingestFile(path: string, opts: IngestOptions, maxBytes = Infinity): Promise<IngestResult> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new InputError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!info.isFile()) throw new InputError(`cannot read ${path}: not a file`);
  if (info.size > maxBytes) {
    throw new InputError(
      `${path}: ${info.size} bytes, over the supplier parser's limit of ${maxBytes} bytes: an upload this large is refused with a quarantine report and no row read`,
    );
  }
  const stream = createReadStream(path, { encoding: "utf8" });
  const failed = new Promise<never>((_, reject) =>
    stream.once("error", (e: NodeJS.ErrnoException) => reject(new InputError(`cannot read ${path}: ${e.code ?? e.message}`))),
  );
  return Promise.race([ingestStream(streamLines(stream), opts), failed]);
}
