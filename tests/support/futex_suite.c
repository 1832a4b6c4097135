/*
 * futex_suite.c - the backend-neutral futex suite; see futex_suite.h.
 * Threads block for real; the tests act once the backend reports them
 * blocked (count_blocked) instead of sleeping. Test code only.
 */
#define _GNU_SOURCE
#include "futex_suite.h"

#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#define MAX_WAITERS 8

static const wrt_futex_backend_t *g_backend;
static _Alignas(64) unsigned char g_storage[1024];

int wrt_test_thread_id(void) { return (int)syscall(SYS_gettid); }

unsigned wrt_test_linux_count_futex_blocked(const int *tids, unsigned n) {
  unsigned blocked = 0;
  for (unsigned i = 0; i < n; i++) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", tids[i]);
    FILE *f = fopen(path, "r");
    if (f == NULL)
      continue;
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[got] = '\0';
    long nr = -1;
    /* "NR 0x..." while in a system call; "running" otherwise. Under
     * qemu-user the file describes the emulator's host thread, so a guest
     * blocked in futex shows the host's number: accept the futex number of
     * x86-64 (202) and of aarch64 (98) besides our own. Neither number is a
     * call a waiter thread could be blocked in otherwise. */
    if (sscanf(buf, "%ld", &nr) == 1 && (nr == SYS_futex || nr == 202 || nr == 98))
      blocked++;
  }
  return blocked;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static wrt_futex_t *make(uint32_t v) {
  wrt_futex_t *f = g_backend->create(g_storage, v);
  assert_non_null(f);
  assert_int_equal(wrt_futex_load(f), v);
  return f;
}

static void done(void) { g_backend->destroy(g_storage); }

typedef struct {
  wrt_futex_t *f;
  uint32_t expected;
  uint64_t timeout;
  _Atomic int tid;
  _Atomic int finished;
  wrt_status status;
  uint64_t elapsed;
  pthread_t thread;
} waiter_t;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  atomic_store(&w->tid, wrt_test_thread_id());
  uint64_t t0 = now_ns();
  w->status = wrt_futex_wait(w->f, w->expected, w->timeout);
  w->elapsed = now_ns() - t0;
  atomic_store(&w->finished, 1);
  return NULL;
}

static void start_waiters(waiter_t *w, unsigned n, wrt_futex_t *f, uint32_t expected,
                          uint64_t timeout) {
  for (unsigned i = 0; i < n; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].f = f;
    w[i].expected = expected;
    w[i].timeout = timeout;
    assert_int_equal(pthread_create(&w[i].thread, NULL, waiter_main, &w[i]), 0);
  }
}

static unsigned count_finished(waiter_t *w, unsigned n) {
  unsigned c = 0;
  for (unsigned i = 0; i < n; i++)
    c += (unsigned)atomic_load(&w[i].finished);
  return c;
}

static unsigned count_blocked(waiter_t *w, unsigned n) {
  int tids[MAX_WAITERS];
  unsigned k = 0;
  for (unsigned i = 0; i < n; i++)
    if (!atomic_load(&w[i].finished) && atomic_load(&w[i].tid) != 0)
      tids[k++] = atomic_load(&w[i].tid);
  return g_backend->count_blocked(g_storage, tids, k);
}

/* Polls until pred() holds; fails the test after 10 s (a hang, not a timing
 * assumption: every condition here becomes true within microseconds). */
#define POLL_UNTIL(cond)                                                              \
  do {                                                                                \
    uint64_t poll_start_ = now_ns();                                                  \
    while (!(cond)) {                                                                 \
      if (now_ns() - poll_start_ > 10000000000ull)                                    \
        fail_msg("timed out waiting for: %s", #cond);                                 \
      sched_yield();                                                                  \
    }                                                                                 \
  } while (0)

static void join_all(waiter_t *w, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    assert_int_equal(pthread_join(w[i].thread, NULL), 0);
}

/* --- single-thread behaviour ---------------------------------------------- */

static void word_operations(void **state) {
  (void)state;
  wrt_futex_t *f = make(5);
  wrt_futex_set(f, 1);
  assert_int_equal(wrt_futex_load(f), 1);
  assert_true(wrt_futex_compare_exchange(f, 1, 2));
  assert_int_equal(wrt_futex_load(f), 2);
  assert_false(wrt_futex_compare_exchange(f, 1, 3));
  assert_int_equal(wrt_futex_load(f), 2);
  done();
}

static void wait_on_changed_word_is_again(void **state) {
  (void)state;
  wrt_futex_t *f = make(1);
  assert_int_equal(wrt_futex_wait(f, 0, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  assert_int_equal(wrt_futex_wait(f, 2, 0), WRT_E_AGAIN);
  done();
}

static void timed_wait_lasts_at_least_the_timeout(void **state) {
  (void)state;
  wrt_futex_t *f = make(0);
  const uint64_t timeouts[] = {0, 1000000, 20000000};
  for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
    uint64_t t0 = now_ns();
    assert_int_equal(wrt_futex_wait(f, 0, timeouts[i]), WRT_E_TIMEOUT);
    uint64_t elapsed = now_ns() - t0;
    if (elapsed < timeouts[i])
      fail_msg("timed wait of %llu ns returned after %llu ns",
               (unsigned long long)timeouts[i], (unsigned long long)elapsed);
  }
  assert_int_equal(wrt_futex_load(f), 0);
  done();
}

static void wake_without_waiters_and_bad_arguments(void **state) {
  (void)state;
  wrt_futex_t *f = make(0);
  assert_int_equal(wrt_futex_wake_one(f), WRT_OK);
  assert_int_equal(wrt_futex_wake_all(f), WRT_OK);
  assert_int_equal(wrt_futex_wake(f, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_futex_wait(NULL, 0, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_futex_wake(NULL, 1), WRT_E_INVALID_ARG);
  /* a wake with nobody waiting must not be remembered as a later wake-up */
  assert_int_equal(wrt_futex_wait(f, 0, 5000000), WRT_E_TIMEOUT);
  done();
}

/* --- across threads -------------------------------------------------------- */

static void wake_one_releases_a_blocked_waiter(void **state) {
  (void)state;
  waiter_t w[1];
  wrt_futex_t *f = make(0);
  start_waiters(w, 1, f, 0, WRT_WAIT_FOREVER);
  POLL_UNTIL(count_blocked(w, 1) == 1);
  wrt_futex_set(f, 1);
  assert_int_equal(wrt_futex_wake_one(f), WRT_OK);
  join_all(w, 1);
  assert_int_equal(w[0].status, WRT_OK);
  done();
}

static void wake_counts_are_honoured(void **state) {
  (void)state;
  enum { N = 4 };
  waiter_t w[N];
  wrt_futex_t *f = make(0);
  start_waiters(w, N, f, 0, WRT_WAIT_FOREVER);
  POLL_UNTIL(count_blocked(w, N) == N);
  assert_int_equal(wrt_futex_wake(f, 1), WRT_OK);
  POLL_UNTIL(count_finished(w, N) >= 1);
  POLL_UNTIL(count_blocked(w, N) == N - 1);
  assert_int_equal(count_finished(w, N), 1);
  assert_int_equal(wrt_futex_wake(f, 2), WRT_OK);
  POLL_UNTIL(count_finished(w, N) >= 3);
  POLL_UNTIL(count_blocked(w, N) == N - 3);
  assert_int_equal(count_finished(w, N), 3);
  assert_int_equal(wrt_futex_wake_all(f), WRT_OK);
  join_all(w, N);
  for (unsigned i = 0; i < N; i++)
    assert_int_equal(w[i].status, WRT_OK);
  done();
}

static void wake_all_releases_every_waiter(void **state) {
  (void)state;
  enum { N = MAX_WAITERS };
  waiter_t w[N];
  wrt_futex_t *f = make(7);
  start_waiters(w, N, f, 7, WRT_WAIT_FOREVER);
  POLL_UNTIL(count_blocked(w, N) == N);
  wrt_futex_set(f, 8);
  assert_int_equal(wrt_futex_wake_all(f), WRT_OK);
  join_all(w, N);
  for (unsigned i = 0; i < N; i++)
    assert_int_equal(w[i].status, WRT_OK);
  done();
}

static void timed_waiter_woken_before_its_timeout(void **state) {
  (void)state;
  waiter_t w[1];
  wrt_futex_t *f = make(0);
  start_waiters(w, 1, f, 0, 60ull * 1000000000ull);
  POLL_UNTIL(count_blocked(w, 1) == 1);
  assert_int_equal(wrt_futex_wake_one(f), WRT_OK);
  join_all(w, 1);
  assert_int_equal(w[0].status, WRT_OK);
  done();
}

static void timed_waiters_time_out_independently(void **state) {
  (void)state;
  enum { N = 3 };
  waiter_t w[N];
  wrt_futex_t *f = make(0);
  start_waiters(w, N, f, 0, 15000000);
  join_all(w, N);
  for (unsigned i = 0; i < N; i++) {
    assert_int_equal(w[i].status, WRT_E_TIMEOUT);
    assert_true(w[i].elapsed >= 15000000);
  }
  /* nothing left behind: a fresh waiter still blocks until woken */
  start_waiters(w, 1, f, 0, WRT_WAIT_FOREVER);
  POLL_UNTIL(count_blocked(w, 1) == 1);
  assert_int_equal(count_finished(w, 1), 0);
  assert_int_equal(wrt_futex_wake_one(f), WRT_OK);
  join_all(w, 1);
  done();
}

/* Two threads hand a token back and forth through the word; a lost wake-up
 * leaves both asleep and the test hangs (and fails by CTest's timeout). */
typedef struct {
  wrt_futex_t *f;
  uint32_t mine, theirs;
  unsigned rounds;
} pingpong_t;

static void *pingpong_main(void *arg) {
  pingpong_t *p = arg;
  for (unsigned i = 0; i < p->rounds; i++) {
    while (wrt_futex_load(p->f) != p->mine)
      (void)wrt_futex_wait(p->f, p->theirs, WRT_WAIT_FOREVER);
    wrt_futex_set(p->f, p->theirs);
    if (wrt_futex_wake_one(p->f) != WRT_OK)
      return (void *)1;
  }
  return NULL;
}

static void no_lost_wake_up_in_ping_pong(void **state) {
  (void)state;
  wrt_futex_t *f = make(0);
  pingpong_t a = {f, 0, 1, 20000}, b = {f, 1, 0, 20000};
  pthread_t ta, tb;
  void *ra, *rb;
  assert_int_equal(pthread_create(&ta, NULL, pingpong_main, &a), 0);
  assert_int_equal(pthread_create(&tb, NULL, pingpong_main, &b), 0);
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  assert_null(ra);
  assert_null(rb);
  assert_int_equal(wrt_futex_load(f), 0);
  done();
}

int wrt_futex_suite_run(const wrt_futex_backend_t *backend) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(word_operations),
      cmocka_unit_test(wait_on_changed_word_is_again),
      cmocka_unit_test(timed_wait_lasts_at_least_the_timeout),
      cmocka_unit_test(wake_without_waiters_and_bad_arguments),
      cmocka_unit_test(wake_one_releases_a_blocked_waiter),
      cmocka_unit_test(wake_counts_are_honoured),
      cmocka_unit_test(wake_all_releases_every_waiter),
      cmocka_unit_test(timed_waiter_woken_before_its_timeout),
      cmocka_unit_test(timed_waiters_time_out_independently),
      cmocka_unit_test(no_lost_wake_up_in_ping_pong),
  };
  char name[128];
  g_backend = backend;
  assert_true(backend->storage_size <= sizeof g_storage);
  snprintf(name, sizeof name, "%s futex suite", backend->name);
  return _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}
