/*
 * w2c_cycles_main.c - a program that times wasm2c instantiate/grow/free
 * cycles of growloop.wat on one runtime with explicit bounds checks
 * (WASM_RT_MEMCHECK_SIGNAL_HANDLER=0), for `wrtp bench pool`. Built twice:
 * W2C_CYCLES_WRT on the adapter (wrt_wasm2c_bounds, Linux backend) and
 * without it on wabt's stock wasm-rt-impl.c; a program each because the two
 * runtimes define the same symbols (the guard-page pair shares wrtp through
 * stock_rename.h instead).
 *
 *   w2c_cycles_bounds_{wrt,stock} CYCLES [POOL_SLOTS KEEP_BYTES]
 *
 * Runs 10 warm-up cycles, then CYCLES timed ones, and prints one line:
 * "<ms> <mmap+munmap calls> <mprotect calls> <live memories>", the calls
 * counted over the timed cycles through --wrap (every call from this
 * program's static code: runtime, library). POOL_SLOTS > 0 (adapter only)
 * gives every memory a slot of a pool of that many slots keeping KEEP_BYTES
 * resident (wrt_w2c_pool_new: software_bounds in this build). Exit status 0
 * when every cycle grew to one page. Build support only, not installed.
 */
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <time.h>

#include "wasm-rt-impl.h"
#if defined(W2C_CYCLES_WRT)
#include "bcyc_wrt.h"
#include "wrt/wasm2c.h"
#define MOD_INSTANCE Z_bcyc_wrt_instance_t
#define MOD_INSTANTIATE Z_bcyc_wrt_instantiate
#define MOD_FREE Z_bcyc_wrt_free
#define MOD_GROW_LOOP Z_bcyc_wrtZ_grow_loop
#define MOD_INIT Z_bcyc_wrt_init_module
#else
#include "bcyc_stock.h"
#define MOD_INSTANCE Z_bcyc_stock_instance_t
#define MOD_INSTANTIATE Z_bcyc_stock_instantiate
#define MOD_FREE Z_bcyc_stock_free
#define MOD_GROW_LOOP Z_bcyc_stockZ_grow_loop
#define MOD_INIT Z_bcyc_stock_init_module
#endif

static _Atomic unsigned long g_maps, g_protects;

void *__real_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __real_munmap(void *addr, size_t len);
int __real_mprotect(void *addr, size_t len, int prot);
void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_munmap(void *addr, size_t len);
int __wrap_mprotect(void *addr, size_t len, int prot);

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off) {
  atomic_fetch_add(&g_maps, 1u);
  return __real_mmap(addr, len, prot, flags, fd, off);
}

int __wrap_munmap(void *addr, size_t len) {
  atomic_fetch_add(&g_maps, 1u);
  return __real_munmap(addr, len);
}

int __wrap_mprotect(void *addr, size_t len, int prot) {
  atomic_fetch_add(&g_protects, 1u);
  return __real_mprotect(addr, len, prot);
}

/* One cycle: instantiate, grow one page and store, free. */
static int cycle(void) {
  MOD_INSTANCE g;
  MOD_INSTANTIATE(&g);
  long pages = -1;
#if defined(W2C_CYCLES_WRT)
  wasm_rt_trap_t code;
  wasm_rt_impl_try_call(code, pages = (long)(int32_t)MOD_GROW_LOOP(&g, 1));
  if (code != WASM_RT_TRAP_NONE) {
    pages = -1;
  }
#else
  if (wasm_rt_impl_try() == 0) {
    pages = (long)(int32_t)MOD_GROW_LOOP(&g, 1);
  }
#endif
  MOD_FREE(&g);
  return pages == 1 ? 0 : -1;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc != 2 && argc != 4) {
    fprintf(stderr, "usage: %s CYCLES [POOL_SLOTS KEEP_BYTES]\n", argv[0]);
    return 2;
  }
  unsigned long n = strtoul(argv[1], NULL, 10);
  wasm_rt_init();
  MOD_INIT();
#if defined(W2C_CYCLES_WRT)
  unsigned long slots = argc == 4 ? strtoul(argv[2], NULL, 10) : 0u;
  if (slots != 0u) {
    struct wrt_pool *pool = wrt_w2c_pool_new(WRT_W2C_BACKEND_LINUX, (unsigned)slots,
                                             (size_t)strtoul(argv[3], NULL, 10));
    if (pool == NULL || wrt_w2c_set_pool(pool) != 0) {
      fprintf(stderr, "%s: no pool\n", argv[0]);
      return 1;
    }
  }
#endif
  int bad = 0;
  for (int i = 0; i < 10; i++) {
    bad |= cycle();
  }
  unsigned long m0 = atomic_load(&g_maps), p0 = atomic_load(&g_protects);
  double t0 = now_ms();
  for (unsigned long i = 0; i < n; i++) {
    bad |= cycle();
  }
  double ms = now_ms() - t0;
  unsigned long maps = atomic_load(&g_maps) - m0, protects = atomic_load(&g_protects) - p0;
#if defined(W2C_CYCLES_WRT)
  unsigned long live = (unsigned long)wrt_w2c_live_memories();
#else
  unsigned long live = 0;
#endif
  printf("%.6f %lu %lu %lu\n", ms, maps, protects, live);
  return bad != 0 ? 1 : 0;
}
