/* main.c - the README's wasm2c example: call a module, catch its trap. */
#include <stdio.h>

#include "hello.h"
#include "wasm-rt-impl.h"

int main(void) {
  wasm_rt_init();
  Z_hello_init_module();
  Z_hello_instance_t m;
  Z_hello_instantiate(&m);
  Z_helloZ_poke(&m, 8, 1234);
  int ok = Z_helloZ_peek(&m, 8) == 1234;
  wasm_rt_trap_t trap;
  wasm_rt_impl_try_call(trap, Z_helloZ_peek(&m, 65536)); /* out of bounds: traps */
  ok = ok && trap == WASM_RT_TRAP_OOB;
  printf("hello: peek 1234, then %s (%s)\n", wasm_rt_strerror(trap), ok ? "ok" : "WRONG");
  Z_hello_free(&m);
  wasm_rt_free();
  return ok ? 0 : 1;
}
