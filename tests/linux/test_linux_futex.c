/* test_linux_futex.c - the shared futex suite over the Linux futex, and the
 * Linux-only behaviour: EINTR resumes with the time left, other errors are
 * reported with their errno. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <pthread.h>
#include <time.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "futex_suite.h"
#include "linux_futex_backend.h"
#include "wrt/linux_sync.h"

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void eintr_resumes_with_the_time_left(void **state) {
  (void)state;
  wrt_linux_futex_t f;
  memset(&f, 0, sizeof f);
  assert_int_equal(wrt_linux_futex_init(&f, 0), WRT_OK);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EINTR);
  uint64_t t0 = now_ns();
  assert_int_equal(wrt_futex_wait(&f.base, 0, 10000000), WRT_E_TIMEOUT);
  assert_true(now_ns() - t0 >= 10000000);
  assert_true(wrt_fi_fired());
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 2); /* interrupted, then resumed */
  /* untimed waits retry too: EINTR then a changed word */
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EINTR);
  wrt_futex_set(&f.base, 0);
  assert_int_equal(wrt_futex_wait(&f.base, 1, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  wrt_fi_reset();
}

static void kernel_errors_are_reported(void **state) {
  (void)state;
  wrt_linux_futex_t f;
  memset(&f, 0, sizeof f);
  assert_int_equal(wrt_linux_futex_init(&f, 0), WRT_OK);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EFAULT);
  assert_int_equal(wrt_futex_wait(&f.base, 0, WRT_WAIT_FOREVER), WRT_E_OS);
  assert_int_equal(atomic_load(&f.last_os_error), EFAULT);
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, ENOSYS);
  assert_int_equal(wrt_futex_wake_all(&f.base), WRT_E_OS);
  assert_int_equal(atomic_load(&f.last_os_error), ENOSYS);
  wrt_fi_reset();
  assert_int_equal(wrt_futex_wake_all(&f.base), WRT_OK);
  assert_int_equal(wrt_futex_load(&f.base), 0);
}

static void init_and_getters(void **state) {
  (void)state;
  wrt_linux_futex_t f;
  memset(&f, 0, sizeof f);
  assert_null(wrt_linux_futex_base(&f));
  assert_null(wrt_linux_futex_base(NULL));
  assert_int_equal(wrt_linux_futex_init(NULL, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_futex_wait(wrt_linux_futex_base(&f), 0, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_futex_init(&f, 42), WRT_OK);
  assert_int_equal(wrt_futex_load(wrt_linux_futex_base(&f)), 42);
  wrt_linux_futex_destroy(&f);
  wrt_linux_futex_destroy(&f);
  wrt_linux_futex_destroy(NULL);
  assert_null(wrt_linux_futex_base(&f));
}

/* Issue 15 item 2: init on a live futex, while a thread waits in it, must be
 * refused and leave the word alone; the waiter then sees set + wake_all.
 * Before the fix init returned OK and rewrote the word under the waiter. */
typedef struct {
  wrt_linux_futex_t *f;
  _Atomic int tid;
  wrt_status st;
} reinit_waiter;

static void *reinit_waiter_main(void *arg) {
  reinit_waiter *w = arg;
  atomic_store(&w->tid, wrt_test_thread_id());
  w->st = wrt_futex_wait(&w->f->base, 5u, 10ull * 1000000000ull);
  return NULL;
}

static void reinit_of_a_live_futex_is_refused(void **state) {
  (void)state;
  static wrt_linux_futex_t f; /* zeroed */
  assert_int_equal(wrt_linux_futex_init(&f, 5u), WRT_OK);
  reinit_waiter w = {&f, 0, WRT_E_OS};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, reinit_waiter_main, &w), 0);
  int tid = 0;
  /* Polls the condition (the waiter stopped in the futex call), 10 s at most:
   * only a hang takes that long. */
  uint64_t poll_start = now_ns();
  while ((tid = atomic_load(&w.tid)) == 0 || wrt_test_linux_count_futex_blocked(&tid, 1) != 1) {
    if (now_ns() - poll_start > 10ull * 1000000000ull) {
      fail_msg("the waiter was not blocked in the futex after 10 s");
    }
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  assert_int_equal(wrt_linux_futex_init(&f, 9u), WRT_E_STATE);
  assert_int_equal(wrt_futex_load(&f.base), 5u); /* untouched */
  assert_ptr_equal(wrt_linux_futex_base(&f), &f.base);
  uint64_t t0 = now_ns();
  wrt_futex_set(&f.base, 6u);
  assert_int_equal(wrt_futex_wake_all(&f.base), WRT_OK);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(w.st, WRT_OK);
  assert_true(now_ns() - t0 < 5ull * 1000000000ull); /* woken, not timed out */
  /* destroyed (or zeroed) storage may be initialised again */
  wrt_linux_futex_destroy(&f);
  assert_int_equal(wrt_linux_futex_init(&f, 1u), WRT_OK);
  assert_int_equal(wrt_linux_futex_init(&f, 1u), WRT_E_STATE);
  wrt_linux_futex_destroy(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(eintr_resumes_with_the_time_left),
      cmocka_unit_test(kernel_errors_are_reported),
      cmocka_unit_test(init_and_getters),
      cmocka_unit_test(reinit_of_a_live_futex_is_refused),
  };
  int failures = cmocka_run_group_tests_name("linux futex", tests, NULL, NULL);
  return failures + wrt_futex_suite_run(&wrt_test_linux_futex_backend);
}
