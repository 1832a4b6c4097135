;; exc.wat - exception handling (wasm2c --enable-exceptions): a throw caught in
;; Wasm, one that no Wasm catch takes (a trap at the try of the caller), and
;; a trap inside a Wasm try (not catchable: it ends the call).
(module
  (tag $e (param i32))
  (func (export "throw_uncaught") (param i32) local.get 0 throw $e)
  (func (export "catch_it") (param i32) (result i32)
    try (result i32)
      local.get 0
      throw $e
    catch $e
      i32.const 1
      i32.add
    end)
  (func (export "trap_in_try") (result i32)
    try (result i32)
      unreachable
    catch_all
      i32.const 7
    end))
