/**
 * AWS IoT substitution templates (`${expression}` inside an action's settings, e.g. an S3 action's key
 * `${topic(2)}/${timestamp()}`), with the expressions of the local SQL subset (iotSql.ts). As in AWS, the
 * expressions see the message as published, its topic and the rule's clock, never the SELECT's aliases.
 * Unlike AWS, which substitutes an empty string, an expression without a value fails the action, so a key
 * never silently loses a part locally.
 */
import { compileExpression, IotSqlError, MessageContext } from "./iotSql";

type Part = string | { readonly text: string; readonly value: (m: MessageContext) => unknown };

/** The end of the `${...}` opened at `start`: the first `}` outside a quoted string. */
function closing(template: string, start: number): number {
  let quote: string | undefined;
  for (let i = start + 2; i < template.length; i++) {
    const c = template[i];
    if (quote) quote = c === quote ? undefined : quote;
    else if (c === "'" || c === '"') quote = c;
    else if (c === "}") return i;
  }
  throw new IotSqlError(`template ${JSON.stringify(template)}: "\${" at character ${start + 1} is never closed`);
}

/** A template's text for a message; throws IotSqlError naming the expression that has no value. */
export function compileTemplate(template: string): (m: MessageContext) => string {
  const parts: Part[] = [];
  let at = 0;
  for (let start = template.indexOf("${"); start >= 0; start = template.indexOf("${", at)) {
    const end = closing(template, start);
    const text = template.slice(start + 2, end);
    try {
      parts.push(template.slice(at, start), { text, value: compileExpression(text) });
    } catch (e) {
      throw new IotSqlError(`template ${JSON.stringify(template)}: \${${text}}: ${(e as Error).message}`);
    }
    at = end + 1;
  }
  parts.push(template.slice(at));
  return (m) =>
    parts
      .map((p) => {
        if (typeof p === "string") return p;
        const v = p.value(m);
        if (v === undefined || v === null || typeof v === "object") throw new IotSqlError(`\${${p.text}} has no text value for topic ${m.topic}`);
        return String(v);
      })
      .join("");
}
