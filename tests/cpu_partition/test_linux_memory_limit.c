/*
 * test_linux_memory_limit.c - the Linux OS-enforced memory budget
 * (src/linux/linux_memory_limit.c): RLIMIT_AS refuses an allocation with
 * WRT_E_NO_MEMORY, ENOMEM kept, nothing changed, and release restores the
 * old limit; the memory cgroup is made, holds the process, and is removed
 * on release and on every injected failure (the tree is checked clean).
 * Real-cgroup tests SKIP with the reason where the host refuses.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rlimit_probe.h"
#include "cgroup_fault.h"
#include "cp_test_util.h"
#include "wrt/linux_memory.h"
#include "wrt/memory_limit.h"

#define PREFIX "wrtm"
#define MIB (1024u * 1024u)

static uint64_t vm_size(void) {
  uint64_t v = cp_vm_size();
  assert_true(v > 0);
  return v;
}

static uint64_t soft_as(void) {
  struct rlimit rl;
  assert_int_equal(getrlimit(RLIMIT_AS, &rl), 0);
  return (uint64_t)rl.rlim_cur;
}

static void test_arguments(void **state) {
  (void)state;
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE, .bytes = 0};
  assert_int_equal(wrt_linux_memory_limit_apply(NULL, &c), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_memory_limit_apply(&l, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_INVALID_ARG);
  c.bytes = 1u << 30;
  c.kind = (wrt_memory_limit_kind)7;
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_INVALID_ARG);
  c.kind = WRT_MEMORY_LIMIT_CGROUP;
  c.name = "9bad";
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_E_STATE);
  assert_int_equal(wrt_linux_memory_limit_release(NULL), WRT_E_INVALID_ARG);
  assert_false(l.live);
}

/* The limit refuses the allocation, keeps ENOMEM, changes nothing; after
 * release the same allocation succeeds. */
static void test_address_space(void **state) {
  (void)state;
  wrt_need_rlimit_as(); /* qemu-user: accepted, not applied */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  skip(); /* the sanitizers' own mappings need address space we would cap */
#endif
  uint64_t before = soft_as();
  wrt_linux_allocator_t a;
  memset(&a, 0, sizeof a);
  wrt_linux_allocator_config_t cfg = wrt_linux_allocator_config_default();
  assert_int_equal(wrt_linux_allocator_init(&a, &cfg), WRT_OK);
  wrt_memory_limit_t l = {0};
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE,
                                 .bytes = vm_size() + 256u * MIB};
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_OK);
  assert_int_equal(soft_as(), c.bytes);
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_STATE);
  uint8_t *base = NULL;
  size_t size = 0;
  /* RESERVE reserves the whole 4 GiB maximum: over the limit. */
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, 65536, &base, &size),
                   WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, ENOMEM);
  assert_null(base);
  /* Nothing changed: a small region still fits. */
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, 16, &base, &size),
                   WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(wrt_linux_allocator_base(&a), base, size), WRT_OK);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_OK);
  assert_int_equal(soft_as(), before);
  assert_int_equal(wrt_page_allocator_allocate(wrt_linux_allocator_base(&a), 1, 65536, &base, &size),
                   WRT_OK);
  wrt_linux_allocator_destroy(&a);
}

/* Above the hard limit: LIMIT, and the soft limit is unchanged (in a child,
 * whose hard limit we may lower for good). */
static void test_above_hard_limit(void **state) {
  (void)state;
  wrt_need_rlimit_as(); /* qemu-user: accepted, not applied */
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    struct rlimit rl = {.rlim_cur = (rlim_t)(vm_size() + 512u * MIB),
                        .rlim_max = (rlim_t)(vm_size() + 512u * MIB)};
    if (setrlimit(RLIMIT_AS, &rl) != 0) {
      _exit(3);
    }
    wrt_memory_limit_t l = {0};
    wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_ADDRESS_SPACE,
                                   .bytes = (uint64_t)rl.rlim_max + 4096u};
    wrt_status st = wrt_linux_memory_limit_apply(&l, &c);
    struct rlimit now;
    getrlimit(RLIMIT_AS, &now);
    _exit(st == WRT_E_LIMIT && !l.live && now.rlim_cur == rl.rlim_cur ? 0 : 4);
  }
  int ws = 0;
  assert_int_equal(waitpid(child, &ws, 0), child);
  assert_true(WIFEXITED(ws));
  assert_int_equal(WEXITSTATUS(ws), 0);
}

/* --- memory cgroup --------------------------------------------------------- */

static char g_parent[512];

static unsigned our_groups(const char *dir) { return cp_our_groups(dir, PREFIX); }

static int pid_in(const char *dir) {
  char path[600];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    return 0;
  }
  int v, found = 0;
  while (fscanf(f, "%d", &v) == 1) {
    found |= v == (int)getpid();
  }
  fclose(f);
  return found;
}

static const char *cg_name(void) {
  static char n[16];
  snprintf(n, sizeof n, PREFIX "%d", (int)getpid() % 1000000);
  return n;
}

/* Applies a cgroup limit, or skips with the host's reason. */
static void apply_or_skip(wrt_memory_limit_t *l, uint64_t bytes) {
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_CGROUP, .bytes = bytes,
                                 .name = cg_name()};
  wrt_status st = wrt_linux_memory_limit_apply(l, &c);
  if (st == WRT_E_PERMISSION || st == WRT_E_UNSUPPORTED) {
    fprintf(stderr, "SKIP: host refuses a memory cgroup: %s (errno %d)\n", wrt_status_str(st),
            wrt_memory_limit_os_error(l));
    skip();
  }
  assert_int_equal(st, WRT_OK);
  snprintf(g_parent, sizeof g_parent, "%s", l->parent);
}

static void test_cgroup_lifecycle(void **state) {
  (void)state;
  wrt_memory_limit_t l = {0};
  apply_or_skip(&l, 512u * MIB);
  unsigned after_apply = our_groups(g_parent);
  assert_true(after_apply >= 1u);
  assert_true(pid_in(l.path));
  char file[600];
  snprintf(file, sizeof file, "%s/%s", l.path,
           l.cg_version == 1 ? "memory.limit_in_bytes" : "memory.max");
  FILE *f = fopen(file, "r");
  assert_non_null(f);
  unsigned long long v = 0;
  assert_int_equal(fscanf(f, "%llu", &v), 1);
  fclose(f);
  assert_int_equal(v, 512u * MIB);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_OK);
  assert_false(l.live);
  assert_true(pid_in(g_parent));
  assert_int_equal(our_groups(g_parent), after_apply - 1u);
}

static void test_cgroup_failures(void **state) {
  (void)state;
  wrt_memory_limit_t l = {0};
  apply_or_skip(&l, 512u * MIB);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_OK);
  unsigned before = our_groups(g_parent);
  wrt_memory_limit_config_t c = {.kind = WRT_MEMORY_LIMIT_CGROUP, .bytes = 512u * MIB,
                                 .name = cg_name()};
  for (unsigned n = 1; n <= 2; n++) { /* the limit file, then cgroup.procs */
    cgf_reset();
    cgf_fail_nth(CGF_WRITE, n, EINVAL);
    assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_OS);
    assert_true(cgf_fired());
    assert_int_equal(wrt_memory_limit_os_error(&l), EINVAL);
    assert_false(l.live);
    assert_int_equal(our_groups(g_parent), before);
    assert_true(pid_in(g_parent));
  }
  cgf_reset();
  cgf_fail_nth(CGF_MKDIR, 1, EACCES);
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_PERMISSION);
  cgf_reset();
  cgf_fail_nth(CGF_OPEN, 1, EIO); /* /proc/self/mounts */
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_E_OS);
  assert_int_equal(our_groups(g_parent), before);
  /* A failed release leaves the limit live; a second one finishes. */
  cgf_reset();
  assert_int_equal(wrt_linux_memory_limit_apply(&l, &c), WRT_OK);
  cgf_fail_nth(CGF_RMDIR, 1, EBUSY);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_E_STATE);
  assert_true(l.live);
  assert_int_equal(wrt_linux_memory_limit_release(&l), WRT_OK);
  assert_int_equal(our_groups(g_parent), before);
  assert_true(pid_in(g_parent));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_address_space),
      cmocka_unit_test(test_above_hard_limit),
      cmocka_unit_test(test_cgroup_lifecycle),
      cmocka_unit_test(test_cgroup_failures),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
