import { fillUnseenScores } from "./scoreFunctions";
import { OUT_SLOTS, TREE_HEADER_WORDS } from "./treeHeader";
import { TREE_WASM_BASE64 } from "./wasm/treeModule";

/** The score of wasm/tree.wat: a tree's header offset and root; -1 when the leaf holds the point. */
export type ScoreFunction = (header: number, root: number) => number;

/** What RandomCutTree.insert and delete call (see wasm/tree.wat). */
export interface UpdateFunctions {
  insert(header: number, root: number, pointIndex: number): number;
  descendStored(header: number, root: number, pointIndex: number): number;
  recompute(header: number, node: number): number;
  shrink(header: number, from: number, pointIndex: number): void;
}

/** The part of the WebAssembly JavaScript API used here (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

const PAGE = 65536;

/** The most a forest's memory may take: 2 GiB (byte offsets then stay positive as i32). */
export const MAX_FOREST_BYTES = 2 ** 31;
const ALIGN = 16;

function aligned(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/**
 * Points a forest's store can hold: every tree's sample (a point held by several trees is stored once)
 * and the point being offered.
 */
export function storeCapacity(sampleSize: number, trees: number): number {
  return sampleSize * trees + 1;
}

/**
 * Bytes of a forest's memory: the point, the out slots, the unseen scores, the point store, and per tree
 * (RandomCutTree allocates them) its header, node arrays, leaf points, path, boxes and range sums. With
 * `storedPoints`, the store counts only that many points: the bytes a forest holding them touches (the memory
 * reserved is the whole store's).
 */
export function forestBytes(dimensions: number, sampleSize: number, trees: number, storedPoints = storeCapacity(sampleSize, trees)): number {
  const nodes = Math.max(1, sampleSize - 1);
  const perTree =
    aligned(TREE_HEADER_WORDS * 4) +
    5 * aligned(nodes * 4) +
    aligned(sampleSize * 4) +
    aligned((sampleSize + 1) * 4) +
    aligned(2 * nodes * dimensions * 4) +
    aligned(nodes * 8);
  const store = aligned(Math.min(storedPoints, storeCapacity(sampleSize, trees)) * dimensions * 4);
  return aligned(dimensions * 8) + aligned(OUT_SLOTS * 4) + aligned(unseenDepths(sampleSize) * 8) + store + trees * perTree;
}

/** The depths a tree of `sampleSize` points can isolate a point at, with room to spare: 0..sampleSize. */
function unseenDepths(sampleSize: number): number {
  return sampleSize + 1;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "base64"));
}

/**
 * One WebAssembly memory per forest, holding what the compiled scorer reads: the point store, each tree's
 * nodes, leaves, boxes, range sums and descent path, the point being scored (widened to float64) and the
 * unseen score of each depth.
 * The JavaScript code works on typed array views of it. The memory is sized once and never grows, so the
 * views stay valid.
 *
 * The module is compiled per forest, not cached at module level: the train Lambda's code is serialized
 * by Pulumi, which must not meet a compiled module in a module variable.
 */
export class ForestMemory {
  private readonly buffer: ArrayBuffer;
  private top: number;
  private readonly limit: number;
  /** The point the scorer reads (see loadPoint). */
  readonly point: Float64Array;
  /** Where the compiled functions leave what they return besides their result (see tree.wat). */
  readonly out: Int32Array;
  /** scoreUnseen(depth) per depth, read by the compiled climb (shared by the forest's trees). */
  readonly unseenScore: Float64Array;
  readonly score: ScoreFunction;
  readonly updates: UpdateFunctions;

  /** `moduleBytes`: the compiled tree code (a test passes a variant of it). */
  constructor(dimensions: number, sampleSize: number, trees: number, moduleBytes: Uint8Array = decodeBase64(TREE_WASM_BASE64)) {
    this.limit = forestBytes(dimensions, sampleSize, trees);
    if (this.limit > MAX_FOREST_BYTES) throw new Error(`internal: a forest of ${this.limit} bytes is over the ${MAX_FOREST_BYTES} a forest may take`);
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(this.limit / PAGE)) });
    this.buffer = memory.buffer;
    this.top = 0;
    this.point = this.float64(dimensions);
    this.out = this.int32(OUT_SLOTS);
    this.unseenScore = this.float64(unseenDepths(sampleSize));
    fillUnseenScores(this.unseenScore);
    const instance = new wasm.Instance(new wasm.Module(moduleBytes), { env: { memory } });
    this.score = instance.exports.score as ScoreFunction;
    this.updates = instance.exports as unknown as UpdateFunctions;
  }

  /** Copies the point to score into the memory (once per point, before the trees' climbs). */
  loadPoint(point: ArrayLike<number>): void {
    const p = this.point;
    for (let d = 0; d < p.length; d++) p[d] = point[d];
  }

  /** Whether a typed array lives in this memory (the compiled code reads only arrays that do). */
  holds(array: ArrayBufferView): boolean {
    return array.buffer === this.buffer;
  }

  float32(length: number): Float32Array {
    return new Float32Array(this.buffer, this.take(length * 4), length);
  }

  float64(length: number): Float64Array {
    return new Float64Array(this.buffer, this.take(length * 8), length);
  }

  int32(length: number): Int32Array {
    return new Int32Array(this.buffer, this.take(length * 4), length);
  }

  private take(bytes: number): number {
    const at = this.top;
    if (at + bytes > this.limit) throw new Error(`internal: forest memory exhausted (${at + bytes} > ${this.limit} bytes)`);
    this.top = aligned(at + bytes);
    return at;
  }
}
