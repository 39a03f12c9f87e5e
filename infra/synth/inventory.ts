/**
 * The resource inventory: the contract `npm run synth -- --json` prints and later checks (policy pack) read.
 * One object per resource: `{ type, name, parent, inputs }`, inputs as the provider receives them, with secret
 * values masked and assets summarised (size and digest instead of code).
 */
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import * as path from "path";
import { RecordedResource, Synthesis } from "./recorder";

export const SECRET_MASK = "[secret]";

export interface InventoryEntry {
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Readonly<Record<string, unknown>>;
}

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function digest(text: string): { bytes: number; sha256: string } {
  return { bytes: Buffer.byteLength(text), sha256: createHash("sha256").update(text).digest("hex") };
}

/** Replaces secrets with SECRET_MASK and assets/archives with a summary; everything else is copied. */
export async function sanitize(value: unknown): Promise<unknown> {
  if (value === null || value === undefined || typeof value !== "object") return value;
  if (Array.isArray(value)) return Promise.all(value.map(sanitize));
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) return SECRET_MASK;
  if (pulumi.asset.Asset.isInstance(value)) {
    const a = value as unknown as { text?: Promise<string>; path?: Promise<string> };
    const text = await a.text;
    if (text !== undefined) return { asset: "string", ...digest(text) };
    const p = await a.path;
    return { asset: "file", path: p === undefined ? undefined : path.relative(process.cwd(), p) };
  }
  if (pulumi.asset.Archive.isInstance(value)) {
    const a = value as unknown as { assets?: Promise<Record<string, unknown>>; path?: Promise<string> };
    const assets = await a.assets;
    if (assets !== undefined) {
      const entries = await Promise.all(
        Object.keys(assets)
          .sort()
          .map(async (k) => [k, await sanitize(assets[k])] as const),
      );
      return { archive: Object.fromEntries(entries) };
    }
    const p = await a.path;
    return { archive: "file", path: p === undefined ? undefined : path.relative(process.cwd(), p) };
  }
  if (pulumi.Resource.isInstance(value)) return "[resource reference]";
  const entries = await Promise.all(Object.keys(obj).map(async (k) => [k, await sanitize(obj[k])] as const));
  return Object.fromEntries(entries);
}

export async function toInventory(synthesis: Synthesis): Promise<InventoryEntry[]> {
  return Promise.all(
    synthesis.resources.map(async (r: RecordedResource) => ({
      type: r.type,
      name: r.name,
      parent: r.parentType,
      inputs: (await sanitize(r.inputs)) as Record<string, unknown>,
    })),
  );
}

/** Nearest top-level component of a resource (the component itself for components). */
function componentOf(r: RecordedResource, byUrn: Map<string, RecordedResource>): string {
  let current = r;
  while (current.parentUrn && byUrn.has(current.parentUrn)) current = byUrn.get(current.parentUrn)!;
  return `${current.type} ${current.name}`;
}

/** Human-readable inventory: one section per component, resources counted by type. */
export function toTable(synthesis: Synthesis): string {
  const byUrn = new Map(synthesis.resources.map((r) => [r.urn, r]));
  const groups = new Map<string, RecordedResource[]>();
  for (const r of synthesis.resources) {
    const key = componentOf(r, byUrn);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const lines: string[] = [`stack ${synthesis.stack}: ${synthesis.resources.length} resources`];
  for (const [component, members] of [...groups.entries()].sort()) {
    const children = members.filter((m) => `${m.type} ${m.name}` !== component);
    lines.push("", `${component} (${children.length} resources)`);
    const width = Math.max(...children.map((c) => c.type.length), 4);
    for (const c of children) lines.push(`  ${c.type.padEnd(width)}  ${c.name}`);
  }
  return lines.join("\n");
}
