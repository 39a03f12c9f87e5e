/**
 * The subset of the AWS IoT SQL (version 2016-03-23) that gridrail's topic rules use, parsed once into a
 * compiled rule: `SELECT *` and aliased expressions, `FROM '<topic filter>'`, an optional `WHERE`.
 * Expressions: field paths (`a.b`), string literals ('single' or "double" quoted, as the AWS examples of
 * parse_time write them), numbers, true/false, the functions topic(), topic(n), timestamp(), clientid(), newuuid()
 * and parse_time(format, epochMs[, "UTC"]), comparisons (= <> != < <= > >=), AND, OR, NOT and parentheses.
 * Anything else (other functions, arithmetic, CASE, nested SELECT, other time zones) is refused when the rule is
 * compiled, with an error naming the construct, so a rule never silently means something else locally.
 * A comparison with an absent field is false, as AWS's Undefined is.
 */

import { randomUUID } from "crypto";

export class IotSqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "IotSqlError";
  }
}

type Json = Record<string, unknown>;

export interface MessageContext {
  readonly topic: string;
  readonly payload: Json;
  /** timestamp(): when the rules engine received the message, epoch ms. */
  readonly receivedAt: number;
  readonly clientId?: string;
}

type Expr =
  | { kind: "literal"; value: unknown }
  | { kind: "path"; path: string[] }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "not"; operand: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr };

interface SelectItem {
  readonly star: boolean;
  readonly expr?: Expr;
  readonly alias?: string;
}

export interface CompiledSql {
  readonly sql: string;
  /** The FROM topic filter (MQTT wildcards + and #). */
  readonly topicFilter: string;
  /** The rule's output for a message, or undefined when WHERE does not hold. Throws IotSqlError on a bad value. */
  evaluate(message: MessageContext): Json | undefined;
}

const KEYWORDS = new Set(["SELECT", "FROM", "WHERE", "AS", "AND", "OR", "NOT", "TRUE", "FALSE"]);
/** IoT SQL keywords the local engine does not implement: named in the error rather than misread as fields. */
const UNSUPPORTED = new Set(["CASE", "WHEN", "IN", "LIKE", "IS", "BETWEEN", "NULL", "UNDEFINED", "VALUE", "DISTINCT"]);
const FUNCTIONS = ["topic", "timestamp", "clientid", "newuuid", "parse_time"];
const COMPARISONS = ["=", "<>", "!=", "<=", ">=", "<", ">"];

interface Token {
  readonly type: "word" | "string" | "number" | "symbol";
  readonly text: string;
  readonly at: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) throw new IotSqlError(`unterminated string starting at character ${i + 1}`);
      tokens.push({ type: "string", text: sql.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i));
    if (word) {
      tokens.push({ type: "word", text: word[0], at: i });
      i += word[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(sql.slice(i));
    if (num) {
      tokens.push({ type: "number", text: num[0], at: i });
      i += num[0].length;
      continue;
    }
    const sym = ["<>", "!=", "<=", ">=", "=", "<", ">", "*", ",", "(", ")", "."].find((s) => sql.startsWith(s, i));
    if (!sym) throw new IotSqlError(`unsupported character ${JSON.stringify(c)} at character ${i + 1}`);
    tokens.push({ type: "symbol", text: sym, at: i });
    i += sym.length;
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token | undefined {
    return this.tokens[this.i];
  }
  isKeyword(k: string): boolean {
    const t = this.peek();
    return t?.type === "word" && t.text.toUpperCase() === k;
  }
  isSymbol(s: string): boolean {
    const t = this.peek();
    return t?.type === "symbol" && t.text === s;
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new IotSqlError("unexpected end of SQL");
    return t;
  }
  expectKeyword(k: string): void {
    if (!this.isKeyword(k)) throw new IotSqlError(`expected ${k} ${this.where()}`);
    this.i++;
  }
  expectSymbol(s: string): void {
    if (!this.isSymbol(s)) throw new IotSqlError(`expected "${s}" ${this.where()}`);
    this.i++;
  }
  where(): string {
    const t = this.peek();
    return t ? `at ${JSON.stringify(t.text)} (character ${t.at + 1})` : "at the end";
  }
  done(): boolean {
    return this.i >= this.tokens.length;
  }

  expr(): Expr {
    return this.or();
  }
  or(): Expr {
    let left = this.and();
    while (this.isKeyword("OR")) {
      this.i++;
      left = { kind: "binary", op: "OR", left, right: this.and() };
    }
    return left;
  }
  and(): Expr {
    let left = this.not();
    while (this.isKeyword("AND")) {
      this.i++;
      left = { kind: "binary", op: "AND", left, right: this.not() };
    }
    return left;
  }
  not(): Expr {
    if (this.isKeyword("NOT")) {
      this.i++;
      return { kind: "not", operand: this.not() };
    }
    const left = this.primary();
    const t = this.peek();
    if (t?.type === "symbol" && COMPARISONS.includes(t.text)) {
      this.i++;
      return { kind: "binary", op: t.text === "!=" ? "<>" : t.text, left, right: this.primary() };
    }
    if (t?.type === "symbol" && ["*", "+", "-", "/", "%"].includes(t.text)) throw new IotSqlError(`unsupported operator ${t.text} ${this.where()}`);
    if (t?.type === "word" && !KEYWORDS.has(t.text.toUpperCase())) throw new IotSqlError(`unsupported construct ${t.text.toUpperCase()} ${this.where()}`);
    return left;
  }
  primary(): Expr {
    const t = this.next();
    if (t.type === "string") return { kind: "literal", value: t.text };
    if (t.type === "number") return { kind: "literal", value: Number(t.text) };
    if (t.type === "symbol" && t.text === "(") {
      const e = this.expr();
      this.expectSymbol(")");
      return e;
    }
    if (t.type !== "word") throw new IotSqlError(`unexpected "${t.text}" at character ${t.at + 1}`);
    const upper = t.text.toUpperCase();
    if (upper === "TRUE" || upper === "FALSE") return { kind: "literal", value: upper === "TRUE" };
    if (UNSUPPORTED.has(upper)) throw new IotSqlError(`unsupported construct ${upper} at character ${t.at + 1}`);
    if (KEYWORDS.has(upper)) throw new IotSqlError(`unexpected ${upper} at character ${t.at + 1}`);
    if (this.isSymbol("(")) return this.call(t);
    const path = [t.text];
    while (this.isSymbol(".")) {
      this.i++;
      const part = this.next();
      if (part.type !== "word") throw new IotSqlError(`expected a field name after "." at character ${part.at + 1}`);
      path.push(part.text);
    }
    return { kind: "path", path };
  }
  call(name: Token): Expr {
    const fn = name.text.toLowerCase();
    if (!FUNCTIONS.includes(fn)) {
      throw new IotSqlError(`unsupported function ${name.text}() at character ${name.at + 1} (the local rules engine knows ${FUNCTIONS.join(", ")})`);
    }
    this.expectSymbol("(");
    const args: Expr[] = [];
    if (!this.isSymbol(")")) {
      args.push(this.expr());
      while (this.isSymbol(",")) {
        this.i++;
        args.push(this.expr());
      }
    }
    this.expectSymbol(")");
    checkCall(fn, args);
    return { kind: "call", name: fn, args };
  }
}

const ARITY: Record<string, [number, number]> = { topic: [0, 1], timestamp: [0, 0], clientid: [0, 0], newuuid: [0, 0], parse_time: [2, 3] };

function checkCall(fn: string, args: Expr[]): void {
  const [min, max] = ARITY[fn];
  if (args.length < min || args.length > max) throw new IotSqlError(`${fn}() takes ${min === max ? min : `${min} to ${max}`} arguments, got ${args.length}`);
  if (fn === "topic" && args.length === 1 && !(args[0].kind === "literal" && Number.isInteger(args[0].value) && (args[0].value as number) >= 1)) {
    throw new IotSqlError("topic(n) needs a whole number n >= 1");
  }
  if (fn === "parse_time") {
    if (args[0].kind === "literal") formatTime(String(args[0].value), 0);
    if (args[2]?.kind === "literal") checkZone(args[2].value);
  }
}

function checkZone(zone: unknown): void {
  if (zone !== "UTC") throw new IotSqlError(`parse_time time zone ${JSON.stringify(zone)} is not supported locally (only "UTC")`);
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Joda/SimpleDateFormat patterns in UTC: y M d H m s S runs, Z (+0000), 'quoted' text; other letters refused. */
export function formatTime(format: string, ms: number): string {
  const d = new Date(ms);
  let out = "";
  for (let i = 0; i < format.length;) {
    const c = format[i];
    if (c === "'") {
      const end = format.indexOf("'", i + 1);
      if (end < 0) throw new IotSqlError(`parse_time format ${JSON.stringify(format)} has an unterminated quote`);
      out += end === i + 1 ? "'" : format.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    let n = 1;
    while (format[i + n] === c) n++;
    const fields: Record<string, () => string> = {
      y: () => (n === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), n)),
      M: () => pad(d.getUTCMonth() + 1, n),
      d: () => pad(d.getUTCDate(), n),
      H: () => pad(d.getUTCHours(), n),
      m: () => pad(d.getUTCMinutes(), n),
      s: () => pad(d.getUTCSeconds(), n),
      S: () => pad(d.getUTCMilliseconds(), 3).slice(0, n).padEnd(n, "0"),
      Z: () => (n === 2 ? "+00:00" : "+0000"),
    };
    if (/[A-Za-z]/.test(c)) {
      if (!fields[c] || (c === "M" && n > 2))
        throw new IotSqlError(`parse_time pattern letter ${c.repeat(n)} in ${JSON.stringify(format)} is not supported locally`);
      out += fields[c]();
    } else out += c.repeat(n);
    i += n;
  }
  return out;
}

function evaluate(e: Expr, m: MessageContext): unknown {
  switch (e.kind) {
    case "literal":
      return e.value;
    case "path": {
      let v: unknown = m.payload;
      for (const p of e.path) v = typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json)[p] : undefined;
      return v;
    }
    case "not": {
      const v = evaluate(e.operand, m);
      return typeof v === "boolean" ? !v : undefined;
    }
    case "binary":
      return binary(e.op, evaluate(e.left, m), evaluate(e.right, m));
    case "call":
      return call(
        e.name,
        e.args.map((a) => evaluate(a, m)),
        m,
      );
  }
}

function binary(op: string, l: unknown, r: unknown): unknown {
  if (op === "AND") return l === true && r === true;
  if (op === "OR") return l === true || r === true;
  if (l === undefined || r === undefined || typeof l !== typeof r || (typeof l !== "number" && typeof l !== "string" && typeof l !== "boolean")) {
    return op === "<>" && l !== undefined && r !== undefined ? JSON.stringify(l) !== JSON.stringify(r) : undefined;
  }
  const a = l as number | string;
  const b = r as number | string;
  switch (op) {
    case "=":
      return a === b;
    case "<>":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    default:
      return a >= b;
  }
}

function call(name: string, args: unknown[], m: MessageContext): unknown {
  if (name === "timestamp") return m.receivedAt;
  if (name === "clientid") return m.clientId;
  if (name === "newuuid") return randomUUID();
  if (name === "topic") return args.length === 0 ? m.topic : m.topic.split("/")[(args[0] as number) - 1];
  const [format, ms, zone] = args;
  if (typeof format !== "string") throw new IotSqlError(`parse_time format must be a string, got ${JSON.stringify(format)}`);
  if (typeof ms !== "number" || !Number.isFinite(ms)) throw new IotSqlError(`parse_time needs epoch milliseconds, got ${JSON.stringify(ms)}`);
  if (zone !== undefined) checkZone(zone);
  return formatTime(format, ms);
}

/**
 * One expression of the subset on its own, as a substitution template's `${...}` holds it: its value for a
 * message (undefined for an absent field). Throws IotSqlError naming an unsupported construct.
 */
export function compileExpression(text: string): (m: MessageContext) => unknown {
  const p = new Parser(tokenize(text));
  const expr = p.expr();
  if (!p.done()) throw new IotSqlError(`unsupported construct ${p.where()}`);
  return (m) => evaluate(expr, m);
}

/** Compiles a rule's SQL; throws IotSqlError naming the first unsupported construct. */
export function compileSql(sql: string): CompiledSql {
  const p = new Parser(tokenize(sql));
  p.expectKeyword("SELECT");
  const items: SelectItem[] = [];
  do {
    if (items.length > 0) p.next();
    if (p.isSymbol("*")) {
      p.next();
      items.push({ star: true });
      continue;
    }
    const expr = p.expr();
    let alias: string | undefined;
    if (p.isKeyword("AS")) {
      p.next();
      const t = p.next();
      if (t.type !== "word") throw new IotSqlError(`expected an alias after AS at character ${t.at + 1}`);
      alias = t.text;
    } else if (expr.kind === "path") alias = expr.path[expr.path.length - 1];
    else throw new IotSqlError(`a computed SELECT expression needs "AS <name>" ${p.where()}`);
    items.push({ star: false, expr, alias });
  } while (p.isSymbol(","));
  p.expectKeyword("FROM");
  const from = p.next();
  if (from.type !== "string") throw new IotSqlError(`FROM needs a quoted topic filter, got "${from.text}"`);
  const topicFilter = from.text;
  if (!validFilter(topicFilter)) throw new IotSqlError(`FROM topic filter ${JSON.stringify(topicFilter)} is not a valid MQTT filter`);
  let where: Expr | undefined;
  if (p.isKeyword("WHERE")) {
    p.next();
    where = p.expr();
  }
  if (!p.done()) throw new IotSqlError(`unsupported construct ${p.where()}`);
  return {
    sql,
    topicFilter,
    evaluate(m) {
      if (where && evaluate(where, m) !== true) return undefined;
      const out: Json = {};
      for (const item of items) {
        if (item.star) Object.assign(out, m.payload);
        else {
          const v = evaluate(item.expr!, m);
          if (v !== undefined) out[item.alias!] = v;
        }
      }
      return out;
    },
  };
}

function validFilter(filter: string): boolean {
  if (filter.length === 0) return false;
  const levels = filter.split("/");
  return levels.every((l, i) => (l === "#" ? i === levels.length - 1 : l === "+" || !/[+#]/.test(l)));
}
