/* modes_main.c - check_modes.sh's program: instantiate the README's example
 * module and use it in bounds (no try, so it builds against any runtime). */
#include <stdio.h>

#include "hello.h"

int main(void) {
  wasm_rt_init();
  Z_hello_init_module();
  Z_hello_instance_t m;
  Z_hello_instantiate(&m);
  Z_helloZ_poke(&m, 8, 1234);
  int ok = Z_helloZ_peek(&m, 8) == 1234;
  Z_hello_free(&m);
  wasm_rt_free();
  puts(ok ? "modes: ok" : "modes: WRONG");
  return ok ? 0 : 1;
}
