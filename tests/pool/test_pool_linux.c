/*
 * test_pool_linux.c - the slot pool on the Linux backend: the shared pool
 * suite, with madvise counted and failed here (--wrap=madvise, added for
 * this program only in tests/55-pool.cmake), and what only Linux shows:
 * each slot's keep-resident bytes are a mapping of their own, so a cycle
 * never splits or merges one (/proc/self/maps). Test code only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "pool_suite.h"

int __real_madvise(void *addr, size_t len, int advice);
int __wrap_madvise(void *addr, size_t len, int advice);

static _Atomic unsigned g_calls;
static _Atomic unsigned g_fail_at; /* 0: never */
static _Atomic int g_fail_errno;

int __wrap_madvise(void *addr, size_t len, int advice) {
  unsigned n = atomic_fetch_add(&g_calls, 1u) + 1u;
  if (atomic_load(&g_fail_at) == n) {
    errno = atomic_load(&g_fail_errno);
    return -1;
  }
  return __real_madvise(addr, len, advice);
}

static unsigned discard_calls(void) {
  return atomic_exchange(&g_calls, 0u);
}

static void fail_discard_nth(unsigned nth, int err) {
  atomic_store(&g_calls, 0u);
  atomic_store(&g_fail_errno, err);
  atomic_store(&g_fail_at, nth);
}

/* Mappings (lines of /proc/self/maps) that overlap [lo, hi); -1 if unreadable. */
static int mappings_in(uintptr_t lo, uintptr_t hi) {
  FILE *f = fopen("/proc/self/maps", "r");
  if (f == NULL) {
    return -1;
  }
  int n = 0;
  unsigned long a = 0, b = 0;
  char line[512];
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "%lx-%lx", &a, &b) == 2 && a < hi && b > lo) {
      n++;
    }
  }
  fclose(f);
  return n;
}

/* Does this kernel (or emulator) keep apart two PROT_NONE neighbours that
 * differ only in MADV_NOHUGEPAGE? (qemu-user and kernels without THP do not.) */
static bool flags_keep_mappings_apart(void) {
  size_t pg = 4096u;
  uint8_t *m = mmap(NULL, 3 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) {
    return false;
  }
  bool apart = __real_madvise(m + pg, pg, MADV_NOHUGEPAGE) == 0 &&
               mappings_in((uintptr_t)m, (uintptr_t)(m + 3 * pg)) == 3;
  (void)munmap(m, 3 * pg);
  return apart;
}

/* Changing the access of a whole keep-resident range costs one mapping's
 * flags, never a split or a merge: the mapping count over the pool is the
 * same after init, allocate, release and the next allocate (a grow past
 * the kept bytes splits once, and its release merges back). */
static void own_mapping_cycles(size_t keep) {
  if (!flags_keep_mappings_apart()) {
    print_message("skipped: mappings differing only in MADV_NOHUGEPAGE merge here\n");
    skip();
  }
  enum { N = 4 };
  static wrt_pool_t pool;
  static wrt_pool_slot_t slots[N];
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 8;
  c.keep_resident = keep;
  assert_int_equal(wrt_linux_pool_init(&pool, slots, N, &c), WRT_OK);
  uintptr_t lo = (uintptr_t)pool.map_addr, hi = lo + pool.map_len;
  /* [lead + rest + guards] around each slot's first page: 2 per slot + 1 */
  const int isolated = 2 * N + 1;
  assert_int_equal(mappings_in(lo, hi), isolated);
  for (int round = 0; round < 3; round++) {
    wrt_page_allocator_t *a = NULL;
    uint8_t *base = NULL;
    size_t size = 0;
    assert_int_equal(wrt_pool_acquire(&pool, &a), WRT_OK);
    assert_int_equal(wrt_page_allocator_allocate(a, round == 1 ? 0u : 1u, 8, &base, &size),
                     WRT_OK);
    assert_int_equal(mappings_in(lo, hi), isolated);
    assert_int_equal(wrt_page_allocator_grow(a, (uint32_t)(size / WRT_WASM_PAGE_SIZE), 1, &base, &size),
                     WRT_OK);
    base[size - 1] = 1;
    /* round 1 grew 0 -> 1 page (the kept one); the others 1 -> 2 */
    assert_int_equal(mappings_in(lo, hi), round == 1 ? isolated : isolated + 1);
    assert_int_equal(wrt_pool_release(&pool, a), WRT_OK);
    assert_int_equal(mappings_in(lo, hi), isolated);
  }
  assert_int_equal(wrt_pool_destroy(&pool), WRT_OK);
}

/* The kept bytes are the mapping of their own... */
static void keep_resident_bytes_are_their_own_mapping(void **state) {
  (void)state;
  own_mapping_cycles(WRT_WASM_PAGE_SIZE);
}

/* ...or, with none kept, the first Wasm page (decommitted at release). */
static void first_page_is_its_own_mapping_with_nothing_kept(void **state) {
  (void)state;
  own_mapping_cycles(0);
}

int main(void) {
  static const pool_backend_t b = {"pool (linux)", wrt_linux_pool_init, discard_calls,
                                   fail_discard_nth, true};
  int failed = pool_suite_run(&b);
  const struct CMUnitTest linux_only[] = {
      cmocka_unit_test(keep_resident_bytes_are_their_own_mapping),
      cmocka_unit_test(first_page_is_its_own_mapping_with_nothing_kept),
  };
  return failed + cmocka_run_group_tests_name("pool (linux only)", linux_only, NULL, NULL);
}
