/*
 * bench_pool_bounds.h - the bounds-check cycle rows of `wrtp bench pool`
 * (bench_pool_bounds.c). Linux only. Includes only the C library.
 */
#ifndef WRTP_BENCH_POOL_BOUNDS_H
#define WRTP_BENCH_POOL_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  const char *program;    /* w2c_cycles_bounds_wrt or _stock, beside wrtp */
  unsigned cycles;        /* timed cycles per trial */
  unsigned pool_slots;    /* 0: no pool (the adapter's own allocator) */
  size_t keep_resident;   /* the pool's */
  int failed;             /* a trial failed (figures void) */
  double calls_per_cycle; /* mmap + munmap + mprotect, the worst trial */
} bench_pool_bounds_t;

/* Both programs are beside wrtp and executable. */
bool bench_pool_bounds_available(void);
/* One trial: ms for c->cycles cycles. */
double bench_pool_bounds_trial(void *c);

#endif
