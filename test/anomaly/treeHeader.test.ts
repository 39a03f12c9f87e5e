import { expect } from "chai";
import { readFileSync } from "fs";
import { fillHeaderOffsets, TREE_WAT } from "../../cli/buildWasm";
import { RandomCutForest } from "../../anomaly/rcf/forest";
import { headerByteOffset, TREE_HEADER, TREE_HEADER_WORDS } from "../../anomaly/rcf/treeHeader";

describe("the tree header layout (treeHeader.ts), shared by the TypeScript and tree.wat", () => {
  it("fills each {{field}} and {{field+bytes}} with the field's byte offset", () => {
    const cases: [string, string][] = [
      ["(i32.load offset={{cutDim}} (local.get $h))", "(i32.load offset=0 (local.get $h))"],
      ["(i32.load offset={{path}} (local.get $h))", "(i32.load offset=20 (local.get $h))"],
      ["(i32.load offset={{out}} (local.get $h))", "(i32.load offset=44 (local.get $h))"],
      ["(i32.store offset={{random+12}} (local.get $h) (local.get $s3))", "(i32.store offset=64 (local.get $h) (local.get $s3))"],
      ["(i32.load offset={{ mass }} (local.get $h))", "(i32.load offset=48 (local.get $h))"],
      ["(i32.store offset={{out.goesLeft}} (local.get $out) (local.get $v))", "(i32.store offset=16 (local.get $out) (local.get $v))"],
      ["(i32.store offset={{out.depth}} (local.get $out) (local.get $len))", "(i32.store offset=0 (local.get $out) (local.get $len))"],
      ["(nop) ;; {{anything}} in a comment stays", "(nop) ;; {{anything}} in a comment stays"],
    ];
    for (const [wat, filled] of cases) expect(fillHeaderOffsets(wat), wat).to.equal(filled);
  });

  it("refuses a placeholder that names no header field, or is malformed", () => {
    expect(() => fillHeaderOffsets("(nop)\n(i32.load offset={{cutDims}} (local.get $h))")).to.throw(
      `tree.wat line 2: {{cutDims}} is not a tree header field (${Object.keys(TREE_HEADER).join(", ")})`,
    );
    expect(() => fillHeaderOffsets("(i32.store offset={{out.slot}} (local.get $out) (i32.const 1))")).to.throw(
      "tree.wat line 1: {{out.slot}} is not an out slot (out.entered, out.child, out.leaf, out.parent, out.cutDim, out.goesLeft, out.depth)",
    );
    expect(() => fillHeaderOffsets("(i32.load offset={{path-4}} (local.get $h))")).to.throw(
      "tree.wat line 1: a placeholder is not {{field}} or {{field+bytes}}: (i32.load offset={{path-4}} (local.get $h))",
    );
  });

  it("tree.wat reads and writes the header and the out slots only through named fields", () => {
    const bare = readFileSync(TREE_WAT, "utf8")
      .split("\n")
      .map((line, i) => [i + 1, line.split(";;")[0]] as const)
      .filter(([, code]) => /\.(load|store)( offset=\d+)? \((local\.get \$(h|out)|i32\.load offset=\{\{out\}\})/.test(code))
      .map(([n, code]) => `line ${n}: ${code.trim()}`);
    expect(bare).to.deep.equal([]);
  });

  it("has one word per field and four for the generator, inside the words a tree allocates", () => {
    const offsets = Object.values(TREE_HEADER).sort((a, b) => a - b);
    // the generator's four words sit between `random` and the next field
    expect(offsets).to.deep.equal([...Array.from({ length: TREE_HEADER.random + 1 }, (_, i) => i), TREE_HEADER.random + 4]);
    expect(TREE_HEADER.unseenScore + 1).to.equal(TREE_HEADER_WORDS);
    expect(headerByteOffset("random")).to.equal(52);
  });

  it("is what a tree writes: every field points at that tree's array", () => {
    const forest = new RandomCutForest({ dimensions: 3, numberOfTrees: 2, sampleSize: 16, lambda: 0.01, seed: 3 });
    for (const tree of forest.trees) {
      const h = tree.header;
      const written = Object.fromEntries(
        Object.entries(TREE_HEADER)
          .filter(([name]) => name !== "random")
          .map(([name, at]) => [name, h[at]]),
      );
      expect(written).to.deep.equal({
        cutDim: tree.cutDim.byteOffset,
        cutValue: tree.cutValue.byteOffset,
        left: tree.left.byteOffset,
        right: tree.right.byteOffset,
        leafPoint: tree.leafPoint.byteOffset,
        path: tree.path.byteOffset,
        box: tree.box.byteOffset,
        range: tree.boxRange.byteOffset,
        points: forest.store.values.byteOffset,
        dims: 3,
        point: tree.memory.point.byteOffset,
        out: tree.memory.out.byteOffset,
        mass: tree.mass.byteOffset,
        unseenScore: tree.memory.unseenScore.byteOffset,
      });
      expect(Array.from(h.subarray(TREE_HEADER.random, TREE_HEADER.random + 4), (w) => w >>> 0)).to.deep.equal(tree.random.getState());
    }
  });
});
