/*
 * pool_suite.h - the backend-neutral tests of the slot pool (wrt/pool.h),
 * run against the Linux backend and the QNX backend on the Neutrino host
 * model. The program is linked with WRAP (mmap / mprotect / munmap are
 * counted and failed by tests/support/fault_inject). Test code only.
 */
#ifndef WRT_TEST_POOL_SUITE_H
#define WRT_TEST_POOL_SUITE_H

#include <stdbool.h>
#include "wrt/pool.h"

typedef struct pool_backend {
  const char *name;
  wrt_status (*init)(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t n,
                     const wrt_pool_config_t *cfg);
  /* the decommit call (Linux madvise, QNX posix_madvise): count it, and
   * fail its nth call from now with err */
  unsigned (*discard_calls)(void);
  void (*fail_discard_nth)(unsigned nth, int err);
  /* false where release zeroes in place instead of decommitting (the QNX
   * backend built against SDP 6.4/6.6 headers: no POSIX_MADV_DISCARD_NP) */
  bool decommits;
} pool_backend_t;

/* Runs every test; returns cmocka's failure count. */
int pool_suite_run(const pool_backend_t *b);

#endif
