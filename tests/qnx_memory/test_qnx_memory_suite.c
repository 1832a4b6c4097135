/*
 * test_qnx_memory_suite.c - the shared, backend-neutral memory suite run
 * unchanged against the QNX allocator on the Neutrino host model: once with
 * the plain config, once with every committed byte charged to a partition
 * and committed MAP_LAZY. The suite iterates both strategies and guards on
 * and off. After each run the partition must be back to zero (no budget
 * leaked on any path the suite takes). Test code only; linked with WRAP.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "memory_suite.h"
#include "wrt/qnx_memory.h"

static wrt_qnx_partition_t g_part;
static bool g_use_partition;

static wrt_page_allocator_t *create(void *storage, const wrt_mem_test_options_t *o,
                                    wrt_status *status) {
  wrt_qnx_allocator_t *a = storage;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.guard_pages = o->guard_pages;
  if (o->guard_size != 0)
    c.guard_size = o->guard_size;
  if (o->max_pages != 0)
    c.max_pages = o->max_pages;
  c.growth = o->growth;
  c.reserve_pages = o->reserve_pages;
  if (o->set_guards) {
    c.guard_before = o->guard_before;
    c.guard_after = o->guard_after;
  }
  c.guard_reach = o->guard_reach;
  c.no_move = o->no_move;
  c.memory64 = o->memory64;
  if (g_use_partition) {
    c.partition = &g_part;
    c.lazy = true;
  }
  *status = wrt_qnx_allocator_init(a, &c);
  return *status == WRT_OK ? wrt_qnx_allocator_base(a) : NULL;
}

static void destroy(void *storage) { wrt_qnx_allocator_destroy(storage); }

static int last_os_error(void *storage) {
  return ((wrt_qnx_allocator_t *)storage)->last_os_error;
}

int main(void) {
  _Static_assert(sizeof(wrt_qnx_allocator_t) <= 4096, "suite storage is 4 KiB");
  const wrt_mem_backend_t plain = {"qnx", create, destroy, last_os_error, true};
  const wrt_mem_backend_t budget = {"qnx+partition+lazy", create, destroy, last_os_error, false};
  int failures = wrt_memory_suite_run(&plain);
  /* 4 GiB and 8 pages: the largest region the suite makes (memory64:
   * 65537 pages) fits, so only leaks show. */
  if (wrt_qnx_partition_init(&g_part, ((size_t)WRT_WASM_MAX_PAGES + 8u) * WRT_WASM_PAGE_SIZE) !=
      WRT_OK)
    return 1;
  g_use_partition = true;
  failures += wrt_memory_suite_run(&budget);
  if (wrt_qnx_partition_used(&g_part) != 0u) {
    fprintf(stderr, "partition leaked %zu bytes\n", wrt_qnx_partition_used(&g_part));
    failures++;
  }
  return failures;
}
