/*
 * linux_parker.c - the per-thread parker of the Linux wait backend: one
 * futex word per thread, in thread-local storage.
 *
 * Token protocol (see src/core/wait_backend.h): prepare() stores a fresh even
 * token in the word ("armed"); unpark(token) CASes token -> token|1; park
 * (token) sleeps while the word still holds token. An unpark of an older
 * token finds another value and does nothing.
 * The FUTEX_WAKE is kick(), which the table calls after it has marked the
 * node CHOSEN, so the woken thread may leave its wait at once (it need not
 * wait for its waker to return from FUTEX_WAKE). The word may then be gone
 * or reused; kick names its address only. The kernel looks a private futex
 * up by (process, address) and does not read the word for a wake
 * (get_futex_key), and a wake of memory that was reused is the spurious
 * wake-up that futex(2) tells every futex user to expect (a later park of
 * this parker re-checks its word and sleeps again).
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "linux_parker.h"

#define NS_PER_S 1000000000ULL

struct wrt_parker {
  _Atomic uint32_t word; /* 0 idle, token armed, token|1 unparked */
  uint32_t seq;          /* the last token; owner thread only */
};

/* The one piece of global mutable state here, and why: a parker belongs to
 * its thread for the thread's whole life (issue 11: one parker per thread,
 * not per wait). Thread-local, zero at thread start, nothing to release at
 * exit: the word is plain memory. */
static _Thread_local struct wrt_parker tls_parker;

/* Always all six arguments, so a --wrap of syscall() in tests can forward
 * them without guessing (as linux_sync.c does). */
static long parker_futex(_Atomic uint32_t *w, int op, uint32_t val, const struct timespec *ts) {
  return syscall(SYS_futex, (uint32_t *)w, (long)op, (long)val, ts, (uint32_t *)NULL, (long)0);
}

wrt_status wrt_linux_parker_self(wrt_parker_t **out, int *os_error) {
  (void)os_error; /* nothing to make: the parker is thread-local memory */
  *out = &tls_parker;
  return WRT_OK;
}

uint32_t wrt_linux_parker_prepare(wrt_parker_t *p) {
  /* even, never 0: after the largest even token comes 2 again */
  uint32_t t = (p->seq >= (UINT32_MAX - 1u)) ? 2u : (p->seq + 2u);
  p->seq = t;
  atomic_store(&p->word, t);
  return t;
}

wrt_status wrt_linux_parker_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns,
                                 int *os_error) {
  for (;;) {
    if (atomic_load(&p->word) != token) {
      return WRT_OK; /* unparked, or superseded by a newer prepare */
    }
    struct timespec ts;
    struct timespec *tsp = NULL;
    if (deadline_ns != UINT64_MAX) {
      uint64_t now = wrt_clock_monotonic_ns();
      if (now >= deadline_ns) {
        return WRT_E_TIMEOUT;
      }
      uint64_t left = deadline_ns - now;
      uint64_t secs = left / NS_PER_S;
      uint64_t nsecs = left % NS_PER_S;
      ts.tv_sec = (time_t)secs;
      ts.tv_nsec = (long)nsecs;
      tsp = &ts;
    }
    if (parker_futex(&p->word, FUTEX_WAIT_PRIVATE, token, tsp) != 0) {
      int err = errno;
      /* EAGAIN: the word moved; EINTR: a signal; ETIMEDOUT: the loop sees
       * the deadline. All re-check the word first, so a wake wins a tie. */
      if (err != EAGAIN && err != EINTR && err != ETIMEDOUT) {
        if (os_error != NULL) {
          *os_error = err;
        }
        return WRT_E_OS;
      }
    }
  }
}

wrt_status wrt_linux_parker_unpark(wrt_parker_t *p, uint32_t token, int *os_error) {
  (void)os_error; /* a CAS cannot fail; a stale token is not an error */
  uint32_t seen = token;
  (void)atomic_compare_exchange_strong(&p->word, &seen, token | 1u);
  return WRT_OK;
}

wrt_status wrt_linux_parker_kick(wrt_parker_t *p, int *os_error) {
  /* &p->word is address arithmetic: nothing of *p is read or written. */
  if (parker_futex(&p->word, FUTEX_WAKE_PRIVATE, 1u, NULL) < 0) {
    if (os_error != NULL) {
      *os_error = errno;
    }
    return WRT_E_OS;
  }
  return WRT_OK;
}
