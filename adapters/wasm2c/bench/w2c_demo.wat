;; w2c_demo.wat - the module `wrtp demo` runs on each backend: one memory of
;; 1 page (maximum 4) with size, grow, a store and a load.
(module
  (memory (export "mem") 1 4)
  (func (export "size") (result i32) memory.size)
  (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load)
)
