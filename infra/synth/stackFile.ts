/**
 * Reads `Pulumi.<stack>.yaml` into the same flat map `pulumi.runtime.allConfig()` gives a real run: full keys,
 * string values, structured values as JSON. It understands only what our stack files use, and says so:
 *   config:
 *     ns:key: scalar                # plain, 'single' or "double" quoted
 *     ns:key: {"json": "flow"}      # flow mappings / sequences written as JSON
 *     ns:key:                       # block sequence of scalars
 *       - item
 * plus comments and blank lines. Anything else (nested block maps, anchors, `secure:` values) is an error, so
 * a stack file that outgrows this reader fails loudly instead of being misread.
 */

export class StackFileError extends Error {
    override readonly name = "StackFileError";
}

function scalar(text: string, where: string): string {
    const t = text.trim();
    if (t.startsWith('"')) {
        try {
            return JSON.parse(t) as string;
        } catch {
            throw new StackFileError(`${where}: bad double-quoted string ${t}`);
        }
    }
    if (t.startsWith("'")) {
        if (!t.endsWith("'") || t.length < 2) throw new StackFileError(`${where}: bad single-quoted string ${t}`);
        return t.slice(1, -1).replace(/''/g, "'");
    }
    if (/^[&*!|>]/.test(t)) throw new StackFileError(`${where}: unsupported YAML syntax "${t}"`);
    return t;
}

function stripComment(line: string): string {
    // A comment starts at " #" outside quotes; our values never contain quotes with '#' in them.
    let quote: string | undefined;
    for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (quote) {
            if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") {
            quote = c;
        } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) {
            return line.slice(0, i);
        }
    }
    return line;
}

export function parseStackFile(text: string, fileName = "stack file"): Record<string, string> {
    const out: Record<string, string> = {};
    let inConfig = false;
    let listKey: string | undefined;
    let list: string[] = [];
    const flush = () => {
        if (listKey !== undefined) out[listKey] = JSON.stringify(list);
        listKey = undefined;
        list = [];
    };
    const lines = text.split(/\r?\n/);
    lines.forEach((rawLine, i) => {
        const where = `${fileName}:${i + 1}`;
        const line = stripComment(rawLine).replace(/\s+$/, "");
        if (line.trim() === "") return;
        const indent = line.length - line.trimStart().length;
        if (indent === 0) {
            flush();
            if (line === "config:") {
                inConfig = true;
                return;
            }
            if (/^[A-Za-z_][\w-]*:/.test(line)) {
                inConfig = false; // other top-level keys (encryptionsalt, secretsprovider) are not config
                return;
            }
            throw new StackFileError(`${where}: unexpected "${line}"`);
        }
        if (!inConfig) return;
        const item = /^\s+-\s+(.*)$/.exec(line);
        if (item) {
            if (listKey === undefined) throw new StackFileError(`${where}: list item without a key`);
            list.push(scalar(item[1], where));
            return;
        }
        const entry = /^\s+([A-Za-z][\w-]*:[A-Za-z][\w-]*):(?:\s+(.*))?$/.exec(line);
        if (!entry) throw new StackFileError(`${where}: expected "namespace:key: value" (got "${line.trim()}")`);
        flush();
        const [, k, value] = entry;
        if (value === undefined) {
            listKey = k;
            return;
        }
        const v = value.trim();
        if (v.startsWith("{") || v.startsWith("[")) {
            try {
                out[k] = JSON.stringify(JSON.parse(v));
            } catch {
                throw new StackFileError(`${where}: ${k}: flow values must be written as JSON (got ${v})`);
            }
            return;
        }
        out[k] = scalar(v, where);
    });
    flush();
    return out;
}
