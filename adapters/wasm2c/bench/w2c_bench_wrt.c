/*
 * w2c_bench_wrt.c - the wasm2c benchmark workloads on the wrt-platform adapter.
 * Generated code from growloop.wat, module name bgrow_wrt.
 */
#define _GNU_SOURCE
#include "w2c_bench.h"
#include "wasm-rt-impl.h"
#include "bgrow_wrt.h"

static long guarded_grow(Z_bgrow_wrt_instance_t *g, uint32_t n) {
  wasm_rt_trap_t code;
  long pages = -1;
  wasm_rt_impl_try_call(code, pages = (long)(int32_t)Z_bgrow_wrtZ_grow_loop(g, n));
  return code != WASM_RT_TRAP_NONE ? -1 : pages;
}

long w2c_bench_wrt_grow(uint32_t n) {
  Z_bgrow_wrt_instance_t g;
  Z_bgrow_wrt_instantiate(&g);
  long pages = guarded_grow(&g, n);
  Z_bgrow_wrt_free(&g);
  return pages;
}

int w2c_bench_wrt_cycles(uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    Z_bgrow_wrt_instance_t g;
    Z_bgrow_wrt_instantiate(&g);
    long pages = guarded_grow(&g, 1);
    Z_bgrow_wrt_free(&g);
    if (pages != 1) {
      return -1;
    }
  }
  return 0;
}

int w2c_bench_wrt_init(int backend) {
  wasm_rt_init();
  if (wrt_w2c_set_backend((wrt_w2c_backend)backend) != 0) {
    return -1;
  }
  Z_bgrow_wrt_init_module();
  return 0;
}

unsigned long w2c_bench_wrt_live(void) {
  return (unsigned long)wrt_w2c_live_memories();
}
