/*
 * wrt/linux_sync.h - the Linux futex (the host backend of wrt/sync.h).
 *
 * One concept: wrt_linux_futex_t, a caller-allocated futex word served by
 * FUTEX_WAIT_PRIVATE / FUTEX_WAKE_PRIVATE. Process-private: the word must not
 * be shared across processes. Includes only sync.h and the C library.
 */
#ifndef WRT_LINUX_SYNC_H
#define WRT_LINUX_SYNC_H

#include <stdint.h>

#include "wrt/sync.h"
#include "wrt/wait_table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wrt_linux_futex {
  wrt_futex_t base; /* what wrt_linux_futex_base() hands out */
  /* errno of the last failed futex call other than the expected EAGAIN,
   * ETIMEDOUT and EINTR; atomic because any thread may fail. */
  _Atomic int last_os_error;
} wrt_linux_futex_t;

/* Initialises f with the word initial_value. f must be zeroed or destroyed
 * before: init on a live futex (one initialised and not destroyed, which a
 * thread may be waiting on) is WRT_E_STATE and changes nothing, instead of
 * rewriting a word that a waiter reads. Storage that was never zeroed may
 * be refused the same way; zero it first. INVALID_ARG on NULL. */
wrt_status wrt_linux_futex_init(wrt_linux_futex_t *f, uint32_t initial_value);

/* Safe on a zeroed or destroyed object. No thread may wait on it then. */
void wrt_linux_futex_destroy(wrt_linux_futex_t *f);

/* NULL for NULL or an object that was not initialised. */
wrt_futex_t *wrt_linux_futex_base(wrt_linux_futex_t *f);

/* The Linux backend of the wait table (wrt/wait_table.h): a futex-word
 * mutex per bucket (no priority inheritance) and one futex word per thread
 * as its parker (in thread-local storage: nothing to release at thread
 * exit). Process-private, like the futex above. Never NULL. */
const wrt_wait_backend_t *wrt_linux_wait_backend(void);

#ifdef __cplusplus
}
#endif
#endif
