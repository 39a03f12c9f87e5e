/** A value as an error message shows it: JSON cut to 60 characters, `absent` for undefined. */
export function showValue(value: unknown, absent = "undefined"): string {
  const text = value === undefined ? absent : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
