/*
 * test_pool_qnx.c - the slot pool on the QNX backend over the Neutrino host
 * model: the shared pool suite, with the model's posix_madvise (QNX's
 * POSIX_MADV_DISCARD_NP) counted and failed through the fault injector.
 * Test code only.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "pool_suite.h"

static unsigned discard_calls(void) {
  return wrt_fi_calls(WRT_FI_MADVISE);
}

static void fail_discard_nth(unsigned nth, int err) {
  wrt_fi_fail_nth(WRT_FI_MADVISE, nth, err);
}

/* A 6.x memory manager refuses POSIX_MADV_DISCARD_NP with EINVAL
 * (memmgr_ctrl.c:157-160): the release then zeroes the pages in place and
 * still succeeds, and the slot reads as zero again. */
static void discard_einval_falls_back_to_zeroing(void **state) {
  (void)state;
  static wrt_pool_t pool;
  static wrt_pool_slot_t slots[1];
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 4;
  assert_int_equal(wrt_qnx_pool_init(&pool, slots, 1, &c), WRT_OK);
  wrt_page_allocator_t *a = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_acquire(&pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 3, 4, &base, &size), WRT_OK);
  memset(base, 0x77, size);
  wrt_fi_reset();
#if defined(POSIX_MADV_DISCARD_NP)
  wrt_fi_fail_nth(WRT_FI_MADVISE, 1, EINVAL);
  assert_int_equal(wrt_pool_release(&pool, a), WRT_OK);
  assert_true(wrt_fi_fired());
#else
  /* SDP 6.4/6.6 headers (profile 640): no discard call is made at all. */
  assert_int_equal(wrt_pool_release(&pool, a), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_MADVISE), 0u);
#endif
  wrt_fi_reset();
  assert_int_equal(wrt_pool_acquire(&pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 3, 4, &base, &size), WRT_OK);
  for (size_t i = 0; i < size; i++) {
    assert_int_equal(base[i], 0);
  }
  assert_int_equal(wrt_pool_release(&pool, a), WRT_OK);
  assert_int_equal(wrt_pool_destroy(&pool), WRT_OK);
}

int main(void) {
  static const pool_backend_t b = {"pool (qnx model)", wrt_qnx_pool_init, discard_calls,
                                   fail_discard_nth,
#if defined(POSIX_MADV_DISCARD_NP)
                                   true
#else
                                   false
#endif
  };
  const struct CMUnitTest qnx_only[] = {cmocka_unit_test(discard_einval_falls_back_to_zeroing)};
  int failed = pool_suite_run(&b);
  return failed + cmocka_run_group_tests_name("pool (qnx model, 6.x discard)", qnx_only, NULL,
                                              NULL);
}
