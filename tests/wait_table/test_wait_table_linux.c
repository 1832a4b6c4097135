/*
 * test_wait_table_linux.c - the shared wait table suite over the Linux
 * backend (futex syscalls counted through the --wrap fault injector), and
 * the Linux parker's own rules: a stale unpark does nothing, a failed
 * FUTEX_WAKE is retried by the next unpark, kernel errors are reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

static void a_failed_wake_is_retried_by_the_next_unpark(void **state) {
  (void)state;
  wrt_parker_t *p = NULL;
  int os_error = 0;
  assert_int_equal(be()->self(&p, &os_error), WRT_OK);
  uint32_t t = be()->prepare(p);
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_FUTEX, 1, EFAULT);
  assert_int_equal(be()->unpark(p, t, &os_error), WRT_E_OS);
  assert_int_equal(os_error, EFAULT);
  assert_int_equal(be()->unpark(p, t, &os_error), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_FUTEX), 2u); /* the wake was issued again */
  assert_int_equal(be()->park(p, t, UINT64_MAX, &os_error), WRT_OK);
  wrt_fi_reset();
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
      cmocka_unit_test(a_failed_wake_is_retried_by_the_next_unpark),
      cmocka_unit_test(park_reports_kernel_errors_and_resumes_after_eintr),
      cmocka_unit_test(table_reports_a_failed_park),
  };
  int failures = cmocka_run_group_tests_name("linux parker", tests, NULL, NULL);
  return failures + wrt_wait_table_suite_run(&b);
}
