import { readFileSync } from "fs";
import { InputError } from "../errors";
import { parseTimestamp } from "../io/timestamp";

/**
 * A value of a labels file as an error message shows it: its JSON, cut to 60 characters, or what it is when JSON
 * cannot write it (nested deeper than the stack).
 */
export function labelText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = `${Array.isArray(value) ? "an array" : "a value"} nested too deep to show`;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A labels file's JSON object of data file -> `what`; an InputError naming the file when it is not JSON or not an object. */
export function labelsObject(file: string, text: string, what: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file}: not JSON: ${(e as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new InputError(`${file}: expected an object of data file -> ${what}`);
  return json as Record<string, unknown>;
}

/** NAB's labelled windows: data file (relative to data/) -> [start, end] in epoch milliseconds. */
export type NabWindows = Record<string, [number, number][]>;

/**
 * Reads NAB's `labels/combined_windows.json`: an object of data file -> list of [start, end] time pairs.
 * Anything else is an InputError naming the file, the key and what is wrong, never a TypeError later.
 */
export function parseNabLabels(file: string, text: string): NabWindows {
  const out: NabWindows = Object.create(null) as NabWindows;
  for (const [key, windows] of Object.entries(labelsObject(file, text, "windows"))) {
    const where = `${file}: key ${JSON.stringify(key)}`;
    if (!Array.isArray(windows)) throw new InputError(`${where}: expected a list of [start, end] windows, got ${labelText(windows)}`);
    out[key] = windows.map((w: unknown, i) => {
      if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== "string" || typeof w[1] !== "string") {
        throw new InputError(`${where}: window ${i} must be [start, end] time strings, got ${labelText(w)}`);
      }
      const [start, end] = [parseTimestamp(w[0]), parseTimestamp(w[1])];
      if (!Number.isFinite(start) || !Number.isFinite(end)) throw new InputError(`${where}: window ${i} has a time that is not ISO-8601: ${labelText(w)}`);
      if (end < start) throw new InputError(`${where}: window ${i} ends before it starts: ${labelText(w)}`);
      return [start, end];
    });
  }
  return out;
}

export function readNabLabels(file: string): NabWindows {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseNabLabels(file, text);
}
