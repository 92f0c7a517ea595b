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
)
