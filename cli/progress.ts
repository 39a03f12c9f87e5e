/** How often a long command says how far it has got. */
export const PROGRESS_EVERY_MS = 10_000;

/**
 * A progress line at most every `everyMs`: `tick(count)` is cheap to call for every row (it reads the clock
 * once per 1024 calls) and writes `line(count, perSecond)` when the interval has passed. Short runs write
 * nothing.
 */
export function progressTicker(
  write: (text: string) => void,
  line: (count: number, perSecond: number) => string,
  everyMs = PROGRESS_EVERY_MS,
  now: () => number = Date.now,
): (count: number) => void {
  const started = now();
  let last = started;
  return (count: number): void => {
    if ((count & 1023) !== 0) return;
    const t = now();
    if (t - last < everyMs) return;
    last = t;
    write(`${line(count, Math.round((count * 1000) / Math.max(1, t - started)))}\n`);
  };
}
