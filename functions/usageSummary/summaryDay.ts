import { parseTimestamp } from "../../anomaly/io/timestamp";
import { InputError } from "./errors";

/** One UTC day in every spelling the tables' partition keys use. */
export interface SummaryDay {
  /** `YYYY-MM-DD`, the CLI's and the summary's spelling; also CloudTrail's `eventtime` prefix. */
  readonly iso: string;
  /** `yyyy/MM/dd`: the `dt` of the shared readings, CloudTrail and access-log tables. */
  readonly slashed: string;
  /** The next day's `yyyy/MM/dd`: CloudTrail files of late events land in the next day's folder. */
  readonly nextSlashed: string;
  /** `yyyyMMdd`: the `dt` of the meter lake, supplier uploads and quarantine reports. */
  readonly compact: string;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` strictly: the form and a real calendar day (2026-02-30 is refused), naming the value. */
export function parseSummaryDay(text: string): SummaryDay {
  const m = ISO_DAY.exec(text);
  const t = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!m || !t || t.getUTCFullYear() !== Number(m[1]) || t.getUTCMonth() !== Number(m[2]) - 1 || t.getUTCDate() !== Number(m[3])) {
    throw new InputError(`date ${JSON.stringify(text)} is not a real day in the form YYYY-MM-DD`);
  }
  return dayOf(t);
}

/** The UTC day before `instant` (ISO 8601 with a zone): the window of the scheduled summary. */
export function previousDay(instant: string): SummaryDay {
  // parseTimestamp: the form and a real calendar time (Date.parse takes 2026-02-31 as 3 March)
  const ms = /^\d{4}-\d\d-\d\dT.*(Z|[+-]\d{2}:\d{2})$/.test(instant) ? parseTimestamp(instant) : NaN;
  if (Number.isNaN(ms)) throw new InputError(`scheduledTime ${JSON.stringify(instant)} is not an ISO 8601 time with a zone`);
  const t = new Date(ms);
  return dayOf(new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() - 1)));
}

function dayOf(t: Date): SummaryDay {
  const iso = t.toISOString().slice(0, 10);
  const next = new Date(t.getTime() + 86_400_000).toISOString().slice(0, 10);
  return { iso, slashed: iso.replace(/-/g, "/"), nextSlashed: next.replace(/-/g, "/"), compact: iso.replace(/-/g, "") };
}
