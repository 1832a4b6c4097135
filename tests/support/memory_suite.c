/*
 * memory_suite.c - the backend-neutral page-allocator suite; see
 * memory_suite.h. Every test runs once per (strategy, guard pages) pair.
 * Test code only: the current backend and options live in file statics.
 */
#define _GNU_SOURCE
#include "memory_suite.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
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
      *p = 42;
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
      cmocka_unit_test_setup(each_system_call_fails_in_turn, setup),
  };
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
    failures += _cmocka_run_group_tests(name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
  }
  return failures;
}
