/*
 * test_wait_table_linux.c - the shared wait table suite over the Linux
 * backend (futex syscalls counted through the --wrap fault injector), and
 * the Linux parker's own rules: a stale unpark does nothing, unpark makes
 * no system call and the kick (FUTEX_WAKE) wakes a sleeper, a kick of an
 * exited thread's parker is harmless, kernel errors are reported; and a
 * notify whose kick fails reports it with the waiter counted.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "wait_table_suite.h"
#include "wrt/linux_sync.h"

#include "wait_backend.h"

static unsigned long futex_calls(void) { return wrt_fi_calls(WRT_FI_FUTEX); }

static const wrt_wait_backend_t *be(void) { return wrt_linux_wait_backend(); }

static void stale_unpark_does_nothing(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  int os_error = 0;
  assert_int_equal(be()->self(&p, &os_error), WRT_OK);
  wrt_parker_t *again = NULL;
  assert_int_equal(be()->self(&again, &os_error), WRT_OK);
  assert_ptr_equal(p, again); /* one parker per thread */
  uint32_t t1 = be()->prepare(p);
  uint32_t t2 = be()->prepare(p);
  assert_int_not_equal(t1, 0u);
  assert_int_not_equal(t2, t1);
  wrt_fi_reset();
  assert_int_equal(be()->unpark(p, t1, &os_error), WRT_OK); /* stale */
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 0u);          /* no FUTEX_WAKE */
  uint64_t deadline = be()->now_ns() + 2000000u;
  assert_int_equal(be()->park(p, t2, deadline, &os_error), WRT_E_TIMEOUT);
  assert_true(be()->now_ns() >= deadline);
  /* the live token wakes it, without sleeping */
  assert_int_equal(be()->unpark(p, t2, &os_error), WRT_OK);
  assert_int_equal(be()->park(p, t2, UINT64_MAX, &os_error), WRT_OK);
}

static void sleep_ms(long ms) {
  struct timespec ts = {0, ms * 1000000L};
  (void)nanosleep(&ts, NULL);
}

/* Whether thread tid of this process is asleep ('S' in its stat). */
static int task_sleeps(long tid) {
  char path[64];
  (void)snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return 0;
  }
  char buf[256];
  size_t n = fread(buf, 1u, sizeof buf - 1u, f);
  (void)fclose(f);
  buf[n] = '\0';
  const char *close_paren = strrchr(buf, ')');
  return close_paren != NULL && close_paren[1] == ' ' && close_paren[2] == 'S';
}

typedef struct {
  wrt_parker_t *p;
  uint32_t token;
  _Atomic long tid;
  wrt_status st;
} parked_thread;

static void *park_forever(void *arg) {
  parked_thread *pt = arg;
  int os_error = 0;
  (void)be()->self(&pt->p, &os_error);
  pt->token = be()->prepare(pt->p);
  atomic_store(&pt->tid, (long)gettid());
  pt->st = be()->park(pt->p, pt->token, UINT64_MAX, &os_error);
  return NULL;
}

static void wait_until_asleep(const parked_thread *pt) {
  while (atomic_load(&pt->tid) == 0 || !task_sleeps(atomic_load(&pt->tid))) {
    sleep_ms(1);
  }
}

/* unpark only marks the word (no system call): a park that has not slept
 * ends at once; one that sleeps needs the kick. */
static void unpark_marks_and_the_kick_wakes(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  int os_error = 0;
  assert_int_equal(be()->self(&p, &os_error), WRT_OK);
  uint32_t t = be()->prepare(p);
  wrt_fi_reset();
  assert_int_equal(be()->unpark(p, t, &os_error), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 0u);
  assert_int_equal(be()->park(p, t, UINT64_MAX, &os_error), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 0u);

  static parked_thread pt;
  memset(&pt, 0, sizeof pt);
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, park_forever, &pt), 0);
  wait_until_asleep(&pt);
  assert_int_equal(be()->unpark(pt.p, pt.token, &os_error), WRT_OK);
  sleep_ms(20);
  assert_true(task_sleeps(atomic_load(&pt.tid))); /* marked, still asleep */
  assert_int_equal(be()->kick(pt.p, &os_error), WRT_OK);
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_int_equal(pt.st, WRT_OK);
  wrt_fi_reset();
}

static void *take_parker_and_exit(void *arg) {
  int os_error = 0;
  (void)be()->self((wrt_parker_t **)arg, &os_error);
  return NULL;
}

/* The table kicks after CHOSEN, when the waiter may be gone: a kick of the
 * parker of a thread that has exited names dead memory only, and is
 * harmless (the kernel does not read a private futex word to wake it). */
static void a_kick_after_the_thread_exited_is_harmless(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, take_parker_and_exit, &p), 0);
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_non_null(p);
  int os_error = 0;
  assert_int_equal(be()->kick(p, &os_error), WRT_OK);
}

static void a_failed_kick_is_reported(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  int os_error = 0;
  assert_int_equal(be()->self(&p, &os_error), WRT_OK);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EFAULT);
  assert_int_equal(be()->kick(p, &os_error), WRT_E_OS);
  assert_int_equal(os_error, EFAULT);
  wrt_fi_reset();
}

typedef struct {
  wrt_wait_table_t *t;
  const uint32_t *word;
  _Atomic long tid;
  wrt_status st;
} table_waiter;

static void *wait_100ms(void *arg) {
  table_waiter *w = arg;
  atomic_store(&w->tid, (long)gettid());
  w->st = wrt_wait_table_wait32(w->t, w->word, 0u, 100000000u);
  return NULL;
}

/* A notify whose kick fails (cannot happen for a real parker; injected):
 * the waiter was chosen, so it is counted and its wait returns OK, but
 * nothing wakes it before its deadline; notify reports the failure. */
static void a_notify_whose_kick_fails_reports_it_and_counts_the_waiter(void **state) {
  (void)state;
  static wrt_wait_table_t t;
  static wrt_wait_bucket_t b[1];
  static uint32_t word;
  assert_int_equal(wrt_wait_table_init(&t, b, 1u, be()), WRT_OK);
  static table_waiter w;
  memset(&w, 0, sizeof w);
  w.t = &t;
  w.word = &word;
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, wait_100ms, &w), 0);
  while (atomic_load(&b[0].waiters) == 0u || atomic_load(&w.tid) == 0 ||
         !task_sleeps(atomic_load(&w.tid))) {
    sleep_ms(1);
  }
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EFAULT); /* the kick: the lock is free */
  uint32_t woken = 0u;
  assert_int_equal(wrt_wait_table_notify(&t, &word, 1u, &woken), WRT_E_OS);
  assert_int_equal(woken, 1u);
  assert_int_equal(pthread_join(th, NULL), 0);
  assert_int_equal(w.st, WRT_OK);
  wrt_fi_reset();
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
}

static void park_reports_kernel_errors_and_resumes_after_eintr(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  int os_error = 0;
  assert_int_equal(be()->self(&p, &os_error), WRT_OK);
  uint32_t t = be()->prepare(p);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, ENOSYS);
  assert_int_equal(be()->park(p, t, UINT64_MAX, &os_error), WRT_E_OS);
  assert_int_equal(os_error, ENOSYS);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EINTR);
  assert_int_equal(be()->park(p, t, be()->now_ns() + 3000000u, &os_error), WRT_E_TIMEOUT);
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 2u); /* interrupted, then resumed */
  wrt_fi_reset();
}

/* The table over the real backend with its futex calls failing: a park's
 * kernel error comes back from wait and leaves nothing linked. */
static void table_reports_a_failed_park(void **state) {
  (void)state;
  static wrt_wait_table_t t;
  static wrt_wait_bucket_t b[4];
  static uint32_t word;
  assert_int_equal(wrt_wait_table_init(&t, b, 4u, be()), WRT_OK);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EFAULT); /* the park's FUTEX_WAIT */
  assert_int_equal(wrt_wait_table_wait32(&t, &word, 0u, WRT_WAIT_FOREVER), WRT_E_OS);
  wrt_fi_reset();
  uint32_t woken = 1u;
  assert_int_equal(wrt_wait_table_notify(&t, &word, UINT32_MAX, &woken), WRT_OK);
  assert_int_equal(woken, 0u);
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 0u);
  assert_int_equal(wrt_wait_table_destroy(&t), WRT_OK);
}

int main(void) {
  static const wrt_wait_suite_backend_t linux_backend = {"wait table: linux",
                                                         NULL, futex_calls};
  wrt_wait_suite_backend_t b = linux_backend;
  b.backend = wrt_linux_wait_backend();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(stale_unpark_does_nothing),
      cmocka_unit_test(unpark_marks_and_the_kick_wakes),
      cmocka_unit_test(a_kick_after_the_thread_exited_is_harmless),
      cmocka_unit_test(a_failed_kick_is_reported),
      cmocka_unit_test(a_notify_whose_kick_fails_reports_it_and_counts_the_waiter),
      cmocka_unit_test(park_reports_kernel_errors_and_resumes_after_eintr),
      cmocka_unit_test(table_reports_a_failed_park),
  };
  int failures = cmocka_run_group_tests_name("linux parker", tests, NULL, NULL);
  return failures + wrt_wait_table_suite_run(&b);
}
