(module
  (memory (export "memory") 1)
  ;; scores[r] = dot(q, data[r]) for r in [0, rows); dim is a multiple of 4.
  ;; q at qPtr, data at dataPtr (rows*dim f32, row-major), scores at outPtr (rows f32)
  (func (export "scan") (param $qPtr i32) (param $dataPtr i32) (param $rows i32) (param $dim i32) (param $outPtr i32)
    (local $r i32) (local $j i32) (local $acc v128) (local $rowBytes i32) (local $p i32) (local $acc2 v128)
    (local.set $rowBytes (i32.shl (local.get $dim) (i32.const 2)))
    (local.set $p (local.get $dataPtr))
    (block $done
      (loop $rowLoop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $acc2 (v128.const f32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (block $inner
          (loop $colLoop
            (br_if $inner (i32.ge_u (local.get $j) (local.get $rowBytes)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load (i32.add (local.get $p) (local.get $j)))
                         (v128.load (i32.add (local.get $qPtr) (local.get $j))))))
            (local.set $acc2 (f32x4.add (local.get $acc2)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $p) (local.get $j)))
                         (v128.load offset=16 (i32.add (local.get $qPtr) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $colLoop)))
        (local.set $acc (f32x4.add (local.get $acc) (local.get $acc2)))
        (f32.store (i32.add (local.get $outPtr) (i32.shl (local.get $r) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))
)
