/*
 * wait_table_suite.h - the backend-neutral wait table suite.
 *
 * Every wait backend (Linux; QNX on the Neutrino host model) runs the same
 * cmocka tests of wrt/wait_table.h through this fixture. The suite puts a
 * shim between the table and the backend that counts each backend call,
 * fails a chosen one in turn and can make park return early (spuriously),
 * so none of that needs the backend's help. Test code only.
 */
#ifndef WRT_TEST_WAIT_TABLE_SUITE_H
#define WRT_TEST_WAIT_TABLE_SUITE_H

#include "wrt/wait_table.h"

typedef struct wrt_wait_suite_backend {
  const char *name;
  const wrt_wait_backend_t *backend;
  /* System (kernel) calls of the backend made so far by the whole process,
   * e.g. futex syscalls counted by the --wrap fault injector, or the
   * Neutrino model's call counters; NULL when they cannot be counted (then
   * "notify without waiters makes no system call" is checked on the
   * backend calls alone). */
  unsigned long (*os_calls)(void);
} wrt_wait_suite_backend_t;

/* Runs the whole shared suite against b; returns cmocka's failure count. */
int wrt_wait_table_suite_run(const wrt_wait_suite_backend_t *b);

#endif
