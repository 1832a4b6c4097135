/*
 * bench_pool_floor.c - the least kernel work a pooled wasm2c cycle with
 * guard-page bounds checks needs on Linux, timed as a peer of the cycle rows
 * of `wrtp bench pool` (bench_wasm2c.c): it tells whether a target ratio
 * against the stock runtime can be met at all on the machine measured.
 *
 * The cycle is instantiate (memory of 0 pages), memory.grow by 1, one store,
 * free. Wasm semantics fix two access changes per cycle in a reused slot:
 * at instantiate the slot's first page must trap (size 0), after the grow it
 * must not. Guard-page code has nothing but the page tables to trap with, so
 * each change is a system call, and the page must read as zero again at the
 * next instantiate. Two ways to pay, each timed with the slot's first 64 KiB
 * a mapping of its own (as src/linux/linux_pool.c makes it) inside a large
 * PROT_NONE reservation, and no runtime around them:
 *   keep 64 KiB: mprotect(NONE), mprotect(READ|WRITE), store, memset 64 KiB
 *                (the pool's keep_resident path);
 *   keep 0:      mprotect(READ|WRITE), store (a fault), madvise(DONTNEED),
 *                mprotect(NONE) (the decommit path).
 * Linux only (MADV_NOHUGEPAGE, MADV_DONTNEED); elsewhere the rows are not
 * built. Test-side code: may include POSIX/Linux headers and bench_method.h.
 */
#if defined(__linux__)
#define _GNU_SOURCE
#include <string.h>
#include <sys/mman.h>

#include "bench_method.h"
#include "bench_pool_floor.h"

#define FLOOR_SPAN ((size_t)1 << 33) /* 8 GiB, as a 32-bit guarded slot */
#define FLOOR_PAGE ((size_t)65536)

double bench_pool_floor_trial(void *p) {
  bench_pool_floor_t *f = p;
  uint8_t *m = mmap(NULL, FLOOR_SPAN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                    -1, 0);
  if (m == MAP_FAILED) {
    f->failed++;
    return 0;
  }
  /* a slot's base one Wasm page in, its first page a mapping of its own */
  uint8_t *b = m + FLOOR_PAGE;
  (void)madvise(b, FLOOR_PAGE, MADV_NOHUGEPAGE);
  int bad = 0;
  uint64_t t0 = bm_now_ns();
  for (unsigned i = 0; i < f->cycles; i++) {
    if (f->keep) {
      bad |= mprotect(b, FLOOR_PAGE, PROT_NONE);
      bad |= mprotect(b, FLOOR_PAGE, PROT_READ | PROT_WRITE);
      ((volatile uint8_t *)b)[0] = (uint8_t)i;
      (void)memset(b, 0, FLOOR_PAGE);
    } else {
      bad |= mprotect(b, FLOOR_PAGE, PROT_READ | PROT_WRITE);
      ((volatile uint8_t *)b)[0] = (uint8_t)i;
      bad |= madvise(b, FLOOR_PAGE, MADV_DONTNEED);
      bad |= mprotect(b, FLOOR_PAGE, PROT_NONE);
    }
  }
  double ms = (double)(bm_now_ns() - t0) / 1e6;
  if (bad != 0 || munmap(m, FLOOR_SPAN) != 0) {
    f->failed++;
  }
  return ms;
}
#else
/* Not Linux: nothing to measure here (ISO C wants a declaration). */
typedef int wrtp_bench_pool_floor_not_built;
#endif
