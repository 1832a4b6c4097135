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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rlimit_probe.h"
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
  wrt_need_rlimit_as(); /* qemu-user: accepted, not applied */
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

/* Release after the hard limit came down below the saved soft limit: it
 * puts the soft limit as high as the hard one now allows and the limit is
 * no longer live, as the Linux backend does (rlimit_release). Lowering a
 * hard limit cannot be undone without privilege, so a child does it. */
static int release_after_hard_lowered(void) {
  uint64_t vm = cp_vm_size();
  if (vm == 0u) {
    return 10;
  }
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    return 11;
  }
  rl.rlim_cur = (rlim_t)(vm + (3ull << 30)); /* a finite soft limit to restore */
  if (setrlimit(RLIMIT_AS, &rl) != 0) {
    return 12;
  }
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE,
                                 .bytes = vm + (1ull << 30)};
  if (wrt_qnx_memory_limit_apply(&l, &c) != WRT_OK) {
    return 13;
  }
  struct rlimit lower = {.rlim_cur = (rlim_t)c.bytes, .rlim_max = (rlim_t)(vm + (2ull << 30))};
  if (setrlimit(RLIMIT_AS, &lower) != 0) {
    return 14;
  }
  if (wrt_qnx_memory_limit_release(&l) != WRT_OK) {
    return 15;
  }
  if (l.live || wrt_memory_limit_os_error(&l) != 0) {
    return 16;
  }
  struct rlimit after;
  if (getrlimit(RLIMIT_AS, &after) != 0 || after.rlim_cur != lower.rlim_max) {
    return 17;
  }
  return 0;
}


/* A limit above the hard one is LIMIT with no OS call failed: os_error 0,
 * not whatever errno a previous call left (child: a finite hard limit). */
static int limit_without_stale_errno(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0) {
    return 20;
  }
  uint64_t hard = cp_vm_size() + (2ull << 30);
  if (rl.rlim_max != RLIM_INFINITY && (uint64_t)rl.rlim_max < hard) {
    hard = (uint64_t)rl.rlim_max;
  }
  rl.rlim_cur = (rlim_t)hard;
  rl.rlim_max = (rlim_t)hard;
  if (setrlimit(RLIMIT_AS, &rl) != 0) {
    return 21;
  }
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE, .bytes = hard + 4096u};
  errno = EBADF;
  if (wrt_qnx_memory_limit_apply(&l, &c) != WRT_E_LIMIT) {
    return 22;
  }
  return l.live ? 23 : (wrt_memory_limit_os_error(&l) != 0 ? 24 : 0);
}

static void run_in_child(int (*fn)(void)) {
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    _exit(fn());
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_release_after_hard_limit_lowered(void **state) {
  (void)state;
  wrt_need_rlimit_as(); /* qemu-user: accepted, not applied */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  skip();
#endif
  run_in_child(release_after_hard_lowered);
}

static void test_limit_keeps_no_stale_errno(void **state) {
  (void)state;
  wrt_need_rlimit_as(); /* qemu-user: accepted, not applied */
  run_in_child(limit_without_stale_errno);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_unsupported_and_args),
      cmocka_unit_test(test_address_space),
      cmocka_unit_test(test_release_after_hard_limit_lowered),
      cmocka_unit_test(test_limit_keeps_no_stale_errno),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
