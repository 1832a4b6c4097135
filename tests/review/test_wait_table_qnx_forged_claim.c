/*
 * test_wait_table_qnx_forged_claim.c - a forged pulse must not let a wait
 * table waiter leave while its notifier still holds its node and parker
 * (Neutrino host model; nothing here ran on QNX).
 *
 * The table lets a waiter whose park() returned WRT_OK return without the
 * bucket lock. Before the review fix a notifier marked the node CHOSEN
 * (claimable) before it called unpark. If a pulse carrying the waiter's
 * WAKE code and token (a stray pulse of this process, or another process's
 * where _NTO_CHF_PRIVATE is absent; tokens count up from 1 and are easy to
 * guess) reaches the waiter in between, the waiter claims and returns while
 * the notifier is still about to read the parker (thread-local storage of a
 * thread that may have exited) and, if the send fails, to CAS the node on
 * the waiter's dead stack. A shim backend forges that pulse from inside
 * unpark and checks that the waiter is still inside its wait.
 * White box: includes the backend interface and the parker's header.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/neutrino.h>
#include <time.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "qnx_parker.h"
#include "wait_backend.h"
#include "wrt/qnx_sync.h"
#include "wrt/wait_table.h"

static wrt_wait_backend_t g_shim;
static _Atomic int g_waiter_chid = -1;
static _Atomic int g_finished;
static _Atomic int g_left_during_unpark;
static _Atomic uint32_t g_word;

static uint64_t now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The notifier's unpark: first a forged WAKE(token) from this process, then
 * up to 300 ms for the waiter to (wrongly) leave, then the real unpark. */
static wrt_status shim_unpark(wrt_parker_t *p, uint32_t token, int *os_error) {
  int r = nto_sim_send_pulse_as(0, 0, p->chid, 10, _PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE,
                                (long)token);
  assert_int_equal(r, 0);
  uint64_t t0 = now_ns();
  while (!atomic_load(&g_finished) && now_ns() - t0 < 300000000ull) {
    sched_yield();
  }
  if (atomic_load(&g_finished)) {
    atomic_store(&g_left_during_unpark, 1);
  }
  return wrt_qnx_wait_backend()->unpark(p, token, os_error);
}

static wrt_wait_table_t g_table;
static wrt_wait_bucket_t g_buckets[4];
static wrt_status g_status;

static void *waiter_main(void *arg) {
  (void)arg;
  wrt_parker_t *p = NULL;
  int err = 0;
  assert_int_equal(g_shim.self(&p, &err), WRT_OK);
  atomic_store(&g_waiter_chid, p->chid);
  g_status = wrt_wait_table_wait32(&g_table, (const void *)&g_word, 0u, WRT_WAIT_FOREVER);
  atomic_store(&g_finished, 1);
  return NULL;
}

static void forged_wake_does_not_let_a_waiter_leave_before_its_notifier(void **state) {
  (void)state;
  nto_sim_reset();
  g_shim = *wrt_qnx_wait_backend();
  g_shim.unpark = shim_unpark;
  memset(&g_table, 0, sizeof g_table);
  assert_int_equal(wrt_wait_table_init(&g_table, g_buckets, 4u, &g_shim), WRT_OK);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, waiter_main, NULL), 0);
  uint64_t t0 = now_ns();
  while (atomic_load(&g_waiter_chid) == -1 || nto_sim_blocked_receivers(atomic_load(&g_waiter_chid)) != 1u) {
    if (now_ns() - t0 > 10000000000ull) {
      fail_msg("waiter never blocked");
    }
    sched_yield();
  }
  uint32_t woken = 0u;
  assert_int_equal(wrt_wait_table_notify(&g_table, (const void *)&g_word, 1u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(g_status, WRT_OK);
  assert_int_equal(atomic_load(&g_left_during_unpark), 0);
  assert_int_equal(wrt_wait_table_destroy(&g_table), WRT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(forged_wake_does_not_let_a_waiter_leave_before_its_notifier),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
