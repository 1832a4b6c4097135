/*
 * test_pool_threads.c - the slot pool's free list under concurrent acquire
 * and release (Linux backend; labelled threads, so the TSan preset runs
 * it): 8 threads cycle through fewer slots than threads, and check that
 * no slot is ever held twice, that every slot they get reads as zero, and
 * that nothing is lost (every slot is free at the end). Test code only.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "wrt/pool.h"

#define THREADS 8
#define SLOTS 3u
#define ROUNDS 4000

static wrt_pool_t g_pool;
static wrt_pool_slot_t g_slots[SLOTS];
static _Atomic unsigned g_holders[SLOTS];
static _Atomic unsigned g_errors;
static _Atomic unsigned g_full;

static void *worker(void *arg) {
  uint8_t mark = (uint8_t)(uintptr_t)arg;
  for (int r = 0; r < ROUNDS; r++) {
    wrt_page_allocator_t *a = NULL;
    wrt_status st;
    while ((st = wrt_pool_acquire(&g_pool, &a)) == WRT_E_LIMIT) {
      atomic_fetch_add(&g_full, 1u);
      sched_yield();
    }
    if (st != WRT_OK) {
      atomic_fetch_add(&g_errors, 1u);
      return NULL;
    }
    size_t i = (size_t)((wrt_pool_slot_t *)(void *)a - g_slots);
    if (atomic_fetch_add(&g_holders[i], 1u) != 0u) {
      atomic_fetch_add(&g_errors, 1u); /* two holders of one slot */
    }
    uint8_t *base = NULL;
    size_t size = 0;
    if (wrt_page_allocator_allocate(a, 1, 2, &base, &size) != WRT_OK) {
      atomic_fetch_add(&g_errors, 1u);
    } else {
      for (size_t off = 0; off < size; off += 4096u) {
        if (base[off] != 0u || base[off + 4095u] != 0u) {
          atomic_fetch_add(&g_errors, 1u); /* a previous holder's bytes */
        }
        base[off] = mark;
        base[off + 4095u] = mark;
      }
    }
    atomic_fetch_sub(&g_holders[i], 1u);
    if (wrt_pool_release(&g_pool, a) != WRT_OK) {
      atomic_fetch_add(&g_errors, 1u);
    }
  }
  return NULL;
}

static void concurrent_acquire_release(void **state) {
  (void)state;
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 2;
  c.keep_resident = WRT_WASM_PAGE_SIZE; /* zeroing in place races nothing */
  assert_int_equal(wrt_linux_pool_init(&g_pool, g_slots, SLOTS, &c), WRT_OK);
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)(i + 1)), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    assert_int_equal(pthread_join(t[i], NULL), 0);
  }
  assert_int_equal(atomic_load(&g_errors), 0u);
  assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
  wrt_page_allocator_t *got[SLOTS];
  for (unsigned i = 0; i < SLOTS; i++) {
    assert_int_equal(wrt_pool_acquire(&g_pool, &got[i]), WRT_OK);
  }
  wrt_page_allocator_t *extra = NULL;
  assert_int_equal(wrt_pool_acquire(&g_pool, &extra), WRT_E_LIMIT);
  for (unsigned i = 0; i < SLOTS; i++) {
    assert_int_equal(wrt_pool_release(&g_pool, got[i]), WRT_OK);
  }
  assert_int_equal(wrt_pool_destroy(&g_pool), WRT_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(concurrent_acquire_release)};
  return cmocka_run_group_tests_name("pool threads", tests, NULL, NULL);
}
