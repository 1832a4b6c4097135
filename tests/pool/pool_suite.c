/*
 * pool_suite.c - the slot pool's tests, for any backend (see pool_suite.h):
 * a slot handed out again reads as zero with its guards intact, no
 * mmap/munmap after init, bad input, limits, every system call failed in
 * turn. Test code only.
 */
#define _GNU_SOURCE
#include "pool_suite.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "fault_inject.h"
#include "madvise_probe.h"
#include "wrt/linux_memory.h"

#define PG ((size_t)WRT_WASM_PAGE_SIZE)
#define NSLOTS 4u

static const pool_backend_t *g_b;
static wrt_pool_t g_pool;
static wrt_pool_slot_t g_slots[NSLOTS];

static wrt_pool_config_t small_config(size_t keep) {
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 8;
  c.guard_before = PG;
  c.guard_after = 2 * PG;
  c.keep_resident = keep;
  return c;
}

static int teardown(void **state) {
  (void)state;
  wrt_fi_reset();
  (void)wrt_pool_destroy(&g_pool);
  return 0;
}

/* true when touching addr kills a child with SIGSEGV or SIGBUS. */
static bool faults(volatile uint8_t *addr, bool write) {
  pid_t pid = fork();
  if (pid == 0) {
    /* cmocka's handlers would report the fault as a test failure */
    (void)signal(SIGSEGV, SIG_DFL);
    (void)signal(SIGBUS, SIG_DFL);
    if (write) {
      addr[0] = 1;
    } else {
      (void)addr[0];
    }
    _exit(0);
  }
  int st = 0;
  assert_true(pid > 0);
  assert_int_equal(waitpid(pid, &st, 0), pid);
  return WIFSIGNALED(st) && (WTERMSIG(st) == SIGSEGV || WTERMSIG(st) == SIGBUS);
}

static bool all_zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0u) {
      return false;
    }
  }
  return true;
}

/* The region's guards: the page before base, the first page past the
 * accessible bytes, the last byte of the span. */
static void assert_guards(wrt_page_allocator_t *a, uint8_t *base, size_t size) {
  wrt_region_info_t info;
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_OK);
  assert_ptr_equal(info.base, base);
  assert_int_equal(info.accessible, size);
  assert_true(info.guard_start < base);
  assert_true(faults(base - 1, false));
  assert_true(faults(base + size, false));
  assert_true(faults(info.guard_end - 1, false));
  assert_true(faults(info.reserved_end, false));
}

/* Fills every committed byte, grows, fills again, releases; the same slot
 * (the free list is LIFO) must then read as zero and fault past its size. */
static void reacquired_slot_reads_zero_with_guards(size_t keep) {
  wrt_pool_config_t c = small_config(keep);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  for (int round = 0; round < 3; round++) {
    wrt_page_allocator_t *a = NULL;
    uint8_t *base = NULL;
    size_t size = 0;
    assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
    assert_ptr_equal(a, &g_slots[0].base);
    assert_int_equal(wrt_page_allocator_allocate(a, 2, 6, &base, &size), WRT_OK);
    assert_int_equal(size, 2 * PG);
    assert_true(all_zero(base, size));
    assert_guards(a, base, size);
    memset(base, 0xA5, size);
    assert_int_equal(wrt_page_allocator_grow(a, 2, 3, &base, &size), WRT_OK);
    assert_int_equal(size, 5 * PG);
    assert_true(all_zero(base + 2 * PG, 3 * PG));
    memset(base, 0x5A, size);
    if (round == 1) {
      /* a narrowed page must not stop the zeroing */
      assert_int_equal(wrt_page_allocator_protect(a, 0, PG, WRT_MEM_READ), WRT_OK);
    }
    if (round == 2) {
      /* deallocate, then release an empty slot */
      assert_int_equal(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    }
    assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
    assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
  }
  /* allocate less than the keep-resident part: the rest is inaccessible */
  wrt_page_allocator_t *a = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_OK);
  assert_true(all_zero(base, size));
  assert_guards(a, base, size);
  assert_true(faults(base + 4 * PG, true));
  assert_int_equal(wrt_page_allocator_grow(a, 1, 7, &base, &size), WRT_OK);
  assert_true(all_zero(base, size)); /* all 8 pages zero */
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
}

static void reacquired_slot_reads_zero_keep_0(void **state) {
  (void)state;
  reacquired_slot_reads_zero_with_guards(0);
}

static void reacquired_slot_reads_zero_keep_part(void **state) {
  (void)state;
  reacquired_slot_reads_zero_with_guards(3 * PG);
}

static void reacquired_slot_reads_zero_keep_all(void **state) {
  (void)state;
  reacquired_slot_reads_zero_with_guards(8 * PG);
}

/* Decommitted bytes leave memory (not resident), kept ones stay. */
static void release_decommits_beyond_keep_resident(void **state) {
  (void)state;
  if (!g_b->decommits) {
    skip(); /* zeroed in place: resident by design (pool_suite.h) */
  }
  int seen = wrt_probe_discard_seen();
  if (seen != 0) {
    print_message("skipped: mincore cannot show a discarded PROT_NONE page here (%s; "
                  "qemu-user refuses mincore on a range the guest cannot read)\n",
                  seen > 0 ? strerror(seen) : "still resident");
    skip();
  }
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  wrt_pool_config_t c = small_config(2 * PG);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  wrt_page_allocator_t *a = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 6, 8, &base, &size), WRT_OK);
  memset(base, 1, size);
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  unsigned char vec[6 * 16];
  size_t n = size / os_page;
  assert_true(n <= sizeof vec);
  assert_int_equal(mincore(base, size, vec), 0);
  for (size_t i = 0; i < n; i++) {
    bool kept = i * os_page < 2 * PG;
    assert_int_equal(vec[i] & 1u, kept ? 1u : 0u);
  }
}

/* software_bounds: once committed, a slot's pages stay read-write, so a
 * cycle that fits what the slot held makes no system call; what is past a
 * region's size reads zero (never a previous instance's bytes); the guards
 * and the pages past the slot's high-water mark still fault. */
static void software_bounds_cycle_makes_no_system_call(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(2 * PG);
  c.software_bounds = true;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  wrt_page_allocator_t *a = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  /* first use: 2 pages, grown to 4, every byte written */
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 2, 8, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(a, 2, 2, &base, &size), WRT_OK);
  memset(base, 0xC3, size);
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  for (int round = 0; round < 3; round++) {
    wrt_fi_reset();
    (void)g_b->discard_calls();
    assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
    assert_int_equal(wrt_page_allocator_allocate(a, 0, 8, &base, &size), WRT_OK);
    assert_int_equal(size, 0u);
    /* past the size: read-write and zero, not the last instance's 0xC3 */
    assert_true(all_zero(base, 4 * PG));
    assert_int_equal(wrt_page_allocator_grow(a, 0, 2, &base, &size), WRT_OK);
    memset(base, 0x3C, size);
    assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
    assert_int_equal(wrt_fi_calls(WRT_FI_MPROTECT), 0u);
    assert_int_equal(wrt_fi_calls(WRT_FI_MMAP) + wrt_fi_calls(WRT_FI_MUNMAP), 0u);
    assert_int_equal(g_b->discard_calls(), 0u); /* 2 pages used, 2 kept */
  }
  /* the guards and the pages past the most the slot held still fault */
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  assert_true(all_zero(base, 4 * PG));
  assert_true(faults(base - 1, false));
  assert_true(faults(base + 4 * PG, true));
  wrt_region_info_t info;
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_OK);
  assert_int_equal(info.accessible, PG);
  assert_true(faults(info.guard_end - 1, false));
  /* a grow past it is one mprotect; everything committed reads zero */
  wrt_fi_reset();
  assert_int_equal(wrt_page_allocator_grow(a, 1, 7, &base, &size), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_MPROTECT), 1u);
  assert_true(all_zero(base, size));
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
}

/* The point of the pool: after init, a cycle maps and unmaps nothing. */
static void no_mmap_or_munmap_after_init(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(PG);
  wrt_fi_reset();
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_MMAP), 1u);
  wrt_fi_reset();
  (void)g_b->discard_calls(); /* the Linux counter: from zero */
  for (int i = 0; i < 1000; i++) {
    wrt_page_allocator_t *a = NULL, *b = NULL;
    uint8_t *base = NULL;
    size_t size = 0;
    assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
    assert_int_equal(wrt_pool_acquire(&g_pool, &b), WRT_OK);
    assert_int_equal(wrt_page_allocator_allocate(a, 1, 4, &base, &size), WRT_OK);
    assert_int_equal(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
    base[size - 1] = 7;
    assert_int_equal(wrt_pool_release(&g_pool, b), WRT_OK);
    assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  }
  assert_int_equal(wrt_fi_calls(WRT_FI_MMAP), 0u);
  assert_int_equal(wrt_fi_calls(WRT_FI_MUNMAP), 0u);
  /* bounded: allocate and grow one mprotect each, release at most two
   * mprotects and one discard */
  assert_true(wrt_fi_calls(WRT_FI_MPROTECT) <= 4u * 1000u);
  assert_true(g_b->discard_calls() <= 1000u);
  wrt_fi_reset();
  assert_int_equal(wrt_pool_destroy(&g_pool), WRT_OK);
  assert_int_equal(wrt_fi_calls(WRT_FI_MUNMAP), 1u);
}

static void full_pool_is_limit(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(0);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  wrt_page_allocator_t *got[NSLOTS];
  for (unsigned i = 0; i < NSLOTS; i++) {
    assert_int_equal(wrt_pool_acquire(&g_pool, &got[i]), WRT_OK);
    for (unsigned j = 0; j < i; j++) {
      assert_ptr_not_equal(got[i], got[j]);
    }
  }
  wrt_page_allocator_t *none = (wrt_page_allocator_t *)(uintptr_t)1u;
  assert_int_equal(wrt_pool_acquire(&g_pool, &none), WRT_E_LIMIT);
  assert_ptr_equal(none, (wrt_page_allocator_t *)(uintptr_t)1u);
  assert_int_equal(wrt_pool_in_use(&g_pool), NSLOTS);
  assert_int_equal(wrt_pool_destroy(&g_pool), WRT_E_STATE); /* slots out: nothing changed */
  assert_int_equal(wrt_pool_release(&g_pool, got[2]), WRT_OK);
  assert_int_equal(wrt_pool_acquire(&g_pool, &none), WRT_OK);
  assert_ptr_equal(none, got[2]);
  for (unsigned i = 0; i < NSLOTS; i++) {
    assert_int_equal(wrt_pool_release(&g_pool, got[i]), WRT_OK);
  }
}

static void bad_release_changes_nothing(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(0);
  static wrt_pool_t other;
  static wrt_pool_slot_t other_slots[2];
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  assert_int_equal(g_b->init(&other, other_slots, 2, &c), WRT_OK);
  wrt_page_allocator_t *a = NULL, *o = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  base[0] = 3;
  assert_int_equal(wrt_pool_acquire(&other, &o), WRT_OK);
  /* never acquired */
  assert_int_equal(wrt_pool_release(&g_pool, &g_slots[3].base), WRT_E_STATE);
  /* another pool's slot, either way round */
  assert_int_equal(wrt_pool_release(&g_pool, o), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_pool_release(&other, a), WRT_E_INVALID_ARG);
  /* not a slot at all: inside the table but misaligned, and a backend
   * allocator */
  assert_int_equal(wrt_pool_release(&g_pool, (wrt_page_allocator_t *)(void *)((char *)a + 8)),
                   WRT_E_INVALID_ARG);
  static wrt_linux_allocator_t lx;
  wrt_linux_allocator_config_t lc = wrt_linux_allocator_config_default();
  assert_int_equal(wrt_linux_allocator_init(&lx, &lc), WRT_OK);
  assert_int_equal(wrt_pool_release(&g_pool, wrt_linux_allocator_base(&lx)), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_pool_release(NULL, a), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_pool_release(&g_pool, NULL), WRT_E_INVALID_ARG);
  /* nothing changed: the region is intact, counts as they were */
  assert_int_equal(base[0], 3);
  assert_int_equal(wrt_pool_in_use(&g_pool), 1u);
  assert_int_equal(wrt_pool_in_use(&other), 1u);
  /* twice */
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_E_STATE);
  assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
  /* a released slot's allocator refuses to work */
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_E_STATE);
  /* the free list is intact: every slot can be acquired once */
  wrt_page_allocator_t *got[NSLOTS];
  for (unsigned i = 0; i < NSLOTS; i++) {
    assert_int_equal(wrt_pool_acquire(&g_pool, &got[i]), WRT_OK);
  }
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_E_LIMIT);
  for (unsigned i = 0; i < NSLOTS; i++) {
    assert_int_equal(wrt_pool_release(&g_pool, got[i]), WRT_OK);
  }
  assert_int_equal(wrt_pool_release(&other, o), WRT_OK);
  assert_int_equal(wrt_pool_destroy(&other), WRT_OK);
  wrt_linux_allocator_destroy(&lx);
}

/* g_pool with small_config(0), and one slot of it acquired. */
static wrt_page_allocator_t *init_small_and_acquire(void) {
  wrt_pool_config_t c = small_config(0);
  wrt_page_allocator_t *a = NULL;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  return a;
}

static void grow_past_the_slot_is_limit(void **state) {
  (void)state;
  wrt_page_allocator_t *a = init_small_and_acquire();
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 9, &base, &size), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_allocate(a, 9, WRT_MAX_PAGES_NONE, &base, &size),
                   WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_E_STATE);
  uint8_t *b0 = base;
  assert_int_equal(wrt_page_allocator_grow(a, 1, 7, &base, &size), WRT_OK);
  assert_ptr_equal(base, b0);
  assert_int_equal(wrt_page_allocator_grow(a, 8, 1, &base, &size), WRT_E_LIMIT);
  assert_int_equal(wrt_page_allocator_grow(a, 7, 1, &base, &size), WRT_E_INVALID_ARG);
  assert_int_equal(size, 8 * PG);
  base[size - 1] = 1; /* still all there */
  assert_int_equal(wrt_page_allocator_deallocate(a, base, size - PG), WRT_E_STATE);
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
}

/* A slot's ops check their arguments and the slot's state before any
 * system call: NULL out-pointers (called through the ops table, as the
 * dispatchers reject them first), grow and protect before allocate, a
 * protect that is not page-aligned or runs past the region, and any op on
 * a slot already released. */
static void slot_ops_check_state_and_arguments(void **state) {
  (void)state;
  wrt_page_allocator_t *a = init_small_and_acquire();
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(a->ops->allocate(a, 1, 2, NULL, &size), WRT_E_INVALID_ARG);
  assert_int_equal(a->ops->grow(a, 0, 1, NULL, &size), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_protect(a, 0, PG, WRT_MEM_READ), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_protect(a, 1, PG, WRT_MEM_READ), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_page_allocator_protect(a, 0, 2 * PG, WRT_MEM_READ), WRT_E_INVALID_ARG);
  base[size - 1] = 1; /* nothing was changed */
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  assert_int_equal(a->ops->protect(a, 0, PG, WRT_MEM_READ), WRT_E_STATE);
  assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
}

/* Every entry point on NULL and on storage that is no pool answers without
 * touching it; a slot's ops on a NULL size, and deallocate of a released
 * slot, before allocate, or with another base, change nothing. */
static void not_a_pool_and_stale_slot(void **state) {
  (void)state;
  wrt_pool_t zero;
  memset(&zero, 0, sizeof zero);
  wrt_page_allocator_t *a = NULL;
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_in_use(NULL), 0u);
  assert_int_equal(wrt_pool_in_use(&zero), 0u);
  assert_int_equal(wrt_pool_slot_count(NULL), 0u);
  assert_int_equal(wrt_pool_slot_count(&zero), 0u);
  assert_int_equal(wrt_pool_destroy(NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_pool_acquire(NULL, &a), WRT_E_INVALID_ARG);
  a = init_small_and_acquire();
  assert_int_equal(wrt_pool_slot_count(&g_pool), NSLOTS);
  assert_int_equal(wrt_pool_release(&zero, a), WRT_E_INVALID_ARG);
  assert_int_equal(a->ops->allocate(a, 1, 2, &base, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(a->ops->grow(a, 0, 1, &base, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(a->ops->deallocate(a, base, size), WRT_E_STATE);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  assert_int_equal(a->ops->deallocate(a, base + PG, size), WRT_E_STATE);
  base[size - 1] = 1; /* still there */
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  assert_int_equal(a->ops->deallocate(a, base, size), WRT_E_STATE);
  assert_int_equal(a->ops->grow(a, 1, 1, &base, &size), WRT_E_STATE);
  assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
}

static void bad_config_and_init(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(0);
  size_t mapped = wrt_fi_mapped_bytes();
  assert_int_equal(g_b->init(NULL, g_slots, NSLOTS, &c), WRT_E_INVALID_ARG);
  assert_int_equal(g_b->init(&g_pool, NULL, NSLOTS, &c), WRT_E_INVALID_ARG);
  assert_int_equal(g_b->init(&g_pool, g_slots, 0, &c), WRT_E_INVALID_ARG);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, NULL), WRT_E_INVALID_ARG);
  wrt_pool_config_t bad = c;
  bad.slot_pages = 0;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &bad), WRT_E_INVALID_ARG);
  bad = c;
  bad.slot_pages = WRT_WASM_MAX_PAGES + 1u;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &bad), WRT_E_INVALID_ARG);
  bad = c;
  bad.guard_before = 1;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &bad), WRT_E_INVALID_ARG);
  bad = c;
  bad.keep_resident = 9 * PG;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &bad), WRT_E_INVALID_ARG);
  bad = c;
  bad.guard_reach = SIZE_MAX & ~(PG - 1u);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &bad), WRT_E_OVERFLOW);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_pool_acquire(&g_pool, NULL), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_pool_destroy(&g_pool), WRT_E_INVALID_ARG);
  /* the reservation refused: nothing mapped, the pool still unusable */
  wrt_fi_fail_nth(WRT_FI_MMAP, 1, ENOMEM);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_E_NO_MEMORY);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  wrt_page_allocator_t *a = NULL;
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_E_INVALID_ARG);
  wrt_fi_reset();
  /* the 32-bit guard layout: span covers WRT_WASM32_GUARD_REACH */
#if defined(WRT_WASM32_GUARD_REACH)
  c = wrt_pool_config_default();
  c.guard_reach = WRT_WASM32_GUARD_REACH;
  c.guard_after = 0;
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_E_STATE);
  uint8_t *base = NULL;
  size_t size = 0;
  assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
  assert_int_equal(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  wrt_region_info_t info;
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_OK);
  assert_true((size_t)(info.guard_end - base) >= WRT_WASM32_GUARD_REACH);
  assert_true(faults(base + WRT_WASM32_GUARD_REACH - 1u, false));
  assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
  assert_int_equal(wrt_page_allocator_query(a, &info), WRT_E_STATE);
#endif
}

/* One full cycle with the nth call of kind failed: the failing call
 * reports an error and changes nothing, a retry succeeds, and the slot
 * still reads as zero afterwards. */
static void each_system_call_fails_in_turn(void **state) {
  (void)state;
  wrt_pool_config_t c = small_config(PG);
  assert_int_equal(g_b->init(&g_pool, g_slots, NSLOTS, &c), WRT_OK);
  for (int kind = 0; kind < 2; kind++) {
    for (unsigned nth = 1; nth <= 6; nth++) {
      wrt_fi_reset();
      if (kind == 0) {
        wrt_fi_fail_nth(WRT_FI_MPROTECT, nth, ENOMEM);
      } else {
        g_b->fail_discard_nth(nth, EAGAIN);
      }
      wrt_page_allocator_t *a = NULL;
      uint8_t *base = NULL;
      size_t size = 0;
      assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
      wrt_status st;
      while ((st = wrt_page_allocator_allocate(a, 1, 4, &base, &size)) != WRT_OK) {
        assert_int_equal(st, WRT_E_NO_MEMORY);
        assert_int_equal(wrt_page_allocator_query(a, &(wrt_region_info_t){0}), WRT_E_STATE);
      }
      assert_true(all_zero(base, size));
      memset(base, 9, size);
      while ((st = wrt_page_allocator_grow(a, 1, 2, &base, &size)) != WRT_OK) {
        assert_int_equal(st, WRT_E_NO_MEMORY);
        assert_int_equal(size, PG); /* unchanged */
      }
      assert_true(all_zero(base + PG, 2 * PG));
      memset(base, 9, size);
      while ((st = wrt_pool_release(&g_pool, a)) != WRT_OK) {
        assert_int_equal(st, WRT_E_NO_MEMORY);
        assert_int_equal(wrt_pool_in_use(&g_pool), 1u); /* still ours */
        wrt_region_info_t info;
        assert_int_equal(wrt_page_allocator_query(a, &info), WRT_OK);
      }
      assert_int_equal(wrt_pool_in_use(&g_pool), 0u);
      wrt_fi_reset(); /* a fault not reached in this cycle: disarm it */
      g_b->fail_discard_nth(0, 0);
      assert_int_equal(wrt_pool_acquire(&g_pool, &a), WRT_OK);
      assert_int_equal(wrt_page_allocator_allocate(a, 3, 4, &base, &size), WRT_OK);
      assert_true(all_zero(base, size));
      assert_true(faults(base + size, false));
      assert_int_equal(wrt_pool_release(&g_pool, a), WRT_OK);
    }
  }
  wrt_fi_reset();
  wrt_fi_fail_nth(WRT_FI_MUNMAP, 1, EINVAL);
  assert_int_equal(wrt_pool_destroy(&g_pool), WRT_E_OS);
  assert_int_equal(wrt_pool_slot_count(&g_pool), NSLOTS); /* still a pool */
}

int pool_suite_run(const pool_backend_t *b) {
  g_b = b;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_teardown(reacquired_slot_reads_zero_keep_0, teardown),
      cmocka_unit_test_teardown(reacquired_slot_reads_zero_keep_part, teardown),
      cmocka_unit_test_teardown(reacquired_slot_reads_zero_keep_all, teardown),
      cmocka_unit_test_teardown(release_decommits_beyond_keep_resident, teardown),
      cmocka_unit_test_teardown(no_mmap_or_munmap_after_init, teardown),
      cmocka_unit_test_teardown(software_bounds_cycle_makes_no_system_call, teardown),
      cmocka_unit_test_teardown(full_pool_is_limit, teardown),
      cmocka_unit_test_teardown(bad_release_changes_nothing, teardown),
      cmocka_unit_test_teardown(grow_past_the_slot_is_limit, teardown),
      cmocka_unit_test_teardown(slot_ops_check_state_and_arguments, teardown),
      cmocka_unit_test_teardown(not_a_pool_and_stale_slot, teardown),
      cmocka_unit_test_teardown(bad_config_and_init, teardown),
      cmocka_unit_test_teardown(each_system_call_fails_in_turn, teardown),
  };
  return _cmocka_run_group_tests(b->name, tests, sizeof tests / sizeof tests[0], NULL, NULL);
}
