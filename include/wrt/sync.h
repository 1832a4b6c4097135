/*
 * wrt/sync.h - the futex-like wait/wake interface.
 *
 * One concept: a 32-bit atomic word with wait/wake, backend-neutral. The word
 * operations are plain C11 atomics (seq_cst) done inline; only wait and wake
 * go through the backend's ops table. The functions are C11 inline
 * definitions; the library also exports each under the same name
 * (src/core/exports.c) for callers in other languages.
 * Includes only status.h and the C library.
 */
#ifndef WRT_SYNC_H
#define WRT_SYNC_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WRT_WAIT_FOREVER UINT64_MAX

typedef struct wrt_futex wrt_futex_t;

typedef struct {
  wrt_status (*wait)(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns);
  wrt_status (*wake)(wrt_futex_t *self, uint32_t count); /* UINT32_MAX: all */
} wrt_futex_ops_t;

/* Faults and unwinding (docs/unwinding.md): load, set and compare_exchange
 * hold nothing; wait and wake must not be left by siglongjmp (backend
 * state). The word is the futex object's own, never a guest's address.
 * Thread safety: load, set, compare_exchange, wait and wake may run on any
 * number of threads at once; the backend's init and destroy must not run
 * concurrently with any of them. */
struct wrt_futex {
  const wrt_futex_ops_t *ops;
  _Atomic uint32_t value;
};

/*
 * wait blocks only while the word equals expected (else WRT_E_AGAIN), may
 * return WRT_OK spuriously, and returns WRT_E_TIMEOUT once timeout_ns
 * (relative, monotonic; WRT_WAIT_FOREVER: none) has passed. A wake that
 * happens after the waiter has checked the word is never lost.
 * wake wakes up to count waiters (UINT32_MAX: all); count 0 is INVALID_ARG.
 * The getters (load) take a non-NULL futex: they have no status to return.
 */
inline uint32_t wrt_futex_load(const wrt_futex_t *f) {
  return atomic_load(&f->value);
}

inline void wrt_futex_set(wrt_futex_t *f, uint32_t v) {
  atomic_store(&f->value, v);
}

/* Returns true and stores desired when the word held expected; otherwise
 * returns false and leaves the word unchanged. */
inline bool wrt_futex_compare_exchange(wrt_futex_t *f,
                                              uint32_t expected,
                                              uint32_t desired) {
  return atomic_compare_exchange_strong(&f->value, &expected, desired);
}

inline wrt_status wrt_futex_wait(wrt_futex_t *f, uint32_t expected,
                                        uint64_t timeout_ns) {
  if (f == NULL || f->ops == NULL || f->ops->wait == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return f->ops->wait(f, expected, timeout_ns);
}

inline wrt_status wrt_futex_wake(wrt_futex_t *f, uint32_t count) {
  if (f == NULL || f->ops == NULL || f->ops->wake == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return f->ops->wake(f, count);
}

inline wrt_status wrt_futex_wake_one(wrt_futex_t *f) {
  return wrt_futex_wake(f, 1u);
}

inline wrt_status wrt_futex_wake_all(wrt_futex_t *f) {
  return wrt_futex_wake(f, UINT32_MAX);
}

#ifdef __cplusplus
}
#endif
#endif
