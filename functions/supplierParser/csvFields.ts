/**
 * The fields of one CSV line, RFC 4180 quoting undone: `"0.6"` is `0.6`, `"a,b"` one field, `""` inside quotes
 * one `"`. Spreadsheet exports quote some or all fields; a supplier file has no field spanning lines. A quote
 * left open runs to the end of the line (the field's value then fails its own check, naming it).
 */
export function csvFields(line: string): string[] {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') field += c;
      else if (line[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (c === ",") {
      fields.push(field);
      field = "";
    } else if (c === '"' && field.trim() === "") {
      field = "";
      quoted = true;
    } else field += c;
  }
  fields.push(field);
  return fields;
}
