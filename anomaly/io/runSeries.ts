import { InputError } from "../errors";
import { createDetector } from "../registry";
import { Detector, DetectorOptions, DetectorResult } from "../types";
import { CsvError, SeriesHeader, SeriesRow, SeriesSpec, readSeries } from "./csvSeries";

export interface ScoredRow {
  readonly row: SeriesRow;
  readonly result: DetectorResult;
}

/**
 * Streams a CSV through a new detector, calling `onRow` for every row in input order. A point the
 * detector refuses becomes a CsvError naming the file and line.
 */
export async function runSeries(
  spec: SeriesSpec,
  detectorName: string,
  options: DetectorOptions,
  onRow: (scored: ScoredRow, header: SeriesHeader) => void,
): Promise<{ header: SeriesHeader; rows: number; detector: Detector }> {
  let header: SeriesHeader | null = null;
  let detector: Detector | null = null;
  let rows = 0;
  for await (const row of readSeries(spec, (h) => (header = h))) {
    const h = header as unknown as SeriesHeader;
    detector ??= createDetector(detectorName, h.columns.length, options);
    let result: DetectorResult;
    try {
      result = detector.process({ timestamp: row.timestamp, values: row.values });
    } catch (e) {
      if (e instanceof InputError) {
        const column = e.dimension === undefined ? null : h.columns[e.dimension];
        throw new CsvError(spec.file, row.line, column, e.message);
      }
      throw e;
    }
    rows++;
    onRow({ row, result }, h);
  }
  return { header: header as unknown as SeriesHeader, rows, detector: detector! };
}
