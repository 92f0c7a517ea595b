;; Optimiser updates as single loops over the wasm backend's heap (optimizerLoops.ts loads this
;; module into tfjs's own memory; `npm run build:wasm` embeds it in optimizerLoops.wasm.ts).
;;
;; Each float32 operation is the one tfjs's kernels do, in the same order, with no fused
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
)
