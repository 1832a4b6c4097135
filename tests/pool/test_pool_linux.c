/*
 * test_pool_linux.c - the slot pool on the Linux backend: the shared pool
 * suite, with madvise counted and failed here (--wrap=madvise, added for
 * this program only in tests/55-pool.cmake). Test code only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <sys/mman.h>

#include "pool_suite.h"

int __real_madvise(void *addr, size_t len, int advice);
int __wrap_madvise(void *addr, size_t len, int advice);

static _Atomic unsigned g_calls;
static _Atomic unsigned g_fail_at; /* 0: never */
static _Atomic int g_fail_errno;

int __wrap_madvise(void *addr, size_t len, int advice) {
  unsigned n = atomic_fetch_add(&g_calls, 1u) + 1u;
  if (atomic_load(&g_fail_at) == n) {
    errno = atomic_load(&g_fail_errno);
    return -1;
  }
  return __real_madvise(addr, len, advice);
}

static unsigned discard_calls(void) {
  return atomic_exchange(&g_calls, 0u);
}

static void fail_discard_nth(unsigned nth, int err) {
  atomic_store(&g_calls, 0u);
  atomic_store(&g_fail_errno, err);
  atomic_store(&g_fail_at, nth);
}

int main(void) {
  static const pool_backend_t b = {"pool (linux)", wrt_linux_pool_init, discard_calls,
                                   fail_discard_nth, true};
  return pool_suite_run(&b);
}
