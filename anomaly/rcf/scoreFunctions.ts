/**
 * The score functions of a random cut forest, the RCF defaults (CommonUtils in
 * aws/random-cut-forest-by-aws), written once: the compiled tree code reads the unseen scores from a
 * table filled from `scoreUnseen` (see fillUnseenScores), and the visitors and the reference tree call
 * the others. A point isolated at depth d scores 1 / (d + 1); the leaf holding the point itself scores
 * 1 / (d + log2(mass + 1)), damped by how much of the tree that leaf is; the tree's score is then
 * scaled by log2(tree mass + 1) so an ordinary point scores about 1 and isolated points score higher.
 */

const LOG2 = Math.LN2;

/** The score of a point a random cut isolates at `depth` (the root is depth 0). */
export function scoreUnseen(depth: number): number {
  return 1 / (depth + 1);
}

/** The score of a point found at `depth` in a leaf that holds it `mass` times. */
export function scoreSeen(depth: number, mass: number): number {
  return 1 / (depth + Math.log(mass + 1) / LOG2);
}

/** A leaf holding much of the tree's sample says little about the point: its score is damped. */
export function damp(leafMass: number, treeMass: number): number {
  return 1 - leafMass / (2 * treeMass);
}

// log2(mass + 1) for the masses a tree of up to 256 points (the default subSampleSize) can have, on the
// scorer's path once a tree; larger trees compute it, to the same double. A plain array (the inline train
// Lambda's serializer cannot capture typed arrays at module scope), which travels in that Lambda's code as
// text at ~20 bytes an entry: a table for 4096 points would be 80 KB of it.
const LOG2_MASS_PLUS_ONE: number[] = Array.from({ length: 257 }, (_, m) => Math.log(m + 1) / LOG2);

/** Scales a tree's score by log2(treeMass + 1), the expected depth scale of a tree of that mass. */
export function normalise(score: number, treeMass: number): number {
  return score * (treeMass < LOG2_MASS_PLUS_ONE.length ? LOG2_MASS_PLUS_ONE[treeMass] : Math.log(treeMass + 1) / LOG2);
}

/** log2(treeMass + 1): what normalise multiplies by (exactly: 1 x v is v). */
export function normaliser(treeMass: number): number {
  return normalise(1, treeMass);
}

/** Fills `table[d]` with scoreUnseen(d): the compiled climb reads it at every node instead of dividing. */
export function fillUnseenScores(table: Float64Array): void {
  for (let d = 0; d < table.length; d++) table[d] = scoreUnseen(d);
}
