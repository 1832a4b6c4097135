/*
 * linux_wait_backend.c - the Linux backend of the wait table: a bucket lock
 * is a wrt_mutex_t over a wrt_linux_futex_t (the futex-word mutex of
 * wrt/mutex.h, no priority inheritance), kept inside wrt_wait_lock_t; the
 * parker is linux_parker.c's.
 * May include: the public headers, src/core internals, linux_parker.h.
 */
#include <string.h>

#include "clock.h"
#include "linux_parker.h"
#include "wrt/linux_sync.h"
#include "wrt/mutex.h"

typedef struct {
  wrt_linux_futex_t futex;
  wrt_mutex_t mutex;
} linux_wait_lock;

_Static_assert(sizeof(linux_wait_lock) <= sizeof(wrt_wait_lock_t),
               "the Linux bucket lock must fit wrt_wait_lock_t");
_Static_assert(_Alignof(linux_wait_lock) <= _Alignof(wrt_wait_lock_t),
               "the Linux bucket lock must be aligned by wrt_wait_lock_t");

static linux_wait_lock *as_lock(wrt_wait_lock_t *l) { return (linux_wait_lock *)(void *)l->bytes; }

static wrt_status lw_lock_init(wrt_wait_lock_t *l) {
  linux_wait_lock *k = as_lock(l);
  /* The table initialises buckets only when it is not live, so no thread
   * can be in this lock: start from zero (the futex refuses a live one). */
  (void)memset(k, 0, sizeof *k);
  wrt_status st = wrt_linux_futex_init(&k->futex, 0u);
  if (st == WRT_OK) {
    /* A Linux futex holds no OS resource: nothing to undo if this fails. */
    st = wrt_mutex_init(&k->mutex, wrt_linux_futex_base(&k->futex));
  }
  return st;
}

static void lw_lock_destroy(wrt_wait_lock_t *l) {
  linux_wait_lock *k = as_lock(l);
  wrt_linux_futex_destroy(&k->futex);
  k->mutex.futex = NULL;
}

static wrt_status lw_lock(wrt_wait_lock_t *l) { return wrt_mutex_lock(&as_lock(l)->mutex); }

static wrt_status lw_unlock(wrt_wait_lock_t *l) { return wrt_mutex_unlock(&as_lock(l)->mutex); }

const wrt_wait_backend_t *wrt_linux_wait_backend(void) {
  static const wrt_wait_backend_t linux_wait_backend = {
      lw_lock_init,
      lw_lock_destroy,
      lw_lock,
      lw_unlock,
      wrt_linux_parker_self,
      wrt_linux_parker_prepare,
      wrt_linux_parker_park,
      wrt_linux_parker_unpark,
      wrt_linux_parker_kick,
      wrt_clock_monotonic_ns,
  };
  return &linux_wait_backend;
}
