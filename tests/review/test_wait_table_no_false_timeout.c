/*
 * test_wait_table_no_false_timeout.c - a wait without a timeout never
 * returns WRT_E_TIMEOUT ("timed-out" only once a timeout has passed).
 *
 * wait_any used to read the value twice: once to decide "not equal", and
 * again to choose between not-equal and timed-out. A value that changed
 * away and back between the two reads made a WRT_WAIT_FOREVER wait report
 * WRT_E_TIMEOUT at once. A toggler flips the word between the expected
 * value and another (notifying after each store); the waiter may see
 * "ok" or "not-equal", never "timed-out". Linux backend.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "wrt/linux_sync.h"
#include "wrt/wait_table.h"

static wrt_wait_table_t g_table;
static wrt_wait_bucket_t g_buckets[1];
static _Atomic uint32_t g_word;
static _Atomic int g_stop;

static uint64_t now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void *toggler(void *arg) {
  (void)arg;
  uint32_t woken = 0u;
  while (!atomic_load(&g_stop)) {
    for (unsigned k = 0; k < 64u; k++) {
      atomic_store(&g_word, 1u);
      atomic_store(&g_word, 0u);
    }
    (void)wrt_wait_table_notify(&g_table, (const void *)&g_word, UINT32_MAX, &woken);
  }
  atomic_store(&g_word, 1u);
  (void)wrt_wait_table_notify(&g_table, (const void *)&g_word, UINT32_MAX, &woken);
  return NULL;
}

static void a_wait_forever_never_times_out(void **state) {
  (void)state;
  memset(&g_table, 0, sizeof g_table);
  assert_int_equal(wrt_wait_table_init(&g_table, g_buckets, 1u, wrt_linux_wait_backend()), WRT_OK);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, toggler, NULL), 0);
  unsigned timeouts = 0u;
  uint64_t t0 = now_ns();
  for (unsigned i = 0; i < 2000000u && now_ns() - t0 < 1500000000ull; i++) {
    wrt_status st = wrt_wait_table_wait32(&g_table, (const void *)&g_word, 0u, WRT_WAIT_FOREVER);
    if (st == WRT_E_TIMEOUT) {
      timeouts++;
    } else if (st != WRT_OK && st != WRT_E_AGAIN) {
      fail_msg("unexpected status %d", (int)st);
    }
  }
  atomic_store(&g_stop, 1);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(timeouts, 0u);
  assert_int_equal(wrt_wait_table_destroy(&g_table), WRT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_wait_forever_never_times_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
