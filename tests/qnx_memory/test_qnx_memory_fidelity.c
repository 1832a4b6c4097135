/*
 * test_qnx_memory_fidelity.c - the QNX page allocator against what QNX's
 * memory manager really does, as the Neutrino host model now shows it
 * (sim/neutrino/src/mman_sim.c; facts from the QNX 6.4 memmgr source, see
 * docs/qnx-semantics.md, "Memory manager"):
 * - typed memory: MAP_LAZY is EINVAL, an exhausted pool ENOMEM (item 5);
 * - resource limits: a MAP_FIXED re-map is checked as if the old range were
 *   still mapped, and PROT_NONE reservations count against RLIMIT_DATA
 *   (item 6);
 * - a failed MAP_FIXED re-map unmaps the old range first (item 7): a commit
 *   must never leave a hole another thread's mmap can land in.
 * Each model behaviour is shown with a raw call first, then the allocator's
 * behaviour under it. Test code only; linked with WRAP (fault injection).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#define POOL "/fidelity-pool"

static int setup(void **state) {
  (void)state;
  wrt_fi_reset();
  nto_sim_typed_mem_reset();
  return 0;
}




/* ---- the hole a failed MAP_FIXED leaves ----------------------------------- */

/* Stands for another thread: each time the model opens a hole, try to map
 * one page at its start (a hint, as any mmap(NULL...) could be placed). */
typedef struct {
  unsigned holes;
  unsigned landed; /* the intruder was placed inside the hole */
  void *intruder;
} hole_probe;

static void on_hole(void *addr, size_t len, void *arg) {
  hole_probe *h = arg;
  h->holes++;
  /* MAP_LAZY: the tests set the model's free memory to 0 */
  void *p = mmap(addr, (size_t)sysconf(_SC_PAGESIZE), PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANON | MAP_LAZY, -1, 0);
  if (p == MAP_FAILED)
    return;
  if ((uint8_t *)p >= (uint8_t *)addr && (uint8_t *)p < (uint8_t *)addr + len) {
    h->landed++;
    h->intruder = p;
    memset(p, 0x77, 16); /* the other thread's data */
  } else {
    munmap(p, (size_t)sysconf(_SC_PAGESIZE));
  }
}

/* true when [addr, addr+len) is mapped: a hinted mmap cannot be placed
 * there. */
static bool still_mapped(uint8_t *addr, size_t len) {
  void *p = mmap(addr, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY, -1, 0);
  assert_true(p != MAP_FAILED);
  bool inside = (uint8_t *)p < addr + len && (uint8_t *)p + len > addr;
  munmap(p, len);
  return !inside;
}

/* The model: a MAP_FIXED that fails in its allocation step has already
 * unmapped the old range (vmm_mmap.c:877-880), which it does not restore. */
static void test_model_failed_fixed_leaves_hole(void **state) {
  (void)state;
  size_t len = 4u * WP;
  uint8_t *r = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANON | MAP_LAZY, -1, 0);
  assert_true(r != MAP_FAILED);
  hole_probe h = {0};
  nto_sim_mman_on_hole(on_hole, &h);
  nto_sim_mman_set_free_memory(0); /* no memory for a non-lazy mapping */
  void *p = mmap(r + WP, WP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON | MAP_FIXED, -1, 0);
  assert_true(p == MAP_FAILED);
  assert_int_equal(errno, ENOMEM);
  assert_int_equal(h.holes, 1);
  assert_int_equal(h.landed, 1);
  assert_ptr_equal(h.intruder, r + WP);
  /* a lazy mapping takes no memory at mmap: it succeeds */
  p = mmap(r + 2u * WP, WP, PROT_READ | PROT_WRITE,
           MAP_PRIVATE | MAP_ANON | MAP_FIXED | MAP_LAZY, -1, 0);
  assert_ptr_equal(p, r + 2u * WP);
  nto_sim_mman_on_hole(NULL, NULL);
  nto_sim_mman_set_free_memory(SIZE_MAX);
  munmap(r, len); /* the intruder's page too */
}

/* Grows in place and a new region's first commit, with the system out of
 * memory for anything that allocates at mmap: no commit may open a hole.
 * (Before the fix, the non-lazy commit was a MAP_FIXED re-map: the hole
 * opened, the intruder landed, and the refill silently replaced it.) */
static void run_no_hole(bool lazy, wrt_growth_strategy growth) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.lazy = lazy;
  c.growth = growth;
  c.max_pages = 16;
  c.guard_pages = true;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  hole_probe h = {0};
  nto_sim_mman_on_hole(on_hole, &h);
  /* Lazy: no memory at all. Eager: the object's pages (F_ALLOCSP) need
   * some, the model gives none back at close: 16 pages cover this test. */
  nto_sim_mman_set_free_memory(lazy ? 0u : 16u * WP);
  uint8_t *base, *b;
  size_t size, s;
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  memset(base, 0x5A, size);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 3, &b, &s), WRT_OK);
  assert_int_equal(s, 5u * WP);
  assert_int_equal(b[0], 0x5A);
  b[s - 1u] = 1;
  assert_int_equal(h.holes, 0);
  assert_int_equal(h.landed, 0);
  /* A commit whose system call fails (mprotect, injected) leaves the rest
   * of the reservation mapped and inaccessible: nothing can be placed in
   * it, and the region is as it was. */
  if (growth == WRT_GROW_RESERVE) {
    wrt_fi_fail_nth(WRT_FI_MPROTECT, 1, ENOMEM);
    assert_int_equal(wrt_page_allocator_grow(pa, 5, 2, &b, &s), WRT_E_NO_MEMORY);
    assert_int_equal(a.mem_size, 5u * WP);
    assert_true(still_mapped(a.mem_base + a.mem_size, a.reserved_size - a.mem_size));
    wrt_fi_reset();
  }
  assert_int_equal(h.holes, 0);
  nto_sim_mman_on_hole(NULL, NULL);
  nto_sim_mman_set_free_memory(SIZE_MAX);
  wrt_qnx_allocator_destroy(&a);
}

static void test_commit_never_leaves_hole(void **state) {
  (void)state;
  run_no_hole(false, WRT_GROW_RESERVE);
  run_no_hole(true, WRT_GROW_RESERVE);
  run_no_hole(false, WRT_GROW_EXACT);
}

/* Typed memory must be re-mapped to commit: an exhausted pool is the one
 * documented window. The documented mitigation (a partition no larger than
 * the pool) must keep it shut, and without it the reservation must be
 * whole again when grow returns. */
static void test_typed_window_and_mitigation(void **state) {
  (void)state;
  assert_int_equal(nto_sim_typed_mem_add(POOL, 4u * WP), 0);
  wrt_qnx_partition_t part;
  assert_int_equal(wrt_qnx_partition_init(&part, 4u * WP), WRT_OK);
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.typed_memory = POOL;
  c.max_pages = 16;
  c.partition = &part;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  hole_probe h = {0};
  nto_sim_mman_on_hole(on_hole, &h);
  uint8_t *base, *b;
  size_t size, s;
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 4, &b, &s), WRT_E_LIMIT);
  assert_int_equal(h.holes, 0);
  wrt_qnx_allocator_destroy(&a);

  c.partition = NULL;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  pa = wrt_qnx_allocator_base(&a);
  assert_int_equal(wrt_page_allocator_allocate(pa, 2, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  assert_int_equal(wrt_page_allocator_grow(pa, 2, 4, &b, &s), WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, ENOMEM);
  assert_int_equal(h.holes, 1); /* the window QNX opens (documented) */
  if (h.landed != 0u) {
    /* on the host the intruder is replaced by the refill, as on QNX */
    h.intruder = NULL;
  }
  assert_true(still_mapped(a.mem_base + a.mem_size, a.reserved_size - a.mem_size));
  nto_sim_mman_on_hole(NULL, NULL);
  wrt_qnx_allocator_destroy(&a);
}

/* ---- typed memory (item 5) -------------------------------------------------- */

static void test_model_typed_lazy_einval_and_pool_enomem(void **state) {
  (void)state;
  assert_int_equal(nto_sim_typed_mem_add(POOL, 4u * WP), 0);
  int fd = posix_typed_mem_open(POOL, O_RDWR, POSIX_TYPED_MEM_ALLOCATE);
  assert_true(fd >= 0);
  /* vmm_mmap.c:155 */
  void *p = mmap(NULL, WP, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LAZY, fd, 0);
  assert_true(p == MAP_FAILED);
  assert_int_equal(errno, EINVAL);
  /* vmm_mmap.c:168-179: what the pool holds is taken from it */
  uint8_t *q = mmap(NULL, 3u * WP, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  assert_true(q != MAP_FAILED);
  int fd2 = posix_typed_mem_open(POOL, O_RDWR, POSIX_TYPED_MEM_ALLOCATE);
  assert_true(fd2 >= 0);
  p = mmap(NULL, 2u * WP, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
  assert_true(p == MAP_FAILED);
  assert_int_equal(errno, ENOMEM);
  assert_int_equal(munmap(q, 3u * WP), 0); /* given back */
  p = mmap(NULL, 4u * WP, PROT_READ | PROT_WRITE, MAP_SHARED, fd2, 0);
  assert_true(p != MAP_FAILED);
  assert_int_equal(munmap(p, 4u * WP), 0);
  close(fd);
  close(fd2);
  /* a missing pool: ENOENT */
  assert_int_equal(posix_typed_mem_open("/no-such-pool", O_RDWR, POSIX_TYPED_MEM_ALLOCATE), -1);
  assert_int_equal(errno, ENOENT);
}

static void test_lazy_typed_refused_at_init(void **state) {
  (void)state;
  assert_int_equal(nto_sim_typed_mem_add(POOL, 4u * WP), 0);
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.typed_memory = POOL;
  c.lazy = true;
  wrt_qnx_allocator_t a;
  memset(&a, 0xA5, sizeof a);
  unsigned char before[sizeof a];
  memcpy(before, &a, sizeof a);
  /* before the fix: OK, then every commit failed (EINVAL) on QNX */
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_E_INVALID_ARG);
  assert_memory_equal(before, &a, sizeof a);
  c.lazy = false;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}

static void test_typed_pool_exhausted_is_no_memory(void **state) {
  (void)state;
  assert_int_equal(nto_sim_typed_mem_add(POOL, 4u * WP), 0);
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.typed_memory = POOL;
  c.max_pages = 16;
  c.growth = WRT_GROW_EXACT;
  wrt_qnx_allocator_t a;
  assert_int_equal(wrt_qnx_allocator_init(&a, &c), WRT_OK);
  wrt_page_allocator_t *pa = wrt_qnx_allocator_base(&a);
  size_t mapped = wrt_fi_mapped_bytes();
  uint8_t *base;
  size_t size;
  /* before the model change: OK, and a SIGBUS at the fifth page */
  assert_int_equal(wrt_page_allocator_allocate(pa, 5, WRT_MAX_PAGES_NONE, &base, &size), WRT_E_NO_MEMORY);
  assert_int_equal(a.last_os_error, ENOMEM);
  assert_false(a.allocated);
  assert_int_equal(wrt_fi_mapped_bytes(), mapped);
  assert_int_equal(wrt_page_allocator_allocate(pa, 4, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  memset(base, 1, size);
  assert_int_equal(wrt_page_allocator_deallocate(pa, base, size), WRT_OK);
  wrt_qnx_allocator_destroy(&a);
}

/* ---- resource limits (item 6) ----------------------------------------------- */

/* RLIMIT_AS: a RESERVE allocator's grows must not need headroom. The cap
 * leaves room for the reservation and less than one grow's length. */
static int as_child(void) {
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = 64;
  c.lazy = false;
  wrt_qnx_allocator_t a;
  if (wrt_qnx_allocator_init(&a, &c) != WRT_OK)
    return 10;
  /* Allocated before the cap: the eager mode maps its object over the
   * fresh reservation with one MAP_FIXED, which needs the reservation's
   * length of headroom once (qnx_object_commit.c); grows need none. */
  uint8_t *base, *b;
  size_t size, s;
  if (wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 1, WRT_MAX_PAGES_NONE, &base, &size) != WRT_OK)
    return 13;
  size_t vm = nto_sim_mman_vmem_bytes();
  if (vm == 0u)
    return 11;
  if (wrt_qnx_set_process_memory_cap((uint64_t)(vm + 8u * WP)) != WRT_OK)
    return 12;
  if (!wrt_rlimit_applied(0, (rlim_t)(vm + 8u * WP)))
    return WRT_RLIMIT_CHILD_SKIPPED;
  /* The model: a MAP_FIXED re-map of 16 pages over our own reservation is
   * counted as if the old range were still mapped (vmm_mmap.c:601). */
  void *p = mmap(a.mem_base + 32u * WP, 16u * WP, PROT_NONE,
                 MAP_PRIVATE | MAP_ANON | MAP_FIXED | MAP_LAZY, -1, 0);
  if (p != MAP_FAILED || errno != ENOMEM)
    return 14;
  /* before the fix: NO_MEMORY (each commit was such a re-map) */
  if (wrt_page_allocator_grow(wrt_qnx_allocator_base(&a), 1, 16, &b, &s) != WRT_OK)
    return 15;
  if (wrt_page_allocator_grow(wrt_qnx_allocator_base(&a), 17, 47, &b, &s) != WRT_OK)
    return 16;
  if (b != base || s != 64u * WP)
    return 17;
  b[s - 1u] = 1;
  wrt_qnx_allocator_destroy(&a);
  return 0;
}

static void test_grow_needs_no_rlimit_headroom(void **state) {
  (void)state;
  wrt_rlimit_in_child(as_child);
}

/* RLIMIT_DATA counts PROT_NONE reservations (vmm_mmap.c:593-597), and the
 * reported cap is the smaller of the two limits. */
static int data_child(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_DATA, &rl) != 0)
    return 10;
  wrt_qnx_allocator_config_t c = wrt_qnx_allocator_config_default();
  c.max_pages = 16;
  wrt_qnx_allocator_t a;
  if (wrt_qnx_allocator_init(&a, &c) != WRT_OK)
    return 11;
  /* 16 pages + the alignment slack (a Wasm page less an OS page) */
  size_t map_len = 17u * WP - (size_t)sysconf(_SC_PAGESIZE);
  size_t data = nto_sim_mman_data_bytes();
  rl.rlim_cur = (rlim_t)(data + map_len); /* reached exactly: blown */
  if (setrlimit(RLIMIT_DATA, &rl) != 0)
    return 12;
  if (!wrt_rlimit_applied(1, rl.rlim_cur))
    return WRT_RLIMIT_CHILD_SKIPPED;
  uint8_t *base;
  size_t size;
  if (wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 0, WRT_MAX_PAGES_NONE, &base, &size) !=
      WRT_E_NO_MEMORY)
    return 13;
  if (a.last_os_error != ENOMEM)
    return 14;
  uint64_t cap = 0;
  /* before the fix: the RLIMIT_AS value (unlimited) */
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)rl.rlim_cur)
    return 15;
  rl.rlim_cur = (rlim_t)(data + map_len + WP);
  if (setrlimit(RLIMIT_DATA, &rl) != 0)
    return 16;
  if (wrt_page_allocator_allocate(wrt_qnx_allocator_base(&a), 0, WRT_MAX_PAGES_NONE, &base, &size) != WRT_OK)
    return 17;
  wrt_qnx_allocator_destroy(&a);
  /* the smaller of the two */
  if (wrt_qnx_set_process_memory_cap((uint64_t)rl.rlim_cur + 4u * WP) != WRT_OK)
    return 18;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)rl.rlim_cur)
    return 19;
  if (wrt_qnx_set_process_memory_cap((uint64_t)rl.rlim_cur - WP) != WRT_OK)
    return 20;
  if (wrt_qnx_get_process_memory_cap(&cap) != WRT_OK || cap != (uint64_t)rl.rlim_cur - WP)
    return 21;
  return 0;
}

static void test_reservations_count_against_rlimit_data(void **state) {
  (void)state;
  wrt_rlimit_in_child(data_child);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_model_failed_fixed_leaves_hole, setup),
      cmocka_unit_test_setup(test_commit_never_leaves_hole, setup),
      cmocka_unit_test_setup(test_typed_window_and_mitigation, setup),
      cmocka_unit_test_setup(test_model_typed_lazy_einval_and_pool_enomem, setup),
      cmocka_unit_test_setup(test_lazy_typed_refused_at_init, setup),
      cmocka_unit_test_setup(test_typed_pool_exhausted_is_no_memory, setup),
      cmocka_unit_test_setup(test_grow_needs_no_rlimit_headroom, setup),
      cmocka_unit_test_setup(test_reservations_count_against_rlimit_data, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
