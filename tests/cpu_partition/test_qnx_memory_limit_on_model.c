/*
 * test_qnx_memory_limit_on_model.c - src/qnx/qnx_memory_limit.c on the
 * Neutrino host model: the RLIMIT_AS budget (built on
 * wrt_qnx_set_process_memory_cap) refuses the QNX allocator's reservation
 * with WRT_E_NO_MEMORY and ENOMEM kept (the model checks every mapping
 * against the soft limit, mm_rlimit.c:22-30), changes nothing, and release
 * restores the old limit; a cgroup kind is UNSUPPORTED on QNX. Results are
 * on the Neutrino host model, not on QNX.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "cp_test_util.h"
#include "wrt/memory_limit.h"
#include "wrt/qnx_memory.h"


static void test_unsupported_and_args(void **state) {
  (void)state;
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_CGROUP, .bytes = 1u << 30,
                                 .name = "wasm"};
  assert_int_equal(wrt_qnx_memory_limit_apply(&l, &c), WRT_E_UNSUPPORTED);
  c.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE;
  c.bytes = 0;
  assert_int_equal(wrt_qnx_memory_limit_apply(&l, &c), WRT_E_INVALID_ARG);
  c.bytes = WRT_QNX_MEMORY_CAP_NONE;
  assert_int_equal(wrt_qnx_memory_limit_apply(&l, &c), WRT_E_INVALID_ARG);
  c.bytes = 1u << 30;
  assert_int_equal(wrt_qnx_memory_limit_apply(NULL, &c), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_memory_limit_apply(&l, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_memory_limit_release(&l), WRT_E_STATE);
  assert_false(l.live);
}

static void test_address_space(void **state) {
  (void)state;
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  skip();
#endif
  struct rlimit before;
  assert_int_equal(getrlimit(RLIMIT_AS, &before), 0);
  wrt_qnx_allocator_t a;
  memset(&a, 0, sizeof a);
  wrt_qnx_allocator_config_t cfg = wrt_qnx_allocator_config_default();
  assert_int_equal(wrt_qnx_allocator_init(&a, &cfg), WRT_OK);
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE,
                                 .bytes = cp_vm_size() + (256u << 20)};
  assert_int_equal(wrt_qnx_memory_limit_apply(&l, &c), WRT_OK);
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, 65536, &base, &size),
                   WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, ENOMEM);
  assert_null(base);
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, 16, &base, &size),
                   WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(wrt_qnx_allocator_base(&a), base, size), WRT_OK);
  assert_int_equal(wrt_qnx_memory_limit_release(&l), WRT_OK);
  struct rlimit after;
  assert_int_equal(getrlimit(RLIMIT_AS, &after), 0);
  assert_true(after.rlim_cur == before.rlim_cur);
  wrt_qnx_allocator_destroy(&a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unsupported_and_args),
      cmocka_unit_test(test_address_space),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
