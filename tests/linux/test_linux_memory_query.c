/* test_linux_memory_query.c - the shared suite's region-query tests that
 * involve a second thread or a signal handler, over the Linux allocator, as
 * a program of its own so that the TSan run (label "threads") covers the
 * query's lock-free latch. Test code only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "memory_suite.h"
#include "wrt/linux_memory.h"

static wrt_page_allocator_t *create(void *storage, const wrt_mem_test_options_t *o,
                                    wrt_status *status) {
  wrt_linux_allocator_t *a = storage;
  wrt_linux_allocator_config_t c = wrt_linux_allocator_config_default();
  c.guard_pages = o->guard_pages;
  if (o->max_pages != 0)
    c.max_pages = o->max_pages;
  c.growth = o->growth;
  c.reserve_pages = o->reserve_pages;
  *status = wrt_linux_allocator_init(a, &c);
  return *status == WRT_OK ? wrt_linux_allocator_base(a) : NULL;
}

static void destroy(void *storage) { wrt_linux_allocator_destroy(storage); }

static int last_os_error(void *storage) {
  return ((wrt_linux_allocator_t *)storage)->last_os_error;
}

int main(void) {
  static const wrt_mem_backend_t backend = {"linux", create, destroy, last_os_error, false};
  return wrt_memory_suite_run_query_threads(&backend);
}
