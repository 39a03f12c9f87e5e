/** Reading times outside 2000-01-01..2100-01-01 are unit mistakes (seconds for milliseconds) or broken clocks. */
export const EARLIEST_READING_MS = Date.UTC(2000, 0, 1);
export const LATEST_READING_MS = Date.UTC(2100, 0, 1);

/** Whether epoch ms `ms` falls within the years a reading may carry. */
export const inReadingYears = (ms: number): boolean => ms >= EARLIEST_READING_MS && ms < LATEST_READING_MS;
