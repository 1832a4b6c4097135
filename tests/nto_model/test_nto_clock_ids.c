/*
 * test_nto_clock_ids.c - the Neutrino host model uses QNX's clock ids
 * (CLOCK_MONOTONIC 2 ... CLOCK_THREAD_CPUTIME_ID 4, SDP 7.1 time.h:93-101,
 * Spitzbube/qnx-sdp @ 8d745006, target/qnx7/usr/include; QNX doc
 * clock_gettime(): "CLOCK_MONOTONIC ... always increases") and every call
 * that takes one gives it QNX's meaning on the host (issue 24 item 2:
 * scripts/qnx-sdp-check.sh found the model keeping the host's 1). Before the
 * translation, a QNX 2 reached glibc as CLOCK_PROCESS_CPUTIME_ID: a sleeping
 * thread's "monotonic" time did not advance. Results are on the Neutrino
 * host model, not on QNX.
 */
#include <pthread.h>

#include "nto_test_util.h"

static uint64_t ns_of(clockid_t id) {
  struct timespec ts;
  assert_int_equal(clock_gettime(id, &ts), 0);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(long ms) {
  struct timespec d = {.tv_sec = 0, .tv_nsec = ms * 1000000L};
  while (nanosleep(&d, &d) != 0) {
    assert_int_equal(errno, EINTR);
  }
}

static void test_ids_have_qnx_values(void **state) {
  (void)state;
  assert_int_equal(CLOCK_REALTIME, 0);
  assert_int_equal(CLOCK_MONOTONIC, 2);
  assert_int_equal(CLOCK_PROCESS_CPUTIME_ID, 3);
  assert_int_equal(CLOCK_THREAD_CPUTIME_ID, 4);
}

/* A sleep advances the monotonic clock by at least its length and (almost)
 * not this thread's CPU time: each id reaches the host as the same clock. */
static void test_monotonic_advances_across_sleep_cpu_time_does_not(void **state) {
  (void)state;
  uint64_t m0 = ns_of(CLOCK_MONOTONIC);
  uint64_t c0 = ns_of(CLOCK_THREAD_CPUTIME_ID);
  sleep_ms(30);
  uint64_t m1 = ns_of(CLOCK_MONOTONIC);
  uint64_t c1 = ns_of(CLOCK_THREAD_CPUTIME_ID);
  assert_true(m1 - m0 >= 30000000u);
  assert_true(c1 - c0 < 20000000u);
  struct timespec res;
  assert_int_equal(clock_getres(CLOCK_MONOTONIC, &res), 0);
}

/* An id QNX does not define (1 is CLOCK_SOFTTIME, QNX-only and not
 * modelled; 99 is nothing) fails with EINVAL and is not passed on. */
static void test_unknown_id_is_einval(void **state) {
  (void)state;
  struct timespec ts;
  errno = 0;
  assert_int_equal(clock_gettime(99, &ts), -1);
  assert_int_equal(errno, EINVAL);
  errno = 0;
  assert_int_equal(clock_gettime(1, &ts), -1);
  assert_int_equal(errno, EINVAL);
  struct timespec d = {.tv_sec = 0, .tv_nsec = 1000};
  assert_int_equal(clock_nanosleep(99, 0, &d, NULL), EINVAL);
}

/* clock_nanosleep with TIMER_ABSTIME on QNX's CLOCK_MONOTONIC sleeps until
 * that monotonic time. */
static void test_clock_nanosleep_absolute_monotonic(void **state) {
  (void)state;
  struct timespec t;
  assert_int_equal(clock_gettime(CLOCK_MONOTONIC, &t), 0);
  uint64_t start = (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
  uint64_t until = start + 20000000u;
  t.tv_sec = (time_t)(until / 1000000000u);
  t.tv_nsec = (long)(until % 1000000000u);
  assert_int_equal(clock_nanosleep(CLOCK_MONOTONIC, (int)TIMER_ABSTIME, &t, NULL), 0);
  assert_true(ns_of(CLOCK_MONOTONIC) >= until);
}

/* A condvar set to QNX's CLOCK_MONOTONIC reports it back and times out on a
 * monotonic deadline (glibc refuses a CPU-time clock for a condvar). */
static void test_condattr_clock_round_trips_and_times_out(void **state) {
  (void)state;
  pthread_condattr_t a;
  assert_int_equal(pthread_condattr_init(&a), 0);
  assert_int_equal(pthread_condattr_setclock(&a, CLOCK_MONOTONIC), 0);
  clockid_t back = -1;
  assert_int_equal(pthread_condattr_getclock(&a, &back), 0);
  assert_int_equal(back, CLOCK_MONOTONIC);
  assert_int_equal(pthread_condattr_setclock(&a, 99), EINVAL);
  pthread_cond_t c;
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  assert_int_equal(pthread_cond_init(&c, &a), 0);
  uint64_t until = ns_of(CLOCK_MONOTONIC) + 20000000u;
  struct timespec t = {.tv_sec = (time_t)(until / 1000000000u), .tv_nsec = (long)(until % 1000000000u)};
  assert_int_equal(pthread_mutex_lock(&m), 0);
  int r;
  do {
    r = pthread_cond_timedwait(&c, &m, &t);
  } while (r == 0);
  assert_int_equal(r, ETIMEDOUT);
  assert_int_equal(pthread_mutex_unlock(&m), 0);
  assert_true(ns_of(CLOCK_MONOTONIC) >= until);
  assert_int_equal(pthread_cond_destroy(&c), 0);
  assert_int_equal(pthread_condattr_destroy(&a), 0);
}

int main(void) {
#define T(f) cmocka_unit_test(f)
  const struct CMUnitTest tests[] = {
      T(test_ids_have_qnx_values),
      T(test_monotonic_advances_across_sleep_cpu_time_does_not),
      T(test_unknown_id_is_einval),
      T(test_clock_nanosleep_absolute_monotonic),
      T(test_condattr_clock_round_trips_and_times_out),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
