/*
 * memory_suite.c - the backend-neutral page-allocator suite; see
 * memory_suite.h. Every test runs once per (strategy, guard pages) pair.
 * Test code only: the current backend and options live in file statics.
 */
#define _GNU_SOURCE
#include "memory_suite.h"

#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/time.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"

#define PAGE WRT_WASM_PAGE_SIZE

static const wrt_mem_backend_t *g_backend;
static wrt_mem_test_options_t g_opts;
static _Alignas(64) unsigned char g_storage[4096];

static wrt_page_allocator_t *make(const wrt_mem_test_options_t *opts) {
  wrt_status st = WRT_E_OS;
  wrt_page_allocator_t *a = g_backend->create(g_storage, opts, &st);
  assert_int_equal(st, WRT_OK);
  assert_non_null(a);
  return a;
}

static wrt_page_allocator_t *make_default(void) { return make(&g_opts); }

static void finish(wrt_page_allocator_t *a, uint8_t *base, size_t size) {
  if (base != NULL)
    assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  g_backend->destroy(g_storage);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

static void fill(uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(seed + i * 31u);
}

static void assert_filled(const uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (uint8_t)(seed + i * 31u))
      fail_msg("byte %zu changed", i);
}

static void assert_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      fail_msg("byte %zu is %u, not zero", i, p[i]);
}

/* --- sizes, zero fill, growth, limits ------------------------------------ */

static void allocate_gives_aligned_zeroed_pages(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
  assert_non_null(base);
  assert_int_equal(size, 2 * PAGE);
  assert_int_equal((uintptr_t)base % PAGE, 0);
  assert_zero(base, size);
  fill(base, size, 1);
  assert_filled(base, size, 1);
  finish(a, base, size);
}

static void allocate_zero_pages_then_grow(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base = NULL;
  size_t size = 1;
  assert_int_equal(wrt_page_allocator_allocate(a, 0, 2, &base, &size), WRT_OK);
  assert_int_equal(size, 0);
  assert_int_equal(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_OK);
  assert_int_equal(size, PAGE);
  assert_zero(base, size);
  finish(a, base, size);
}

static void grow_keeps_contents_and_zero_fills(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base, *before;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 6, &base, &size), WRT_OK);
  fill(base, size, 7);
  before = base;
  assert_int_equal(wrt_page_allocator_grow(a, 2, 3, &base, &size), WRT_OK);
  assert_int_equal(size, 5 * PAGE);
  assert_int_equal((uintptr_t)base % PAGE, 0);
  if (g_opts.growth == WRT_GROW_RESERVE && g_opts.reserve_pages == 0)
    assert_ptr_equal(base, before); /* the reservation holds the maximum */
  assert_filled(base, 2 * PAGE, 7);
  assert_zero(base + 2 * PAGE, 3 * PAGE);
  fill(base, size, 9); /* every new page is writable */
  assert_filled(base, size, 9);
  finish(a, base, size);
}

static void grow_by_zero_reports_the_region(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base, *b2 = NULL;
  size_t size, s2 = 0;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 3, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 1, 0, &b2, &s2), WRT_OK);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  finish(a, base, size);
}

static void grow_past_maximum_is_limit_and_changes_nothing(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 3, &base, &size), WRT_OK);
  fill(base, size, 3);
  b2 = base;
  s2 = size;
  assert_int_equal(wrt_page_allocator_grow(a, 2, 2, &b2, &s2), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_grow(a, 2, UINT32_MAX, &b2, &s2), WRT_E_LIMIT);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  assert_filled(base, size, 3);
  /* still usable: up to the maximum exactly */
  assert_int_equal(wrt_page_allocator_grow(a, 2, 1, &b2, &s2), WRT_OK);
  assert_int_equal(s2, 3 * PAGE);
  assert_filled(b2, 2 * PAGE, 3);
  assert_int_equal(wrt_page_allocator_grow(a, 3, 1, &b2, &s2), WRT_E_LIMIT);
  finish(a, b2, s2);
}

static void no_maximum_means_configured_max_pages(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  o.max_pages = 5;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 6, &base, &size), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_allocate(a, 6, WRT_MAX_PAGES_NONE, &base, &size), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 1, 4, &base, &size), WRT_OK);
  assert_int_equal(size, 5 * PAGE);
  assert_int_equal(wrt_page_allocator_grow(a, 5, 1, &base, &size), WRT_E_LIMIT);
  finish(a, base, size);
}

static void grow_past_a_small_reservation_moves_and_keeps_contents(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  o.reserve_pages = 2;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  fill(base, size, 5);
  assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 2, 4, &base, &size), WRT_OK);
  assert_int_equal(size, 6 * PAGE);
  assert_int_equal((uintptr_t)base % PAGE, 0);
  assert_filled(base, PAGE, 5);
  assert_zero(base + PAGE, 5 * PAGE);
  finish(a, base, size);
}

/* --- argument and state errors --------------------------------------------- */

static void bad_config_is_refused(void **state) {
  (void)state;
  wrt_status st = WRT_OK;
  wrt_mem_test_options_t o = g_opts;
  o.guard_pages = true;
  o.guard_size = SIZE_MAX;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o.guard_size = 100; /* not a multiple of the OS page */
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  /* checked whether or not guards are on (both backends and headers agree) */
  o.guard_pages = false;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o = g_opts;
  o.set_guards = true;
  o.guard_before = 100;
  o.guard_after = 0;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o.guard_before = 0;
  o.guard_after = 4097;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o = g_opts;
  o.guard_reach = 100;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o = g_opts;
  o.max_pages = WRT_WASM_MAX_PAGES + 1;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o = g_opts;
  o.growth = (wrt_growth_strategy)7;
  assert_null(g_backend->create(g_storage, &o, &st));
  assert_int_equal(st, WRT_E_INVALID_ARG);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

static void bad_arguments_change_nothing(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base = NULL, *b2;
  size_t size = 0, s2;
  assert_int_equal(wrt_page_allocator_allocate(NULL, 1, 2, &base, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, NULL, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, 3, 2, &base, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, 65537, WRT_MAX_PAGES_NONE, &base, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 65537, &base, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_allocate(a, UINT32_MAX, UINT32_MAX, &base, &size),
                   WRT_E_INVALID_ARG);
  assert_null(base);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
  /* before allocate: no region */
  assert_int_equal(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_protect(a, 0, 4096, WRT_MEM_READ), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_deallocate(a, NULL, 0), WRT_E_STATE);

  assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
  fill(base, size, 11);
  b2 = base;
  s2 = size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &b2, &s2), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_grow(a, 2, 1, NULL, &s2), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_grow(a, 2, 1, &b2, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_E_INVALID_ARG);
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  assert_int_equal(wrt_page_allocator_protect(a, 1, os_page, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, 0, os_page + 1, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, 0, 0, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, size, os_page, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, 0, size + os_page, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, os_page, SIZE_MAX - os_page + 1, WRT_MEM_READ),
                   WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, 0, os_page, (wrt_mem_access)9), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_deallocate(a, base + PAGE, size), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size - PAGE), WRT_E_STATE);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  fill(base, size, 11); /* still all writable: nothing was protected */
  assert_filled(base, size, 11);
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_E_STATE);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
  /* reusable after deallocate */
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 1, &base, &size), WRT_OK);
  finish(a, base, size);
}

static void destroy_releases_and_is_idempotent(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 3, 3, &base, &size), WRT_OK);
  assert_true(wrt_fi_mapped_bytes() >= size);
  g_backend->destroy(g_storage);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
  g_backend->destroy(g_storage);
  memset(g_storage, 0, sizeof g_storage);
  g_backend->destroy(g_storage); /* zeroed object */
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

static void init_refuses_a_live_allocator(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  fill(base, size, 6);
  size_t mapped = wrt_fi_mapped_bytes();
  wrt_status st = WRT_OK;
  assert_null(g_backend->create(g_storage, &g_opts, &st));
  assert_int_equal(st, WRT_E_STATE); /* re-init would forget the mapping */
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_filled(base, size, 6);
  finish(a, base, size);
}

/* --- guard regions and protection: death tests --------------------------- */

/* Runs touch(p, write) in a forked child; true when the child died of SIGSEGV. */
static bool faults(volatile uint8_t *p, bool write) {
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* Sanitizers install their own SIGSEGV handler; the parent must see the
     * signal itself. */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGBUS, SIG_DFL);
    if (write)
      *p = *p; /* the same byte: the QNX eager mode's memory is MAP_SHARED,
                  so a forked child's write would reach the parent */
    else
      (void)*p;
    _exit(0);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFEXITED(status)) {
    assert_int_equal(WEXITSTATUS(status), 0);
    return false;
  }
  return WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

static void guards_and_reservation_fault(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
  assert_false(faults(base, true));
  assert_false(faults(base + size - 1, true));
  if (g_opts.guard_pages) {
    size_t guard = g_opts.guard_size != 0 ? g_opts.guard_size : PAGE;
    assert_true(faults(base - 1, false));
    assert_true(faults(base - guard, true));
  }
  if (g_opts.guard_pages || g_opts.growth == WRT_GROW_RESERVE) {
    assert_true(faults(base + size, false));
    assert_true(faults(base + size, true));
  }
  finish(a, base, size);
}

static void protect_enforces_access(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base;
  size_t size;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 2, &base, &size), WRT_OK);
  base[0] = 7;
  base[PAGE] = 8;
  assert_int_equal(wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ), WRT_OK);
  assert_int_equal(base[0], 7); /* still readable */
  assert_false(faults(base, false));
  assert_true(faults(base, true));
  assert_true(faults(base + PAGE - 1, true));
  assert_false(faults(base + PAGE, true)); /* next page untouched */
  assert_int_equal(wrt_page_allocator_protect(a, PAGE, os_page, WRT_MEM_NONE), WRT_OK);
  assert_true(faults(base + PAGE, false));
  assert_false(faults(base + PAGE + os_page, true));
  assert_int_equal(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  base[0] = 9;
  assert_int_equal(base[PAGE], 8);
  finish(a, base, size);
}

static void moving_grow_needs_read_write_pages(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  if (o.growth == WRT_GROW_RESERVE)
    o.reserve_pages = 1; /* force the move */
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 4, &base, &size), WRT_OK);
  fill(base, size, 2);
  assert_int_equal(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ), WRT_OK);
  b2 = base;
  s2 = size;
  assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_E_STATE);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  assert_filled(base, size, 2);
  assert_true(faults(base, true)); /* protection kept */
  assert_int_equal(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_OK);
  assert_filled(b2, PAGE, 2);
  finish(a, b2, s2);
}

/* --- the runtime-facing API: limits, guards, no_move, memory64, query ----- */

static size_t os_page_size(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static wrt_region_info_t query_ok(const wrt_page_allocator_t *a) {
  wrt_region_info_t info;
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_OK);
  /* the documented order, always */
  assert_true((uintptr_t)info.guard_start <= (uintptr_t)info.base);
  assert_true((uintptr_t)info.base + info.accessible <= (uintptr_t)info.reserved_end);
  assert_true((uintptr_t)info.reserved_end <= (uintptr_t)info.guard_end);
  return info;
}

static void maximum_zero_is_a_real_maximum(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  o.max_pages = 3;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base = NULL;
  size_t size = 1;
  /* (memory 0 0): no page now, none ever */
  assert_int_equal(wrt_page_allocator_allocate(a, 0, 0, &base, &size), WRT_OK);
  assert_int_equal(size, 0);
  assert_int_equal(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_grow(a, 0, 0, &base, &size), WRT_OK);
  assert_int_equal(size, 0);
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  /* initial above a maximum of 0 is a caller error */
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 0, &base, &size), WRT_E_INVALID_ARG);
  /* "no maximum" is the configured one */
  assert_int_equal(wrt_page_allocator_allocate(a, 0, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 0, 3, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 3, 1, &base, &size), WRT_E_LIMIT);
  finish(a, base, size);
}

static void empty_regions_never_share_a_base(void **state) {
  (void)state;
  /* Several live regions of 0 pages: each owns its base (issue: EXACT
   * allocate(0, 0) without guards could return another region's base). */
  enum { N = 8 };
  static _Alignas(64) unsigned char storage[N][4096];
  wrt_page_allocator_t *as[N];
  uint8_t *bases[N];
  size_t sizes[N];
  wrt_status st = WRT_E_OS;
  for (int i = 0; i < N; i++) {
    as[i] = g_backend->create(storage[i], &g_opts, &st);
    assert_non_null(as[i]);
    assert_int_equal(wrt_page_allocator_allocate(as[i], 0, 0, &bases[i], &sizes[i]), WRT_OK);
    wrt_region_info_t info = query_ok(as[i]);
    assert_ptr_equal(info.base, bases[i]);
    assert_true(info.guard_end > info.base); /* the base lies inside its own span */
    for (int j = 0; j < i; j++)
      assert_true(bases[j] != bases[i]);
  }
  for (int i = 0; i < N; i++) {
    assert_int_equal(wrt_page_allocator_deallocate(as[i], bases[i], sizes[i]), WRT_OK);
    g_backend->destroy(storage[i]);
  }
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

static void leading_and_trailing_guards_are_separate(void **state) {
  (void)state;
  size_t os_page = os_page_size();
  wrt_mem_test_options_t o = g_opts;
  o.guard_pages = true;
  o.set_guards = true;
  o.guard_before = os_page;
  o.guard_after = 3 * PAGE;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  wrt_region_info_t info = query_ok(a);
  size_t reserved = (o.growth == WRT_GROW_RESERVE ? 2u : 1u) * PAGE;
  assert_ptr_equal(info.base, base);
  assert_int_equal(info.accessible, PAGE);
  assert_ptr_equal(info.reserved_end, base + reserved);
  /* leading: at least guard_before, at most that plus the alignment slack */
  assert_true((size_t)(base - info.guard_start) >= os_page);
  assert_true((size_t)(base - info.guard_start) <= os_page + PAGE - os_page);
  assert_true((size_t)(info.guard_end - info.reserved_end) >= 3 * PAGE);
  /* the span is the whole mapping, and it costs only what was asked for */
  assert_int_equal(wrt_fi_mapped_bytes(), (size_t)(info.guard_end - info.guard_start));
  assert_int_equal(wrt_fi_mapped_bytes(), os_page + (PAGE - os_page) + reserved + 3 * PAGE);
  assert_true(faults(base - 1, false));
  assert_true(faults(base - os_page, true));
  assert_true(faults(info.reserved_end, false));
  assert_true(faults(info.reserved_end + 3 * PAGE - 1, true));
  assert_false(faults(base + size - 1, true));
  finish(a, base, size);

  /* no leading guard at all: only the alignment slack before the base */
  o.guard_before = 0;
  o.guard_after = PAGE;
  a = make(&o);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 1, &base, &size), WRT_OK);
  info = query_ok(a);
  assert_true((size_t)(base - info.guard_start) < PAGE);
  assert_true((size_t)(info.guard_end - info.reserved_end) >= PAGE);
  assert_true(faults(base + size, false));
  finish(a, base, size);
}

#if defined(WRT_WASM32_GUARD_REACH)
static void wasm32_guard_layout_traps_every_out_of_bounds_access(void **state) {
  (void)state;
  size_t os_page = os_page_size();
  wrt_mem_test_options_t o = g_opts;
  o.guard_pages = true;
  o.set_guards = true;
  o.guard_before = os_page;
  o.guard_after = 0;
  o.guard_reach = WRT_WASM32_GUARD_REACH;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  /* (memory 1 2): address + offset may still reach 8 GiB past the base */
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  wrt_region_info_t info = query_ok(a);
  assert_true((size_t)(info.guard_end - base) >= WRT_WASM32_GUARD_REACH);
  /* cheap: no 8 GiB before the base, just the small leading guard */
  assert_true(wrt_fi_mapped_bytes() <= WRT_WASM32_GUARD_REACH + os_page + PAGE);
  const size_t far = (size_t)UINT32_MAX + UINT32_MAX + 15u; /* last byte an access can touch */
  assert_true(wrt_region_info_in_guard(&info, base + far));
  assert_true(faults(base + far, false));
  assert_true(faults(base + 1000000u, false));
  assert_true(faults(base + ((size_t)4 << 30), true));
  /* a move (EXACT) keeps the layout */
  assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
  info = query_ok(a);
  assert_true((size_t)(info.guard_end - base) >= WRT_WASM32_GUARD_REACH);
  assert_true(wrt_fi_mapped_bytes() <= WRT_WASM32_GUARD_REACH + os_page + PAGE);
  assert_true(faults(base + far, true));
  finish(a, base, size);
}
#endif

static void no_move_refuses_a_moving_grow(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  o.no_move = true;
  if (o.growth == WRT_GROW_RESERVE)
    o.reserve_pages = 2;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base, *b2;
  size_t size, s2;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  if (o.growth == WRT_GROW_RESERVE) {
    assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK); /* in place */
  }
  uint32_t pages = (uint32_t)(size / PAGE);
  fill(base, size, 8);
  wrt_region_info_t before = query_ok(a);
  size_t mapped = wrt_fi_mapped_bytes();
  b2 = base;
  s2 = size;
  assert_int_equal(wrt_page_allocator_grow(a, pages, 1, &b2, &s2), WRT_E_LIMIT);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  wrt_region_info_t after = query_ok(a);
  assert_memory_equal(&before, &after, sizeof before);
  assert_filled(base, size, 8);
  assert_int_equal(wrt_page_allocator_grow(a, pages, 0, &b2, &s2), WRT_OK);
  finish(a, base, size);
}

static void memory64_allows_more_than_65536_pages(void **state) {
  (void)state;
  if (SIZE_MAX <= UINT32_MAX)
    skip(); /* 4 GiB + a page does not fit in a 32-bit size_t */
  wrt_mem_test_options_t o = g_opts;
  o.max_pages = WRT_WASM_MAX_PAGES + 4u;
  wrt_status st = WRT_OK;
  assert_null(g_backend->create(g_storage, &o, &st)); /* only with memory64 */
  assert_int_equal(st, WRT_E_INVALID_ARG);
  o.memory64 = true;
  if (o.growth == WRT_GROW_RESERVE)
    o.reserve_pages = 1; /* grow moves once, to the maximum */
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 0, WRT_WASM_MAX_PAGES + 5u, &base, &size),
                   WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, WRT_WASM_MAX_PAGES + 4u, &base, &size),
                   WRT_OK);
  base[0] = 5;
  if (g_backend->commits_eagerly) {
    /* 4 GiB would really be taken: show only that the region's maximum is
     * above 65536 pages and that growing towards it works. */
    assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
    assert_int_equal(query_ok(a).accessible, 2 * PAGE);
    finish(a, base, size);
    return;
  }
  assert_int_equal(wrt_page_allocator_grow(a, 1, WRT_WASM_MAX_PAGES, &base, &size), WRT_OK);
  assert_int_equal(size, ((size_t)WRT_WASM_MAX_PAGES + 1u) * PAGE);
  assert_int_equal(base[0], 5);
  /* page 65536 exists, reads as zero and is writable; only two pages touched */
  assert_int_equal(base[size - 1], 0);
  base[size - 1] = 6;
  assert_int_equal(query_ok(a).accessible, size);
  assert_int_equal(wrt_page_allocator_grow(a, WRT_WASM_MAX_PAGES + 1u, 4, &base, &size),
                   WRT_E_LIMIT);
  finish(a, base, size);
}

static void query_reports_the_region(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  wrt_region_info_t info;
  memset(&info, 0xa5, sizeof info);
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_E_STATE); /* nothing allocated */
  assert_null(info.base);
  assert_int_equal(info.accessible, 0);
  assert_false(wrt_region_info_contains(&info, &info));
  assert_int_equal(wrt_page_allocator_query(a, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_query(NULL, &info), WRT_E_INVALID_ARG);
  assert_false(wrt_region_info_contains(NULL, &info));
  assert_false(wrt_region_info_in_guard(NULL, &info));
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
  info = query_ok(a);
  assert_ptr_equal(info.base, base);
  assert_int_equal(info.accessible, size);
  size_t reserved = (g_opts.growth == WRT_GROW_RESERVE ? 4u : 2u) * PAGE;
  assert_ptr_equal(info.reserved_end, base + reserved);
  /* the span is exactly what is mapped for the region */
  assert_int_equal(wrt_fi_mapped_bytes(), (size_t)(info.guard_end - info.guard_start));
  assert_true(wrt_region_info_contains(&info, base));
  assert_false(wrt_region_info_in_guard(&info, base));
  assert_false(wrt_region_info_in_guard(&info, base + size - 1));
  assert_true(wrt_region_info_contains(&info, info.guard_end - 1));
  assert_false(wrt_region_info_contains(&info, info.guard_end));
  /* without guards, EXACT may have no inaccessible byte on either side
   * (where the alignment slack fell), so only what the span has is checked */
  if ((uintptr_t)info.guard_end > (uintptr_t)(base + size))
    assert_true(wrt_region_info_in_guard(&info, info.guard_end - 1));
  if ((uintptr_t)info.guard_start < (uintptr_t)base)
    assert_true(wrt_region_info_in_guard(&info, info.guard_start));
  if (g_opts.guard_pages) {
    assert_true(wrt_region_info_in_guard(&info, base - 1));
    assert_true(wrt_region_info_in_guard(&info, info.reserved_end));
  }
  if (g_opts.growth == WRT_GROW_RESERVE)
    assert_true(wrt_region_info_in_guard(&info, base + size));
  /* protect does not change it; a grow in place only widens accessible */
  assert_int_equal(wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ), WRT_OK);
  wrt_region_info_t same = query_ok(a);
  assert_memory_equal(&info, &same, sizeof info);
  assert_int_equal(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 2, 1, &base, &size), WRT_OK);
  wrt_region_info_t grown = query_ok(a);
  assert_ptr_equal(grown.base, base);
  assert_int_equal(grown.accessible, 3 * PAGE);
  if (g_opts.growth == WRT_GROW_RESERVE) {
    assert_ptr_equal(grown.base, info.base);
    assert_ptr_equal(grown.reserved_end, info.reserved_end);
    assert_ptr_equal(grown.guard_start, info.guard_start);
    assert_ptr_equal(grown.guard_end, info.guard_end);
  }
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_E_STATE);
  g_backend->destroy(g_storage);
  /* a destroyed (zeroed) object has no ops table */
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

/* The trap handler a runtime writes: query from SIGSEGV and jump back. */
static const wrt_page_allocator_t *volatile g_trap_alloc;
static sigjmp_buf g_trap_jmp;
static volatile sig_atomic_t g_trap_in_guard;

static void trap_handler(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  wrt_region_info_t info;
  g_trap_in_guard = wrt_page_allocator_query(g_trap_alloc, &info) == WRT_OK &&
                    wrt_region_info_in_guard(&info, si->si_addr);
  siglongjmp(g_trap_jmp, 1);
}

static bool trapped_in_guard(volatile uint8_t *p) {
  g_trap_in_guard = 0;
  if (sigsetjmp(g_trap_jmp, 1) == 0) {
    *p = 1;
    return false; /* no fault */
  }
  return g_trap_in_guard != 0;
}

static void query_from_a_sigsegv_handler(void **state) {
  (void)state;
  wrt_mem_test_options_t o = g_opts;
  o.guard_pages = true; /* so that every probe below lies in the span */
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base;
  size_t size;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  struct sigaction sa, old_segv, old_bus;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = trap_handler;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  g_trap_alloc = a;
  assert_int_equal(sigaction(SIGSEGV, &sa, &old_segv), 0);
  assert_int_equal(sigaction(SIGBUS, &sa, &old_bus), 0);
  bool below = trapped_in_guard(base - 1);
  bool above = trapped_in_guard(base + size);
  bool inside = trapped_in_guard(base + size - 1);
  assert_int_equal(sigaction(SIGSEGV, &old_segv, NULL), 0);
  assert_int_equal(sigaction(SIGBUS, &old_bus, NULL), 0);
  assert_true(below);
  assert_true(above);
  assert_false(inside); /* no fault at all */
  finish(a, base, size);
}

/* A reader thread checks every snapshot while the owner grows. */
typedef struct {
  const wrt_page_allocator_t *a;
  atomic_bool stop;
  atomic_uint bad;
  atomic_ulong reads;
  bool fixed; /* the region does not move: everything but accessible fixed */
  wrt_region_info_t first;
} query_reader_t;

static bool snapshot_ok(const wrt_region_info_t *i) {
  return (uintptr_t)i->guard_start <= (uintptr_t)i->base &&
         (uintptr_t)i->base + i->accessible <= (uintptr_t)i->reserved_end &&
         (uintptr_t)i->reserved_end <= (uintptr_t)i->guard_end && i->accessible % PAGE == 0 &&
         (uintptr_t)i->base % PAGE == 0;
}

static void *query_reader(void *arg) {
  query_reader_t *r = arg;
  size_t last = 0;
  while (!atomic_load(&r->stop)) {
    wrt_region_info_t i;
    if (wrt_page_allocator_query(r->a, &i) != WRT_OK || !snapshot_ok(&i) || i.accessible < last)
      atomic_fetch_add(&r->bad, 1u);
    else if (r->fixed && (i.base != r->first.base || i.reserved_end != r->first.reserved_end ||
                          i.guard_start != r->first.guard_start ||
                          i.guard_end != r->first.guard_end))
      atomic_fetch_add(&r->bad, 1u);
    last = i.accessible;
    atomic_fetch_add(&r->reads, 1u);
  }
  return NULL;
}

static void query_is_consistent_while_another_thread_grows(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  uint8_t *base;
  size_t size;
  enum { MAXP = 64 };
  assert_int_equal(wrt_page_allocator_allocate(a, 1, MAXP, &base, &size), WRT_OK);
  query_reader_t r;
  memset(&r, 0, sizeof r);
  r.a = a;
  atomic_init(&r.stop, false);
  atomic_init(&r.bad, 0u);
  atomic_init(&r.reads, 0u);
  r.fixed = g_opts.growth == WRT_GROW_RESERVE; /* EXACT moves at every grow */
  r.first = query_ok(a);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, query_reader, &r), 0);
  for (uint32_t p = 1; p < MAXP; p++) {
    assert_int_equal(wrt_page_allocator_grow(a, p, 1, &base, &size), WRT_OK);
    if (p % 8u == 0u)
      sched_yield();
  }
  while (atomic_load(&r.reads) < 1000u)
    sched_yield();
  atomic_store(&r.stop, true);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(atomic_load(&r.bad), 0);
  assert_int_equal(query_ok(a).accessible, (size_t)MAXP * PAGE);
  finish(a, base, size);
}

/* A signal that interrupts the owner in the middle of grow/deallocate must
 * still get an answer at once (a plain seqlock would spin for ever). */
static const wrt_page_allocator_t *volatile g_alarm_alloc;
static volatile sig_atomic_t g_alarm_hits, g_alarm_bad;

static void alarm_handler(int sig) {
  (void)sig;
  int saved = errno;
  wrt_region_info_t info;
  wrt_status st = wrt_page_allocator_query(g_alarm_alloc, &info);
  if ((st == WRT_OK && !snapshot_ok(&info)) || (st != WRT_OK && st != WRT_E_STATE))
    g_alarm_bad = 1;
  g_alarm_hits = g_alarm_hits + 1;
  errno = saved;
}

static void query_from_a_signal_that_interrupts_the_owner(void **state) {
  (void)state;
  wrt_page_allocator_t *a = make_default();
  g_alarm_alloc = a;
  g_alarm_hits = 0;
  g_alarm_bad = 0;
  struct sigaction sa, old;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = alarm_handler;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
  struct itimerval it = {{0, 50}, {0, 50}}, off = {{0, 0}, {0, 0}};
  assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
  uint8_t *base;
  size_t size;
  for (int round = 0; round < 400 && g_alarm_hits < 50; round++) {
    assert_int_equal(wrt_page_allocator_allocate(a, 1, 16, &base, &size), WRT_OK);
    for (uint32_t p = 1; p < 16; p++)
      assert_int_equal(wrt_page_allocator_grow(a, p, 1, &base, &size), WRT_OK);
    assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  }
  assert_int_equal(setitimer(ITIMER_REAL, &off, NULL), 0);
  assert_int_equal(sigaction(SIGALRM, &old, NULL), 0);
  assert_true(g_alarm_hits > 0);
  assert_int_equal(g_alarm_bad, 0);
  g_backend->destroy(g_storage);
  assert_int_equal(wrt_fi_mapped_bytes(), 0);
}

/* --- fault injection: every system call fails in turn --------------------- */

typedef enum { OP_ALLOCATE, OP_GROW, OP_GROW_MOVE, OP_PROTECT, OP_DEALLOCATE } op_kind;

static const wrt_fi_call k_calls[] = {WRT_FI_MMAP, WRT_FI_MPROTECT, WRT_FI_MUNMAP, WRT_FI_MADVISE};

static int injected_errno(wrt_fi_call c) { return c == WRT_FI_MUNMAP ? EINVAL : ENOMEM; }

/* Sets up a region for op (2 pages, max 4; a 2-page reservation for the
 * moving grow), then fails the nth call of kind c during op. Returns true
 * when the failure fired (so the caller tries n+1), false once op ran
 * through without reaching the nth call. */
static bool fail_op_at(op_kind op, wrt_fi_call c, unsigned n) {
  wrt_mem_test_options_t o = g_opts;
  if (op == OP_GROW_MOVE && o.growth == WRT_GROW_RESERVE)
    o.reserve_pages = 2;
  wrt_page_allocator_t *a = make(&o);
  uint8_t *base = NULL, *b2;
  size_t size = 0, s2, mapped_before;
  wrt_status st;
  if (op != OP_ALLOCATE) {
    assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
    fill(base, size, 4);
  }
  mapped_before = wrt_fi_mapped_bytes();
  b2 = base;
  s2 = size;
  wrt_fi_reset();
  wrt_fi_fail_nth(c, n, injected_errno(c));
  switch (op) {
  case OP_ALLOCATE: st = wrt_page_allocator_allocate(a, 2, 4, &b2, &s2); break;
  case OP_GROW: st = wrt_page_allocator_grow(a, 2, 1, &b2, &s2); break;
  case OP_GROW_MOVE: st = wrt_page_allocator_grow(a, 2, 2, &b2, &s2); break;
  case OP_PROTECT: st = wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ); break;
  default: st = wrt_page_allocator_deallocate(a, base, size); break;
  }
  bool fired = wrt_fi_fired() != 0;
  wrt_fi_reset();
  if (!fired) {
    /* The op ran to completion; undo it so the next round starts clean. */
    assert_int_equal(st, WRT_OK);
    if (op == OP_PROTECT)
      assert_int_equal(wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ_WRITE), WRT_OK);
    if (op == OP_DEALLOCATE)
      base = NULL;
    else if (op != OP_PROTECT) {
      base = b2;
      size = s2;
    }
    finish(a, base, size);
    return false;
  }
  /* Failure reported with the right status, and nothing changed. */
  assert_int_equal(st, c == WRT_FI_MUNMAP ? WRT_E_OS : WRT_E_NO_MEMORY);
  assert_int_equal(g_backend->last_os_error(g_storage), injected_errno(c));
  assert_int_equal(wrt_fi_mapped_bytes(), mapped_before);
  assert_ptr_equal(b2, base);
  assert_int_equal(s2, size);
  if (op != OP_ALLOCATE) {
    assert_filled(base, size, 4);
    fill(base, size, 4); /* still writable: protection unchanged */
  }
  /* Still usable: the same op now succeeds. */
  switch (op) {
  case OP_ALLOCATE:
    assert_int_equal(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
    break;
  case OP_GROW:
  case OP_GROW_MOVE:
    assert_int_equal(wrt_page_allocator_grow(a, 2, op == OP_GROW ? 1u : 2u, &base, &size), WRT_OK);
    assert_filled(base, 2 * PAGE, 4);
    break;
  case OP_PROTECT:
    assert_int_equal(wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ_WRITE), WRT_OK);
    break;
  default:
    assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    base = NULL;
    break;
  }
  finish(a, base, size);
  return true;
}

static void each_system_call_fails_in_turn(void **state) {
  (void)state;
  static const op_kind ops[] = {OP_ALLOCATE, OP_GROW, OP_GROW_MOVE, OP_PROTECT, OP_DEALLOCATE};
  unsigned injected = 0;
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    for (size_t c = 0; c < sizeof k_calls / sizeof k_calls[0]; c++)
      for (unsigned n = 1; n < 64 && fail_op_at(ops[i], k_calls[c], n); n++)
        injected++;
  /* allocate maps and commits; growth and protection call mprotect or mmap;
   * deallocate unmaps: at least one failure per op must have been injected. */
  assert_true(injected >= 5);
  print_message("[ %s ] %u injected system-call failures, none leaked\n", g_backend->name,
                injected);
}

static int setup(void **state) {
  (void)state;
  wrt_fi_reset();
  return wrt_fi_mapped_bytes() == 0 ? 0 : -1;
}

static int run_variants(const wrt_mem_backend_t *backend, const struct CMUnitTest *tests,
                        size_t count) {
  static const struct {
    wrt_growth_strategy growth;
    bool guards;
    const char *label;
  } variants[] = {
      {WRT_GROW_RESERVE, false, "reserve"},
      {WRT_GROW_RESERVE, true, "reserve+guards"},
      {WRT_GROW_EXACT, false, "exact"},
      {WRT_GROW_EXACT, true, "exact+guards"},
  };
  int failures = 0;
  g_backend = backend;
  for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++) {
    char name[128];
    memset(&g_opts, 0, sizeof g_opts);
    g_opts.growth = variants[i].growth;
    g_opts.guard_pages = variants[i].guards;
    snprintf(name, sizeof name, "%s memory suite: %s", backend->name, variants[i].label);
    failures += _cmocka_run_group_tests(name, tests, count, NULL, NULL);
  }
  return failures;
}

int wrt_memory_suite_run(const wrt_mem_backend_t *backend) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(allocate_gives_aligned_zeroed_pages, setup),
      cmocka_unit_test_setup(allocate_zero_pages_then_grow, setup),
      cmocka_unit_test_setup(grow_keeps_contents_and_zero_fills, setup),
      cmocka_unit_test_setup(grow_by_zero_reports_the_region, setup),
      cmocka_unit_test_setup(grow_past_maximum_is_limit_and_changes_nothing, setup),
      cmocka_unit_test_setup(no_maximum_means_configured_max_pages, setup),
      cmocka_unit_test_setup(grow_past_a_small_reservation_moves_and_keeps_contents, setup),
      cmocka_unit_test_setup(bad_config_is_refused, setup),
      cmocka_unit_test_setup(bad_arguments_change_nothing, setup),
      cmocka_unit_test_setup(destroy_releases_and_is_idempotent, setup),
      cmocka_unit_test_setup(init_refuses_a_live_allocator, setup),
      cmocka_unit_test_setup(guards_and_reservation_fault, setup),
      cmocka_unit_test_setup(protect_enforces_access, setup),
      cmocka_unit_test_setup(moving_grow_needs_read_write_pages, setup),
      cmocka_unit_test_setup(maximum_zero_is_a_real_maximum, setup),
      cmocka_unit_test_setup(empty_regions_never_share_a_base, setup),
      cmocka_unit_test_setup(leading_and_trailing_guards_are_separate, setup),
#if defined(WRT_WASM32_GUARD_REACH)
      cmocka_unit_test_setup(wasm32_guard_layout_traps_every_out_of_bounds_access, setup),
#endif
      cmocka_unit_test_setup(no_move_refuses_a_moving_grow, setup),
      cmocka_unit_test_setup(memory64_allows_more_than_65536_pages, setup),
      cmocka_unit_test_setup(query_reports_the_region, setup),
      cmocka_unit_test_setup(query_from_a_sigsegv_handler, setup),
      cmocka_unit_test_setup(query_is_consistent_while_another_thread_grows, setup),
      cmocka_unit_test_setup(query_from_a_signal_that_interrupts_the_owner, setup),
      cmocka_unit_test_setup(each_system_call_fails_in_turn, setup),
  };
  return run_variants(backend, tests, sizeof tests / sizeof tests[0]);
}

int wrt_memory_suite_run_query_threads(const wrt_mem_backend_t *backend) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(query_is_consistent_while_another_thread_grows, setup),
      cmocka_unit_test_setup(query_from_a_signal_that_interrupts_the_owner, setup),
  };
  return run_variants(backend, tests, sizeof tests / sizeof tests[0]);
}
