/** A value as an error message shows it: JSON cut to `max` characters, `absent` for undefined. Never throws. */
export function showValue(value: unknown, absent = "undefined", max = 60): string {
  const text = value === undefined ? absent : printable(value);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** JSON, or a description where JSON cannot be had (nesting deeper than the stack, a cycle, a BigInt). */
function printable(value: unknown): string {
  // JSON writes Infinity and NaN as null, which names a different value
  if (typeof value === "number") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `<${Array.isArray(value) ? "array" : typeof value} that cannot be shown: nested too deep or not JSON>`;
  }
}
