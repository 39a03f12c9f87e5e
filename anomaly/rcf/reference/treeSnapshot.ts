import { NIL, RandomCutTree } from "../tree";
import { ReferenceChild, ReferenceTree } from "./referenceTree";

/** A leaf as a snapshot lists it: the point store index it holds, and how many times. */
export interface LeafEntry {
  readonly point: number;
  readonly mass: number;
}

/** An internal node as a snapshot lists it; `box` is min then max per dimension. */
export interface NodeEntry {
  readonly cutDim: number;
  readonly cutValue: number;
  readonly mass: number;
  readonly box: number[];
  readonly rangeSum: number;
}

export type SnapshotEntry = LeafEntry | NodeEntry;

/**
 * A tree's shape and numbers, node before its left then right subtree: the same for the compiled tree
 * and the reference exactly when both hold the same cuts, boxes, range sums, masses and leaves (node
 * ids, which depend on allocation, are left out).
 */
export type TreeSnapshot = SnapshotEntry[];

export function snapshotOfCompiled(tree: RandomCutTree): TreeSnapshot {
  const out: TreeSnapshot = [];
  const dims = tree.dimensions;
  const visit = (ref: number): void => {
    if (ref < 0) {
      out.push({ point: tree.leafPoint[-ref - 1], mass: tree.leafMass[-ref - 1] });
      return;
    }
    const box = Array.from(tree.box.subarray(2 * ref * dims, 2 * (ref + 1) * dims));
    out.push({ cutDim: tree.cutDim[ref], cutValue: tree.cutValue[ref], mass: tree.mass[ref], box, rangeSum: tree.boxRange[ref] });
    visit(tree.left[ref]);
    visit(tree.right[ref]);
  };
  if (tree.root !== NIL) visit(tree.root);
  return out;
}

export function snapshotOfReference(tree: ReferenceTree): TreeSnapshot {
  const out: TreeSnapshot = [];
  const visit = (child: ReferenceChild): void => {
    if (child.kind === "leaf") {
      out.push({ point: child.point, mass: child.mass });
      return;
    }
    const box = child.min.flatMap((mn, d) => [mn, child.max[d]]);
    out.push({ cutDim: child.cutDim, cutValue: child.cutValue, mass: child.mass, box, rangeSum: child.rangeSum });
    visit(child.left);
    visit(child.right);
  };
  if (tree.root) visit(tree.root);
  return out;
}

/**
 * Where two snapshots first differ (every number compared with Object.is, so -0 and 0 differ), as
 * "entry 3: rangeSum 1.5 != 1.25"; undefined when they are the same.
 */
export function firstDifference(a: TreeSnapshot, b: TreeSnapshot): string | undefined {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] as unknown as Record<string, number | number[]> | undefined;
    const y = b[i] as unknown as Record<string, number | number[]> | undefined;
    if (!x || !y) return `entry ${i}: ${JSON.stringify(x)} != ${JSON.stringify(y)} (${a.length} entries != ${b.length})`;
    const keys = Object.keys(x);
    if (keys.join() !== Object.keys(y).join()) return `entry ${i}: ${JSON.stringify(x)} != ${JSON.stringify(y)}`;
    for (const key of keys) {
      const u = x[key];
      const v = y[key];
      const same = Array.isArray(u) && Array.isArray(v) ? u.length === v.length && u.every((e, k) => Object.is(e, v[k])) : Object.is(u, v);
      if (!same) return `entry ${i}: ${key} ${JSON.stringify(u)} != ${JSON.stringify(v)}`;
    }
  }
  return undefined;
}
