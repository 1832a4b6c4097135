/*
 * test_linux_cpu_partition.c - the Linux CPU-partition backend
 * (src/linux/linux_cpu_partition.c) on this host's real cgroup tree where
 * it may create groups (root with a cpu controller), else SKIPPED with the
 * reason; argument checks and a prepared fake tree run everywhere.
 * Every failure is injected (cgroup_fault.c) and every test checks that no
 * group of ours is left in the tree afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cgroup_fault.h"
#include "cp_test_util.h"
#include "wrt/cpu_partition.h"

#define PREFIX "wrtt"

static unsigned our_groups(const char *dir) { return cp_our_groups(dir, PREFIX); }

static char g_name[16];
static const char *name(void) {
  snprintf(g_name, sizeof g_name, PREFIX "%d", (int)getpid() % 1000000);
  return g_name;
}

/* The real cpu hierarchy this test uses, or NULL (then real tests skip). */
static const char *real_mount(void) {
  static const char *const candidates[] = {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"};
  for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
    char p[128];
    snprintf(p, sizeof p, "%s/cpu.shares", candidates[i]);
    if (access(p, F_OK) == 0) {
      return candidates[i];
    }
  }
  return NULL;
}

static wrt_cpu_partition_config_t cfg_of(const char *n, uint32_t budget) {
  wrt_cpu_partition_config_t c = {.name = n, .budget_percent = budget};
  return c;
}

/* Creates on the real tree, or skips the test with the host's reason. */
static void create_or_skip(wrt_cpu_partition_t *p, uint32_t budget) {
  wrt_cpu_partition_config_t c = cfg_of(name(), budget);
  wrt_status st = wrt_linux_cpu_partition_create(p, &c);
  if (st == WRT_E_PERMISSION || st == WRT_E_UNSUPPORTED) {
    fprintf(stderr, "SKIP: host refuses cgroups: %s (errno %d)\n", wrt_status_str(st),
            wrt_cpu_partition_os_error(p));
    skip();
  }
  assert_int_equal(st, WRT_OK);
}

static void test_arguments(void **state) {
  (void)state;
  wrt_cpu_partition_t p = {0};
  wrt_cpu_partition_config_t c = cfg_of("ok", 20);
  assert_int_equal(wrt_linux_cpu_partition_create(NULL, &c), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, NULL), WRT_E_INVALID_ARG);
  const char *bad[] = {"", "1abc", "a/b", "a b", "sixteen_chars_xx", "..", NULL};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    c = cfg_of(bad[i], 20);
    assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_INVALID_ARG);
  }
  c = cfg_of("ok", 0);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_INVALID_ARG);
  c = cfg_of("ok", 101);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_INVALID_ARG);
  c = cfg_of("ok", 20);
  c.critical_budget_ms = 5; /* no such thing in cgroups: said, not ignored */
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_UNSUPPORTED);
  assert_false(p.live);
  assert_int_equal(wrt_linux_cpu_partition_join(&p, 0), WRT_E_STATE);
  assert_int_equal(wrt_linux_cpu_partition_leave(&p, 0), WRT_E_STATE);
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_E_STATE);
  wrt_cpu_partition_info_t info;
  assert_int_equal(wrt_linux_cpu_partition_query(&p, &info), WRT_E_STATE);
  assert_int_equal(wrt_linux_cpu_partition_query(NULL, &info), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_cpu_partition_join(NULL, 0), WRT_E_INVALID_ARG);
}

static int read_int(const char *dir, const char *file) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int v = -1;
  assert_int_equal(fscanf(f, "%d", &v), 1);
  fclose(f);
  return v;
}

/* Is tid listed in dir/tasks? */
static int in_tasks(const char *dir, int tid) {
  char path[256];
  snprintf(path, sizeof path, "%s/tasks", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  int v, found = 0;
  while (fscanf(f, "%d", &v) == 1) {
    found |= v == tid;
  }
  fclose(f);
  return found;
}

static void test_real_lifecycle(void **state) {
  (void)state;
  const char *mount = real_mount();
  unsigned before = mount != NULL ? our_groups(mount) : 0u;
  wrt_cpu_partition_t p = {0};
  create_or_skip(&p, 20);
  assert_true(p.live);
  assert_int_equal(read_int(p.path, "cpu.shares"), 20 * 1024);
  /* Guaranteed minimum, not a cap: no quota set. */
  assert_int_equal(read_int(p.path, "cpu.cfs_quota_us"), -1);
  /* A second partition with the same name: refused, the first untouched. */
  wrt_cpu_partition_t q = {0};
  wrt_cpu_partition_config_t c = cfg_of(name(), 30);
  assert_int_equal(wrt_linux_cpu_partition_create(&q, &c), WRT_E_STATE);
  assert_false(q.live);
  assert_int_equal(read_int(p.path, "cpu.shares"), 20 * 1024);
  /* Join: the thread is in the group's tasks. */
  assert_int_equal(wrt_linux_cpu_partition_join(&p, 0), WRT_OK);
  assert_true(in_tasks(p.path, (int)gettid()));
  /* Destroy while a thread is in it: EBUSY, nothing changes. */
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_E_STATE);
  assert_int_equal(wrt_cpu_partition_os_error(&p), EBUSY);
  assert_true(p.live);
  assert_int_equal(access(p.path, F_OK), 0);
  wrt_cpu_partition_info_t info;
  assert_int_equal(wrt_linux_cpu_partition_query(&p, &info), WRT_OK);
  assert_int_equal(info.budget_percent, 20);
  /* A thread that does not exist: ESRCH -> INVALID_ARG. */
  assert_int_equal(wrt_linux_cpu_partition_join(&p, 0x3fffffff), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_cpu_partition_join(&p, -5), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_linux_cpu_partition_leave(&p, 0), WRT_OK);
  assert_false(in_tasks(p.path, (int)gettid()));
  char path[WRT_CPU_PARTITION_PATH_MAX];
  strcpy(path, p.path);
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_OK);
  assert_false(p.live);
  assert_int_not_equal(access(path, F_OK), 0);
  assert_int_equal(our_groups(mount), before);
}

/* Fail each file call of create in turn: the status says why, and no group
 * is left behind whichever call failed. */
static void test_real_create_failures(void **state) {
  (void)state;
  const char *mount = real_mount();
  wrt_cpu_partition_t p = {0};
  create_or_skip(&p, 20); /* proves the host lets us; then measure a run */
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_OK);
  unsigned before = our_groups(mount);
  cgf_reset();
  wrt_cpu_partition_config_t c = cfg_of(name(), 20);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_OK);
  unsigned opens = cgf_calls(CGF_OPEN), writes = cgf_calls(CGF_WRITE);
  assert_int_equal(cgf_calls(CGF_MKDIR), 1);
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_OK);
  for (unsigned n = 1; n <= opens; n++) {
    cgf_reset();
    cgf_fail_nth(CGF_OPEN, n, EIO);
    wrt_status st = wrt_linux_cpu_partition_create(&p, &c);
    assert_true(cgf_fired());
    assert_int_not_equal(st, WRT_OK);
    assert_false(p.live);
    assert_int_equal(our_groups(mount), before);
  }
  for (unsigned n = 1; n <= writes; n++) {
    cgf_reset();
    cgf_fail_nth(CGF_WRITE, n, EINVAL);
    assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_OS);
    assert_int_equal(wrt_cpu_partition_os_error(&p), EINVAL);
    assert_int_equal(our_groups(mount), before);
  }
  const int perm[] = {EACCES, EPERM, EROFS};
  for (size_t i = 0; i < 3; i++) {
    cgf_reset();
    cgf_fail_nth(CGF_MKDIR, 1, perm[i]);
    assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_PERMISSION);
    assert_int_equal(wrt_cpu_partition_os_error(&p), perm[i]);
  }
  cgf_reset();
  cgf_fail_nth(CGF_MKDIR, 1, ENOSPC);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_LIMIT);
  cgf_reset();
  cgf_fail_nth(CGF_READ, 1, EIO);
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_OS);
  assert_int_equal(our_groups(mount), before);
  /* Join and destroy failures change nothing. */
  cgf_reset();
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_OK);
  cgf_fail_nth(CGF_WRITE, 1, EACCES);
  assert_int_equal(wrt_linux_cpu_partition_join(&p, 0), WRT_E_PERMISSION);
  assert_false(in_tasks(p.path, (int)gettid()));
  cgf_fail_nth(CGF_RMDIR, 1, EIO);
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_E_OS);
  assert_true(p.live);
  assert_int_equal(wrt_linux_cpu_partition_destroy(&p), WRT_OK);
  assert_int_equal(our_groups(mount), before);
}

/* Without privilege: a child that gave up root gets WRT_E_PERMISSION, never
 * a silent no-op, and creates nothing. */
static void test_no_privilege(void **state) {
  (void)state;
  const char *mount = real_mount();
  if (mount == NULL || geteuid() != 0) {
    fprintf(stderr, "SKIP: needs root and a v1 cpu hierarchy to drop privilege from\n");
    skip();
  }
  unsigned before = our_groups(mount);
  pid_t child = fork();
  assert_true(child >= 0);
  if (child == 0) {
    if (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0) {
      _exit(3);
    }
    wrt_cpu_partition_t p = {0};
    wrt_cpu_partition_config_t c = cfg_of(name(), 20);
    wrt_status st = wrt_linux_cpu_partition_create(&p, &c);
    _exit(st == WRT_E_PERMISSION ? 0 : 10 + (int)st);
  }
  int ws = 0;
  assert_int_equal(waitpid(child, &ws, 0), child);
  assert_true(WIFEXITED(ws));
  assert_int_equal(WEXITSTATUS(ws), 0);
  assert_int_equal(our_groups(mount), before);
}

/* A prepared tree (any user): a mount given in the config that has the v1
 * marker but whose new group lacks cpu.shares (what a mount without the cpu
 * controller looks like): UNSUPPORTED, and the made directory is removed. */
static void test_fake_tree(void **state) {
  (void)state;
  char dir[] = "/tmp/wrt-cg-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char marker[64];
  snprintf(marker, sizeof marker, "%s/cpu.shares", dir);
  int fd = open(marker, O_CREAT | O_WRONLY, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "1024\n", 5), 5);
  close(fd);
  wrt_cpu_partition_t p = {0};
  wrt_cpu_partition_config_t c = cfg_of(PREFIX "fake", 20);
  c.cgroup_mount = dir;
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_UNSUPPORTED);
  assert_false(p.live);
  assert_int_equal(our_groups(dir), 0);
  /* The same with the v2 marker: the v2 path (cgroup.type, cpu.weight)
   * finds no control file in the new directory, and removes it. */
  unlink(marker);
  snprintf(marker, sizeof marker, "%s/cgroup.controllers", dir);
  fd = open(marker, O_CREAT | O_WRONLY, 0644);
  assert_true(fd >= 0);
  assert_int_equal(write(fd, "cpu\n", 4), 4);
  close(fd);
  c.cgroup_mount = dir;
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_UNSUPPORTED);
  assert_int_equal(wrt_cpu_partition_os_error(&p), ENOENT);
  assert_false(p.live);
  assert_int_equal(our_groups(dir), 0);
  /* A mount that is no cgroup at all. */
  c.cgroup_mount = "/tmp";
  assert_int_equal(wrt_linux_cpu_partition_create(&p, &c), WRT_E_UNSUPPORTED);
  unlink(marker);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_fake_tree),
      cmocka_unit_test(test_real_lifecycle),
      cmocka_unit_test(test_real_create_failures),
      cmocka_unit_test(test_no_privilege),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
