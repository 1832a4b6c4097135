/*
 * w2c_bench_stock.c - the wasm2c benchmark workloads on the stock runtime (symbols renamed by stock_rename.h).
 * Generated code from growloop.wat, module name bgrow_stock.
 */
#define _GNU_SOURCE
#include "w2c_bench.h"
#include "stock_rename.h"
#include "wasm-rt-impl.h"
#include "bgrow_stock.h"

static long guarded_grow(Z_bgrow_stock_instance_t *g, uint32_t n) {
  if (wasm_rt_impl_try() != 0) {
    return -1;
  }
  return (long)(int32_t)Z_bgrow_stockZ_grow_loop(g, n);
}

long w2c_bench_stock_grow(uint32_t n) {
  Z_bgrow_stock_instance_t g;
  Z_bgrow_stock_instantiate(&g);
  long pages = guarded_grow(&g, n);
  Z_bgrow_stock_free(&g);
  return pages;
}

int w2c_bench_stock_cycles(uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    Z_bgrow_stock_instance_t g;
    Z_bgrow_stock_instantiate(&g);
    long pages = guarded_grow(&g, 1);
    Z_bgrow_stock_free(&g);
    if (pages != 1) {
      return -1;
    }
  }
  return 0;
}

int w2c_bench_stock_init(void) {
  wasm_rt_init();
  Z_bgrow_stock_init_module();
  return 0;
}
