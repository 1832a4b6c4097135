;; multi.wat - two memories (multi-memory proposal; wasm2c 1.0.32 and
;; wat2wasm need --enable-multi-memory): $a 1 page max 2, $b 0 pages max 3.
;; Each has its own size, grow and bounds.
(module
  (memory $a 1 2)
  (memory $b 0 3)
  (func (export "size_a") (result i32) memory.size $a)
  (func (export "size_b") (result i32) memory.size $b)
  (func (export "grow_a") (param i32) (result i32) local.get 0 memory.grow $a)
  (func (export "grow_b") (param i32) (result i32) local.get 0 memory.grow $b)
  (func (export "load_a") (param i32) (result i32) local.get 0 i32.load $a)
  (func (export "load_b") (param i32) (result i32) local.get 0 i32.load $b)
  (func (export "store_a") (param i32 i32) local.get 0 local.get 1 i32.store $a)
  (func (export "store_b") (param i32 i32) local.get 0 local.get 1 i32.store $b)
)
