import { StateError } from "./errors";

/**
 * Small building blocks for validating a saved state as data (see stateSchema.ts). A rule checks a value
 * at a path (`state.preprocessor.variance[2]`) and throws a StateError naming the path, what was expected
 * and what was found. `root` is the whole state, for lengths and bounds that depend on other fields (the
 * fields of an object are checked in the order the schema lists them, so options come first).
 */
// untyped on purpose: a bound reads fields that earlier rules of the schema have already checked
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Root = any;
export type Rule = (value: unknown, path: string, root: Root) => void;
/** A bound fixed in the schema or read from the (already checked) state. */
export type Bound = number | ((root: Root) => number);

export function fail(path: string, expected: string, value: unknown): never {
  throw new StateError(`${path}: expected ${expected}, got ${show(value)}`);
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === "object" && value !== null) return "an object";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

// not "valueOf": Pulumi's function serialization (the inline train Lambda) does not capture names of Object.prototype members
const resolve = (b: Bound, root: Root): number => (typeof b === "function" ? b(root) : b);

/** A finite number in [min, max]. */
export function num(min: Bound = -Infinity, max: Bound = Infinity): Rule {
  return (v, path, root) => {
    const lo = resolve(min, root);
    const hi = resolve(max, root);
    if (typeof v !== "number" || !Number.isFinite(v) || v < lo || v > hi) fail(path, `a finite number${range(lo, hi)}`, v);
  };
}

/** An integer in [min, max]. */
export function int(min: Bound = 0, max: Bound = Number.MAX_SAFE_INTEGER): Rule {
  return (v, path, root) => {
    const lo = resolve(min, root);
    const hi = resolve(max, root);
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < lo || v > hi) fail(path, `an integer${range(lo, hi)}`, v);
  };
}

function range(lo: number, hi: number): string {
  if (lo === -Infinity && hi === Infinity) return "";
  if (hi === Infinity || hi === Number.MAX_SAFE_INTEGER) return ` >= ${lo}`;
  if (lo === -Infinity) return ` <= ${hi}`;
  return ` in [${lo}, ${hi}]`;
}

/** One of the listed values (strings, numbers, booleans). */
export function oneOf(...choices: readonly (string | number | boolean)[]): Rule {
  return (v, path) => {
    if (!choices.includes(v as string)) fail(path, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, v);
  };
}

export const bool: Rule = oneOf(true, false);

/** Exactly what `expected(root)` says (a field that must agree with the options). */
export function equals(expected: (root: Root) => unknown, what: string): Rule {
  return (v, path, root) => {
    const e = expected(root);
    if (v !== e) fail(path, `${show(e)} (${what})`, v);
  };
}

/** A base64 string (the forest's points and trees): a flipped character must not decode quietly. */
export const base64: Rule = (v, path) => {
  if (typeof v !== "string" || v.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(v)) fail(path, "a base64 string", v);
};

export function optional(rule: Rule): Rule {
  return (v, path, root) => {
    if (v !== undefined) rule(v, path, root);
  };
}

export function nullable(rule: Rule): Rule {
  return (v, path, root) => {
    if (v !== null) rule(v, path, root);
  };
}

/** An array of `item`s, of exactly `length` items or of at most `max`. */
export function arrayOf(item: Rule, size: { length?: Bound; max?: Bound } = {}): Rule {
  return (v, path, root) => {
    if (!Array.isArray(v)) fail(path, "an array", v);
    if (size.length !== undefined && v.length !== resolve(size.length, root)) fail(path, `${resolve(size.length, root)} item(s)`, v);
    if (size.max !== undefined && v.length > resolve(size.max, root)) fail(path, `at most ${resolve(size.max, root)} item(s)`, v);
    for (let i = 0; i < v.length; i++) item(v[i], `${path}[${i}]`, root);
  };
}

/** An object with exactly these fields (optional ones may be absent); an unknown field is an error. */
export function object(fields: Readonly<Record<string, Rule>>): Rule {
  return (v, path, root) => {
    if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "an object", v);
    const record = v as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.prototype.hasOwnProperty.call(fields, key)) throw new StateError(`${path}.${key}: unexpected field`);
    }
    for (const key of Object.keys(fields)) fields[key](record[key], `${path}.${key}`, root);
  };
}

/** `rule`, then a condition on the value and the state it is in. */
export function where(rule: Rule, ok: (v: Root, root: Root) => boolean, expected: string): Rule {
  return (v, path, root) => {
    rule(v, path, root);
    if (!ok(v, root)) fail(path, expected, v);
  };
}
