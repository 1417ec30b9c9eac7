(module
  (memory (export "memory") 1)
  ;; int8 codes: scores[r] = f32(dot(q, codes[r])) * scales[r] for r in [0, rows).
  ;; q at qPtr: dim i16 (the query's int8 codes widened once per query); codes at dataPtr: rows*dim i8,
  ;; row-major; scales at scalePtr: rows f32 (scalePtr = 0: no scale, the raw integer dot product);
  ;; scores at outPtr: rows f32. dim is a multiple of 32.
  (func (export "scan_i8") (param $qPtr i32) (param $dataPtr i32) (param $rows i32) (param $dim i32)
    (param $scalePtr i32) (param $outPtr i32)
    (local $r i32) (local $j i32) (local $p i32) (local $c v128) (local $acc v128) (local $acc2 v128)
    (local $s f32)
    (local.set $p (local.get $dataPtr))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $acc2 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $inner
          (loop $colLoop
            (br_if $inner (i32.ge_u (local.get $j) (local.get $dim)))
            ;; 16 codes: widen to two i16x8 halves, multiply-add pairs against the widened query
            (local.set $c (v128.load (i32.add (local.get $p) (local.get $j))))
            (local.set $acc (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $c))
                (v128.load (i32.add (local.get $qPtr) (i32.shl (local.get $j) (i32.const 1)))))))
            (local.set $acc2 (i32x4.add (local.get $acc2)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $c))
                (v128.load offset=16 (i32.add (local.get $qPtr) (i32.shl (local.get $j) (i32.const 1)))))))
            ;; the next 16
            (local.set $c (v128.load offset=16 (i32.add (local.get $p) (local.get $j))))
            (local.set $acc (i32x4.add (local.get $acc)
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $c))
                (v128.load offset=32 (i32.add (local.get $qPtr) (i32.shl (local.get $j) (i32.const 1)))))))
            (local.set $acc2 (i32x4.add (local.get $acc2)
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $c))
                (v128.load offset=48 (i32.add (local.get $qPtr) (i32.shl (local.get $j) (i32.const 1)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $colLoop)))
        (local.set $acc (i32x4.add (local.get $acc) (local.get $acc2)))
        (local.set $s (f32.convert_i32_s
          (i32.add
            (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
            (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))
        (if (local.get $scalePtr)
          (then (local.set $s (f32.mul (local.get $s)
            (f32.load (i32.add (local.get $scalePtr) (i32.shl (local.get $r) (i32.const 2))))))))
        (f32.store (i32.add (local.get $outPtr) (i32.shl (local.get $r) (i32.const 2))) (local.get $s))
        (local.set $p (i32.add (local.get $p) (local.get $dim)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; 1-bit codes: scores[r] = -popcount(q xor codes[r]) (minus the Hamming distance: higher is nearer).
  ;; q at qPtr and codes at dataPtr: rowBytes bytes per row, a multiple of 16; scores at outPtr: rows f32.
  (func (export "scan_bits") (param $qPtr i32) (param $dataPtr i32) (param $rows i32) (param $rowBytes i32)
    (param $outPtr i32)
    (local $r i32) (local $j i32) (local $p i32) (local $acc v128)
    (local.set $p (local.get $dataPtr))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const i16x8 0 0 0 0 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $inner
          (loop $colLoop
            (br_if $inner (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $acc (i16x8.add (local.get $acc)
              (i16x8.extadd_pairwise_i8x16_u (i8x16.popcnt
                (v128.xor (v128.load (i32.add (local.get $p) (local.get $j)))
                          (v128.load (i32.add (local.get $qPtr) (local.get $j))))))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $colLoop)))
        (local.set $acc (i32x4.extadd_pairwise_i16x8_u (local.get $acc)))
        (f32.store (i32.add (local.get $outPtr) (i32.shl (local.get $r) (i32.const 2)))
          (f32.convert_i32_s (i32.sub (i32.const 0)
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
              (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc)))))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
)
