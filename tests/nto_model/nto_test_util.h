/*
 * nto_test_util.h - helpers shared by the Neutrino host model's tests: a
 * channel + side-channel connection fixture, receives with an immediate
 * timeout (poll), and polling waits on the model's counters (no sleeps).
 * Includes cmocka, the model's headers and POSIX threads/time.
 */
#ifndef NTO_TEST_UTIL_H
#define NTO_TEST_UTIL_H

#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <sys/neutrino.h>
#include <sys/netmgr.h>

#include "nto_sim.h"

typedef struct {
  int chid;
  int coid;
} nto_fixture;

static inline nto_fixture nto_open(unsigned chflags) {
  nto_fixture f;
  f.chid = ChannelCreate(chflags);
  assert_true(f.chid > 0);
  f.coid = ConnectAttach(ND_LOCAL_NODE, 0, f.chid, _NTO_SIDE_CHANNEL, _NTO_COF_CLOEXEC);
  assert_true(f.coid != -1);
  return f;
}

static inline void nto_close(nto_fixture f) {
  assert_int_equal(ConnectDetach(f.coid), 0);
  assert_int_equal(ChannelDestroy(f.chid), 0);
}

/* Receive without blocking: arm an immediate receive timeout first. Returns
 * MsgReceivePulse_r's result (0 or -errno). */
static inline int nto_poll(int chid, struct _pulse *p) {
  (void)TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL);
  return MsgReceivePulse_r(chid, p, sizeof *p, NULL);
}

static inline uint64_t nto_now_ns(clockid_t clock) {
  struct timespec t;
  (void)clock_gettime(clock, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* Polls until chid has exactly n receive-blocked threads (fails after 10 s:
 * a generous bound for a broken model, not a timing assumption). */
static inline void nto_wait_blocked(int chid, unsigned n) {
  uint64_t give_up = nto_now_ns(CLOCK_MONOTONIC) + 10000000000u;
  while (nto_sim_blocked_receivers(chid) != n) {
    assert_true(nto_now_ns(CLOCK_MONOTONIC) < give_up);
    sched_yield();
  }
}

static inline int nto_reset_setup(void **state) {
  (void)state;
  nto_sim_reset();
  return 0;
}

static inline int nto_reset_teardown(void **state) {
  (void)state;
  nto_sim_reset();
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
  return 0;
}

#endif
