/*
 * linux_sync.c - the Linux futex backend: FUTEX_WAIT_PRIVATE /
 * FUTEX_WAKE_PRIVATE on the word inside wrt_futex_t.
 *
 * Timed waits keep an absolute CLOCK_MONOTONIC deadline and pass the kernel
 * the time remaining, so a wait interrupted by a signal (EINTR) resumes with
 * what is left instead of starting over.
 * May include: POSIX/Linux headers, the public headers, src/core internals.
 */
#define _GNU_SOURCE
#include "wrt/linux_sync.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static wrt_status lf_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns);
static wrt_status lf_wake(wrt_futex_t *self, uint32_t count);

static const wrt_futex_ops_t linux_futex_ops = {lf_wait, lf_wake};

#define NS_PER_S 1000000000ULL

static wrt_linux_futex_t *from_base(wrt_futex_t *self) {
  return (wrt_linux_futex_t *)(void *)((char *)self - offsetof(wrt_linux_futex_t, base));
}

/* Always all six arguments, so a --wrap of syscall() in tests can forward
 * them without guessing. */
static long futex_call(wrt_futex_t *f, int op, uint32_t val, const struct timespec *ts) {
  return syscall(SYS_futex, (uint32_t *)&f->value, (long)op, (long)val, ts,
                 (uint32_t *)NULL, (long)0);
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts); /* cannot fail for this clock */
  return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

wrt_status wrt_linux_futex_init(wrt_linux_futex_t *f, uint32_t initial_value) {
  if (f == NULL) {
    return WRT_E_INVALID_ARG;
  }
  /* Live (initialised, not destroyed): a thread may be waiting on the word,
   * and rewriting it would race with the waiter's read (issue 15). */
  if (f->base.ops == &linux_futex_ops) {
    return WRT_E_STATE;
  }
  f->base.ops = &linux_futex_ops;
  atomic_init(&f->base.value, initial_value);
  atomic_init(&f->last_os_error, 0);
  return WRT_OK;
}

void wrt_linux_futex_destroy(wrt_linux_futex_t *f) {
  if (f == NULL) {
    return;
  }
  f->base.ops = NULL;
}

wrt_futex_t *wrt_linux_futex_base(wrt_linux_futex_t *f) {
  if (f == NULL || f->base.ops != &linux_futex_ops) {
    return NULL;
  }
  return &f->base;
}

static wrt_status lf_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  wrt_linux_futex_t *f = from_base(self);
  bool forever = timeout_ns == WRT_WAIT_FOREVER;
  uint64_t start = forever ? 0u : monotonic_ns();
  /* A deadline past the clock's range is as good as forever. */
  if (!forever && timeout_ns > UINT64_MAX - start) {
    forever = true;
  }
  uint64_t deadline = forever ? 0u : start + timeout_ns;
  for (;;) {
    if (atomic_load(&self->value) != expected) {
      return WRT_E_AGAIN;
    }
    struct timespec ts, *tsp = NULL;
    if (!forever) {
      uint64_t now = monotonic_ns();
      if (now >= deadline) {
        return WRT_E_TIMEOUT;
      }
      uint64_t left = deadline - now;
      const uint64_t secs = left / NS_PER_S;
      const uint64_t nsecs = left % NS_PER_S; /* < 1e9: fits a long */
      ts.tv_sec = (time_t)secs;
      ts.tv_nsec = (long)nsecs;
      tsp = &ts;
    }
    if (futex_call(self, FUTEX_WAIT_PRIVATE, expected, tsp) == 0) {
      return WRT_OK;
    }
    int err = errno;
    switch (err) {
    case EAGAIN: return WRT_E_AGAIN;
    case EINTR: continue; /* resume with the time left */
    case ETIMEDOUT: return WRT_E_TIMEOUT;
    default: atomic_store(&f->last_os_error, err); return WRT_E_OS;
    }
  }
}

static wrt_status lf_wake(wrt_futex_t *self, uint32_t count) {
  wrt_linux_futex_t *f = from_base(self);
  if (count == 0u) {
    return WRT_E_INVALID_ARG;
  }
  uint32_t n = count > (uint32_t)INT_MAX ? (uint32_t)INT_MAX : count;
  if (futex_call(self, FUTEX_WAKE_PRIVATE, n, NULL) < 0) {
    atomic_store(&f->last_os_error, errno);
    return WRT_E_OS;
  }
  return WRT_OK;
}
