import * as fs from "fs";
import * as path from "path";
import { deflateRawSync } from "zlib";

/** One file of a Lambda archive. */
export interface ArchiveFile {
  readonly name: string;
  readonly bytes: Buffer;
}

interface AssetLike {
  readonly text?: Promise<string>;
  readonly path?: Promise<string>;
}

function walk(dir: string, prefix: string, out: ArchiveFile[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, `${prefix}/${entry.name}`, out);
    else out.push({ name: `${prefix}/${entry.name}`, bytes: fs.readFileSync(full) });
  }
}

/**
 * The files of a recorded AssetArchive (`Function.code` as the provider would receive it): string assets and
 * file archives (Pulumi's node_modules entries are folder archives), paths relative to `cwd`.
 */
export async function archiveFiles(archive: unknown, cwd = process.cwd()): Promise<ArchiveFile[]> {
  const assets = await (archive as { assets: Promise<Record<string, AssetLike>> }).assets;
  const out: ArchiveFile[] = [];
  for (const [name, asset] of Object.entries(assets).sort(([a], [b]) => a.localeCompare(b))) {
    if (asset.text) out.push({ name, bytes: Buffer.from(await asset.text, "utf8") });
    else if (asset.path) {
      const p = path.resolve(cwd, await asset.path);
      if (fs.statSync(p).isDirectory()) walk(p, name, out);
      else out.push({ name, bytes: fs.readFileSync(p) });
    } else throw new Error(`archive entry ${name} is neither text nor a path`);
  }
  return out;
}

/**
 * Bytes of the zip Pulumi uploads: per file a local header (30 + name), the deflated data and a data
 * descriptor (16), a central directory entry (46 + name), and the end record (22).
 */
export function zipBytes(files: readonly ArchiveFile[]): number {
  let total = 22;
  for (const f of files) {
    const name = Buffer.byteLength(f.name);
    const data = Math.min(f.bytes.length, deflateRawSync(f.bytes).length);
    total += 30 + name + data + 16 + 46 + name;
  }
  return total;
}

/** Writes the files under `dir` as Lambda would unpack them. */
export function writeArchive(files: readonly ArchiveFile[], dir: string): void {
  for (const f of files) {
    const target = path.join(dir, f.name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.bytes);
  }
}
