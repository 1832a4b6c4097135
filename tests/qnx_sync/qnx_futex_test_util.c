/*
 * qnx_futex_test_util.c - see qnx_futex_test_util.h. Test code only.
 */
#include "qnx_futex_test_util.h"

#include <sched.h>
#include <time.h>

#include "nto_sim.h"

static wrt_futex_t *create(void *storage, uint32_t v) {
  wrt_qnx_futex_t *f = storage;
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  cfg.initial_value = v;
  return wrt_qnx_futex_init(f, &cfg) == WRT_OK ? wrt_qnx_futex_base(f) : NULL;
}

static void destroy(void *storage) { wrt_qnx_futex_destroy(storage); }

/* A thread blocks in this futex only in MsgReceivePulse on its own parker
 * channel, so a thread of the suite is blocked in it exactly when it is
 * receive-blocked in the model; the suite's threads are the only receivers
 * while it runs. */
static unsigned count_blocked(void *storage, const int *tids, unsigned n) {
  (void)storage;
  (void)tids;
  unsigned total = nto_sim_blocked_receivers_total();
  return total < n ? total : n;
}

const wrt_futex_backend_t wrt_test_qnx_backend = {
    "qnx (Neutrino host model)", create, destroy, sizeof(wrt_qnx_futex_t), count_blocked};

uint64_t qt_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int qt_wait_blocked_total(unsigned n) {
  uint64_t t0 = qt_now_ns();
  while (nto_sim_blocked_receivers_total() < n) {
    if (qt_now_ns() - t0 > 10000000000ull)
      return -1;
    sched_yield();
  }
  return 0;
}
