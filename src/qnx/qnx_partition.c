/*
 * qnx_partition.c - the cooperative memory budget (wrt_qnx_partition_t) that
 * QNX allocators given the same partition charge; see include/wrt/qnx_memory.h.
 *
 * OS-free: a lock-free counter, so allocators on different threads never
 * pass the limit together. Includes only wrt headers, <stdatomic.h> (through
 * qnx_memory.h) and checked_math.h.
 */
#include "wrt/qnx_memory.h"

#include "checked_math.h"
#include "qnx_memory_internal.h"

wrt_status wrt_qnx_partition_init(wrt_qnx_partition_t *p, size_t limit_bytes) {
  if (p == NULL || limit_bytes == 0u) {
    return WRT_E_INVALID_ARG;
  }
  p->limit = limit_bytes;
  atomic_init(&p->used, (size_t)0);
  return WRT_OK;
}

size_t wrt_qnx_partition_used(const wrt_qnx_partition_t *p) {
  if (p == NULL) {
    return 0u;
  }
  /* Loading through a pointer to const: allowed since C17 (DR 459), and
   * gcc and clang (qcc is gcc) accept it in C11 mode; no cast removing
   * const (MISRA 11.8). */
  return atomic_load_explicit(&p->used, memory_order_acquire);
}

size_t wrt_qnx_partition_limit(const wrt_qnx_partition_t *p) {
  return p == NULL ? 0u : p->limit;
}

/* Compare-and-swap so that concurrent charges never pass the limit. */
wrt_status wrt_qnx_partition_charge(wrt_qnx_partition_t *p, size_t bytes) {
  if (p == NULL || bytes == 0u) {
    return WRT_OK;
  }
  size_t cur = atomic_load_explicit(&p->used, memory_order_relaxed);
  size_t next;
  do {
    if (wrt_size_add(cur, bytes, &next) != WRT_OK || next > p->limit) {
      return WRT_E_LIMIT;
    }
  } while (!atomic_compare_exchange_weak_explicit(
      &p->used, &cur, next, memory_order_acq_rel, memory_order_relaxed));
  return WRT_OK;
}

void wrt_qnx_partition_refund(wrt_qnx_partition_t *p, size_t bytes) {
  if (p != NULL && bytes != 0u) {
    atomic_fetch_sub_explicit(&p->used, bytes, memory_order_acq_rel);
  }
}
