/*
 * test_qnx_memory_threads.c - a partition shared by allocators on several
 * threads: concurrent charges never take it past its limit, and every
 * refund comes back. Label `threads` (run under TSan). Test code only.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "wrt/qnx_memory.h"

#define THREADS 4
#define ROUNDS 150
#define LIMIT_PAGES 6u

static wrt_qnx_partition_t g_part;
static atomic_size_t g_over;     /* times a thread saw used > limit */
static atomic_uint g_limited;    /* LIMIT answers seen */
static atomic_uint g_succeeded;  /* allocations that succeeded */
static atomic_uint g_errors;     /* any other status */

/* Each thread holds 1..3 pages at a time and grows by one when it can: with
 * 4 threads the wanted total (up to 16 pages) is well past the 6-page limit,
 * so charges race at the limit. */
static void *worker(void *arg) {
  unsigned seed = (unsigned)(uintptr_t)arg;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = 4;
  c.growth = (seed % 2u) ? WRT_GROW_EXACT : WRT_GROW_RESERVE;
  c.partition = &g_part;
  wrt_qnx_allocator_t a;
  if (wrt_qnx_allocator_init(&a, &c) != WRT_OK) {
    atomic_fetch_add(&g_errors, 1u);
    return NULL;
  }
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  for (int i = 0; i < ROUNDS; i++) {
    seed = seed * 1103515245u + 12345u;
    uint32_t pages = 1u + (seed >> 16) % 3u;
    uint8_t *base;
    size_t size;
    wrt_status st = wrt_page_allocator_allocate(pa, pages, WRT_MAX_PAGES_NONE, &base, &size);
    if (wrt_qnx_partition_used(&g_part) > wrt_qnx_partition_limit(&g_part))
      atomic_fetch_add(&g_over, 1u);
    if (st == WRT_E_LIMIT) {
      atomic_fetch_add(&g_limited, 1u);
      continue;
    }
    if (st != WRT_OK) {
      atomic_fetch_add(&g_errors, 1u);
      continue;
    }
    atomic_fetch_add(&g_succeeded, 1u);
    base[0] = 1;
    st = wrt_page_allocator_grow(pa, pages, 1, &base, &size);
    if (st == WRT_E_LIMIT)
      atomic_fetch_add(&g_limited, 1u);
    else if (st != WRT_OK)
      atomic_fetch_add(&g_errors, 1u);
    if (wrt_qnx_partition_used(&g_part) > wrt_qnx_partition_limit(&g_part))
      atomic_fetch_add(&g_over, 1u);
    if (wrt_page_allocator_deallocate(pa, a.mem_base, a.mem_size) != WRT_OK)
      atomic_fetch_add(&g_errors, 1u);
  }
  wrt_qnx_allocator_destroy(&a);
  return NULL;
}

static void test_concurrent_charges_never_exceed(void **state) {
  (void)state;
  assert_int_equal(wrt_qnx_partition_init(&g_part, LIMIT_PAGES * WRT_WASM_PAGE_SIZE), WRT_OK);
  pthread_t t[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++)
    assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(i + 1u)), 0);
  for (int i = 0; i < THREADS; i++)
    assert_int_equal(pthread_join(t[i], NULL), 0);
  assert_int_equal(atomic_load(&g_errors), 0);
  assert_int_equal(atomic_load(&g_over), 0);
  assert_true(atomic_load(&g_succeeded) > 0u);
  /* every byte charged came back */
  assert_int_equal(wrt_qnx_partition_used(&g_part), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_concurrent_charges_never_exceed),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
