/** A CSV field as written: quoted (quotes doubled) when it holds a quote, a comma or a line break. */
export function csvCell(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
