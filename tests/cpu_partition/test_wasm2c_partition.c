/*
 * test_wasm2c_partition.c - the wasm2c adapter's instantiate option
 * (wrt/wasm2c_partition.h): a real wasm2c module (tests/wasm2c/mem.wat, as
 * module "pmem") instantiated in a CPU partition on each backend (Linux
 * cgroup: SKIPPED with the reason where the host refuses; QNX APS on the
 * Neutrino host model). The instance's thread is in the partition while
 * instantiate runs and the module works; release leaves nothing (Linux: the
 * group is gone); a refused partition calls no instantiate.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <nto_sim_aps.h>

#include "pmem.h"
#include "wasm-rt-impl.h"
#include "wrt/wasm2c.h"
#include "wrt/wasm2c_partition.h"

typedef struct {
  Z_pmem_instance_t inst;
  int calls;
  int aps_partition;       /* model: the thread's partition during instantiate */
  bool in_linux_group;     /* Linux: the thread's cpu cgroup names the group */
  const char *group;
} ctx_t;

static bool thread_in_group(const char *group) {
  FILE *f = fopen("/proc/thread-self/cgroup", "r");
  if (f == NULL) {
    return false;
  }
  char line[512];
  bool found = false;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strstr(line, ":cpu:") != NULL || strstr(line, ",cpu:") != NULL ||
        strstr(line, ":cpu,") != NULL) {
      found = strstr(line, group) != NULL;
    }
  }
  fclose(f);
  return found;
}

static void do_instantiate(void *vctx) {
  ctx_t *c = vctx;
  c->calls++;
  c->aps_partition = nto_sim_aps_thread_partition(0);
  c->in_linux_group = c->group != NULL && thread_in_group(c->group);
  Z_pmem_instantiate(&c->inst);
}

static int setup(void **state) {
  (void)state;
  nto_sim_aps_reset();
  return 0;
}
static int teardown(void **state) {
  (void)state;
  return 0;
}

static void test_linux(void **state) {
  (void)state;
  assert_int_equal(wrt_w2c_set_backend(WRT_W2C_BACKEND_LINUX), 0);
  char name[16];
  snprintf(name, sizeof name, "wrtw%d", (int)getpid() % 100000);
  wrt_w2c_instance_options o = {.cpu_partition = name, .cpu_budget_percent = 25};
  wrt_w2c_partition p;
  memset(&p, 0, sizeof p);
  ctx_t c = {.group = name};
  wrt_status st = wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c);
  if (st == WRT_E_PERMISSION || st == WRT_E_UNSUPPORTED) {
    assert_int_equal(c.calls, 0);
    fprintf(stderr, "SKIP: host refuses a cgroup: %s\n", wrt_status_str(st));
    skip();
  }
  assert_int_equal(st, WRT_OK);
  assert_int_equal(c.calls, 1);
  assert_true(c.in_linux_group);
  assert_int_equal(Z_pmemZ_size(&c.inst), 1);
  assert_int_equal(Z_pmemZ_grow(&c.inst, 1), 1);
  Z_pmem_free(&c.inst);
  char path[WRT_CPU_PARTITION_PATH_MAX];
  strcpy(path, p.part.path);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(wrt_w2c_partition_release(&p), WRT_OK);
  assert_int_not_equal(stat(path, &sb), 0);
  assert_false(thread_in_group(name));
  /* Bad options: nothing called. */
  o.cpu_budget_percent = 0;
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_E_INVALID_ARG);
  assert_int_equal(c.calls, 1);
}

static void test_qnx_model(void **state) {
  (void)state;
  assert_int_equal(wrt_w2c_set_backend(WRT_W2C_BACKEND_QNX), 0);
  wrt_w2c_instance_options o = {.cpu_partition = "wasm", .cpu_budget_percent = 25};
  wrt_w2c_partition p;
  memset(&p, 0, sizeof p);
  ctx_t c = {.aps_partition = -1};
#if NTO_SIM_PROFILE < 800
  /* APS not loaded: UNSUPPORTED, instantiate not called. */
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_E_UNSUPPORTED);
  assert_int_equal(c.calls, 0);
  nto_sim_aps_set_loaded(true);
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_OK);
  assert_int_equal(c.calls, 1);
  assert_int_equal(c.aps_partition, p.part.id);
  assert_true(c.aps_partition > 0);
  assert_int_equal(Z_pmemZ_size(&c.inst), 1);
  Z_pmem_free(&c.inst);
  assert_int_equal(wrt_w2c_partition_release(&p), WRT_OK);
  assert_int_equal(nto_sim_aps_thread_partition(0), 0);
  /* The APS partition stays; a second instance adopts it by name. */
  o.adopt_existing = true;
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_OK);
  assert_int_equal(c.aps_partition, p.part.id);
  assert_int_equal(nto_sim_aps_partitions(), 2);
  Z_pmem_free(&c.inst);
  assert_int_equal(wrt_w2c_partition_release(&p), WRT_OK);
  /* Without adopt_existing the name is taken: STATE, nothing called. */
  o.adopt_existing = false;
  int calls = c.calls;
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_E_STATE);
  assert_int_equal(c.calls, calls);
#else
  assert_int_equal(wrt_w2c_instantiate_with(&o, &p, do_instantiate, &c), WRT_E_UNSUPPORTED);
  assert_int_equal(c.calls, 0);
#endif
}

int main(void) {
  wasm_rt_init();
  Z_pmem_init_module();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_linux, setup, teardown),
      cmocka_unit_test_setup_teardown(test_qnx_model, setup, teardown),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  wasm_rt_free();
  return failed;
}
