/*
 * region_latch.c - the region query's latch; see region_latch.h and the
 * wrt_region_latch_t comment in memory.h. OS-free (src/core): no OS header
 * may be included here.
 *
 * A "latch" seqlock (two copies): after the writer's first seq bump
 * readers use copy 1 while copy 0 is rewritten, after the second they use
 * copy 0 while copy 1 is rewritten. A reader never spins on a writer that
 * is stopped (e.g. interrupted by the very signal handler that reads), and
 * retries only when the writer made progress: lock-free. Orderings follow
 * the C11 seqlock pattern (fences around relaxed data accesses), so the
 * reads are race-free in the C11 model and under TSan.
 */
#include "region_latch.h"

#include <stdatomic.h>
#include <string.h>

/* A signal handler may only touch lock-free atomics (C11 7.14.1.1 p5). */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "region latch needs lock-free unsigned");
_Static_assert(ATOMIC_POINTER_LOCK_FREE == 2, "region latch needs lock-free pointers");

enum wrt_region_latch_field { GUARD_START, BASE, ACCESSIBLE_END, RESERVED_END, GUARD_END, FIELDS };

void wrt_region_latch_init(wrt_region_latch_t *l) {
  atomic_init(&l->seq, 0u);
  for (unsigned c = 0u; c < 2u; c++) {
    for (unsigned f = 0u; f < (unsigned)FIELDS; f++) {
      atomic_init(&l->copy[c][f], (uint8_t *)NULL);
    }
  }
}

static void write_copy(wrt_region_latch_t *l, unsigned c, const wrt_region_info_t *info) {
  uint8_t *v[FIELDS];
  v[GUARD_START] = info->guard_start;
  v[BASE] = info->base;
  v[ACCESSIBLE_END] = info->base == NULL ? NULL : info->base + info->accessible;
  v[RESERVED_END] = info->reserved_end;
  v[GUARD_END] = info->guard_end;
  for (unsigned f = 0u; f < (unsigned)FIELDS; f++) {
    atomic_store_explicit(&l->copy[c][f], v[f], memory_order_relaxed);
  }
}

/* Orders the copy written before the bump before it (release), and the bump
 * before the copy written after it (the fence). */
static void bump(wrt_region_latch_t *l) {
  (void)atomic_fetch_add_explicit(&l->seq, 1u, memory_order_release);
  atomic_thread_fence(memory_order_release);
}

void wrt_region_latch_publish(wrt_region_latch_t *l, const wrt_region_info_t *info) {
  bump(l); /* seq odd: readers use copy 1 */
  write_copy(l, 0u, info);
  bump(l); /* seq even: readers use copy 0 */
  write_copy(l, 1u, info);
}

wrt_status wrt_region_latch_read(const wrt_region_latch_t *l, wrt_region_info_t *out) {
  uint8_t *v[FIELDS];
  unsigned s;
  unsigned again;
  do {
    s = atomic_load_explicit(&l->seq, memory_order_acquire);
    unsigned c = s & 1u;
    for (unsigned f = 0u; f < (unsigned)FIELDS; f++) {
      v[f] = atomic_load_explicit(&l->copy[c][f], memory_order_relaxed);
    }
    atomic_thread_fence(memory_order_acquire);
    again = atomic_load_explicit(&l->seq, memory_order_relaxed);
  } while (again != s);
  if (v[BASE] == NULL) {
    out->base = NULL;
    out->accessible = 0u;
    out->reserved_end = NULL;
    out->guard_start = NULL;
    out->guard_end = NULL;
    return WRT_E_STATE;
  }
  out->base = v[BASE];
  ptrdiff_t accessible = v[ACCESSIBLE_END] - v[BASE];
  out->accessible = (size_t)accessible;
  out->reserved_end = v[RESERVED_END];
  out->guard_start = v[GUARD_START];
  out->guard_end = v[GUARD_END];
  return WRT_OK;
}

void wrt_region_latch_publish_mapping(wrt_region_latch_t *l, bool allocated, uint8_t *map_addr,
                                      size_t map_len, uint8_t *base, size_t accessible,
                                      size_t reserved) {
  wrt_region_info_t info;
  (void)memset(&info, 0, sizeof info);
  if (allocated) {
    info.base = base;
    info.accessible = accessible;
    info.reserved_end = base + reserved;
    info.guard_start = map_addr;
    info.guard_end = map_addr + map_len;
  }
  wrt_region_latch_publish(l, &info);
}
