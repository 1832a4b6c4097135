/*
 * futex_suite.h - the backend-neutral futex test suite.
 *
 * Every futex backend (Linux, QNX on the Neutrino model, ...) runs the same
 * cmocka tests through this fixture: a test program fills in a backend and
 * calls wrt_futex_suite_run(). Test code only.
 */
#ifndef WRT_TEST_FUTEX_SUITE_H
#define WRT_TEST_FUTEX_SUITE_H

#include <stddef.h>
#include <stdint.h>

#include "wrt/sync.h"

typedef struct wrt_futex_backend {
  const char *name;
  /* Initialises a futex in storage (at least storage_size bytes, max 1 KiB)
   * with the given word and returns its wrt_futex_t, or NULL on failure. */
  wrt_futex_t *(*create)(void *storage, uint32_t initial_value);
  void (*destroy)(void *storage);
  size_t storage_size;
  /* How many of the threads tids[0..n) are blocked in this backend's wait
   * (in the kernel, or in the model). Lets tests act once waiters really
   * sleep, without sleeping themselves. */
  unsigned (*count_blocked)(void *storage, const int *tids, unsigned n);
} wrt_futex_backend_t;

/* The calling thread's id as count_blocked expects it. */
int wrt_test_thread_id(void);

/* Linux: how many of tids[0..n) of this process are blocked in the futex
 * system call (from /proc/self/task/TID/syscall). */
unsigned wrt_test_linux_count_futex_blocked(const int *tids, unsigned n);

/* Runs the whole shared suite against backend; returns cmocka's failure count. */
int wrt_futex_suite_run(const wrt_futex_backend_t *backend);

#endif
