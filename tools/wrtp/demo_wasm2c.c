/*
 * demo_wasm2c.c - the wasm2c part of `wrtp demo`: one wasm2c-compiled module
 * (adapters/wasm2c/bench/w2c_demo.wat) run on the wrt-platform runtime for
 * wasm2c, on each backend built in: its linear memory comes from the Linux
 * allocator, then from the QNX allocator (on the Neutrino host model off
 * QNX). Shows size, grow, a zeroed new page, the maximum, and an
 * out-of-bounds load ending in WASM_RT_TRAP_OOB through the guard pages.
 * May include: the adapter's headers, the generated module header.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <stdio.h>

int wrtp_demo_wasm2c(void);

#if defined(WRTP_HAVE_WASM2C)
#include "w2c_demo.h"
#include "wasm-rt-impl.h"

static int expect(const char *what, unsigned long got, unsigned long want) {
  printf("  %-58s %lu%s\n", what, got, got == want ? "" : "  UNEXPECTED");
  return got == want ? 0 : 1;
}

/* The trap code of load(addr), or WASM_RT_TRAP_NONE. */
static wasm_rt_trap_t try_load(Z_w2c_demo_instance_t *m, u32 addr, u32 *out) {
  wasm_rt_trap_t code;
  wasm_rt_impl_try_call(code, *out = Z_w2c_demoZ_load(m, addr));
  return code;
}

static int run_on(wrt_w2c_backend backend) {
  int failures = 0;
  u32 value = 0;
  printf("\nwasm2c module on the %s backend (%s)\n", wrt_w2c_backend_name(backend),
         wrt_w2c_guard_pages() ? "guard-page bounds checks" : "explicit bounds checks");
  if (wrt_w2c_set_backend(backend) != 0) {
    puts("  backend not built in");
    return 1;
  }
  Z_w2c_demo_instance_t m;
  Z_w2c_demo_instantiate(&m);
  printf("  %-58s %p\n", "instantiate: memory base", (void *)Z_w2c_demoZ_mem(&m)->data);
  failures += expect("memory.size (pages)", Z_w2c_demoZ_size(&m), 1);
  Z_w2c_demoZ_store(&m, 100, 42);
  failures += expect("i32.store 42 at 100; i32.load 100", Z_w2c_demoZ_load(&m, 100), 42);
  failures += expect("memory.grow 1 (returns the old size)", Z_w2c_demoZ_grow(&m, 1), 1);
  failures += expect("i32.load 65636 (the new page reads zero)", Z_w2c_demoZ_load(&m, 65636), 0);
  failures += expect("memory.grow 3 past the maximum 4 (-1)", Z_w2c_demoZ_grow(&m, 3), 0xFFFFFFFFu);
  wasm_rt_trap_t t = try_load(&m, 2u * 65536u, &value);
  printf("  %-58s %s\n", "i32.load 131072 (out of bounds) -> trap", wasm_rt_strerror(t));
  failures += t == WASM_RT_TRAP_OOB ? 0 : 1;
  failures += expect("called again after the trap: i32.load 100", Z_w2c_demoZ_load(&m, 100), 42);
  Z_w2c_demo_free(&m);
  failures += expect("free; live memories", (unsigned long)wrt_w2c_live_memories(), 0);
  return failures;
}

int wrtp_demo_wasm2c(void) {
  int failures = 0;
  wasm_rt_init();
  Z_w2c_demo_init_module();
  wrt_w2c_backend before = wrt_w2c_get_backend();
  if (wrt_w2c_backend_available(WRT_W2C_BACKEND_LINUX)) {
    failures += run_on(WRT_W2C_BACKEND_LINUX);
  }
  if (wrt_w2c_backend_available(WRT_W2C_BACKEND_QNX)) {
    failures += run_on(WRT_W2C_BACKEND_QNX);
  }
  (void)wrt_w2c_set_backend(before);
  return failures;
}
#else
int wrtp_demo_wasm2c(void) {
  puts("\nwasm2c module: not built (needs wabt: wat2wasm, wasm2c, wasm-rt.h)");
  return 0;
}
#endif
