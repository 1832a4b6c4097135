/*
 * test_qnx_memory.c - the QNX page allocator's own behaviour on the Neutrino
 * host model: config and builder validation, overflow, both strategies,
 * reservations smaller than the maximum, lazy commit and discard, partitions,
 * typed memory, every system call failed in turn (no leak of mappings or
 * budget, object still usable), and the process memory cap (in a child).
 * Test code only; linked with WRAP for syscall fault injection.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "rlimit_child.h"
#include "nto_sim_mman.h"
#include "wrt/qnx_memory.h"

#define WP ((size_t)WRT_WASM_PAGE_SIZE)
#define POOL "/sysram-test"

static size_t os_page(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static wrt_qnx_allocator_config_t cfg_of(wrt_growth_strategy g, bool guards,
                                         uint32_t max_pages) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.growth = g;
  c.guard_pages = guards;
  c.max_pages = max_pages;
  return c;
}

static void fill(uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i += 512u)
    p[i] = (uint8_t)(seed + i / 512u);
}

static bool check_fill(const uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i += 512u)
    if (p[i] != (uint8_t)(seed + i / 512u))
      return false;
  return true;
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0u)
      return false;
  return true;
}

static int setup(void **state) {
  (void)state;
  wrt_fi_reset();
  nto_sim_typed_mem_reset();
  return 0;
}

/* ---- config, builder ------------------------------------------------------ */

static void test_config_default(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  assert_false(c.guard_pages);
  assert_int_equal(c.guard_size, WP);
  assert_int_equal(c.max_pages, WRT_WASM_MAX_PAGES);
  assert_int_equal(c.growth, WRT_GROW_RESERVE);
  assert_int_equal(c.reserve_pages, 0);
  assert_false(c.lazy);
  assert_null(c.typed_memory);
  assert_null(c.partition);
}

static void test_builder_sets_every_field(void **state) {
  (void)state;
  wrt_qnx_partition_t part;
  assert_int_equal(wrt_qnx_partition_init(&part, 8u * WP), WRT_OK);
  wrt_qnx_allocator_builder_t b = wrt_qnx_allocator_builder_new();
  b = wrt_qnx_allocator_builder_with_guard_pages(b, true);
  b = wrt_qnx_allocator_builder_with_guard_size(b, 2u * WP);
  b = wrt_qnx_allocator_builder_with_max_pages(b, 32);
  b = wrt_qnx_allocator_builder_with_growth(b, WRT_GROW_EXACT);
  b = wrt_qnx_allocator_builder_with_reserve_pages(b, 4);
  b = wrt_qnx_allocator_builder_with_lazy(b, true);
  b = wrt_qnx_allocator_builder_with_typed_memory(b, NULL);
  b = wrt_qnx_allocator_builder_with_partition(b, &part);
  assert_true(b.config.guard_pages);
  assert_int_equal(b.config.guard_size, 2u * WP);
  assert_int_equal(b.config.max_pages, 32);
  assert_int_equal(b.config.growth, WRT_GROW_EXACT);
  assert_int_equal(b.config.reserve_pages, 4);
  assert_true(b.config.lazy);
  assert_ptr_equal(b.config.partition, &part);
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_build(&b, &a), WRT_OK);
  assert_int_equal(a.config.max_pages, 32);
  assert_ptr_equal(a.config.partition, &part);
  assert_non_null(wrt_qnx_allocator_base(&a));
  assert_int_equal(wrt_qnx_allocator_build(NULL, &a), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_build(&b, NULL), WRT_E_INVALID_ARG);
  b = wrt_qnx_allocator_builder_with_max_pages(b, 0);
  assert_int_equal(wrt_qnx_allocator_build(&b, &a), WRT_E_INVALID_ARG);
  wrt_qnx_allocator_destroy(&a);
}

/* Each bad config is refused and the object is left exactly as it was. */
static void expect_init(const wrt_qnx_allocator_config_t *c, wrt_status want) {
  wrt_qnx_allocator_t a;
  unsigned char before[sizeof a];
  memset(&a, 0xA5, sizeof a);
  memcpy(before, &a, sizeof a);
  assert_int_equal(wrt_qnx_allocator_init(&a, c), want);
  assert_memory_equal(before, &a, sizeof a);
}

static void test_config_validation(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(NULL, &c), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_init(&a, NULL), WRT_E_INVALID_ARG);

  c = cfg_of(WRT_GROW_RESERVE, true, 16);
  c.guard_size = os_page() + 1u; /* not a page multiple */
  expect_init(&c, WRT_E_INVALID_ARG);
  c.guard_pages = false; /* checked while guards are off too */
  expect_init(&c, WRT_E_INVALID_ARG);
  c.guard_pages = true;
  c.guard_size = SIZE_MAX;
  expect_init(&c, WRT_E_INVALID_ARG);
  c.guard_size = 0;
  expect_init(&c, WRT_E_INVALID_ARG);

  c = cfg_of(WRT_GROW_RESERVE, false, 0);
  expect_init(&c, WRT_E_INVALID_ARG);
  c.max_pages = WRT_WASM_MAX_PAGES + 1u;
  expect_init(&c, WRT_E_INVALID_ARG);
  c = cfg_of((wrt_growth_strategy)7, false, 16);
  expect_init(&c, WRT_E_INVALID_ARG);
  c = cfg_of(WRT_GROW_RESERVE, false, 16);
  c.reserve_pages = WRT_WASM_MAX_PAGES + 1u;
  expect_init(&c, WRT_E_INVALID_ARG);
  c.reserve_pages = 0;
  c.typed_memory = "";
  expect_init(&c, WRT_E_INVALID_ARG);

  /* the edges that are valid */
  c = cfg_of(WRT_GROW_RESERVE, true, WRT_WASM_MAX_PAGES);
  c.guard_size = os_page();
  c.reserve_pages = WRT_WASM_MAX_PAGES;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}

static void test_overflow_in_config(void **state) {
  (void)state;
  size_t page = os_page();
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, true, 16);
  c.guard_size = SIZE_MAX & ~(page - 1u); /* one guard alone overflows */
  expect_init(&c, WRT_E_OVERFLOW);
  c.guard_size = (SIZE_MAX / 2u) & ~(page - 1u); /* two guards overflow */
  expect_init(&c, WRT_E_OVERFLOW);
  c.guard_size = (SIZE_MAX / 2u - 8u * WP) & ~(page - 1u); /* + region */
  c.max_pages = WRT_WASM_MAX_PAGES;
  expect_init(&c, WRT_E_OVERFLOW);
}

static void test_base_and_destroy_edges(void **state) {
  (void)state;
  wrt_qnx_allocator_t a;
  memset(&a, 0, sizeof a);
  assert_null(wrt_qnx_allocator_base(NULL));
  assert_null(wrt_qnx_allocator_base(&a));
  wrt_qnx_allocator_destroy(NULL);
  wrt_qnx_allocator_destroy(&a); /* zeroed */
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, true, 8);
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  size_t before = wrt_fi_mapped_bytes();
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_true(wrt_fi_mapped_bytes() > before);
  wrt_qnx_allocator_destroy(&a); /* unmaps */
  assert_int_equal(wrt_fi_mapped_bytes(), before);
  wrt_qnx_allocator_destroy(&a); /* idempotent */
  assert_null(wrt_qnx_allocator_base(&a));
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_E_INVALID_ARG);
}

/* ---- strategies ------------------------------------------------------------ */

static void run_strategy(wrt_growth_strategy g, bool guards, bool lazy) {
  wrt_qnx_allocator_config_t c = cfg_of(g, guards, 8);
  c.lazy = lazy;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t mapped = wrt_fi_mapped_bytes();
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_page_allocator_allocate(pa, 1, 6, &base, &size), WRT_OK);
  assert_int_equal(size, WP);
  assert_int_equal((uintptr_t)base % WP, 0);
  assert_true(all_zero(base, size));
  fill(base, size, 7);
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 2, &b2, &s2), WRT_OK);
  assert_int_equal(s2, 3u * WP);
  if (g == WRT_GROW_RESERVE)
    assert_ptr_equal(b2, base); /* never moves inside the reservation */
  assert_true(check_fill(b2, WP, 7));
  assert_true(all_zero(b2 + WP, 2u * WP));
  /* past the region's maximum: LIMIT, memory as it was */
  uint8_t *b3 = NULL;
  size_t s3 = 0;
  assert_int_equal(wrt_page_allocator_grow(pa, 3, 4, &b3, &s3), WRT_E_LIMIT);
  assert_null(b3);
  assert_int_equal(a.pages, 3);
  assert_true(check_fill(b2, WP, 7));
  assert_int_equal(wrt_page_allocator_grow(pa, 3, 3, &b3, &s3), WRT_OK);
  assert_int_equal(s3, 6u * WP);
  assert_true(check_fill(b3, WP, 7));
  assert_int_equal(wrt_page_allocator_deallocate(pa, b3, s3), WRT_OK);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  wrt_qnx_allocator_destroy(&a);
}

static void test_reserve_strategy(void **state) {
  (void)state;
  run_strategy(WRT_GROW_RESERVE, false, false);
  run_strategy(WRT_GROW_RESERVE, true, false);
  run_strategy(WRT_GROW_RESERVE, true, true);
}

static void test_exact_strategy(void **state) {
  (void)state;
  run_strategy(WRT_GROW_EXACT, false, false);
  run_strategy(WRT_GROW_EXACT, true, false);
  run_strategy(WRT_GROW_EXACT, false, true);
}

/* A reservation smaller than the maximum: in place inside it, a move past it
 * to a reservation twice as large, then in place again. */
static void test_small_reservation_moves(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, true, 16);
  c.reserve_pages = 2;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t mapped = wrt_fi_mapped_bytes();
  uint8_t *base, *b;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(pa, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(a.reserved_size, 2u * WP);
  fill(base, size, 3);
  assert_int_equal(wrt_page_allocator_grow(pa, 1, 1, &b, &size), WRT_OK);
  assert_ptr_equal(b, base);
  fill(b + WP, WP, 9);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 1, &b, &size), WRT_OK);
  assert_int_equal(a.reserved_size, 4u * WP);
  assert_true(check_fill(b, WP, 3));
  assert_true(check_fill(b + WP, WP, 9));
  assert_true(all_zero(b + 2u * WP, WP));
  uint8_t *moved = b;
  assert_int_equal(wrt_page_allocator_grow(pa, 3, 1, &b, &size), WRT_OK);
  assert_ptr_equal(b, moved);
  /* a reservation never exceeds the maximum */
  assert_int_equal(wrt_page_allocator_grow(pa, 4, 12, &b, &size), WRT_OK);
  assert_int_equal(a.reserved_size, 16u * WP);
  assert_int_equal(wrt_page_allocator_deallocate(pa, b, size), WRT_OK);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  wrt_qnx_allocator_destroy(&a);
}

/* A move cannot copy pages whose access was narrowed: STATE, nothing done;
 * restoring the whole region read-write lifts it. */
static void test_move_refused_while_protected(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_EXACT, false, 8);
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  uint8_t *base, *b;
  size_t size, s;
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_protect(pa, 0, WP, WRT_MEM_READ), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 1, &b, &s), WRT_E_STATE);
  assert_int_equal(a.pages, 2);
  assert_int_equal(wrt_page_allocator_protect(pa, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 1, &b, &s), WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(pa, b, s), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}

/* ---- lazy and discard ------------------------------------------------------ */

static void run_discard(bool lazy) {
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, false, 4);
  c.lazy = lazy;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  memset(base, 0x5A, size);
  wrt_fi_reset();
#if !defined(POSIX_MADV_DISCARD_NP)
  if (lazy) {
    /* SDP 6.4/6.6 (profile 640): no POSIX_MADV_DISCARD_NP, so discard is
     * UNSUPPORTED: no call is made and the memory keeps its bytes. */
    assert_int_equal(wrt_qnx_allocator_discard(&a, WP, WP), WRT_E_UNSUPPORTED);
    assert_int_equal(wrt_fi_calls(WRT_FI_MADVISE), 0u);
    assert_int_equal(base[WP], 0x5A);
    assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
    wrt_qnx_allocator_destroy(&a);
    return;
  }
#endif
  assert_int_equal(wrt_qnx_allocator_discard(&a, WP, WP), WRT_OK);
  /* lazy: posix_madvise(POSIX_MADV_DISCARD_NP); eager (qnx_object_commit.c):
   * the memory stays held, so it is zeroed in place with no call, on every
   * SDP. Never a re-map (a failed MAP_FIXED would leave a hole on QNX). */
  assert_int_equal(wrt_fi_calls(WRT_FI_MADVISE), lazy ? 1u : 0u);
  assert_int_equal(wrt_fi_calls(WRT_FI_MMAP), 0u);
  assert_true(all_zero(base + WP, WP));
  assert_int_equal(base[0], 0x5A);
  assert_int_equal(base[WP - 1u], 0x5A);
  base[WP] = 1; /* still accessible */
  /* argument and state errors */
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 1, os_page()), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, os_page() + 1u), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_discard(&a, WP, 2u * WP), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_allocator_discard(NULL, 0, WP), WRT_E_INVALID_ARG);
  if (!lazy) {
    /* narrowed access: writing could fault, so STATE and nothing written */
    assert_int_equal(wrt_page_allocator_protect(pa, 0, WP, WRT_MEM_READ), WRT_OK);
    assert_int_equal(wrt_qnx_allocator_discard(&a, WP, WP), WRT_E_STATE);
    assert_int_equal(base[WP], 1);
    assert_int_equal(wrt_page_allocator_protect(pa, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
    assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
    assert_int_equal(wrt_qnx_allocator_discard(&a, 0, WP), WRT_E_STATE);
    wrt_qnx_allocator_destroy(&a);
    return;
  }
  /* The failure of the call is reported and the memory is untouched. */
  base[0] = 0x11;
  base[WP] = 0x22;
  wrt_fi_fail_nth(WRT_FI_MADVISE, 1, EINVAL);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, WP), WRT_E_OS);
  assert_int_equal(a.last_os_error, EINVAL);
  assert_int_equal(base[0], 0x11);
  assert_int_equal(base[WP], 0x22); /* outside the range: untouched */
  wrt_fi_reset();
  /* narrowed access is kept: discard re-maps nothing, so it cannot widen
   * it, and the call is allowed */
  assert_int_equal(wrt_page_allocator_protect(pa, 0, WP, WRT_MEM_READ), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_discard(&a, WP, WP), WRT_OK);
  assert_true(all_zero(base + WP, WP));
  assert_int_equal(base[0], 0x11); /* still readable */
  assert_int_equal(wrt_page_allocator_protect(pa, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, WP), WRT_E_STATE);
  wrt_qnx_allocator_destroy(&a);
}

static void test_discard_lazy(void **state) {
  (void)state;
  run_discard(true);
}

static void test_discard_not_lazy(void **state) {
  (void)state;
  run_discard(false);
}

/* ---- partitions ------------------------------------------------------------ */

static void test_partition_init(void **state) {
  (void)state;
  wrt_qnx_partition_t p;
  assert_int_equal(wrt_qnx_partition_init(NULL, 1), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_partition_init(&p, 0), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_partition_init(&p, 3u * WP), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 0);
  assert_int_equal(wrt_qnx_partition_limit(&p), 3u * WP);
  assert_int_equal(wrt_qnx_partition_used(NULL), 0);
  assert_int_equal(wrt_qnx_partition_limit(NULL), 0);
}

/* Two allocators share a 4-page budget. */
static void run_shared_partition(wrt_growth_strategy g) {
  wrt_qnx_partition_t p;
  assert_int_equal(wrt_qnx_partition_init(&p, 4u * WP), WRT_OK);
  wrt_qnx_allocator_config_t c = cfg_of(g, true, 8);
  c.partition = &p;
  wrt_qnx_allocator_t a, b;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_init(&b, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  wrt_page_allocator_t *pb = wrt_qnx_allocator_base(&b);
  size_t mapped = wrt_fi_mapped_bytes();
  uint8_t *ba, *bb, *x;
  size_t sa, sb, sx;
  assert_int_equal(wrt_page_allocator_allocate(pa, 3, WRT_MAX_PAGES_NONE, &ba, &sa), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 3u * WP);
  fill(ba, sa, 1);
  /* B asks for more than is left: LIMIT, nothing mapped, nothing charged */
  size_t before_map = wrt_fi_mapped_bytes();
  assert_int_equal(wrt_page_allocator_allocate(pb, 2, WRT_MAX_PAGES_NONE, &bb, &sb), WRT_E_LIMIT);
  assert_false(b.allocated);
  assert_int_equal(wrt_fi_mapped_bytes(), before_map);
  assert_int_equal(wrt_qnx_partition_used(&p), 3u * WP);
  assert_int_equal(wrt_page_allocator_allocate(pb, 1, WRT_MAX_PAGES_NONE, &bb, &sb), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 4u * WP);
  /* A cannot grow now: LIMIT, memory and charge as they were */
  assert_int_equal(wrt_page_allocator_grow(pa, 3, 1, &x, &sx), WRT_E_LIMIT);
  assert_int_equal(a.pages, 3);
  assert_true(check_fill(ba, sa, 1));
  assert_int_equal(wrt_qnx_partition_used(&p), 4u * WP);
  /* refund on deallocate: then A may grow */
  assert_int_equal(wrt_page_allocator_deallocate(pb, bb, sb), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 3u * WP);
  assert_int_equal(wrt_page_allocator_grow(pa, 3, 1, &x, &sx), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 4u * WP);
  assert_true(check_fill(x, sa, 1));
  /* refund on destroy */
  wrt_qnx_allocator_destroy(&a);
  assert_int_equal(wrt_qnx_partition_used(&p), 0);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  /* a zero-page region charges nothing */
  assert_int_equal(wrt_page_allocator_allocate(pb, 0, WRT_MAX_PAGES_NONE, &bb, &sb), WRT_OK);
  assert_int_equal(wrt_qnx_partition_used(&p), 0);
  wrt_qnx_allocator_destroy(&b);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
}

static void test_partition_shared_reserve(void **state) {
  (void)state;
  run_shared_partition(WRT_GROW_RESERVE);
}

static void test_partition_shared_exact(void **state) {
  (void)state;
  run_shared_partition(WRT_GROW_EXACT);
}

/* ---- typed memory ---------------------------------------------------------- */

static void test_typed_memory_unknown_pool(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, false, 8);
  c.typed_memory = "/no-such-pool";
  expect_init(&c, WRT_E_UNSUPPORTED);
}

static void run_typed(wrt_growth_strategy g, bool guards) {
  assert_int_equal(nto_sim_typed_mem_add(POOL, 16u * WP), 0);
  wrt_qnx_allocator_config_t c = cfg_of(g, guards, 8);
  c.typed_memory = "sysram-test"; /* tail match of "/sysram-test" */
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t mapped = wrt_fi_mapped_bytes();
  unsigned opens = nto_sim_typed_mem_opens();
  uint8_t *base, *b;
  size_t size, s;
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(nto_sim_typed_mem_opens(), opens + 1u);
  assert_true(all_zero(base, size));
  fill(base, size, 4);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 2, &b, &s), WRT_OK);
  if (g == WRT_GROW_RESERVE)
    assert_ptr_equal(b, base);
  assert_true(check_fill(b, size, 4));
  assert_true(all_zero(b + size, s - size));
  assert_int_equal(wrt_page_allocator_protect(pa, 0, WP, WRT_MEM_READ), WRT_OK);
  assert_int_equal(wrt_qnx_allocator_discard(&a, 0, WP), WRT_E_UNSUPPORTED);
  assert_int_equal(wrt_page_allocator_protect(pa, 0, s, WRT_MEM_READ_WRITE), WRT_OK);
  /* the pool's open fails during a grow: reported, region untouched */
  nto_sim_typed_mem_fail_nth(1, ENOMEM);
  uint8_t *x = NULL;
  size_t sx = 0;
  assert_int_equal(wrt_page_allocator_grow(pa, 4, 1, &x, &sx), WRT_E_NO_MEMORY);
  assert_int_equal(a.pages, 4);
  assert_true(check_fill(b, size, 4));
  nto_sim_typed_mem_fail_nth(1, EACCES);
  assert_int_equal(wrt_page_allocator_grow(pa, 4, 1, &x, &sx), WRT_E_OS);
  assert_int_equal(a.last_os_error, EACCES);
  nto_sim_typed_mem_fail_nth(1, ENOENT); /* the pool went away */
  assert_int_equal(wrt_page_allocator_grow(pa, 4, 1, &x, &sx), WRT_E_UNSUPPORTED);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped + a.map_len);
  assert_int_equal(wrt_page_allocator_deallocate(pa, b, s), WRT_OK);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  wrt_qnx_allocator_destroy(&a);
}

static void test_typed_memory(void **state) {
  (void)state;
  run_typed(WRT_GROW_RESERVE, false);
  run_typed(WRT_GROW_RESERVE, true);
  run_typed(WRT_GROW_EXACT, false);
  run_typed(WRT_GROW_EXACT, true);
}

/* ---- every system call failed in turn ------------------------------------ */

typedef struct {
  wrt_growth_strategy growth;
  bool guards;
  bool lazy;
  bool partition;
  uint32_t reserve_pages;
} fi_case;

/* One scenario: allocate, grow in place or by a move, grow past the
 * reservation, protect, discard, deallocate. Returns true when it ran to the
 * end without the armed failure firing. When an operation fails, checks that
 * it failed with the injected error's status and left the region, its
 * contents and the budget as they were, then cleans up and proves that no
 * mapping or budget leaked and the object still works. */
static bool run_fi_scenario(const fi_case *fc, wrt_fi_call call, unsigned nth) {
  wrt_qnx_partition_t part;
  assert_int_equal(wrt_qnx_partition_init(&part, 64u * WP), WRT_OK);
  wrt_qnx_allocator_config_t c = cfg_of(fc->growth, fc->guards, 8);
  c.lazy = fc->lazy;
  c.reserve_pages = fc->reserve_pages;
  c.partition = fc->partition ? &part : NULL;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t mapped = wrt_fi_mapped_bytes();
  int err = call == WRT_FI_MADVISE ? EINVAL : ENOMEM;
  wrt_status want = call == WRT_FI_MADVISE ? WRT_E_OS : WRT_E_NO_MEMORY;
  wrt_fi_reset();
  wrt_fi_fail_nth(call, nth, err);

  uint8_t *base = NULL;
  size_t size = 0;
  wrt_status st = WRT_OK;
  int step;
  for (step = 0; step < 6 && st == WRT_OK; step++) {
    uint8_t *pb = base;
    size_t ps = size;
    uint32_t pages = a.pages;
    size_t used = wrt_qnx_partition_used(&part);
    uint8_t *nb = NULL;
    size_t ns = 0;
    switch (step) {
    case 0:
      st = wrt_page_allocator_allocate(pa, 1, WRT_MAX_PAGES_NONE, &nb, &ns);
      break;
    case 1:
      st = wrt_page_allocator_grow(pa, pages, 1, &nb, &ns);
      break;
    case 2:
      st = wrt_page_allocator_grow(pa, pages, 2, &nb, &ns);
      break;
    case 3:
      st = wrt_page_allocator_protect(pa, 0, WP, WRT_MEM_READ);
      if (st == WRT_OK)
        st = wrt_page_allocator_protect(pa, 0, size, WRT_MEM_READ_WRITE);
      nb = base;
      ns = size;
      break;
    case 4:
      st = wrt_qnx_allocator_discard(&a, WP, WP);
#if !defined(POSIX_MADV_DISCARD_NP)
      if (st == WRT_E_UNSUPPORTED) /* SDP 6.4/6.6: no call to fail */
        st = WRT_OK;
#endif
      nb = base;
      ns = size;
      if (st == WRT_OK)
        fill(base, size, 2); /* the scenario's pattern again */
      break;
    default:
      st = wrt_page_allocator_deallocate(pa, base, size);
      break;
    }
    if (st != WRT_OK) {
      assert_true(wrt_fi_fired());
      assert_int_equal(st, want);
      assert_int_equal(a.last_os_error, err);
      assert_int_equal(a.pages, pages);
      assert_ptr_equal(a.mem_base, pb);
      assert_int_equal(a.mem_size, ps);
      assert_int_equal(wrt_qnx_partition_used(&part), used);
      if (ps != 0u) {
        assert_true(check_fill(pb, ps, 2));
      }
      break;
    }
    if (step < 3) {
      base = nb;
      size = ns;
      fill(base, size, 2);
    }
  }
  bool completed = st == WRT_OK;
  wrt_fi_reset();
  if (a.allocated)
    assert_int_equal(wrt_page_allocator_deallocate(pa, a.mem_base, a.mem_size), WRT_OK);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_qnx_partition_used(&part), 0);
  /* still usable */
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  if (completed)
    assert_false(wrt_fi_fired());
  return completed;
}

static void test_each_syscall_fails_in_turn(void **state) {
  (void)state;
  static const fi_case cases[] = {
      {WRT_GROW_RESERVE, false, false, false, 0}, {WRT_GROW_RESERVE, true, true, true, 0},
      {WRT_GROW_RESERVE, true, false, true, 2},   {WRT_GROW_EXACT, false, false, true, 0},
      {WRT_GROW_EXACT, true, true, true, 0},
  };
  static const wrt_fi_call calls[] = {WRT_FI_MMAP, WRT_FI_MPROTECT, WRT_FI_MUNMAP,
                                      WRT_FI_MADVISE};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    for (size_t k = 0; k < sizeof calls / sizeof calls[0]; k++) {
      unsigned failures = 0;
      unsigned nth = 1;
      while (!run_fi_scenario(&cases[i], calls[k], nth)) {
        failures++;
        nth++;
        assert_true(nth < 50u);
      }
      /* every case makes at least one mmap and munmap, and mprotect twice */
      if (calls[k] != WRT_FI_MADVISE)
        assert_true(failures >= 1u);
      else
#if defined(POSIX_MADV_DISCARD_NP)
        /* discard when lazy; eager discard zeroes in place, no call */
        assert_int_equal(failures, cases[i].lazy ? 1u : 0u);
#else
        assert_int_equal(failures, 0u); /* SDP 6.4/6.6: discard calls nothing */
#endif
    }
  }
}

/* ---- process cap (in a child: RLIMIT_AS is the whole process's) ----------- */



static size_t vm_size_bytes(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  size_t kb = 0;
  if (f == NULL)
    return 0;
  while (fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "VmSize: %zu kB", &kb) == 1)
      break;
  fclose(f);
  return kb * 1024u;
}


static int cap_child(void) {
  uint64_t cap;
  if (wrt_qnx_set_process_memory_cap(0) != WRT_E_INVALID_ARG)
    return 10;
  if (wrt_qnx_get_process_memory_cap(NULL) != WRT_E_INVALID_ARG)
    return 11;
  size_t vm = vm_size_bytes();
  if (vm == 0u)
    return 12;
  if (wrt_qnx_set_process_memory_cap((uint64_t)vm + 64u * 1024u * 1024u) != WRT_OK)
    return 13;
  if (!wrt_rlimit_applied(0, (rlim_t)vm + 64u * 1024u * 1024u))
    return WRT_RLIMIT_CHILD_SKIPPED;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)vm + 64u * 1024u * 1024u)
    return 14;
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_EXACT, false, 4096);
  wrt_qnx_allocator_t a;
  if (wrt_qnx_allocator_init(&a, &c) != WRT_OK)
    return 15;
  uint8_t *base;
  size_t size;
  /* 256 MiB is past the cap: the kernel refuses the mapping */
  if (wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 4096, WRT_MAX_PAGES_NONE, &base, &size) !=
      WRT_E_NO_MEMORY)
    return 16;
  if (a.allocated || a.last_os_error != ENOMEM)
    return 17;
  if (wrt_qnx_set_process_memory_cap(WRT_QNX_MEMORY_CAP_NONE) != WRT_OK)
    return 18;
  if (wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 4096, WRT_MAX_PAGES_NONE, &base, &size) != WRT_OK)
    return 19;
  wrt_qnx_allocator_destroy(&a);
  return 0;
}

static void test_process_memory_cap(void **state) {
  (void)state;
  wrt_rlimit_in_child(cap_child);
}

/* The edges of the cap's arguments and of the hard limit, in a child (the
 * hard limit, once lowered, cannot be raised again). */
static int cap_edges_child(void) {
  uint64_t cap;
  struct rlimit rl;
  if (getrlimit(RLIMIT_AS, &rl) != 0)
    return 11;
  rlim_t hard = (rlim_t)1 << 40;
  rl.rlim_cur = hard;
  rl.rlim_max = hard;
  if (setrlimit(RLIMIT_AS, &rl) != 0)
    return 12;
  if (!wrt_rlimit_applied(0, hard))
    return WRT_RLIMIT_CHILD_SKIPPED;
  /* above a finite hard limit: LIMIT, nothing changed */
  if (wrt_qnx_set_process_memory_cap((uint64_t)hard + 1u) != WRT_E_LIMIT)
    return 13;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)hard)
    return 14;
  /* CAP_NONE lifts the soft limit to the hard one */
  if (wrt_qnx_set_process_memory_cap((uint64_t)hard / 2u) != WRT_OK)
    return 15;
  if (wrt_qnx_set_process_memory_cap(WRT_QNX_MEMORY_CAP_NONE) != WRT_OK)
    return 16;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)hard)
    return 17;
  /* a finite RLIMIT_DATA above a finite RLIMIT_AS: the AS one is reported */
  struct rlimit d;
  if (getrlimit(RLIMIT_DATA, &d) != 0)
    return 18;
  d.rlim_cur = hard + 1u;
  if (d.rlim_max != RLIM_INFINITY && d.rlim_max < d.rlim_cur)
    return 0;
  if (setrlimit(RLIMIT_DATA, &d) != 0)
    return 19;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)hard)
    return 20;
  return 0;
}

static void test_process_memory_cap_edges(void **state) {
  (void)state;
  wrt_rlimit_in_child(cap_edges_child);
}

/* How OS errors map to statuses: EAGAIN from mmap is NO_MEMORY (QNX: "could
 * not lock"); ENOSYS / ENOTSUP from posix_typed_mem_open is UNSUPPORTED. */
static void test_os_error_statuses(void **state) {
  (void)state;
  wrt_qnx_allocator_config_t c = cfg_of(WRT_GROW_RESERVE, false, 4);
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  uint8_t *base;
  size_t size;
  wrt_fi_fail_nth(WRT_FI_MMAP, 1, EAGAIN);
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, EAGAIN);
  wrt_fi_reset();
  /* protect of part of the region, then of the rest: both kept */
  assert_int_equal(wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 2, WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_OK);
  assert_int_equal(wrt_page_allocator_protect(wrt_qnx_allocator_base(&a), WP, WP, WRT_MEM_READ_WRITE),
                   WRT_OK);
  assert_int_equal(wrt_page_allocator_protect(wrt_qnx_allocator_base(&a), 0, WP, WRT_MEM_READ_WRITE),
                   WRT_OK);
  base[0] = 1;
  base[WP] = 1;
  /* discard refuses an object of another kind */
  wrt_qnx_allocator_t other;
  memset(&other, 0, sizeof other);
  assert_int_equal(wrt_qnx_allocator_discard(&other, 0, WP), WRT_E_INVALID_ARG);
  wrt_qnx_allocator_destroy(&a);

  assert_int_equal(nto_sim_typed_mem_add(POOL, 4u * WP), 0);
  c.typed_memory = POOL;
  nto_sim_typed_mem_fail_nth(1, ENOSYS);
  expect_init(&c, WRT_E_UNSUPPORTED);
  nto_sim_typed_mem_fail_nth(1, ENOTSUP);
  expect_init(&c, WRT_E_UNSUPPORTED);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_config_default, setup),
      cmocka_unit_test_setup(test_builder_sets_every_field, setup),
      cmocka_unit_test_setup(test_config_validation, setup),
      cmocka_unit_test_setup(test_overflow_in_config, setup),
      cmocka_unit_test_setup(test_base_and_destroy_edges, setup),
      cmocka_unit_test_setup(test_reserve_strategy, setup),
      cmocka_unit_test_setup(test_exact_strategy, setup),
      cmocka_unit_test_setup(test_small_reservation_moves, setup),
      cmocka_unit_test_setup(test_move_refused_while_protected, setup),
      cmocka_unit_test_setup(test_discard_lazy, setup),
      cmocka_unit_test_setup(test_discard_not_lazy, setup),
      cmocka_unit_test_setup(test_partition_init, setup),
      cmocka_unit_test_setup(test_partition_shared_reserve, setup),
      cmocka_unit_test_setup(test_partition_shared_exact, setup),
      cmocka_unit_test_setup(test_typed_memory_unknown_pool, setup),
      cmocka_unit_test_setup(test_typed_memory, setup),
      cmocka_unit_test_setup(test_each_syscall_fails_in_turn, setup),
      cmocka_unit_test_setup(test_process_memory_cap, setup),
      cmocka_unit_test_setup(test_process_memory_cap_edges, setup),
      cmocka_unit_test_setup(test_os_error_statuses, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
