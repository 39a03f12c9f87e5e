import { expect } from "chai";
import { readFileSync } from "fs";
import { compileTreeWasm, TREE_WAT } from "../../cli/buildWasm";
import { runDifferential } from "../helpers/treeDifferential";

/**
 * Small changes to tree.wat, each of the kind a hand edit could make: the differential run against the
 * reference tree must notice every one (a run that passes them all would prove nothing).
 */
const MUTATIONS: { readonly name: string; readonly from: string; readonly to: string }[] = [
  {
    name: "delete stops shrinking boxes when the point lies on a box's max side",
    from: "(f32.eq (local.get $v) (f32.load offset=4 (local.get $b)))",
    to: "(i32.const 0)",
  },
  { name: "descending a stored point sends ties right", from: "(else (f32.le", to: "(else (f32.lt" },
  { name: "a score query's descent sends ties right", from: "(then (f64.le", to: "(then (f64.lt" },
  {
    name: "insert's separation test takes a cut on the box's min as separating",
    from: "(f64.le (local.get $v) (local.get $cut)) (f64.lt (local.get $cut) (local.get $mn))",
    to: "(f64.le (local.get $v) (local.get $cut)) (f64.le (local.get $cut) (local.get $mn))",
  },
  {
    name: "a leaf split keeps a cut on the upper point",
    from: "(f64.ge (local.get $cut) (local.get $mx)) (f64.lt (local.get $cut) (local.get $mn))",
    to: "(f64.gt (local.get $cut) (local.get $mx)) (f64.lt (local.get $cut) (local.get $mn))",
  },
  {
    name: "the climb ignores how far the point lies below a box",
    from: "(f64x2.add (local.get $los) (f64x2.abs (local.get $los)))",
    to: "(f64x2.splat (f64.const 0))",
  },
  {
    name: "the climb stops one node early",
    from: "(br_if $up (i32.ge_s (local.get $i) (i32.const 0)))",
    to: "(br_if $up (i32.gt_s (local.get $i) (i32.const 0)))",
  },
  {
    name: "the leaf's unseen score is read one depth too shallow",
    from: "(local.set $score (f64.load (i32.add (local.get $unseen) (i32.shl (local.get $len) (i32.const 3)))))",
    to: "(local.set $score (f64.load (i32.add (local.get $unseen) (i32.shl (i32.sub (local.get $len) (i32.const 1)) (i32.const 3)))))",
  },
  { name: "the generator's last word is not saved", from: "(i32.store offset={{random+12}} (local.get $h) (local.get $s3))", to: "(nop)" },
  {
    name: "a grown box keeps its old range sum",
    from: "(f64.store (i32.add (i32.load offset={{range}} (local.get $h)) (i32.shl (local.get $node) (i32.const 3))) (local.get $sum))))",
    to: "))",
  },
];

describe("the differential run catches changes to the compiled tree code", () => {
  const source = readFileSync(TREE_WAT, "utf8");
  for (const m of MUTATIONS) {
    it(m.name, async () => {
      expect(source.split(m.from).length - 1, `occurrences of ${m.from} in tree.wat`).to.equal(1);
      const moduleBytes = await compileTreeWasm(source.replace(m.from, m.to));
      const runs = [
        { dims: 1, sampleSize: 16, seed: 7 },
        { dims: 3, sampleSize: 16, seed: 8 },
      ].map((c) => runDifferential({ ...c, operations: 400, moduleBytes }).difference);
      expect(
        runs.filter((d) => d !== undefined),
        "runs that noticed",
      ).to.have.length.greaterThan(0);
    });
  }
});
