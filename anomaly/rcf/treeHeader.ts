/**
 * The header of one tree in the forest's memory: 32-bit fields through which the compiled tree code
 * (wasm/tree.wat) finds the tree's arrays. RandomCutTree writes it; the WAT source names these fields as
 * `{{name}}` (or `{{name+bytes}}`), and `npm run build:wasm` replaces each by the field's byte offset
 * (4 x its index) before compiling, so this object is the layout's only definition (and OUT_SLOT, below,
 * the out slots').
 *
 * Unless said otherwise a field is the byte offset of an array in the forest's memory.
 */
export const TREE_HEADER = {
  /** i32 per internal node: the dimension its cut is on */
  cutDim: 0,
  /** f32 per internal node: the cut; a point goes left when point[cutDim] <= cutValue */
  cutValue: 1,
  /** i32 per internal node: its children (a reference < 0 is a leaf, slot -ref - 1) */
  left: 2,
  right: 3,
  /** i32 per leaf slot: the point store index of its point */
  leafPoint: 4,
  /** i32: the internal nodes of the last descent, root first */
  path: 5,
  /** f32 per internal node and dimension: min then max (one node's box is contiguous) */
  box: 6,
  /** f64 per internal node: the sum over dimensions of its box's max - min */
  range: 7,
  /** f32: the point store's coordinates, `dims` per point */
  points: 8,
  /** a count: the dimensions of a point */
  dims: 9,
  /** f64: the point being scored (ForestMemory.loadPoint) */
  point: 10,
  /** i32: the slots where a compiled function leaves what it returns besides its result */
  out: 11,
  /** i32 per internal node: the points (with multiplicity) below it */
  mass: 12,
  /** four words: the state of the tree's random generator (xoshiro128**, as anomaly/random.ts) */
  random: 13,
  /** f64 per depth d: scoreUnseen(d), the score of a point a cut isolates there (scoreFunctions.ts) */
  unseenScore: 17,
} as const;

export type TreeHeaderField = keyof typeof TREE_HEADER;

/** The i32 words of a header: the generator takes four. */
export const TREE_HEADER_WORDS = 18;

/** The byte offset of a header field, as the compiled code reads it. */
export function headerByteOffset(field: TreeHeaderField): number {
  return 4 * TREE_HEADER[field];
}

/**
 * The out slots (i32, at the header's `out`) where a compiled function leaves what it returns besides
 * its result; `{{out.name}}` in tree.wat is a slot's byte offset. Each function uses its own:
 * insert: `entered` (1: the point enters above `child`, under `parent`, cut on `cutDim`, on the left
 * if `goesLeft`; 0: a leaf with the same coordinates took it, and `leaf` is its slot);
 * score: `depth` and `leaf` when that leaf holds the point itself; descendStored: `depth`.
 */
export const OUT_SLOT = {
  entered: 0,
  child: 1,
  leaf: 1,
  parent: 2,
  cutDim: 3,
  goesLeft: 4,
  depth: 0,
} as const;

export type OutSlot = keyof typeof OUT_SLOT;

/** The out slots there are. */
export const OUT_SLOTS = 5;
