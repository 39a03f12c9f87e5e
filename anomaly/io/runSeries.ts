import { InputError } from "../errors";
import { createDetector } from "../registry";
import { Detector, DetectorOptions, DetectorResult } from "../types";
import { CsvError, SeriesHeader, SeriesRow, SeriesSpec, readSeries } from "./csvSeries";
import { displayName } from "./lineReader";

export interface ScoredRow {
  readonly row: SeriesRow;
  readonly result: DetectorResult;
}

/**
 * Streams a CSV through a new detector, calling `onRow` for every row in input order. A point the
 * detector refuses becomes a CsvError naming the file and line. Without `onRejected` that error (or a row
 * the reader cannot read) ends the run; with it, the row goes there, unscored and unlearned (the detector
 * refuses a point before it changes anything), and the run goes on.
 */
export async function runSeries(
  spec: SeriesSpec,
  detectorName: string,
  options: DetectorOptions,
  onRow: (scored: ScoredRow, header: SeriesHeader) => void,
  onRejected?: (error: CsvError) => void,
): Promise<{ header: SeriesHeader; rows: number }> {
  let header: SeriesHeader | null = null;
  let detector: Detector | null = null;
  let rows = 0;
  for await (const row of readSeries(onRejected ? { ...spec, onBadRow: onRejected } : spec, (h) => (header = h))) {
    const h = header as unknown as SeriesHeader;
    detector ??= createDetector(detectorName, h.columns.length, options);
    let result: DetectorResult;
    try {
      result = detector.process({ timestamp: row.timestamp, values: row.values });
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      const refused = new CsvError(displayName(spec.file), row.line, e.dimension === undefined ? null : h.columns[e.dimension], e.message);
      if (!onRejected) throw refused;
      onRejected(refused);
      continue;
    }
    rows++;
    onRow({ row, result }, h);
  }
  return { header: header as unknown as SeriesHeader, rows };
}
