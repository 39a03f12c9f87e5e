;; The random cut forest scorer's climb (anomaly/rcf/visitors.ts, scoreInTree), in WebAssembly with
;; 128-bit SIMD. Built into climbModule.ts by `npm run build:wasm`; a test checks the two agree.
;;
;; It does exactly the floating-point operations of the plain description below, in the same order, so
;; its scores are those of a JavaScript loop written the same way (test/anomaly/climb.test.ts compares them
;; bit for bit). WebAssembly never fuses a multiply and an add, and neither does JavaScript.
;;
;; Inputs, all byte offsets into the forest's memory:
;;   $box    the tree's boxes: per node, per dimension, f32 min then f32 max (node n at n * dims * 8)
;;   $range  the tree's f64 range sums (sum over dimensions of max - min), per node
;;   $path   the i32 node ids of the last descent, root first
;;   $point  the point, as f64 (float32 values widened, so exact)
;; and $i, the index in $path of the leaf's parent, and $score, the leaf's score 1 / (depth + 1).
;;
;; From the leaf's parent up to the root, per node:
;;   per dimension t = (min - v) + |min - v| + ((v - max) + |v - max|): twice how far the point lies
;;   outside the box in that dimension, and exactly 0 inside it, with no branch;
;;   even dimensions are summed in one lane and odd ones in the other (in dimension order), then
;;   gap2 = even + odd; if gap2 is 0 the point is inside this box, so inside every box above it: stop;
;;   gap = gap2 / 2, p = gap / (range + gap), score = p * (1 / (i + 1)) + (1 - p) * score.
(module
  (import "env" "memory" (memory 1))
  (func (export "climb")
        (param $box i32) (param $range i32) (param $path i32) (param $point i32)
        (param $dims i32) (param $i i32) (param $score f64) (result f64)
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
            (f64.div (f64.const 1) (f64.convert_i32_s (i32.add (local.get $i) (i32.const 1)))))
          (f64.mul (f64.sub (f64.const 1) (local.get $p)) (local.get $score))))
        (local.set $i (i32.sub (local.get $i) (i32.const 1)))
        (br_if $up (i32.ge_s (local.get $i) (i32.const 0)))))
    (local.get $score)))
