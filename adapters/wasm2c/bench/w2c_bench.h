/*
 * w2c_bench.h - the wasm2c workloads of `wrtp bench`, one set per runtime:
 * w2c_bench_wrt_* on the wrt-platform adapter (guard pages), w2c_bench_stock_*
 * on wabt's stock wasm-rt-impl.c (guard pages), each over its own copy of
 * growloop.wat. Build support for tools/wrtp/bench_wasm2c.c, not installed.
 */
#ifndef W2C_BENCH_H
#define W2C_BENCH_H

#include <stdint.h>

/* wasm_rt_init + module init; wrt: backend 1 = Linux, 2 = QNX (model). 0 ok. */
int w2c_bench_wrt_init(int backend);
int w2c_bench_stock_init(void);
/* One instance, grow_loop(n) (n single-page grows, a store into each new
 * page), free. Returns the final page count, or -1 (a grow failed / trap). */
long w2c_bench_wrt_grow(uint32_t n);
long w2c_bench_stock_grow(uint32_t n);
/* n times: instantiate, grow one page and store into it, free. 0 ok. */
int w2c_bench_wrt_cycles(uint32_t n);
int w2c_bench_stock_cycles(uint32_t n);
/* The adapter's live memories (0 when everything was freed). */
unsigned long w2c_bench_wrt_live(void);

#endif
