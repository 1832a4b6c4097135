/*
 * bench_pool_floor.h - the kernel floor of a pooled wasm2c cycle
 * (bench_pool_floor.c), a peer of `wrtp bench pool`'s cycle rows.
 * Linux only. Includes only the C library.
 */
#ifndef WRTP_BENCH_POOL_FLOOR_H
#define WRTP_BENCH_POOL_FLOOR_H

#include <stdbool.h>

typedef struct {
  bool keep;       /* true: the keep-64-KiB path; false: the decommit path */
  unsigned cycles; /* per trial, as the cycle rows */
  int failed;      /* a system call failed (the figure is then void) */
} bench_pool_floor_t;

/* One trial: ms for f->cycles cycles. */
double bench_pool_floor_trial(void *f);

#endif
