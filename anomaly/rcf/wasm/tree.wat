;; The random cut trees' hot code in WebAssembly (anomaly/rcf/tree.ts and visitors.ts call it), the
;; scorer's climb with 128-bit SIMD. Built into treeModule.ts by `npm run build:wasm`; a test checks the
;; two agree. docs/rcf-internals.md describes the memory and how to change this code safely.
;;
;; A tree's arrays are found through its header, laid out in anomaly/rcf/treeHeader.ts: `{{name}}`
;; below is the byte offset of the header field `name` (and `{{name+4}}` 4 bytes past it), filled in by
;; `npm run build:wasm` before compiling, so the offsets are constants in the compiled code.
;; A child reference < 0 is a leaf (slot -ref - 1); a point goes left when point[cutDim] <= cutValue.
;;
;; "score" descends to the leaf the point falls in ("descend", pipelined) and climbs back ("climb"); it
;; reads the leaf's own point only when the query lies inside the leaf's parent's box.
;; "insert" walks a stored point down to where it enters the tree, drawing the random cuts; JavaScript
;; then allocates the node it asks for.
;; "descendStored", "recompute" and "shrink" serve delete: find a stored point's leaf, and after the leaf
;; is gone, take one off the masses above it and shrink the boxes it spanned.
;;
;; anomaly/rcf/reference/referenceTree.ts is this code written to be read, in plain TypeScript; every
;; function here does that reference's floating-point operations in the same order, so cuts, boxes and
;; scores are bit for bit the same (test/anomaly/treeReference.test.ts checks them after every operation
;; of random streams, and treeMutations.test.ts that it notices small edits of this file). To change
;; the algorithm: the reference first, then this file, `npm run build:wasm`, then those tests.
;; WebAssembly never fuses a multiply and an add, and neither does JavaScript.
;;
;; The climb.
;; Inputs, all byte offsets into the forest's memory:
;;   $box    the tree's boxes: per node, per dimension, f32 min then f32 max (node n at n * dims * 8)
;;   $range  the tree's f64 range sums (sum over dimensions of max - min), per node
;;   $path   the i32 node ids of the last descent, root first
;;   $point  the point, as f64 (float32 values widened, so exact)
;;   $unseen the f64 score of a point isolated at depth d, per d (scoreUnseen in scoreFunctions.ts, which
;;           owns every score function: this code only mixes them)
;; and $i, the index in $path of the leaf's parent, and $score, the leaf's unseen score.
;;
;; From the leaf's parent up to the root, per node:
;;   per dimension t = (min - v) + |min - v| + ((v - max) + |v - max|): twice how far the point lies
;;   outside the box in that dimension, and exactly 0 inside it, with no branch;
;;   even dimensions are summed in one lane and odd ones in the other (in dimension order), then
;;   gap2 = even + odd; if gap2 is 0 the point is inside this box, so inside every box above it: stop;
;;   gap = gap2 / 2, p = gap / (range + gap), score = p * unseen[i] + (1 - p) * score.
(module
  (import "env" "memory" (memory 1))
  ;; (Returns the score and the index where the climb stopped: -1 at the root's end.)
  (func $climbFrom
        (param $box i32) (param $range i32) (param $path i32) (param $point i32) (param $unseen i32)
        (param $dims i32) (param $i i32) (param $score f64) (result f64 i32)
    (local $node i32) (local $b i32) (local $pd i32) (local $d i32)
    (local $even f64) (local $v f64) (local $lo f64) (local $hi f64) (local $gap f64) (local $p f64)
    (local $acc v128) (local $q v128) (local $vs v128) (local $los v128) (local $his v128)
    (block $done
      (loop $up
        (local.set $node (i32.load (i32.add (local.get $path) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $b (i32.add (local.get $box)
          (i32.shl (i32.mul (local.get $node) (local.get $dims)) (i32.const 3))))
        (local.set $pd (local.get $point))
        (local.set $d (i32.const 0))
        (local.set $acc (v128.const i64x2 0 0))
        ;; two dimensions a step: lane 0 the even one, lane 1 the odd one
        (block $pairsDone
          (loop $pairs
            (br_if $pairsDone (i32.ge_s (i32.add (local.get $d) (i32.const 1)) (local.get $dims)))
            ;; q = (min d, max d, min d+1, max d+1) as f32
            (local.set $q (v128.load (local.get $b)))
            (local.set $vs (v128.load (local.get $pd)))
            (local.set $los (f64x2.sub
              (f64x2.promote_low_f32x4 (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $q) (local.get $q)))
              (local.get $vs)))
            (local.set $his (f64x2.sub
              (local.get $vs)
              (f64x2.promote_low_f32x4 (i8x16.shuffle 4 5 6 7 12 13 14 15 4 5 6 7 12 13 14 15 (local.get $q) (local.get $q)))))
            (local.set $acc (f64x2.add (local.get $acc)
              (f64x2.add
                (f64x2.add (local.get $los) (f64x2.abs (local.get $los)))
                (f64x2.add (local.get $his) (f64x2.abs (local.get $his))))))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (local.set $pd (i32.add (local.get $pd) (i32.const 16)))
            (local.set $d (i32.add (local.get $d) (i32.const 2)))
            (br $pairs)))
        (local.set $even (f64x2.extract_lane 0 (local.get $acc)))
        ;; an odd number of dimensions: the last (even) one joins the even sum
        (if (i32.lt_s (local.get $d) (local.get $dims))
          (then
            (local.set $v (f64.load (local.get $pd)))
            (local.set $lo (f64.sub (f64.promote_f32 (f32.load (local.get $b))) (local.get $v)))
            (local.set $hi (f64.sub (local.get $v) (f64.promote_f32 (f32.load offset=4 (local.get $b)))))
            (local.set $even (f64.add (local.get $even)
              (f64.add
                (f64.add (local.get $lo) (f64.abs (local.get $lo)))
                (f64.add (local.get $hi) (f64.abs (local.get $hi))))))))
        (local.set $gap (f64.add (local.get $even) (f64x2.extract_lane 1 (local.get $acc))))
        (br_if $done (f64.eq (local.get $gap) (f64.const 0)))
        (local.set $gap (f64.div (local.get $gap) (f64.const 2)))
        (local.set $p (f64.div (local.get $gap)
          (f64.add
            (f64.load (i32.add (local.get $range) (i32.shl (local.get $node) (i32.const 3))))
            (local.get $gap))))
        (local.set $score (f64.add
          (f64.mul (local.get $p)
            (f64.load (i32.add (local.get $unseen) (i32.shl (local.get $i) (i32.const 3)))))
          (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $score))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $up (i32.ge_s (local.get $i) (i32.const 0)))))
    (local.get $score) (local.get $i))

  ;; Descends from $root to the leaf the point at $at falls in (f64 coordinates if $wide, else f32 ones, as
  ;; in the point store), filling the path. Returns the leaf's reference and the path's length. No branch
  ;; on the side taken, and pipelined: while one level compares, both of its children's cut and children
  ;; are already loading (a leaf child loads node 0's, unused), so the next level does not wait for
  ;; memory after the comparison.
  (func $descend (param $h i32) (param $root i32) (param $at i32) (param $wide i32) (result i32 i32)
    (local $node i32) (local $len i32) (local $path i32) (local $cutDim i32) (local $cutValue i32)
    (local $left i32) (local $right i32) (local $off i32)
    (local $dim i32) (local $cv f32) (local $l i32) (local $r i32) (local $lo i32) (local $ro i32) (local $go i32)
    (local.set $node (local.get $root))
    (if (i32.lt_s (local.get $node) (i32.const 0))
      (then (return (local.get $node) (i32.const 0))))
    (local.set $path (i32.load offset={{path}} (local.get $h)))
    (local.set $cutDim (i32.load offset={{cutDim}} (local.get $h)))
    (local.set $cutValue (i32.load offset={{cutValue}} (local.get $h)))
    (local.set $left (i32.load offset={{left}} (local.get $h)))
    (local.set $right (i32.load offset={{right}} (local.get $h)))
    (local.set $off (i32.shl (local.get $node) (i32.const 2)))
    (local.set $dim (i32.load (i32.add (local.get $cutDim) (local.get $off))))
    (local.set $cv (f32.load (i32.add (local.get $cutValue) (local.get $off))))
    (local.set $l (i32.load (i32.add (local.get $left) (local.get $off))))
    (local.set $r (i32.load (i32.add (local.get $right) (local.get $off))))
    (loop $down
      (i32.store (i32.add (local.get $path) (i32.shl (local.get $len) (i32.const 2))) (local.get $node))
      (local.set $len (i32.add (local.get $len) (i32.const 1)))
      (local.set $lo (i32.shl (select (local.get $l) (i32.const 0) (i32.ge_s (local.get $l) (i32.const 0))) (i32.const 2)))
      (local.set $ro (i32.shl (select (local.get $r) (i32.const 0) (i32.ge_s (local.get $r) (i32.const 0))) (i32.const 2)))
      (local.set $go
        (if (result i32) (local.get $wide)
          (then (f64.le
            (f64.load (i32.add (local.get $at) (i32.shl (local.get $dim) (i32.const 3))))
            (f64.promote_f32 (local.get $cv))))
          (else (f32.le
            (f32.load (i32.add (local.get $at) (i32.shl (local.get $dim) (i32.const 2))))
            (local.get $cv)))))
      (local.set $node (select (local.get $l) (local.get $r) (local.get $go)))
      (local.set $dim (select
        (i32.load (i32.add (local.get $cutDim) (local.get $lo)))
        (i32.load (i32.add (local.get $cutDim) (local.get $ro)))
        (local.get $go)))
      (local.set $cv (select
        (f32.load (i32.add (local.get $cutValue) (local.get $lo)))
        (f32.load (i32.add (local.get $cutValue) (local.get $ro)))
        (local.get $go)))
      (local.set $l (select
        (i32.load (i32.add (local.get $left) (local.get $lo)))
        (i32.load (i32.add (local.get $left) (local.get $ro)))
        (local.get $go)))
      (local.set $r (select
        (i32.load (i32.add (local.get $right) (local.get $lo)))
        (i32.load (i32.add (local.get $right) (local.get $ro)))
        (local.get $go)))
      (br_if $down (i32.ge_s (local.get $node) (i32.const 0))))
    (local.get $node) (local.get $len))

  ;; The tree's score of the point before normalisation: the leaf's unseen score climbed up to the root; or
  ;; -1 when the leaf holds the point itself (then out holds the depth and the leaf slot, and the caller
  ;; scores it).
  (func (export "score") (param $h i32) (param $root i32) (result f64)
    (local $node i32) (local $len i32) (local $point i32) (local $dims i32) (local $unseen i32)
    (local $leaf i32) (local $sp i32) (local $pp i32) (local $end i32) (local $score f64) (local $stop i32)
    (local.set $dims (i32.load offset={{dims}} (local.get $h)))
    (local.set $point (i32.load offset={{point}} (local.get $h)))
    (local.set $unseen (i32.load offset={{unseenScore}} (local.get $h)))
    (call $descend (local.get $h) (local.get $root) (local.get $point) (i32.const 1))
    (local.set $len)
    (local.set $node)
    ;; the leaf's score, were the point isolated there
    (local.set $score (f64.load (i32.add (local.get $unseen) (i32.shl (local.get $len) (i32.const 3)))))
    (if (local.get $len)
      (then
        (call $climbFrom
          (i32.load offset={{box}} (local.get $h)) (i32.load offset={{range}} (local.get $h)) (i32.load offset={{path}} (local.get $h))
          (local.get $point) (local.get $unseen) (local.get $dims) (i32.sub (local.get $len) (i32.const 1))
          (local.get $score))
        (local.set $stop)
        (local.set $score)
        ;; outside the leaf's parent's box, the point cannot be the leaf's own point (which that box holds):
        ;; no need to read the leaf's point, a cache miss more often than not
        (if (i32.ne (local.get $stop) (i32.sub (local.get $len) (i32.const 1)))
          (then (return (local.get $score))))))
    ;; inside the parent's box (or the root is the leaf): does the leaf hold this very point?
    (local.set $leaf (i32.sub (i32.const -1) (local.get $node)))
    (local.set $sp (i32.add (i32.load offset={{points}} (local.get $h))
      (i32.shl
        (i32.mul (i32.load (i32.add (i32.load offset={{leafPoint}} (local.get $h)) (i32.shl (local.get $leaf) (i32.const 2))))
          (local.get $dims))
        (i32.const 2))))
    (local.set $pp (local.get $point))
    (local.set $end (i32.add (local.get $sp) (i32.shl (local.get $dims) (i32.const 2))))
    (block $differs
      (loop $same
        (if (i32.eq (local.get $sp) (local.get $end))
          (then
            (i32.store offset={{out.depth}} (i32.load offset={{out}} (local.get $h)) (local.get $len))
            (i32.store offset={{out.leaf}} (i32.load offset={{out}} (local.get $h)) (local.get $leaf))
            (return (f64.const -1))))
        (br_if $differs (f64.ne (f64.promote_f32 (f32.load (local.get $sp))) (f64.load (local.get $pp))))
        (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
        (local.set $pp (i32.add (local.get $pp) (i32.const 8)))
        (br $same)))
    (local.get $score))

  ;; Descends to the leaf a stored point (index $p) falls in; fills the path; out[0] = its length.
  ;; Returns the leaf slot.
  (func (export "descendStored") (param $h i32) (param $root i32) (param $p i32) (result i32)
    (local $node i32) (local $len i32)
    (call $descend (local.get $h) (local.get $root)
      (i32.add (i32.load offset={{points}} (local.get $h))
        (i32.shl (i32.mul (local.get $p) (i32.load offset={{dims}} (local.get $h))) (i32.const 2)))
      (i32.const 0))
    (local.set $len)
    (local.set $node)
    (i32.store offset={{out.depth}} (i32.load offset={{out}} (local.get $h)) (local.get $len))
    (i32.sub (i32.const -1) (local.get $node)))

  ;; Where a child's corners are: a leaf's point is both its min and its max corner (step 4 bytes), an
  ;; internal node's box interleaves min and max (step 8). Returns the min corner's offset; the step is
  ;; 4 for a leaf and 8 otherwise, and the max corner is at +0 (leaf) or +4 (node).
  (func $corner (param $h i32) (param $ref i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $ref) (i32.const 0))
      (then
        (i32.add (i32.load offset={{points}} (local.get $h))
          (i32.shl
            (i32.mul
              (i32.load (i32.add (i32.load offset={{leafPoint}} (local.get $h))
                (i32.shl (i32.sub (i32.const -1) (local.get $ref)) (i32.const 2))))
              (i32.load offset={{dims}} (local.get $h)))
            (i32.const 2))))
      (else
        (i32.add (i32.load offset={{box}} (local.get $h))
          (i32.shl (i32.mul (local.get $ref) (i32.load offset={{dims}} (local.get $h))) (i32.const 3))))))

  ;; Recomputes a node's box from its children, and its range sum (f64, the float32 corners' differences
  ;; summed in dimension order). Returns 1 if the box changed.
  (func $recompute (export "recompute") (param $h i32) (param $node i32) (result i32)
    (local $l i32) (local $r i32) (local $lMin i32) (local $lMax i32) (local $lStep i32)
    (local $rMin i32) (local $rMax i32) (local $rStep i32) (local $b i32) (local $end i32)
    (local $mn f32) (local $mx f32) (local $changed i32) (local $sum f64)
    (local.set $l (i32.load (i32.add (i32.load offset={{left}} (local.get $h)) (i32.shl (local.get $node) (i32.const 2)))))
    (local.set $r (i32.load (i32.add (i32.load offset={{right}} (local.get $h)) (i32.shl (local.get $node) (i32.const 2)))))
    (local.set $lMin (call $corner (local.get $h) (local.get $l)))
    (local.set $lStep (select (i32.const 4) (i32.const 8) (i32.lt_s (local.get $l) (i32.const 0))))
    (local.set $lMax (i32.add (local.get $lMin) (i32.sub (local.get $lStep) (i32.const 4))))
    (local.set $rMin (call $corner (local.get $h) (local.get $r)))
    (local.set $rStep (select (i32.const 4) (i32.const 8) (i32.lt_s (local.get $r) (i32.const 0))))
    (local.set $rMax (i32.add (local.get $rMin) (i32.sub (local.get $rStep) (i32.const 4))))
    (local.set $b (call $corner (local.get $h) (local.get $node)))
    (local.set $end (i32.add (local.get $b) (i32.shl (i32.load offset={{dims}} (local.get $h)) (i32.const 3))))
    (block $done
      (loop $dims
        (br_if $done (i32.ge_u (local.get $b) (local.get $end)))
        (local.set $mn (f32.min (f32.load (local.get $lMin)) (f32.load (local.get $rMin))))
        (local.set $mx (f32.max (f32.load (local.get $lMax)) (f32.load (local.get $rMax))))
        (local.set $changed (i32.or (local.get $changed)
          (i32.or (f32.ne (local.get $mn) (f32.load (local.get $b))) (f32.ne (local.get $mx) (f32.load offset=4 (local.get $b))))))
        (f32.store (local.get $b) (local.get $mn))
        (f32.store offset=4 (local.get $b) (local.get $mx))
        (local.set $sum (f64.add (local.get $sum) (f64.sub (f64.promote_f32 (local.get $mx)) (f64.promote_f32 (local.get $mn)))))
        (local.set $lMin (i32.add (local.get $lMin) (local.get $lStep)))
        (local.set $lMax (i32.add (local.get $lMax) (local.get $lStep)))
        (local.set $rMin (i32.add (local.get $rMin) (local.get $rStep)))
        (local.set $rMax (i32.add (local.get $rMax) (local.get $rStep)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (br $dims)))
    (f64.store (i32.add (i32.load offset={{range}} (local.get $h)) (i32.shl (local.get $node) (i32.const 3))) (local.get $sum))
    (local.get $changed))

  ;; After a stored point's leaf (index $p) has left the tree: for path[i] .. path[0], one less mass, and
  ;; while the point lies on a box's boundary (a coordinate equal to its min or max), that box recomputed;
  ;; a point strictly inside a box did not span it, nor any box above it.
  (func (export "shrink") (param $h i32) (param $i i32) (param $p i32)
    (local $node i32) (local $path i32) (local $mass i32) (local $boxes i32) (local $sp i32) (local $b i32)
    (local $end i32) (local $v f32) (local $touches i32)
    (local.set $path (i32.load offset={{path}} (local.get $h)))
    (local.set $mass (i32.load offset={{mass}} (local.get $h)))
    (local.set $boxes (i32.const 1))
    (block $done
      (loop $up
        (br_if $done (i32.lt_s (local.get $i) (i32.const 0)))
        (local.set $node (i32.load (i32.add (local.get $path) (i32.shl (local.get $i) (i32.const 2)))))
        (i32.store (i32.add (local.get $mass) (i32.shl (local.get $node) (i32.const 2)))
          (i32.sub (i32.load (i32.add (local.get $mass) (i32.shl (local.get $node) (i32.const 2)))) (i32.const 1)))
        (if (local.get $boxes)
          (then
            (local.set $sp (i32.add (i32.load offset={{points}} (local.get $h))
              (i32.shl (i32.mul (local.get $p) (i32.load offset={{dims}} (local.get $h))) (i32.const 2))))
            (local.set $b (call $corner (local.get $h) (local.get $node)))
            (local.set $end (i32.add (local.get $b) (i32.shl (i32.load offset={{dims}} (local.get $h)) (i32.const 3))))
            (local.set $touches (i32.const 0))
            (block $found
              (loop $dims
                (br_if $found (i32.ge_u (local.get $b) (local.get $end)))
                (local.set $v (f32.load (local.get $sp)))
                (local.set $touches
                  (i32.or (f32.eq (local.get $v) (f32.load (local.get $b))) (f32.eq (local.get $v) (f32.load offset=4 (local.get $b)))))
                (br_if $found (local.get $touches))
                (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
                (local.set $b (i32.add (local.get $b) (i32.const 8)))
                (br $dims)))
            (local.set $boxes
              (if (result i32) (local.get $touches)
                (then (call $recompute (local.get $h) (local.get $node)))
                (else (i32.const 0))))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br $up))))

  ;; anomaly/random.ts, Random.nextUint32 and nextDouble, on the generator in the tree's header
  (func $nextUint32 (param $h i32) (result i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $result i32) (local $t i32)
    (local.set $s0 (i32.load offset={{random}} (local.get $h)))
    (local.set $s1 (i32.load offset={{random+4}} (local.get $h)))
    (local.set $s2 (i32.load offset={{random+8}} (local.get $h)))
    (local.set $s3 (i32.load offset={{random+12}} (local.get $h)))
    (local.set $result (i32.mul (i32.rotl (i32.mul (local.get $s1) (i32.const 5)) (i32.const 7)) (i32.const 9)))
    (local.set $t (i32.shl (local.get $s1) (i32.const 9)))
    (local.set $s2 (i32.xor (local.get $s2) (local.get $s0)))
    (local.set $s3 (i32.xor (local.get $s3) (local.get $s1)))
    (local.set $s1 (i32.xor (local.get $s1) (local.get $s2)))
    (local.set $s0 (i32.xor (local.get $s0) (local.get $s3)))
    (local.set $s2 (i32.xor (local.get $s2) (local.get $t)))
    (local.set $s3 (i32.rotl (local.get $s3) (i32.const 11)))
    (i32.store offset={{random}} (local.get $h) (local.get $s0))
    (i32.store offset={{random+4}} (local.get $h) (local.get $s1))
    (i32.store offset={{random+8}} (local.get $h) (local.get $s2))
    (i32.store offset={{random+12}} (local.get $h) (local.get $s3))
    (local.get $result))

  (func $nextDouble (param $h i32) (result f64)
    (f64.div
      (f64.add
        (f64.mul (f64.convert_i32_u (i32.shr_u (call $nextUint32 (local.get $h)) (i32.const 5))) (f64.const 67108864))
        (f64.convert_i32_u (i32.shr_u (call $nextUint32 (local.get $h)) (i32.const 6))))
      (f64.const 9007199254740992)))

  ;; A random cut of a box grown to hold the stored point at $sp (the box's min corner at $lo, its max
  ;; corner $maxAt bytes further, $step bytes a dimension; a leaf's point is a box with step 4 and maxAt
  ;; 0): the ranges max(v, max) - min(v, min) are summed in dimension order, r = uniform * sum, and r
  ;; falls in a dimension with probability proportional to its range. Returns that dimension, the offset
  ;; within it, and the sum. Rounding can leave r past the last range: then the last dimension with a
  ;; range, at offset 0.
  (func $drawCut (param $h i32) (param $lo i32) (param $maxAt i32) (param $step i32) (param $sp i32)
        (result i32 f64 f64)
    (local $dims i32) (local $d i32) (local $q i32) (local $last i32)
    (local $v f64) (local $range f64) (local $sum f64) (local $r f64)
    (local.set $dims (i32.load offset={{dims}} (local.get $h)))
    (local.set $q (local.get $lo))
    (block $summed
      (loop $ranges
        (br_if $summed (i32.ge_s (local.get $d) (local.get $dims)))
        (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $sp) (i32.shl (local.get $d) (i32.const 2))))))
        (local.set $sum (f64.add (local.get $sum)
          (f64.sub
            (f64.max (local.get $v) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $maxAt)))))
            (f64.min (local.get $v) (f64.promote_f32 (f32.load (local.get $q)))))))
        (local.set $q (i32.add (local.get $q) (local.get $step)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $ranges)))
    (local.set $r (f64.mul (call $nextDouble (local.get $h)) (local.get $sum)))
    (local.set $q (local.get $lo))
    (local.set $d (i32.const 0))
    (block $past
      (loop $pick
        (br_if $past (i32.ge_s (local.get $d) (local.get $dims)))
        (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $sp) (i32.shl (local.get $d) (i32.const 2))))))
        (local.set $range (f64.sub
          (f64.max (local.get $v) (f64.promote_f32 (f32.load (i32.add (local.get $q) (local.get $maxAt)))))
          (f64.min (local.get $v) (f64.promote_f32 (f32.load (local.get $q))))))
        (if (f64.gt (local.get $range) (f64.const 0)) (then (local.set $last (local.get $d))))
        (if (f64.lt (local.get $r) (local.get $range))
          (then (return (local.get $d) (local.get $r) (local.get $sum))))
        (local.set $r (f64.sub (local.get $r) (local.get $range)))
        (local.set $q (i32.add (local.get $q) (local.get $step)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $pick)))
    (local.get $last) (f64.const 0) (local.get $sum))

  ;; out = [1, child, parent, dim, point goes left]: the point enters above `child` with this cut
  (func $enterAbove (param $h i32) (param $child i32) (param $parent i32) (param $dim i32) (param $v f64) (param $cut f64)
        (result f64)
    (local $out i32)
    (local.set $out (i32.load offset={{out}} (local.get $h)))
    (i32.store offset={{out.entered}} (local.get $out) (i32.const 1))
    (i32.store offset={{out.child}} (local.get $out) (local.get $child))
    (i32.store offset={{out.parent}} (local.get $out) (local.get $parent))
    (i32.store offset={{out.cutDim}} (local.get $out) (local.get $dim))
    (i32.store offset={{out.goesLeft}} (local.get $out) (f64.le (local.get $v) (local.get $cut)))
    (local.get $cut))

  ;; Walks stored point $p down from the root (RandomCutTree.insert). Per node: until the point lies
  ;; outside the node's box (boxes nest, so from then on it lies outside every box below), only the mass
  ;; grows; once outside, a cut is drawn on the box grown to hold the point ($drawCut; the cut is a
  ;; float32). If the cut separates the point from the box, the point enters above this node
  ;; ($enterAbove, which returns the cut). If not, the box grows to hold the point. At a leaf: a leaf
  ;; holding the same point takes it (out = [0, leaf slot]); another leaf is split by a cut drawn between
  ;; the two points, at the lower one if float32 rounding would not separate them. A missing parent is
  ;; 0x7fffffff.
  (func (export "insert") (param $h i32) (param $root i32) (param $p i32) (result f64)
    (local $node i32) (local $parent i32) (local $outside i32) (local $dims i32) (local $sp i32) (local $ap i32)
    (local $b i32) (local $d i32) (local $dim i32) (local $off i32)
    (local $v f64) (local $mn f64) (local $mx f64) (local $r f64) (local $sum f64) (local $cut f64) (local $vf f32)
    (local.set $dims (i32.load offset={{dims}} (local.get $h)))
    (local.set $sp (i32.add (i32.load offset={{points}} (local.get $h))
      (i32.shl (i32.mul (local.get $p) (local.get $dims)) (i32.const 2))))
    (local.set $node (local.get $root))
    (local.set $parent (i32.const 0x7fffffff))
    (loop $walk
      (if (i32.lt_s (local.get $node) (i32.const 0))
        (then
          ;; a leaf: the same point?
          (local.set $ap (i32.add (i32.load offset={{points}} (local.get $h))
            (i32.shl
              (i32.mul
                (i32.load (i32.add (i32.load offset={{leafPoint}} (local.get $h))
                  (i32.shl (i32.sub (i32.const -1) (local.get $node)) (i32.const 2))))
                (local.get $dims))
              (i32.const 2))))
          (local.set $d (i32.const 0))
          (block $differs
            (loop $same
              (if (i32.eq (local.get $d) (local.get $dims))
                (then
                  (i32.store offset={{out.entered}} (i32.load offset={{out}} (local.get $h)) (i32.const 0))
                  (i32.store offset={{out.leaf}} (i32.load offset={{out}} (local.get $h)) (i32.sub (i32.const -1) (local.get $node)))
                  (return (f64.const 0))))
              (br_if $differs (f32.ne
                (f32.load (i32.add (local.get $ap) (i32.shl (local.get $d) (i32.const 2))))
                (f32.load (i32.add (local.get $sp) (i32.shl (local.get $d) (i32.const 2))))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br $same)))
          ;; split the leaf between the two points
          (call $drawCut (local.get $h) (local.get $ap) (i32.const 0) (i32.const 4) (local.get $sp))
          (local.set $sum)
          (local.set $r)
          (local.set $dim)
          (local.set $off (i32.shl (local.get $dim) (i32.const 2)))
          (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $sp) (local.get $off)))))
          (local.set $mn (f64.promote_f32 (f32.load (i32.add (local.get $ap) (local.get $off)))))
          (local.set $mx (f64.max (local.get $mn) (local.get $v)))
          (local.set $mn (f64.min (local.get $mn) (local.get $v)))
          (local.set $cut (f64.promote_f32 (f32.demote_f64 (f64.add (local.get $mn) (local.get $r)))))
          (if (i32.or (f64.ge (local.get $cut) (local.get $mx)) (f64.lt (local.get $cut) (local.get $mn)))
            (then (local.set $cut (local.get $mn))))
          (return (call $enterAbove (local.get $h) (local.get $node) (local.get $parent) (local.get $dim) (local.get $v) (local.get $cut)))))
      (local.set $b (i32.add (i32.load offset={{box}} (local.get $h))
        (i32.shl (i32.mul (local.get $node) (local.get $dims)) (i32.const 3))))
      (if (i32.eqz (local.get $outside))
        (then
          (local.set $d (i32.const 0))
          (block $checked
            (loop $check
              (br_if $checked (i32.ge_s (local.get $d) (local.get $dims)))
              (local.set $vf (f32.load (i32.add (local.get $sp) (i32.shl (local.get $d) (i32.const 2)))))
              (local.set $off (i32.add (local.get $b) (i32.shl (local.get $d) (i32.const 3))))
              (local.set $outside (i32.or (local.get $outside)
                (i32.or (f32.lt (local.get $vf) (f32.load (local.get $off))) (f32.gt (local.get $vf) (f32.load offset=4 (local.get $off))))))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br $check)))))
      (if (local.get $outside)
        (then
          (call $drawCut (local.get $h) (local.get $b) (i32.const 4) (i32.const 8) (local.get $sp))
          (local.set $sum)
          (local.set $r)
          (local.set $dim)
          (local.set $v (f64.promote_f32 (f32.load (i32.add (local.get $sp) (i32.shl (local.get $dim) (i32.const 2))))))
          (local.set $off (i32.add (local.get $b) (i32.shl (local.get $dim) (i32.const 3))))
          (local.set $mn (f64.promote_f32 (f32.load (local.get $off))))
          (local.set $mx (f64.promote_f32 (f32.load offset=4 (local.get $off))))
          (local.set $cut (f64.promote_f32 (f32.demote_f64 (f64.add (f64.min (local.get $v) (local.get $mn)) (local.get $r)))))
          (if (i32.or
                (i32.and (f64.le (local.get $v) (local.get $cut)) (f64.lt (local.get $cut) (local.get $mn)))
                (i32.and (f64.gt (local.get $v) (local.get $cut)) (f64.ge (local.get $cut) (local.get $mx))))
            (then
              (return (call $enterAbove (local.get $h) (local.get $node) (local.get $parent) (local.get $dim) (local.get $v) (local.get $cut)))))
          ;; no separation: the box grows to hold the point; its range sum is the one $drawCut summed
          (local.set $d (i32.const 0))
          (block $grown
            (loop $grow
              (br_if $grown (i32.ge_s (local.get $d) (local.get $dims)))
              (local.set $vf (f32.load (i32.add (local.get $sp) (i32.shl (local.get $d) (i32.const 2)))))
              (local.set $off (i32.add (local.get $b) (i32.shl (local.get $d) (i32.const 3))))
              (f32.store (local.get $off) (f32.min (f32.load (local.get $off)) (local.get $vf)))
              (f32.store offset=4 (local.get $off) (f32.max (f32.load offset=4 (local.get $off)) (local.get $vf)))
              (local.set $d (i32.add (local.get $d) (i32.const 1)))
              (br $grow)))
          (f64.store (i32.add (i32.load offset={{range}} (local.get $h)) (i32.shl (local.get $node) (i32.const 3))) (local.get $sum))))
      ;; one more point below this node; on to the child the point falls in
      (local.set $off (i32.shl (local.get $node) (i32.const 2)))
      (i32.store (i32.add (i32.load offset={{mass}} (local.get $h)) (local.get $off))
        (i32.add (i32.load (i32.add (i32.load offset={{mass}} (local.get $h)) (local.get $off))) (i32.const 1)))
      (local.set $parent (local.get $node))
      (local.set $node (select
        (i32.load (i32.add (i32.load offset={{left}} (local.get $h)) (local.get $off)))
        (i32.load (i32.add (i32.load offset={{right}} (local.get $h)) (local.get $off)))
        (f32.le
          (f32.load (i32.add (local.get $sp)
            (i32.shl (i32.load (i32.add (i32.load offset={{cutDim}} (local.get $h)) (local.get $off))) (i32.const 2))))
          (f32.load (i32.add (i32.load offset={{cutValue}} (local.get $h)) (local.get $off))))))
      (br $walk))
    (f64.const 0))
)
