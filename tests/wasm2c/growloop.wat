;; growloop.wat - for `wrtp bench` and the leak test: grow n single pages
;; (no maximum), storing into each new page; returns the final page count,
;; or -1 if a grow failed.
(module
  (memory 0)
  (func (export "grow_loop") (param $n i32) (result i32) (local $old i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $old (memory.grow (i32.const 1)))
        (if (i32.eq (local.get $old) (i32.const -1))
          (then (return (i32.const -1))))
        (i32.store (i32.mul (local.get $old) (i32.const 65536)) (local.get $n))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    memory.size)
)
