import { CLIMB_WASM_BASE64 } from "./wasm/climbModule";

/** The climb of wasm/climb.wat: byte offsets of a tree's boxes, range sums and path, and of the point. */
export type ClimbFunction = (box: number, range: number, path: number, point: number, dims: number, i: number, score: number) => number;

/** The part of the WebAssembly JavaScript API used here (the project's type libraries do not declare it). */
interface WebAssemblyApi {
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}

const PAGE = 65536;
const ALIGN = 16;

function aligned(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** The scratch and per-tree arrays a forest keeps in its memory, in bytes (RandomCutTree allocates them). */
export function forestBytes(dimensions: number, sampleSize: number, trees: number): number {
  const nodes = Math.max(1, sampleSize - 1);
  const perTree = aligned(2 * nodes * dimensions * 4) + aligned(nodes * 8) + aligned((sampleSize + 1) * 4);
  return aligned(dimensions * 8) + trees * perTree;
}

function decodeBase64(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, "base64"));
}

/**
 * One WebAssembly memory per forest, holding what the compiled climb reads: each tree's boxes, range sums
 * and descent path, and the point being scored (widened to float64). The JavaScript code works on typed
 * array views of it. The memory is sized once and never grows, so the views stay valid.
 *
 * The module is compiled per forest, not cached at module level: the train Lambda's code is serialized
 * by Pulumi, which must not meet a compiled module in a module variable.
 */
export class ForestMemory {
  private readonly buffer: ArrayBuffer;
  private top: number;
  private readonly limit: number;
  /** The point the climb reads (see loadPoint). */
  readonly point: Float64Array;
  readonly climb: ClimbFunction;

  constructor(dimensions: number, sampleSize: number, trees: number) {
    this.limit = forestBytes(dimensions, sampleSize, trees);
    const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(this.limit / PAGE)) });
    this.buffer = memory.buffer;
    this.point = new Float64Array(this.buffer, 0, dimensions);
    this.top = aligned(dimensions * 8);
    const instance = new wasm.Instance(new wasm.Module(decodeBase64(CLIMB_WASM_BASE64)), { env: { memory } });
    this.climb = instance.exports.climb as ClimbFunction;
  }

  /** Copies the point to score into the memory (once per point, before the trees' climbs). */
  loadPoint(point: ArrayLike<number>): void {
    const p = this.point;
    for (let d = 0; d < p.length; d++) p[d] = point[d];
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
