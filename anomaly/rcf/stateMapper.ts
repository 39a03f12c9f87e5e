import { ByteReader, ByteWriter, fromBase64, toBase64 } from "../binary";
import { StateError } from "../errors";
import { Random } from "../random";
import { FEATURE_LIMIT } from "../robust";
import { ForestConfig, RandomCutForest } from "./forest";
import { storeCapacity } from "./forestMemory";
import { FLOAT_CODEC, PointCodec } from "./pointCodec";
import { NIL } from "./tree";

/**
 * Serialises a forest outside the model (as the Java RCF's state mappers do).
 * points (varints unless noted): count, then per live point, oldest first, its coordinates (as the PointCodec writes
 * them: float32 by default) and the age of the sequence number it was first sampled at.
 * trees: per tree its random generator (4 x uint32), its sample size, then its nodes in preorder:
 *   internal node: cutDim*4 + 0, then float32 cut value
 *   leaf holding one copy sampled at the point's own sequence: point*4 + 1
 *   any other leaf: point*4 + 3, mass, then per copy 0 (the point's own sequence) or 1 + age
 * Sampler weights are re-derived from (seed, sequence) and boxes and masses from the points, so a
 * restored forest continues the stream bit-for-bit. (The sampler's heap layout is rebuilt, which does
 * not change which entry is evicted next: that is always the unique largest weight.)
 */
export interface ForestState {
  readonly config: ForestConfig;
  readonly updates: number;
  readonly points: string;
  readonly trees: string;
}

export function forestToState(forest: RandomCutForest, codec: PointCodec = FLOAT_CODEC): ForestState {
  const { store, trees, samplers } = forest;
  const dims = forest.dimensions;
  const age = (seq: number): number => forest.updates - 1 - seq;
  // a point's own sequence is the earliest one any sampler holds it at
  const ownSeq = new Float64Array(store.size).fill(Infinity);
  for (const s of samplers) {
    for (let i = 0; i < s.size; i++) ownSeq[s.pointIndex[i]] = Math.min(ownSeq[s.pointIndex[i]], s.sequence[i]);
  }
  // points in the order they arrived (each point's own sequence is unique), not in store-slot order:
  // the same model then always saves to the same bytes, however its slots were reused
  const live: number[] = [];
  for (let i = 0; i < store.size; i++) if (store.refCount[i] > 0) live.push(i);
  live.sort((a, b) => ownSeq[a] - ownSeq[b]);
  const map = new Int32Array(store.size).fill(-1);
  const pw = new ByteWriter();
  pw.varint(live.length);
  live.forEach((i, k) => {
    map[i] = k;
    codec.write(pw, store.values.subarray(i * dims, (i + 1) * dims));
    pw.varint(age(ownSeq[i]));
  });
  const tw = new ByteWriter();
  trees.forEach((tree, t) => {
    for (const w of tree.random.getState()) tw.uint32(w);
    const sampler = samplers[t];
    tw.varint(sampler.size);
    const copies = new Map<number, number[]>();
    for (let i = 0; i < sampler.size; i++) {
      const list = copies.get(sampler.pointIndex[i]) ?? [];
      list.push(sampler.sequence[i]);
      copies.set(sampler.pointIndex[i], list);
    }
    const stack = tree.root === NIL ? [] : [tree.root];
    while (stack.length > 0) {
      const ref = stack.pop()!;
      if (ref >= 0) {
        tw.varint(tree.cutDim[ref] * 4);
        tw.float32(tree.cutValue[ref]);
        stack.push(tree.right[ref], tree.left[ref]);
        continue;
      }
      const p = tree.leafPoint[-ref - 1];
      const seqs = copies.get(p)!.sort((a, b) => a - b);
      if (seqs.length === 1 && seqs[0] === ownSeq[p]) {
        tw.varint(map[p] * 4 + 1);
      } else {
        tw.varint(map[p] * 4 + 3);
        tw.varint(seqs.length);
        for (const q of seqs) tw.varint(q === ownSeq[p] ? 0 : 1 + age(q));
      }
    }
  });
  return { config: { ...forest.config }, updates: forest.updates, points: toBase64(pw.bytes()), trees: toBase64(tw.bytes()) };
}

export function forestFromState(state: ForestState, codec: PointCodec = FLOAT_CODEC): RandomCutForest {
  try {
    return restore(state, codec);
  } catch (e) {
    throw new StateError(`cannot restore random cut forest: ${(e as Error).message}`);
  }
}

/** Whether a coordinate or cut lies where the preprocessor's clamp keeps features (as float32 rounds the limit). */
const inFeatureRange = (x: number): boolean => Math.abs(x) <= Math.fround(FEATURE_LIMIT);

function restore(state: ForestState, codec: PointCodec): RandomCutForest {
  const forest = new RandomCutForest(state.config);
  const dims = forest.dimensions;
  const sampleSize = forest.config.sampleSize;
  const seqOfAge = (a: number): number => {
    if (a >= state.updates) throw new StateError(`age ${a} is older than the forest's ${state.updates} update(s)`);
    return state.updates - 1 - a;
  };
  forest.updates = state.updates;
  const pr = new ByteReader(fromBase64(state.points));
  const n = pr.varint();
  const capacity = storeCapacity(sampleSize, forest.trees.length);
  if (n > capacity) throw new StateError(`${n} points, more than the ${capacity} the forest's trees can hold`);
  const packed = new Float32Array(n * dims);
  const ownSeq = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const point = packed.subarray(k * dims, (k + 1) * dims);
    codec.read(pr, point);
    if (!point.every(inFeatureRange)) throw new StateError(`point ${k} has a coordinate that is not finite or beyond ±${FEATURE_LIMIT}`);
    ownSeq[k] = seqOfAge(pr.varint());
  }
  if (!pr.done) throw new StateError("trailing bytes after the last point");
  const refCounts = new Int32Array(n);
  const store = forest.store;
  store.loadPacked(packed, refCounts);
  const tr = new ByteReader(fromBase64(state.trees));
  // per point, 1 + the last tree that has a leaf for it: a tree holds a point in one leaf only
  const leafOfTree = new Int32Array(n);
  for (let t = 0; t < forest.trees.length; t++) {
    const rng = Random.fromState([tr.uint32(), tr.uint32(), tr.uint32(), tr.uint32()]);
    const tree = forest.trees[t];
    tree.random = rng;
    const entries = tr.varint();
    if (entries > sampleSize) throw new StateError(`tree ${t}: ${entries} sampled point(s), more than its sample size ${sampleSize}`);
    const points: number[] = [];
    const seqs: number[] = [];
    // the cuts above the node being read: a point must lie on the side of each that leads to its leaf
    const cutDims: number[] = [];
    const cutValues: number[] = [];
    const leftSide: boolean[] = [];
    const readNode = (): number => {
      const tag = tr.varint();
      if (tag % 4 === 0) {
        const node = tree.allocNode();
        const dim = tag / 4;
        if (dim >= dims) throw new StateError(`tree ${t}: cut dimension ${dim} out of range (${dims} dimensions)`);
        const cut = tr.float32();
        if (!inFeatureRange(cut)) throw new StateError(`tree ${t}: cut value ${cut} is not finite or beyond ±${FEATURE_LIMIT}`);
        tree.cutDim[node] = dim;
        tree.cutValue[node] = cut;
        cutDims.push(dim);
        cutValues.push(tree.cutValue[node]);
        leftSide.push(true);
        tree.left[node] = readNode();
        leftSide[leftSide.length - 1] = false;
        tree.right[node] = readNode();
        cutDims.pop();
        cutValues.pop();
        leftSide.pop();
        tree.mass[node] = tree.childMass(tree.left[node]) + tree.childMass(tree.right[node]);
        tree.recomputeBox(node);
        return node;
      }
      if (tag % 4 === 2) throw new StateError(`tree ${t}: unknown node tag ${tag}`);
      const p = Math.floor(tag / 4);
      if (p >= n) throw new StateError(`tree ${t}: leaf point ${p} out of range (${n} points)`);
      if (leafOfTree[p] === t + 1) throw new StateError(`tree ${t}: point ${p} has two leaves`);
      leafOfTree[p] = t + 1;
      for (let c = 0; c < cutDims.length; c++) {
        const x = store.coord(p, cutDims[c]);
        if (x <= cutValues[c] !== leftSide[c]) throw new StateError(`tree ${t}: leaf point ${p} is on the wrong side of a cut above it`);
      }
      const ref = tree.newLeaf(p);
      if (tag % 4 === 1) {
        points.push(p);
        seqs.push(ownSeq[p]);
        return ref;
      }
      const mass = tr.varint();
      if (mass < 1 || points.length + mass > entries) throw new StateError(`tree ${t}: leaf mass ${mass} does not fit the ${entries} sampled point(s)`);
      tree.leafMass[-ref - 1] = mass;
      for (let i = 0; i < mass; i++) {
        const code = tr.varint();
        points.push(p);
        seqs.push(code === 0 ? ownSeq[p] : seqOfAge(code - 1));
      }
      return ref;
    };
    if (entries > 0) tree.root = readNode();
    if (points.length !== entries) {
      throw new StateError(`tree ${t}: holds ${points.length} sampled point(s) but its sampler ${entries}`);
    }
    for (const p of points) refCounts[p]++;
    forest.samplers[t].restore(points, seqs);
  }
  if (!tr.done) throw new StateError("trailing bytes after the last tree");
  const orphan = refCounts.indexOf(0);
  if (orphan >= 0) throw new StateError(`point ${orphan} is held by no tree`);
  store.refCount.set(refCounts);
  return forest;
}
