;; Loops over the wasm backend's heap that replace chains of tfjs kernels: the optimisers'
;; updates, tiled transposes, BatchNorm's passes and the networks' products (gemm, conv)
;; (hostLoops.ts loads this module into tfjs's own memory; `npm run build:wasm` embeds it in
;; hostLoops.wasm.ts).
;;
;; In the optimiser loops each float32 operation is the one tfjs's kernels do, in the same order, with no fused
;; multiply-add: the numbers are tfjs's to the last bit. Pointers are byte offsets into the
;; heap, n counts float32 numbers; four at a time (SIMD), then the rest one by one.
(module
  (import "env" "memory" (memory 1))

  ;; momentum SGD (tfjs's MomentumOptimizer, torch's SGD with dampening 0), with coupled decay:
  ;;   g' = g + p·l;  v ← m·v + g';  out = c·v + p   (c = −lr)
  (func (export "momentumDecay")
    (param $p i32) (param $out i32) (param $v i32) (param $g i32) (param $n i32)
    (param $m f32) (param $c f32) (param $l f32)
    (local $i i32) (local $end i32)
    (local $m4 v128) (local $c4 v128) (local $l4 v128) (local $p4 v128) (local $v4 v128)
    (local $p1 f32) (local $v1 f32)
    (local.set $m4 (f32x4.splat (local.get $m)))
    (local.set $c4 (f32x4.splat (local.get $c)))
    (local.set $l4 (f32x4.splat (local.get $l)))
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p4 (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $v4
          (f32x4.add
            (f32x4.mul (local.get $m4) (v128.load (i32.add (local.get $v) (local.get $i))))
            (f32x4.add
              (v128.load (i32.add (local.get $g) (local.get $i)))
              (f32x4.mul (local.get $p4) (local.get $l4)))))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $v4))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (f32x4.mul (local.get $c4) (local.get $v4)) (local.get $p4)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p1 (f32.load (i32.add (local.get $p) (local.get $i))))
        (local.set $v1
          (f32.add
            (f32.mul (local.get $m) (f32.load (i32.add (local.get $v) (local.get $i))))
            (f32.add
              (f32.load (i32.add (local.get $g) (local.get $i)))
              (f32.mul (local.get $p1) (local.get $l)))))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $v1))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add (f32.mul (local.get $c) (local.get $v1)) (local.get $p1)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))

  ;; momentum SGD without decay: v ← m·v + g;  out = c·v + p
  (func (export "momentum")
    (param $p i32) (param $out i32) (param $v i32) (param $g i32) (param $n i32)
    (param $m f32) (param $c f32)
    (local $i i32) (local $end i32)
    (local $m4 v128) (local $c4 v128) (local $v4 v128) (local $v1 f32)
    (local.set $m4 (f32x4.splat (local.get $m)))
    (local.set $c4 (f32x4.splat (local.get $c)))
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v4
          (f32x4.add
            (f32x4.mul (local.get $m4) (v128.load (i32.add (local.get $v) (local.get $i))))
            (v128.load (i32.add (local.get $g) (local.get $i)))))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $v4))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (f32x4.mul (local.get $c4) (local.get $v4))
            (v128.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v1
          (f32.add
            (f32.mul (local.get $m) (f32.load (i32.add (local.get $v) (local.get $i))))
            (f32.load (i32.add (local.get $g) (local.get $i)))))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $v1))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.mul (local.get $c) (local.get $v1))
            (f32.load (i32.add (local.get $p) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))

  ;; Adam (tfjs's AdamOptimizer) with coupled decay g ← g + p·l:
  ;;   m ← m·b1 + g·(1−β1);  v ← v·b2 + g²·(1−β2);  out = ((m / bc1) / (√(v / bc2) + ε))·c + p
  ;; with bc = 1 − β^t (tfjs's 1 − accBeta) and c = −lr
  (func (export "adamDecay")
    (param $p i32) (param $out i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32)
    (param $bc1 f32) (param $bc2 f32) (param $eps f32) (param $c f32)
    (param $l f32)
    (local $i i32) (local $end i32)
    (local $b14 v128) (local $ob14 v128) (local $b24 v128) (local $ob24 v128)
    (local $bc14 v128) (local $bc24 v128) (local $eps4 v128) (local $c4 v128) (local $l4 v128)
    (local $p4 v128) (local $g4 v128) (local $m4 v128) (local $v4 v128)
    (local $p1 f32) (local $g1 f32) (local $m1 f32) (local $v1 f32)
    (local.set $b14 (f32x4.splat (local.get $b1)))
    (local.set $ob14 (f32x4.splat (local.get $ob1)))
    (local.set $b24 (f32x4.splat (local.get $b2)))
    (local.set $ob24 (f32x4.splat (local.get $ob2)))
    (local.set $bc14 (f32x4.splat (local.get $bc1)))
    (local.set $bc24 (f32x4.splat (local.get $bc2)))
    (local.set $eps4 (f32x4.splat (local.get $eps)))
    (local.set $c4 (f32x4.splat (local.get $c)))
    (local.set $l4 (f32x4.splat (local.get $l)))
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p4 (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $g4
          (f32x4.add
            (v128.load (i32.add (local.get $g) (local.get $i)))
            (f32x4.mul (local.get $p4) (local.get $l4))))
        (local.set $m4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $b14))
            (f32x4.mul (local.get $g4) (local.get $ob14))))
        (local.set $v4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $b24))
            (f32x4.mul (f32x4.mul (local.get $g4) (local.get $g4)) (local.get $ob24))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $m4))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $v4))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m4) (local.get $bc14))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $v4) (local.get $bc24)))
                  (local.get $eps4)))
              (local.get $c4))
            (local.get $p4)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p1 (f32.load (i32.add (local.get $p) (local.get $i))))
        (local.set $g1
          (f32.add
            (f32.load (i32.add (local.get $g) (local.get $i)))
            (f32.mul (local.get $p1) (local.get $l))))
        (local.set $m1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
            (f32.mul (local.get $g1) (local.get $ob1))))
        (local.set $v1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
            (f32.mul (f32.mul (local.get $g1) (local.get $g1)) (local.get $ob2))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $m1))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $v1))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $m1) (local.get $bc1))
                (f32.add (f32.sqrt (f32.div (local.get $v1) (local.get $bc2))) (local.get $eps)))
              (local.get $c))
            (local.get $p1)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))

  ;; Adam (tfjs's AdamOptimizer):
  ;;   m ← m·b1 + g·(1−β1);  v ← v·b2 + g²·(1−β2);  out = ((m / bc1) / (√(v / bc2) + ε))·c + p
  ;; with bc = 1 − β^t (tfjs's 1 − accBeta) and c = −lr
  (func (export "adam")
    (param $p i32) (param $out i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32)
    (param $bc1 f32) (param $bc2 f32) (param $eps f32) (param $c f32)
    (local $i i32) (local $end i32)
    (local $b14 v128) (local $ob14 v128) (local $b24 v128) (local $ob24 v128)
    (local $bc14 v128) (local $bc24 v128) (local $eps4 v128) (local $c4 v128)
    (local $p4 v128) (local $g4 v128) (local $m4 v128) (local $v4 v128)
    (local $p1 f32) (local $g1 f32) (local $m1 f32) (local $v1 f32)
    (local.set $b14 (f32x4.splat (local.get $b1)))
    (local.set $ob14 (f32x4.splat (local.get $ob1)))
    (local.set $b24 (f32x4.splat (local.get $b2)))
    (local.set $ob24 (f32x4.splat (local.get $ob2)))
    (local.set $bc14 (f32x4.splat (local.get $bc1)))
    (local.set $bc24 (f32x4.splat (local.get $bc2)))
    (local.set $eps4 (f32x4.splat (local.get $eps)))
    (local.set $c4 (f32x4.splat (local.get $c)))
    (local.set $end (i32.shl (i32.shr_u (local.get $n) (i32.const 2)) (i32.const 4)))
    (block $done
      (loop $four
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p4 (v128.load (i32.add (local.get $p) (local.get $i))))
        (local.set $g4
          (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $m4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $b14))
            (f32x4.mul (local.get $g4) (local.get $ob14))))
        (local.set $v4
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $b24))
            (f32x4.mul (f32x4.mul (local.get $g4) (local.get $g4)) (local.get $ob24))))
        (v128.store (i32.add (local.get $m) (local.get $i)) (local.get $m4))
        (v128.store (i32.add (local.get $v) (local.get $i)) (local.get $v4))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $m4) (local.get $bc14))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $v4) (local.get $bc24)))
                  (local.get $eps4)))
              (local.get $c4))
            (local.get $p4)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $one
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p1 (f32.load (i32.add (local.get $p) (local.get $i))))
        (local.set $g1
          (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $m1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
            (f32.mul (local.get $g1) (local.get $ob1))))
        (local.set $v1
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
            (f32.mul (f32.mul (local.get $g1) (local.get $g1)) (local.get $ob2))))
        (f32.store (i32.add (local.get $m) (local.get $i)) (local.get $m1))
        (f32.store (i32.add (local.get $v) (local.get $i)) (local.get $v1))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $m1) (local.get $bc1))
                (f32.add (f32.sqrt (f32.div (local.get $v1) (local.get $bc2))) (local.get $eps)))
              (local.get $c))
            (local.get $p1)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))

;; transpose: dst (cols × rows) = srcᵀ for a row-major rows × cols matrix of float32, copied
  ;; as bits (the numbers are unchanged). Blocks of 4 × 4 go through registers (four loads, eight
  ;; shuffles, four stores), $tileRows rows (a multiple of 4) by 8 columns at a time so the lines
  ;; written stay in cache; the ragged edges one number at a time. hostTranspose.ts picks the
  ;; tile (dst rows 4 kB apart alias in the cache). tfjs's Transpose costs up to ~7 ns a number
  ;; on rows that are a multiple of 256; fastMatMul.ts uses this one instead.
  (func (export "transpose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $tileRows i32)
    (local $r0 i32) (local $c0 i32) (local $r i32) (local $c i32)
    (local $rEnd i32) (local $cEnd i32) (local $rows4 i32) (local $cols4 i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $in i32) (local $out i32) (local $rowBytes i32) (local $colBytes i32)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
    ;; the 4 × 4 blocks of the rows4 × cols4 corner, in 16 × 8 tiles
    (block $rowsDone
      (loop $rowTiles
        (br_if $rowsDone (i32.ge_u (local.get $r0) (local.get $rows4)))
        (local.set $rEnd (i32.add (local.get $r0) (local.get $tileRows)))
        (if (i32.gt_u (local.get $rEnd) (local.get $rows4))
          (then (local.set $rEnd (local.get $rows4))))
        (local.set $c0 (i32.const 0))
        (block $colsDone
          (loop $colTiles
            (br_if $colsDone (i32.ge_u (local.get $c0) (local.get $cols4)))
            (local.set $cEnd (i32.add (local.get $c0) (i32.const 8)))
            (if (i32.gt_u (local.get $cEnd) (local.get $cols4))
              (then (local.set $cEnd (local.get $cols4))))
            (local.set $c (local.get $c0))
            (block $blockColsDone
              (loop $blockCols
                (br_if $blockColsDone (i32.ge_u (local.get $c) (local.get $cEnd)))
                (local.set $r (local.get $r0))
                (block $blockRowsDone
                  (loop $blockRows
                    (br_if $blockRowsDone (i32.ge_u (local.get $r) (local.get $rEnd)))
                    ;; rows r … r+3 at column c
                    (local.set $in
                      (i32.add (local.get $src)
                        (i32.shl
                          (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c))
                          (i32.const 2))))
                    (local.set $a (v128.load (local.get $in)))
                    (local.set $b (v128.load (i32.add (local.get $in) (local.get $rowBytes))))
                    (local.set $in (i32.add (local.get $in) (i32.shl (local.get $rowBytes) (i32.const 1))))
                    (local.set $x (v128.load (local.get $in)))
                    (local.set $y (v128.load (i32.add (local.get $in) (local.get $rowBytes))))
                    ;; [a0 b0 a1 b1] [a2 b2 a3 b3] [x0 y0 x1 y1] [x2 y2 x3 y3]
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                      (local.get $a) (local.get $b)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                      (local.get $a) (local.get $b)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                      (local.get $x) (local.get $y)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                      (local.get $x) (local.get $y)))
                    ;; columns c … c+3 at row r of dst
                    (local.set $out
                      (i32.add (local.get $dst)
                        (i32.shl
                          (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r))
                          (i32.const 2))))
                    (v128.store (local.get $out)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                        (local.get $t0) (local.get $t2)))
                    (v128.store (i32.add (local.get $out) (local.get $colBytes))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                        (local.get $t0) (local.get $t2)))
                    (local.set $out (i32.add (local.get $out) (i32.shl (local.get $colBytes) (i32.const 1))))
                    (v128.store (local.get $out)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                        (local.get $t1) (local.get $t3)))
                    (v128.store (i32.add (local.get $out) (local.get $colBytes))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                        (local.get $t1) (local.get $t3)))
                    (local.set $r (i32.add (local.get $r) (i32.const 4)))
                    (br $blockRows)))
                (local.set $c (i32.add (local.get $c) (i32.const 4)))
                (br $blockCols)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
            (br $colTiles)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $tileRows)))
        (br $rowTiles)))
    ;; the ragged edges: rows4 … rows for every column, then columns cols4 … cols
    (local.set $r (local.get $rows4))
    (block $tailRowsDone
      (loop $tailRows
        (br_if $tailRowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (call $copyRow (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
          (local.get $r) (i32.const 0))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tailRows)))
    (local.set $r (i32.const 0))
    (block $tailColsDone
      (loop $tailCols
        (br_if $tailColsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (call $copyRow (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols)
          (local.get $r) (local.get $cols4))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tailCols))))

  ;; dst[c][r] = src[r][c] for c from c0 to cols, one number at a time
  (func $copyRow
    (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (param $r i32) (param $c0 i32)
    (local $c i32)
    (local.set $c (local.get $c0))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
        (i32.store
          (i32.add (local.get $dst)
            (i32.shl
              (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r))
              (i32.const 2)))
          (i32.load
            (i32.add (local.get $src)
              (i32.shl
                (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c))
                (i32.const 2)))))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $each))))

  ;; BatchNorm's passes over an n × C row-major matrix, the channels its inner axis (batchNorm.ts):
  ;; per-channel sums down the rows, and per-channel affine maps. Rows are walked in memory order,
  ;; four channels at a time, the last C mod 4 one by one; the per-channel vectors (sums, mean,
  ;; coefficients) hold C numbers each. Sums are float32, down the rows in order.

  ;; out[c] = Σ_r x[r, c]
  (func (export "channelSums")
    (param $x i32) (param $n i32) (param $C i32) (param $out i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (v128.store (i32.add (local.get $out) (local.get $cb))
              (f32x4.add
                (v128.load (i32.add (local.get $out) (local.get $cb)))
                (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (local.get $cb))
              (f32.add
                (f32.load (i32.add (local.get $out) (local.get $cb)))
                (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; out[c] = Σ_r (x[r, c] − mean[c])²
  (func (export "channelCentredSquares")
    (param $x i32) (param $mean i32) (param $n i32) (param $C i32) (param $out i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local $d4 v128) (local $d1 f32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (local.set $d4
              (f32x4.sub
                (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                (v128.load (i32.add (local.get $mean) (local.get $cb)))))
            (v128.store (i32.add (local.get $out) (local.get $cb))
              (f32x4.add
                (v128.load (i32.add (local.get $out) (local.get $cb)))
                (f32x4.mul (local.get $d4) (local.get $d4))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (local.set $d1
              (f32.sub
                (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                (f32.load (i32.add (local.get $mean) (local.get $cb)))))
            (f32.store (i32.add (local.get $out) (local.get $cb))
              (f32.add
                (f32.load (i32.add (local.get $out) (local.get $cb)))
                (f32.mul (local.get $d1) (local.get $d1))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; sumDy[c] = Σ_r dy[r, c];  sumDyCentred[c] = Σ_r dy[r, c]·(x[r, c] − mean[c])
  (func (export "channelGradSums")
    (param $dy i32) (param $x i32) (param $mean i32) (param $n i32) (param $C i32)
    (param $sumDy i32) (param $sumDyCentred i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local $g4 v128) (local $g1 f32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (memory.fill (local.get $sumDy) (i32.const 0) (local.get $rowBytes))
    (memory.fill (local.get $sumDyCentred) (i32.const 0) (local.get $rowBytes))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (local.set $g4
              (v128.load (i32.add (local.get $dy) (i32.add (local.get $i) (local.get $cb)))))
            (v128.store (i32.add (local.get $sumDy) (local.get $cb))
              (f32x4.add (v128.load (i32.add (local.get $sumDy) (local.get $cb))) (local.get $g4)))
            (v128.store (i32.add (local.get $sumDyCentred) (local.get $cb))
              (f32x4.add
                (v128.load (i32.add (local.get $sumDyCentred) (local.get $cb)))
                (f32x4.mul (local.get $g4)
                  (f32x4.sub
                    (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                    (v128.load (i32.add (local.get $mean) (local.get $cb)))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (local.set $g1
              (f32.load (i32.add (local.get $dy) (i32.add (local.get $i) (local.get $cb)))))
            (f32.store (i32.add (local.get $sumDy) (local.get $cb))
              (f32.add (f32.load (i32.add (local.get $sumDy) (local.get $cb))) (local.get $g1)))
            (f32.store (i32.add (local.get $sumDyCentred) (local.get $cb))
              (f32.add
                (f32.load (i32.add (local.get $sumDyCentred) (local.get $cb)))
                (f32.mul (local.get $g1)
                  (f32.sub
                    (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                    (f32.load (i32.add (local.get $mean) (local.get $cb)))))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; out[r, c] = (x[r, c] − mean[c])·a[c] + b[c]
  (func (export "channelAffineCentred")
    (param $x i32) (param $mean i32) (param $a i32) (param $b i32) (param $n i32) (param $C i32)
    (param $out i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32x4.add
                (f32x4.mul
                  (f32x4.sub
                    (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                    (v128.load (i32.add (local.get $mean) (local.get $cb))))
                  (v128.load (i32.add (local.get $a) (local.get $cb))))
                (v128.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32.add
                (f32.mul
                  (f32.sub
                    (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                    (f32.load (i32.add (local.get $mean) (local.get $cb))))
                  (f32.load (i32.add (local.get $a) (local.get $cb))))
                (f32.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; BatchNorm's input gradient: out[r, c] = dy[r, c]·a[c] + (x[r, c] − mean[c])·s[c] + b[c]
  (func (export "channelInputGrad")
    (param $dy i32) (param $x i32) (param $mean i32) (param $a i32) (param $s i32) (param $b i32)
    (param $n i32) (param $C i32) (param $out i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32x4.add
                (f32x4.add
                  (f32x4.mul
                    (v128.load (i32.add (local.get $dy) (i32.add (local.get $i) (local.get $cb))))
                    (v128.load (i32.add (local.get $a) (local.get $cb))))
                  (f32x4.mul
                    (f32x4.sub
                      (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                      (v128.load (i32.add (local.get $mean) (local.get $cb))))
                    (v128.load (i32.add (local.get $s) (local.get $cb)))))
                (v128.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32.add
                (f32.add
                  (f32.mul
                    (f32.load (i32.add (local.get $dy) (i32.add (local.get $i) (local.get $cb))))
                    (f32.load (i32.add (local.get $a) (local.get $cb))))
                  (f32.mul
                    (f32.sub
                      (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                      (f32.load (i32.add (local.get $mean) (local.get $cb))))
                    (f32.load (i32.add (local.get $s) (local.get $cb)))))
                (f32.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; MaxPool 2 × 2, stride 2, no padding: its input gradient, for wasmMaxPoolGrad.ts. x and out
  ;; are N × H × W × C, dy is N × H/2 × W/2 × C (rounded down); each window's dy goes to the window's first
  ;; largest value in row-major order (later values win only when strictly larger, as tfjs's
  ;; kernel), the rest of out (and an odd last row or column) is zero.
  (func (export "maxPool2x2Grad")
    (param $x i32) (param $dy i32) (param $N i32) (param $H i32) (param $W i32) (param $C i32)
    (param $out i32)
    (local $cBytes i32) (local $rowBytes i32) (local $c4 i32) (local $imageBytes i32)
    (local $img i32) (local $imgEnd i32) (local $i i32) (local $j i32) (local $Ho i32) (local $Wo i32)
    (local $pa i32) (local $g i32) (local $cb i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $m v128)
    (local $mb v128) (local $mc v128) (local $md v128) (local $g4 v128)
    (local $a1 f32) (local $b1 f32) (local $c1 f32) (local $d1 f32) (local $m1 f32) (local $g1 f32)
    (local $wb i32) (local $wc i32) (local $wd i32)
    (local.set $cBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $W) (local.get $cBytes)))
    (local.set $imageBytes (i32.mul (local.get $H) (local.get $rowBytes)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $Ho (i32.shr_u (local.get $H) (i32.const 1)))
    (local.set $Wo (i32.shr_u (local.get $W) (i32.const 1)))
    (memory.fill (local.get $out) (i32.const 0) (i32.mul (local.get $N) (local.get $imageBytes)))
    (local.set $imgEnd (i32.mul (local.get $N) (local.get $imageBytes)))
    (local.set $g (local.get $dy))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.ge_u (local.get $img) (local.get $imgEnd)))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $Ho)))
            (local.set $j (i32.const 0))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.ge_u (local.get $j) (local.get $Wo)))
                ;; the window's top-left number, in bytes from the start of x (and of out)
                (local.set $pa
                  (i32.add (local.get $img)
                    (i32.add
                      (i32.mul (i32.shl (local.get $i) (i32.const 1)) (local.get $rowBytes))
                      (i32.mul (i32.shl (local.get $j) (i32.const 1)) (local.get $cBytes)))))
                (local.set $cb (i32.const 0))
                (block $fourDone
                  (loop $four
                    (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
                    (local.set $a (v128.load (i32.add (local.get $x) (i32.add (local.get $pa) (local.get $cb)))))
                    (local.set $b (v128.load (i32.add (local.get $x)
                      (i32.add (i32.add (local.get $pa) (local.get $cBytes)) (local.get $cb)))))
                    (local.set $c (v128.load (i32.add (local.get $x)
                      (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cb)))))
                    (local.set $d (v128.load (i32.add (local.get $x)
                      (i32.add (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cBytes))
                        (local.get $cb)))))
                    (local.set $g4 (v128.load (i32.add (local.get $g) (local.get $cb))))
                    ;; which of a, b, c, d holds the first maximum
                    (local.set $mb (f32x4.gt (local.get $b) (local.get $a)))
                    (local.set $m (v128.bitselect (local.get $b) (local.get $a) (local.get $mb)))
                    (local.set $mc (f32x4.gt (local.get $c) (local.get $m)))
                    (local.set $m (v128.bitselect (local.get $c) (local.get $m) (local.get $mc)))
                    (local.set $md (f32x4.gt (local.get $d) (local.get $m)))
                    (v128.store (i32.add (local.get $out) (i32.add (local.get $pa) (local.get $cb)))
                      (v128.andnot (local.get $g4)
                        (v128.or (v128.or (local.get $mb) (local.get $mc)) (local.get $md))))
                    (v128.store (i32.add (local.get $out)
                      (i32.add (i32.add (local.get $pa) (local.get $cBytes)) (local.get $cb)))
                      (v128.and (local.get $g4)
                        (v128.andnot (v128.andnot (local.get $mb) (local.get $mc)) (local.get $md))))
                    (v128.store (i32.add (local.get $out)
                      (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cb)))
                      (v128.and (local.get $g4) (v128.andnot (local.get $mc) (local.get $md))))
                    (v128.store (i32.add (local.get $out)
                      (i32.add (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cBytes))
                        (local.get $cb)))
                      (v128.and (local.get $g4) (local.get $md)))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                    (br $four)))
                (block $oneDone
                  (loop $one
                    (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $cBytes)))
                    (local.set $a1 (f32.load (i32.add (local.get $x) (i32.add (local.get $pa) (local.get $cb)))))
                    (local.set $b1 (f32.load (i32.add (local.get $x)
                      (i32.add (i32.add (local.get $pa) (local.get $cBytes)) (local.get $cb)))))
                    (local.set $c1 (f32.load (i32.add (local.get $x)
                      (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cb)))))
                    (local.set $d1 (f32.load (i32.add (local.get $x)
                      (i32.add (i32.add (i32.add (local.get $pa) (local.get $rowBytes)) (local.get $cBytes))
                        (local.get $cb)))))
                    (local.set $g1 (f32.load (i32.add (local.get $g) (local.get $cb))))
                    ;; the winner's index: 0 a, 1 b, 2 c, 3 d
                    (local.set $m1 (local.get $a1))
                    (local.set $wb (i32.const 0))
                    (if (f32.gt (local.get $b1) (local.get $m1))
                      (then (local.set $m1 (local.get $b1)) (local.set $wb (i32.const 1))))
                    (if (f32.gt (local.get $c1) (local.get $m1))
                      (then (local.set $m1 (local.get $c1)) (local.set $wb (i32.const 2))))
                    (if (f32.gt (local.get $d1) (local.get $m1))
                      (then (local.set $wb (i32.const 3))))
                    ;; the winner's place: row wb >> 1, column wb & 1 of the window
                    (f32.store
                      (i32.add (local.get $out)
                        (i32.add (local.get $cb)
                          (i32.add (local.get $pa)
                            (i32.add
                              (i32.mul (i32.shr_u (local.get $wb) (i32.const 1)) (local.get $rowBytes))
                              (i32.mul (i32.and (local.get $wb) (i32.const 1)) (local.get $cBytes))))))
                      (local.get $g1))
                    (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
                    (br $one)))
                (local.set $g (i32.add (local.get $g) (local.get $cBytes)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $cols)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $img (i32.add (local.get $img) (local.get $imageBytes)))
        (br $images))))

  ;; dst[i0][i1][i2][i3] = src[i0·s0 + i1·s1 + i2·s2 + i3·s3], dst row-major d0 × d1 × d2 × d3,
  ;; strides in numbers: a transpose of up to four axes, or of a slice. tfjs's wasm Transpose
  ;; costs 1.3 ns a number on the convolutions' gradient shapes (conv.ts); rows of contiguous
  ;; numbers (s3 = 1) are copied whole (four at a time when they come in fours), others one
  ;; number at a time.
  (func (export "permute4")
    (param $src i32) (param $dst i32)
    (param $d0 i32) (param $d1 i32) (param $d2 i32) (param $d3 i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $s3 i32)
    (local $i0 i32) (local $i1 i32) (local $i2 i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p i32)
    (local $out i32) (local $rowBytes i32) (local $rowEnd i32)
    (local.set $s0 (i32.shl (local.get $s0) (i32.const 2)))
    (local.set $s1 (i32.shl (local.get $s1) (i32.const 2)))
    (local.set $s2 (i32.shl (local.get $s2) (i32.const 2)))
    (local.set $s3 (i32.shl (local.get $s3) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $d3) (i32.const 2)))
    (local.set $out (local.get $dst))
    (local.set $p0 (local.get $src))
    (block $done0
      (loop $axis0
        (br_if $done0 (i32.ge_u (local.get $i0) (local.get $d0)))
        (local.set $p1 (local.get $p0))
        (local.set $i1 (i32.const 0))
        (block $done1
          (loop $axis1
            (br_if $done1 (i32.ge_u (local.get $i1) (local.get $d1)))
            (local.set $p2 (local.get $p1))
            (local.set $i2 (i32.const 0))
            (block $done2
              (loop $axis2
                (br_if $done2 (i32.ge_u (local.get $i2) (local.get $d2)))
                (if (i32.eq (local.get $s3) (i32.const 4))
                  (then
                    (if (i32.and (local.get $d3) (i32.const 3))
                      (then (memory.copy (local.get $out) (local.get $p2) (local.get $rowBytes)))
                      (else
                        ;; short rows of whole groups of four (a few channels): no call
                        (local.set $p (i32.const 0))
                        (block $vecDone
                          (loop $vec
                            (br_if $vecDone (i32.ge_u (local.get $p) (local.get $rowBytes)))
                            (v128.store (i32.add (local.get $out) (local.get $p))
                              (v128.load (i32.add (local.get $p2) (local.get $p))))
                            (local.set $p (i32.add (local.get $p) (i32.const 16)))
                            (br $vec))))))
                  (else
                    (local.set $p (local.get $p2))
                    (local.set $rowEnd (i32.add (local.get $out) (local.get $rowBytes)))
                    (block $rowDone
                      (loop $row
                        (br_if $rowDone (i32.ge_u (local.get $out) (local.get $rowEnd)))
                        (f32.store (local.get $out) (f32.load (local.get $p)))
                        (local.set $p (i32.add (local.get $p) (local.get $s3)))
                        (local.set $out (i32.add (local.get $out) (i32.const 4)))
                        (br $row)))
                    (local.set $out (i32.sub (local.get $out) (local.get $rowBytes)))))
                (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
                (local.set $p2 (i32.add (local.get $p2) (local.get $s2)))
                (local.set $i2 (i32.add (local.get $i2) (i32.const 1)))
                (br $axis2)))
            (local.set $p1 (i32.add (local.get $p1) (local.get $s1)))
            (local.set $i1 (i32.add (local.get $i1) (i32.const 1)))
            (br $axis1)))
        (local.set $p0 (i32.add (local.get $p0) (local.get $s0)))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 1)))
        (br $axis0)))
  )

  ;; gemm: c (M × N) = a (M × K) · b (K × N), all row-major float32; N a multiple of 8.
  ;; Tiles of 4 rows × 8 columns in eight registers: per k two loads of b's row, one number of
  ;; each of a's four rows splatted, multiply, then add (no fused multiply-add), k in order from
  ;; a sum of +0: XNNPACK's sums to the last bit, without packing b first (XNNPACK packs every
  ;; new right operand). k runs in blocks of kc: the block's rows of b (kc × N, contiguous) stay
  ;; in cache while every row of a goes by, and each tile carries its sums over from the block
  ;; before through c (a float32 stored and loaded back is the same float32).
  (func (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $M i32) (param $K i32) (param $N i32)
    (param $kc i32)
    (local $i i32) (local $j i32) (local $k i32) (local $k0 i32) (local $kn i32)
    (local $rowN i32) (local $rowK i32) (local $at i32)
    (local $q i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $ak1 i32) (local $ak2 i32) (local $ak3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $bk i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $rowN (i32.shl (local.get $N) (i32.const 2)))
    (local.set $rowK (i32.shl (local.get $K) (i32.const 2)))
    (if (i32.lt_s (local.get $kc) (i32.const 1)) (then (local.set $kc (i32.const 1))))
    (loop $blocks
      ;; kn: this block's k count (K = 0 runs one empty block: c = 0)
      (local.set $kn (select (i32.sub (local.get $K) (local.get $k0)) (local.get $kc)
        (i32.lt_u (i32.sub (local.get $K) (local.get $k0)) (local.get $kc))))
      (local.set $i (i32.const 0))
      (block $rowsDone
        (loop $rows
          (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $M)))
          ;; q: rows after row i (3 or more but in the last block). A tile's rows past the last
          ;; read and sum the last row again (each row's sums are its own) and are not stored.
          (local.set $q (i32.sub (local.get $M) (i32.add (local.get $i) (i32.const 1))))
          (local.set $o1 (select (i32.const 1) (local.get $q) (i32.le_u (i32.const 1) (local.get $q))))
          (local.set $o2 (select (i32.const 2) (local.get $q) (i32.le_u (i32.const 2) (local.get $q))))
          (local.set $o3 (select (i32.const 3) (local.get $q) (i32.le_u (i32.const 3) (local.get $q))))
          (local.set $ak1 (i32.mul (local.get $o1) (local.get $rowK)))
          (local.set $ak2 (i32.mul (local.get $o2) (local.get $rowK)))
          (local.set $ak3 (i32.mul (local.get $o3) (local.get $rowK)))
          (local.set $o1 (i32.mul (local.get $o1) (local.get $rowN)))
          (local.set $o2 (i32.mul (local.get $o2) (local.get $rowN)))
          (local.set $o3 (i32.mul (local.get $o3) (local.get $rowN)))
          (local.set $j (i32.const 0))
          (block $colsDone
            (loop $cols
              (br_if $colsDone (i32.ge_u (local.get $j) (local.get $N)))
              (local.set $at (i32.add (local.get $c)
                (i32.shl (i32.add (i32.mul (local.get $i) (local.get $N)) (local.get $j)) (i32.const 2))))
              (if (i32.eqz (local.get $k0))
                (then
                  ;; the sums start at +0, as from XNNPACK's zero bias (0 + −0 is +0)
                  (local.set $c00 (v128.const i32x4 0 0 0 0))
                  (local.set $c01 (v128.const i32x4 0 0 0 0))
                  (local.set $c10 (v128.const i32x4 0 0 0 0))
                  (local.set $c11 (v128.const i32x4 0 0 0 0))
                  (local.set $c20 (v128.const i32x4 0 0 0 0))
                  (local.set $c21 (v128.const i32x4 0 0 0 0))
                  (local.set $c30 (v128.const i32x4 0 0 0 0))
                  (local.set $c31 (v128.const i32x4 0 0 0 0)))
                (else
                  (local.set $c00 (v128.load (local.get $at)))
                  (local.set $c01 (v128.load offset=16 (local.get $at)))
                  (local.set $c10 (v128.load (i32.add (local.get $at) (local.get $o1))))
                  (local.set $c11 (v128.load offset=16 (i32.add (local.get $at) (local.get $o1))))
                  (local.set $c20 (v128.load (i32.add (local.get $at) (local.get $o2))))
                  (local.set $c21 (v128.load offset=16 (i32.add (local.get $at) (local.get $o2))))
                  (local.set $c30 (v128.load (i32.add (local.get $at) (local.get $o3))))
                  (local.set $c31 (v128.load offset=16 (i32.add (local.get $at) (local.get $o3))))))
              (local.set $a0 (i32.add (local.get $a)
                (i32.add (i32.mul (local.get $i) (local.get $rowK)) (i32.shl (local.get $k0) (i32.const 2)))))
              (local.set $a1 (i32.add (local.get $a0) (local.get $ak1)))
              (local.set $a2 (i32.add (local.get $a0) (local.get $ak2)))
              (local.set $a3 (i32.add (local.get $a0) (local.get $ak3)))
              (local.set $bk (i32.add (local.get $b)
                (i32.add (i32.mul (local.get $k0) (local.get $rowN)) (i32.shl (local.get $j) (i32.const 2)))))
              (local.set $k (local.get $kn))
              (block $kDone
                (loop $ks
                  (br_if $kDone (i32.eqz (local.get $k)))
                  (local.set $b0 (v128.load (local.get $bk)))
                  (local.set $b1 (v128.load offset=16 (local.get $bk)))
                  (local.set $x (v128.load32_splat (local.get $a0)))
                  (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                  (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                  (local.set $x (v128.load32_splat (local.get $a1)))
                  (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                  (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                  (local.set $x (v128.load32_splat (local.get $a2)))
                  (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                  (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                  (local.set $x (v128.load32_splat (local.get $a3)))
                  (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                  (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                  (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
                  (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
                  (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
                  (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
                  (local.set $bk (i32.add (local.get $bk) (local.get $rowN)))
                  (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                  (br $ks)))
              (v128.store (local.get $at) (local.get $c00))
              (v128.store offset=16 (local.get $at) (local.get $c01))
              (if (i32.ge_u (local.get $q) (i32.const 1))
                (then
                  (v128.store (i32.add (local.get $at) (local.get $o1)) (local.get $c10))
                  (v128.store offset=16 (i32.add (local.get $at) (local.get $o1)) (local.get $c11))))
              (if (i32.ge_u (local.get $q) (i32.const 2))
                (then
                  (v128.store (i32.add (local.get $at) (local.get $o2)) (local.get $c20))
                  (v128.store offset=16 (i32.add (local.get $at) (local.get $o2)) (local.get $c21))))
              (if (i32.ge_u (local.get $q) (i32.const 3))
                (then
                  (v128.store (i32.add (local.get $at) (local.get $o3)) (local.get $c30))
                  (v128.store offset=16 (i32.add (local.get $at) (local.get $o3)) (local.get $c31))))
              (local.set $j (i32.add (local.get $j) (i32.const 8)))
              (br $cols)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $rows)))
      (local.set $k0 (i32.add (local.get $k0) (local.get $kn)))
      (br_if $blocks (i32.lt_u (local.get $k0) (local.get $K))))
  )

  ;; conv: out (B·Ho·Wo × O, NHWC) = x (B × H × W × C, NHWC) convolved with w (kh × kw × C × O):
  ;; stride s, dilation d, the image shifted by padTop rows and padLeft columns, + bias (O
  ;; numbers; 0: none). O a multiple of 8. XNNPACK's convolution to the last bit,
  ;; without packing w: each sum starts from the bias (or +0) and adds, tap by tap (row-major)
  ;; and channel by channel, x times w (multiplied, then added); a tap outside the image reads
  ;; `zeros` (C of them), as XNNPACK's indirection buffer points at its zero row. Tiles of 4
  ;; output pixels × 8 channels, as in gemm; each pixel's tap is a row of C channels of x.
  (func (export "conv")
    (param $x i32) (param $w i32) (param $bias i32) (param $zeros i32) (param $out i32)
    (param $B i32) (param $H i32) (param $W i32) (param $C i32)
    (param $Ho i32) (param $Wo i32) (param $O i32)
    (param $kh i32) (param $kw i32) (param $s i32) (param $d i32)
    (param $padTop i32) (param $padLeft i32)
    (local $m i32) (local $M i32) (local $HoWo i32) (local $image i32) (local $rowO i32)
    (local $j i32) (local $ti i32) (local $tj i32) (local $k i32) (local $at i32) (local $wk i32)
    (local $img0 i32) (local $img1 i32) (local $img2 i32) (local $img3 i32)
    (local $y0 i32) (local $y1 i32) (local $y2 i32) (local $y3 i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $colsInside i32) (local $run i32)
    (local $pb i32) (local $py i32) (local $px i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $v0 i32) (local $v1 i32) (local $v2 i32) (local $v3 i32)
    (local $ty i32) (local $tx i32) (local $xoff i32) (local $tapBytes i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $v v128)
    (local.set $HoWo (i32.mul (local.get $Ho) (local.get $Wo)))
    (local.set $M (i32.mul (local.get $B) (local.get $HoWo)))
    (local.set $image (i32.shl (i32.mul (i32.mul (local.get $H) (local.get $W)) (local.get $C)) (i32.const 2)))
    (local.set $rowO (i32.shl (local.get $O) (i32.const 2)))
    (local.set $tapBytes (i32.shl (i32.mul (local.get $d) (local.get $C)) (i32.const 2)))
    (block $pixelsDone
      (loop $pixels
        (br_if $pixelsDone (i32.ge_u (local.get $m) (local.get $M)))
        ;; each of the four pixels: its image, and the top-left corner of its window; four
        ;; in one row of the output (most groups) from the running (pb, py, px) of pixel m,
        ;; else by division
        (if (i32.le_u (i32.add (local.get $px) (i32.const 4)) (local.get $Wo))
          (then
            (local.set $img0 (i32.add (local.get $x) (i32.mul (local.get $pb) (local.get $image))))
            (local.set $y0 (i32.sub (i32.mul (local.get $py) (local.get $s)) (local.get $padTop)))
            (local.set $x0 (i32.sub (i32.mul (local.get $px) (local.get $s)) (local.get $padLeft)))
            (local.set $img1 (local.get $img0))
            (local.set $img2 (local.get $img0))
            (local.set $img3 (local.get $img0))
            (local.set $y1 (local.get $y0))
            (local.set $y2 (local.get $y0))
            (local.set $y3 (local.get $y0))
            (local.set $x1 (i32.add (local.get $x0) (local.get $s)))
            (local.set $x2 (i32.add (local.get $x1) (local.get $s)))
            (local.set $x3 (i32.add (local.get $x2) (local.get $s))))
          (else
            (local.set $img0 (call $imageAt (local.get $x) (local.get $m) (local.get $HoWo) (local.get $image)))
            (local.set $y0 (call $cornerRow (local.get $m) (local.get $HoWo) (local.get $Wo) (local.get $s) (local.get $padTop)))
            (local.set $x0 (call $cornerCol (local.get $m) (local.get $Wo) (local.get $s) (local.get $padLeft)))
            (local.set $k (call $lastFrom (i32.add (local.get $m) (i32.const 1)) (local.get $M)))
            (local.set $img1 (call $imageAt (local.get $x) (local.get $k) (local.get $HoWo) (local.get $image)))
            (local.set $y1 (call $cornerRow (local.get $k) (local.get $HoWo) (local.get $Wo) (local.get $s) (local.get $padTop)))
            (local.set $x1 (call $cornerCol (local.get $k) (local.get $Wo) (local.get $s) (local.get $padLeft)))
            (local.set $k (call $lastFrom (i32.add (local.get $m) (i32.const 2)) (local.get $M)))
            (local.set $img2 (call $imageAt (local.get $x) (local.get $k) (local.get $HoWo) (local.get $image)))
            (local.set $y2 (call $cornerRow (local.get $k) (local.get $HoWo) (local.get $Wo) (local.get $s) (local.get $padTop)))
            (local.set $x2 (call $cornerCol (local.get $k) (local.get $Wo) (local.get $s) (local.get $padLeft)))
            (local.set $k (call $lastFrom (i32.add (local.get $m) (i32.const 3)) (local.get $M)))
            (local.set $img3 (call $imageAt (local.get $x) (local.get $k) (local.get $HoWo) (local.get $image)))
            (local.set $y3 (call $cornerRow (local.get $k) (local.get $HoWo) (local.get $Wo) (local.get $s) (local.get $padTop)))
            (local.set $x3 (call $cornerCol (local.get $k) (local.get $Wo) (local.get $s) (local.get $padLeft)))))
        ;; pixel m + 4's (pb, py, px)
        (local.set $px (i32.add (local.get $px) (i32.const 4)))
        (block $wrapped
          (loop $wrap
            (br_if $wrapped (i32.lt_u (local.get $px) (local.get $Wo)))
            (local.set $px (i32.sub (local.get $px) (local.get $Wo)))
            (local.set $py (i32.add (local.get $py) (i32.const 1)))
            (if (i32.eq (local.get $py) (local.get $Ho))
              (then
                (local.set $py (i32.const 0))
                (local.set $pb (i32.add (local.get $pb) (i32.const 1)))))
            (br $wrap)))
        (local.set $colsInside (i32.and (i32.eq (local.get $d) (i32.const 1))
          (i32.and
            (i32.and (call $colsIn (local.get $x0) (local.get $kw) (local.get $W))
                     (call $colsIn (local.get $x1) (local.get $kw) (local.get $W)))
            (i32.and (call $colsIn (local.get $x2) (local.get $kw) (local.get $W))
                     (call $colsIn (local.get $x3) (local.get $kw) (local.get $W))))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $O)))
            (if (local.get $bias)
              (then
                (local.set $c00 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $c01 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))))))
              (else
                (local.set $c00 (v128.const i32x4 0 0 0 0))
                (local.set $c01 (v128.const i32x4 0 0 0 0))))
            (local.set $c10 (local.get $c00))
            (local.set $c11 (local.get $c01))
            (local.set $c20 (local.get $c00))
            (local.set $c21 (local.get $c01))
            (local.set $c30 (local.get $c00))
            (local.set $c31 (local.get $c01))
            (local.set $wk (i32.add (local.get $w) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $ti (i32.const 0))
            (local.set $ty (i32.const 0))
            (block $rowsDone
              (loop $taps
                (br_if $rowsDone (i32.ge_u (local.get $ti) (local.get $kh)))
                ;; this row of each window: where it starts in x (r, read only if inside) and
                ;; whether it lies inside the image (v)
                (local.set $v0 (i32.add (local.get $y0) (local.get $ty)))
                (local.set $r0 (i32.add (local.get $img0)
                  (i32.shl (i32.mul (i32.add (i32.mul (local.get $v0) (local.get $W)) (local.get $x0)) (local.get $C))
                    (i32.const 2))))
                (local.set $v0 (i32.lt_u (local.get $v0) (local.get $H)))
                (local.set $v1 (i32.add (local.get $y1) (local.get $ty)))
                (local.set $r1 (i32.add (local.get $img1)
                  (i32.shl (i32.mul (i32.add (i32.mul (local.get $v1) (local.get $W)) (local.get $x1)) (local.get $C))
                    (i32.const 2))))
                (local.set $v1 (i32.lt_u (local.get $v1) (local.get $H)))
                (local.set $v2 (i32.add (local.get $y2) (local.get $ty)))
                (local.set $r2 (i32.add (local.get $img2)
                  (i32.shl (i32.mul (i32.add (i32.mul (local.get $v2) (local.get $W)) (local.get $x2)) (local.get $C))
                    (i32.const 2))))
                (local.set $v2 (i32.lt_u (local.get $v2) (local.get $H)))
                (local.set $v3 (i32.add (local.get $y3) (local.get $ty)))
                (local.set $r3 (i32.add (local.get $img3)
                  (i32.shl (i32.mul (i32.add (i32.mul (local.get $v3) (local.get $W)) (local.get $x3)) (local.get $C))
                    (i32.const 2))))
                (local.set $v3 (i32.lt_u (local.get $v3) (local.get $H)))
                ;; the row's taps lie in one run of kw·C numbers of x (and of w) for each pixel
                ;; when all four windows' columns and rows are inside the image (dilation 1)
                (local.set $run (i32.and (local.get $colsInside)
                  (i32.and (i32.and (local.get $v0) (local.get $v1)) (i32.and (local.get $v2) (local.get $v3)))))
                (local.set $tj (i32.const 0))
                (local.set $tx (i32.const 0))
                (local.set $xoff (i32.const 0))
                (loop $tapCols
                  (if (local.get $run)
                    (then
                      (local.set $a0 (local.get $r0))
                      (local.set $a1 (local.get $r1))
                      (local.set $a2 (local.get $r2))
                      (local.set $a3 (local.get $r3))
                      (local.set $k (i32.mul (local.get $kw) (local.get $C)))
                      (local.set $tj (local.get $kw)))
                    (else
                      ;; one tap: its C channels of x, or the zeros where it falls outside
                      (local.set $a0 (select (i32.add (local.get $r0) (local.get $xoff)) (local.get $zeros)
                        (i32.and (local.get $v0) (i32.lt_u (i32.add (local.get $x0) (local.get $tx)) (local.get $W)))))
                      (local.set $a1 (select (i32.add (local.get $r1) (local.get $xoff)) (local.get $zeros)
                        (i32.and (local.get $v1) (i32.lt_u (i32.add (local.get $x1) (local.get $tx)) (local.get $W)))))
                      (local.set $a2 (select (i32.add (local.get $r2) (local.get $xoff)) (local.get $zeros)
                        (i32.and (local.get $v2) (i32.lt_u (i32.add (local.get $x2) (local.get $tx)) (local.get $W)))))
                      (local.set $a3 (select (i32.add (local.get $r3) (local.get $xoff)) (local.get $zeros)
                        (i32.and (local.get $v3) (i32.lt_u (i32.add (local.get $x3) (local.get $tx)) (local.get $W)))))
                      (local.set $k (local.get $C))
                      (local.set $tj (i32.add (local.get $tj) (i32.const 1)))
                      (local.set $tx (i32.add (local.get $tx) (local.get $d)))
                      (local.set $xoff (i32.add (local.get $xoff) (local.get $tapBytes)))))
                  (block $kDone
                    (loop $ks
                      (br_if $kDone (i32.eqz (local.get $k)))
                      (local.set $b0 (v128.load (local.get $wk)))
                      (local.set $b1 (v128.load offset=16 (local.get $wk)))
                      (local.set $v (v128.load32_splat (local.get $a0)))
                      (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $v) (local.get $b0))))
                      (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $v) (local.get $b1))))
                      (local.set $v (v128.load32_splat (local.get $a1)))
                      (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $v) (local.get $b0))))
                      (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $v) (local.get $b1))))
                      (local.set $v (v128.load32_splat (local.get $a2)))
                      (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $v) (local.get $b0))))
                      (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $v) (local.get $b1))))
                      (local.set $v (v128.load32_splat (local.get $a3)))
                      (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $v) (local.get $b0))))
                      (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $v) (local.get $b1))))
                      (local.set $a0 (i32.add (local.get $a0) (i32.const 4)))
                      (local.set $a1 (i32.add (local.get $a1) (i32.const 4)))
                      (local.set $a2 (i32.add (local.get $a2) (i32.const 4)))
                      (local.set $a3 (i32.add (local.get $a3) (i32.const 4)))
                      (local.set $wk (i32.add (local.get $wk) (local.get $rowO)))
                      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                      (br $ks)))
                  (br_if $tapCols (i32.lt_u (local.get $tj) (local.get $kw))))
                (local.set $ti (i32.add (local.get $ti) (i32.const 1)))
                (local.set $ty (i32.add (local.get $ty) (local.get $d)))
                (br $taps)))
            (local.set $at (i32.add (local.get $out)
              (i32.shl (i32.add (i32.mul (local.get $m) (local.get $O)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $at) (local.get $c00))
            (v128.store offset=16 (local.get $at) (local.get $c01))
            ;; the last group's pixels past M repeat pixel M − 1: not stored
            (block $stored
              (br_if $stored (i32.ge_u (i32.add (local.get $m) (i32.const 1)) (local.get $M)))
              (local.set $at (i32.add (local.get $at) (local.get $rowO)))
              (v128.store (local.get $at) (local.get $c10))
              (v128.store offset=16 (local.get $at) (local.get $c11))
              (br_if $stored (i32.ge_u (i32.add (local.get $m) (i32.const 2)) (local.get $M)))
              (local.set $at (i32.add (local.get $at) (local.get $rowO)))
              (v128.store (local.get $at) (local.get $c20))
              (v128.store offset=16 (local.get $at) (local.get $c21))
              (br_if $stored (i32.ge_u (i32.add (local.get $m) (i32.const 3)) (local.get $M)))
              (local.set $at (i32.add (local.get $at) (local.get $rowO)))
              (v128.store (local.get $at) (local.get $c30))
              (v128.store offset=16 (local.get $at) (local.get $c31)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols)))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $pixels)))
  )

  ;; pixel q, or the last, M − 1, where q is past it (the last group of M not a multiple of 4)
  (func $lastFrom (param $q i32) (param $M i32) (result i32)
    (select (local.get $q) (i32.sub (local.get $M) (i32.const 1)) (i32.lt_u (local.get $q) (local.get $M))))

  ;; conv's output pixel q (of B·Ho·Wo): where its image starts in x
  (func $imageAt (param $x i32) (param $q i32) (param $HoWo i32) (param $image i32) (result i32)
    (i32.add (local.get $x) (i32.mul (i32.div_u (local.get $q) (local.get $HoWo)) (local.get $image))))

  ;; … the row of its window's first tap (s·y − padTop; negative in the padding)
  (func $cornerRow (param $q i32) (param $HoWo i32) (param $Wo i32) (param $s i32) (param $pad i32) (result i32)
    (i32.sub
      (i32.mul (i32.div_u (i32.rem_u (local.get $q) (local.get $HoWo)) (local.get $Wo)) (local.get $s))
      (local.get $pad)))

  ;; … and its column (s·x − padLeft)
  (func $cornerCol (param $q i32) (param $Wo i32) (param $s i32) (param $pad i32) (result i32)
    (i32.sub (i32.mul (i32.rem_u (local.get $q) (local.get $Wo)) (local.get $s)) (local.get $pad)))

  ;; whether a window's kw columns from x (dilation 1) all lie inside an image W wide
  (func $colsIn (param $x i32) (param $kw i32) (param $W i32) (result i32)
    (i32.and (i32.ge_s (local.get $x) (i32.const 0))
      (i32.le_s (i32.add (local.get $x) (local.get $kw)) (local.get $W))))

  ;; reluGrad: out = dy where x > 0, else 0, n numbers, four at a time. The mask passes dy's bits
  ;; or zero, as PyTorch's threshold_backward does: a NaN or infinite dy where x ≤ 0 gives 0
  ;; (tfjs's dy · step(x) gives NaN there), and a NaN x gives 0 (tfjs's step gives NaN).
  (func (export "reluGrad")
    (param $x i32) (param $dy i32) (param $n i32) (param $out i32)
    (local $i i32) (local $end i32)
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $fourDone
      (loop $four
        (br_if $fourDone (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.and
            (v128.load (i32.add (local.get $dy) (local.get $i)))
            (f32x4.gt (v128.load (i32.add (local.get $x) (local.get $i)))
              (v128.const f32x4 0 0 0 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $four)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $oneDone
      (loop $one
        (br_if $oneDone (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (select
            (f32.load (i32.add (local.get $dy) (local.get $i)))
            (f32.const 0)
            (f32.gt (f32.load (i32.add (local.get $x) (local.get $i))) (f32.const 0))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $one))))

  ;; batchedTranspose: dst[c][m][r] = src[r][m][c] for a rows × mid × cols src of float32, the
  ;; first and last axes swapped (a convolution's input NHWC as [C, H, W, N]: permute4 read it a
  ;; number at a time, ~1–2 ns each). Blocks of 4 rows × 4 cols go through registers (four
  ;; loads, eight shuffles, four stores) for every m in turn, so each of the four rows read and
  ;; the four written advances through memory in order; the ragged rows and cols one number at a
  ;; time.
  (func (export "batchedTranspose")
    (param $src i32) (param $dst i32) (param $rows i32) (param $mid i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $m i32) (local $rows4 i32) (local $cols4 i32)
    (local $srcRow i32) (local $dstRow i32) (local $srcStep i32) (local $dstStep i32)
    (local $in i32) (local $out i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    ;; bytes between src rows and dst rows, and from one m to the next in each
    (local.set $srcStep (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $dstStep (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $srcRow (i32.mul (local.get $mid) (local.get $srcStep)))
    (local.set $dstRow (i32.mul (local.get $mid) (local.get $dstStep)))
    (block $rowsDone
      (loop $rowBlocks
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (i32.const 0))
        (block $colsDone
          (loop $colBlocks
            (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cols4)))
            (local.set $in (i32.add (local.get $src)
              (i32.add (i32.mul (local.get $r) (local.get $srcRow)) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $out (i32.add (local.get $dst)
              (i32.add (i32.mul (local.get $c) (local.get $dstRow)) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $m (i32.const 0))
            (block $midDone
              (loop $mids
                (br_if $midDone (i32.ge_u (local.get $m) (local.get $mid)))
                (local.set $a (v128.load (local.get $in)))
                (local.set $b (v128.load (i32.add (local.get $in) (local.get $srcRow))))
                (local.set $x (v128.load (i32.add (local.get $in) (i32.shl (local.get $srcRow) (i32.const 1)))))
                (local.set $y (v128.load (i32.add (local.get $in)
                  (i32.mul (local.get $srcRow) (i32.const 3)))))
                ;; [a0 b0 a1 b1] [a2 b2 a3 b3] [x0 y0 x1 y1] [x2 y2 x3 y3]
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                  (local.get $a) (local.get $b)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                  (local.get $a) (local.get $b)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
                  (local.get $x) (local.get $y)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
                  (local.get $x) (local.get $y)))
                (v128.store (local.get $out)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $out) (local.get $dstRow))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                    (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $out) (i32.shl (local.get $dstRow) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                    (local.get $t1) (local.get $t3)))
                (v128.store (i32.add (local.get $out) (i32.mul (local.get $dstRow) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31
                    (local.get $t1) (local.get $t3)))
                (local.set $in (i32.add (local.get $in) (local.get $srcStep)))
                (local.set $out (i32.add (local.get $out) (local.get $dstStep)))
                (local.set $m (i32.add (local.get $m) (i32.const 1)))
                (br $mids)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $colBlocks)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rowBlocks)))
    ;; the ragged edges: every (r, c) with r ≥ rows4 or c ≥ cols4, for every m
    (local.set $r (i32.const 0))
    (block $tailRowsDone
      (loop $tailRows
        (br_if $tailRowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (select (local.get $cols4) (i32.const 0)
          (i32.lt_u (local.get $r) (local.get $rows4))))
        (block $tailColsDone
          (loop $tailCols
            (br_if $tailColsDone (i32.ge_u (local.get $c) (local.get $cols)))
            (local.set $in (i32.add (local.get $src)
              (i32.add (i32.mul (local.get $r) (local.get $srcRow)) (i32.shl (local.get $c) (i32.const 2)))))
            (local.set $out (i32.add (local.get $dst)
              (i32.add (i32.mul (local.get $c) (local.get $dstRow)) (i32.shl (local.get $r) (i32.const 2)))))
            (local.set $m (i32.const 0))
            (block $tailMidDone
              (loop $tailMids
                (br_if $tailMidDone (i32.ge_u (local.get $m) (local.get $mid)))
                (f32.store (local.get $out) (f32.load (local.get $in)))
                (local.set $in (i32.add (local.get $in) (local.get $srcStep)))
                (local.set $out (i32.add (local.get $out) (local.get $dstStep)))
                (local.set $m (i32.add (local.get $m) (i32.const 1)))
                (br $tailMids)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $tailCols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $tailRows))))

  ;; a bias over the channels: out[r, c] = x[r, c] + b[c] for an n × C row-major x (a layer's
  ;; bias; tfjs's broadcasting Add took 10–20 ns a number here)
  (func (export "addChannels")
    (param $x i32) (param $b i32) (param $n i32) (param $C i32) (param $out i32)
    (local $i i32) (local $end i32) (local $cb i32) (local $rowBytes i32) (local $c4 i32)
    (local.set $rowBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $c4 (i32.shl (i32.and (local.get $C) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.mul (local.get $n) (local.get $rowBytes)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $cb (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $cb) (local.get $c4)))
            (v128.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32x4.add
                (v128.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                (v128.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $cb) (local.get $rowBytes)))
            (f32.store (i32.add (local.get $out) (i32.add (local.get $i) (local.get $cb)))
              (f32.add
                (f32.load (i32.add (local.get $x) (i32.add (local.get $i) (local.get $cb))))
                (f32.load (i32.add (local.get $b) (local.get $cb)))))
            (local.set $cb (i32.add (local.get $cb) (i32.const 4)))
            (br $one)))
        (local.set $i (i32.add (local.get $i) (local.get $rowBytes)))
        (br $rows))))

  ;; The streaming metrics' pass-2 staging (accumulate-inplace.ts stageSegment) over one class's
  ;; rows: for each k0 ≤ k < k1 the row at float offset off[k] of $rows (an int32 array at $off),
  ;; stage[o] = float32(x − m[j]) with m in float64 ($m, d numbers), for columns 0 … d4 − 1
  ;; (a multiple of four; the caller does the rest). The same float64 subtraction and one
  ;; rounding to float32 as the JavaScript loop, so the same bits. Sixteen columns (a cache line
  ;; of each row) per visit of a row, then four at a time. The sixteen are $minusCentre written
  ;; out: V8 does not inline a call, and the calls took a fifth of the loop's time.
  (func (export "stageSegment")
    (param $rows i32) (param $off i32) (param $k0 i32) (param $k1 i32) (param $m i32)
    (param $d4 i32) (param $stage i32)
    (local $j i32) (local $k i32) (local $o i32) (local $d16 i32) (local $mj i32) (local $x v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $m4 v128) (local $m5 v128) (local $m6 v128) (local $m7 v128)
    (local.set $d16 (i32.and (local.get $d4) (i32.const -16)))
    (block $wideDone
      (loop $wide
        (br_if $wideDone (i32.ge_u (local.get $j) (local.get $d16)))
        (local.set $mj (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $m0 (v128.load offset=0 (local.get $mj)))
        (local.set $m1 (v128.load offset=16 (local.get $mj)))
        (local.set $m2 (v128.load offset=32 (local.get $mj)))
        (local.set $m3 (v128.load offset=48 (local.get $mj)))
        (local.set $m4 (v128.load offset=64 (local.get $mj)))
        (local.set $m5 (v128.load offset=80 (local.get $mj)))
        (local.set $m6 (v128.load offset=96 (local.get $mj)))
        (local.set $m7 (v128.load offset=112 (local.get $mj)))
        (local.set $k (local.get $k0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $k1)))
            (local.set $o (i32.shl
              (i32.add (i32.load (i32.add (local.get $off) (i32.shl (local.get $k) (i32.const 2))))
                (local.get $j))
              (i32.const 2)))
            (local.set $x (v128.load offset=0 (i32.add (local.get $rows) (local.get $o))))
            (v128.store offset=0 (i32.add (local.get $stage) (local.get $o))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $m0)))
                (f32x4.demote_f64x2_zero
                  (f64x2.sub
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                        (local.get $x) (local.get $x)))
                    (local.get $m1)))))
            (local.set $x (v128.load offset=16 (i32.add (local.get $rows) (local.get $o))))
            (v128.store offset=16 (i32.add (local.get $stage) (local.get $o))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $m2)))
                (f32x4.demote_f64x2_zero
                  (f64x2.sub
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                        (local.get $x) (local.get $x)))
                    (local.get $m3)))))
            (local.set $x (v128.load offset=32 (i32.add (local.get $rows) (local.get $o))))
            (v128.store offset=32 (i32.add (local.get $stage) (local.get $o))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $m4)))
                (f32x4.demote_f64x2_zero
                  (f64x2.sub
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                        (local.get $x) (local.get $x)))
                    (local.get $m5)))))
            (local.set $x (v128.load offset=48 (i32.add (local.get $rows) (local.get $o))))
            (v128.store offset=48 (i32.add (local.get $stage) (local.get $o))
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $m6)))
                (f32x4.demote_f64x2_zero
                  (f64x2.sub
                    (f64x2.promote_low_f32x4
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15
                        (local.get $x) (local.get $x)))
                    (local.get $m7)))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $wide)))
    (block $colsDone
      (loop $cols
        (br_if $colsDone (i32.ge_u (local.get $j) (local.get $d4)))
        (local.set $mj (i32.add (local.get $m) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $m0 (v128.load offset=0 (local.get $mj)))
        (local.set $m1 (v128.load offset=16 (local.get $mj)))
        (local.set $k (local.get $k0))
        (block $fourRowsDone
          (loop $fourRows
            (br_if $fourRowsDone (i32.ge_u (local.get $k) (local.get $k1)))
            (local.set $o (i32.shl
              (i32.add (i32.load (i32.add (local.get $off) (i32.shl (local.get $k) (i32.const 2))))
                (local.get $j))
              (i32.const 2)))
            (v128.store (i32.add (local.get $stage) (local.get $o))
              (call $minusCentre (v128.load (i32.add (local.get $rows) (local.get $o)))
                (local.get $m0) (local.get $m1)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $fourRows)))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols))))

  ;; float32(x − m) for four float32 x and their float64 centres (two lanes in each of lo, hi)
  (func $minusCentre (param $x v128) (param $lo v128) (param $hi v128) (result v128)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
      (f32x4.demote_f64x2_zero (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $lo)))
      (f32x4.demote_f64x2_zero
        (f64x2.sub
          (f64x2.promote_low_f32x4
            (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
          (local.get $hi)))))

  ;; The streaming metrics' pass-1 moments (accumulate-inplace.ts segmentMoments) over one
  ;; class's rows: for each k0 ≤ k < k1 the row at float offset off[k] of $rows, and each column
  ;; j < d4 (a multiple of four): s[j] = Σ v and q[j] = Σ v² with v = x − r[j] in float64, each
  ;; sum in row order from 0, written as float64 to $s and $q. The same operations in the same
  ;; order as the JavaScript loop, so the same bits; eight columns a row visit, then four.
  (func (export "segmentMoments")
    (param $rows i32) (param $off i32) (param $k0 i32) (param $k1 i32) (param $r i32)
    (param $d4 i32) (param $s i32) (param $q i32)
    (local $j i32) (local $k i32) (local $o i32) (local $d8 i32) (local $x v128) (local $v v128)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $q0 v128) (local $q1 v128) (local $q2 v128) (local $q3 v128)
    (local.set $d8 (i32.and (local.get $d4) (i32.const -8)))
    (block $wideDone
      (loop $wide
        (br_if $wideDone (i32.ge_u (local.get $j) (local.get $d8)))
        (local.set $x (v128.load offset=0 (i32.add (local.get $r) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $r0 (f64x2.promote_low_f32x4 (local.get $x)))
        (local.set $r1 (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))
        (local.set $x (v128.load offset=16 (i32.add (local.get $r) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $r2 (f64x2.promote_low_f32x4 (local.get $x)))
        (local.set $r3 (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0)) (local.set $s3 (v128.const f64x2 0 0))
        (local.set $q0 (v128.const f64x2 0 0)) (local.set $q1 (v128.const f64x2 0 0))
        (local.set $q2 (v128.const f64x2 0 0)) (local.set $q3 (v128.const f64x2 0 0))
        (local.set $k (local.get $k0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $k) (local.get $k1)))
            (local.set $o (i32.add (local.get $rows) (i32.shl
              (i32.add (i32.load (i32.add (local.get $off) (i32.shl (local.get $k) (i32.const 2))))
                (local.get $j))
              (i32.const 2))))
            (local.set $x (v128.load offset=0 (local.get $o)))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $r0)))
            (local.set $s0 (f64x2.add (local.get $s0) (local.get $v)))
            (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
              (local.get $r1)))
            (local.set $s1 (f64x2.add (local.get $s1) (local.get $v)))
            (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $x (v128.load offset=16 (local.get $o)))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $r2)))
            (local.set $s2 (f64x2.add (local.get $s2) (local.get $v)))
            (local.set $q2 (f64x2.add (local.get $q2) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
              (local.get $r3)))
            (local.set $s3 (f64x2.add (local.get $s3) (local.get $v)))
            (local.set $q3 (f64x2.add (local.get $q3) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $rowLoop)))
        (local.set $o (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (v128.store offset=32 (local.get $o) (local.get $s2))
        (v128.store offset=48 (local.get $o) (local.get $s3))
        (local.set $o (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $q0))
        (v128.store offset=16 (local.get $o) (local.get $q1))
        (v128.store offset=32 (local.get $o) (local.get $q2))
        (v128.store offset=48 (local.get $o) (local.get $q3))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $wide)))
    ;; a last block of four columns
    (if (i32.lt_u (local.get $j) (local.get $d4))
      (then
        (local.set $x (v128.load (i32.add (local.get $r) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $r0 (f64x2.promote_low_f32x4 (local.get $x)))
        (local.set $r1 (f64x2.promote_low_f32x4
          (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))
        (local.set $s0 (v128.const f64x2 0 0)) (local.set $s1 (v128.const f64x2 0 0))
        (local.set $q0 (v128.const f64x2 0 0)) (local.set $q1 (v128.const f64x2 0 0))
        (local.set $k (local.get $k0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $k) (local.get $k1)))
            (local.set $x (v128.load (i32.add (local.get $rows) (i32.shl
              (i32.add (i32.load (i32.add (local.get $off) (i32.shl (local.get $k) (i32.const 2))))
                (local.get $j))
              (i32.const 2)))))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4 (local.get $x)) (local.get $r0)))
            (local.set $s0 (f64x2.add (local.get $s0) (local.get $v)))
            (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $v (f64x2.sub (f64x2.promote_low_f32x4
              (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x)))
              (local.get $r1)))
            (local.set $s1 (f64x2.add (local.get $s1) (local.get $v)))
            (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (local.get $v) (local.get $v))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $four)))
        (local.set $o (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $s0))
        (v128.store offset=16 (local.get $o) (local.get $s1))
        (local.set $o (i32.add (local.get $q) (i32.shl (local.get $j) (i32.const 3))))
        (v128.store offset=0 (local.get $o) (local.get $q0))
        (v128.store offset=16 (local.get $o) (local.get $q1)))))
)
