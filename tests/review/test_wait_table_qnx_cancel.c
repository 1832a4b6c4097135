/*
 * test_wait_table_qnx_cancel.c - pthread_cancel of a thread blocked in a
 * wait-table wait on the QNX backend must not unwind its stack while its
 * node is linked (Neutrino host model; nothing here ran on QNX).
 *
 * The QNX parker blocks in MsgReceivePulse, which the QNX futex treats as
 * a cancellation point (qnx_sync.c holds cancellation off for its wait); a
 * cancel acted on there would leave the stack node linked in the bucket
 * and the next notify would write a dead frame. The wait must hold the
 * cancel off, be woken normally, and let the cancel act at the thread's
 * next cancellation point.
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
#include <time.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "wrt/qnx_sync.h"
#include "wrt/wait_table.h"

static wrt_wait_table_t g_table;
static wrt_wait_bucket_t g_buckets[1];
static _Atomic uint32_t g_word;
static _Atomic int g_status = -1000;
static _Atomic int g_chid = -1;

static uint64_t now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *waiter_main(void *arg) {
  (void)arg;
  atomic_store(&g_chid, 1);
  wrt_status st = wrt_wait_table_wait32(&g_table, (const void *)&g_word, 0u, WRT_WAIT_FOREVER);
  atomic_store(&g_status, (int)st);
  pthread_testcancel(); /* the held-off cancel acts here */
  return NULL;
}

static void a_cancelled_waiter_leaves_its_wait_first(void **state) {
  (void)state;
  nto_sim_reset();
  memset(&g_table, 0, sizeof g_table);
  assert_int_equal(wrt_wait_table_init(&g_table, g_buckets, 1u, wrt_qnx_wait_backend()), WRT_OK);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, waiter_main, NULL), 0);
  uint64_t t0 = now_ns();
  while (nto_sim_blocked_receivers_total() != 1u) {
    if (now_ns() - t0 > 10000000000ull) {
      fail_msg("waiter never blocked");
    }
    sched_yield();
  }
  assert_int_equal(pthread_cancel(t), 0);
  t0 = now_ns();
  while (now_ns() - t0 < 50000000ull) {
    sched_yield(); /* time for a cancel to act, were it not held off */
  }
  assert_int_equal(atomic_load(&g_buckets[0].waiters), 1u);
  uint32_t woken = 0u;
  assert_int_equal(wrt_wait_table_notify(&g_table, (const void *)&g_word, 1u, &woken), WRT_OK);
  assert_int_equal(woken, 1u);
  void *ret = NULL;
  assert_int_equal(pthread_join(t, &ret), 0);
  assert_ptr_equal(ret, PTHREAD_CANCELED);
  assert_int_equal(atomic_load(&g_status), (int)WRT_OK);
  assert_null(g_buckets[0].head);
  assert_int_equal(wrt_wait_table_destroy(&g_table), WRT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_cancelled_waiter_leaves_its_wait_first),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
