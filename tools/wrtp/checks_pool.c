/*
 * checks_pool.c - `wrtp selftest` checks of the slot pool (wrt/pool.h,
 * requirements POOL-*, issue 25): each check runs on every pool backend
 * built in (Linux; QNX on QNX or over the Neutrino host model). May
 * include: selftest.h, the public headers, POSIX (pthread).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "selftest.h"
#include "wrt/pool.h"

/* bench_syscount.c: mmap / munmap calls of this program (Linux only). */
bool bm_syscount_available(void);
void bm_syscount(uint64_t *mmaps, uint64_t *munmaps);

typedef wrt_status (*pool_init_fn)(wrt_pool_t *, wrt_pool_slot_t *, uint32_t,
                                   const wrt_pool_config_t *);

static const pool_init_fn k_inits[] = {
#if defined(__linux__)
    wrt_linux_pool_init,
#endif
#if defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)
    wrt_qnx_pool_init,
#endif
};
#define NINITS (sizeof k_inits / sizeof k_inits[0])
#define PG ((size_t)WRT_WASM_PAGE_SIZE)
#define NSLOTS 3u

static wrt_pool_t g_pool;
static wrt_pool_slot_t g_slots[NSLOTS];

static wrt_pool_config_t small(size_t keep) {
  wrt_pool_config_t c = wrt_pool_config_default();
  c.slot_pages = 4;
  c.keep_resident = keep;
  return c;
}

static bool zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] != 0u) {
      return false;
    }
  }
  return true;
}

static void reacquired_reads_zero(const void *unused) {
  (void)unused;
  for (size_t b = 0; b < NINITS; b++) {
    for (size_t keep = 0; keep <= 2u * PG; keep += 2u * PG) {
      wrt_pool_config_t c = small(keep);
      ST_REQUIRE_ST(k_inits[b](&g_pool, g_slots, NSLOTS, &c), WRT_OK);
      for (int round = 0; round < 2; round++) {
        wrt_page_allocator_t *a = NULL;
        uint8_t *base = NULL;
        size_t size = 0;
        ST_REQUIRE_ST(wrt_pool_acquire(&g_pool, &a), WRT_OK);
        ST_REQUIRE(a == &g_slots[0].base);
        ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 4, &base, &size), WRT_OK);
        ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 2, &base, &size), WRT_OK);
        ST_REQUIRE(zero(base, size));
        ST_REQUIRE(st_faults(base - 1, false));
        ST_REQUIRE(st_faults(base + size, false));
        memset(base, 0x5A, size);
        ST_REQUIRE_ST(wrt_pool_release(&g_pool, a), WRT_OK);
      }
      ST_REQUIRE_ST(wrt_pool_destroy(&g_pool), WRT_OK);
    }
  }
}

static void no_address_space_calls_after_init(const void *unused) {
  (void)unused;
  if (!bm_syscount_available()) {
    st_skip("mmap/munmap not counted in this build (Linux only)");
  }
  for (size_t b = 0; b < NINITS; b++) {
    wrt_pool_config_t c = small(PG);
    ST_REQUIRE_ST(k_inits[b](&g_pool, g_slots, NSLOTS, &c), WRT_OK);
    uint64_t m0, u0, m1, u1;
    bm_syscount(&m0, &u0);
    for (int i = 0; i < 200; i++) {
      wrt_page_allocator_t *a = NULL;
      uint8_t *base = NULL;
      size_t size = 0;
      ST_REQUIRE_ST(wrt_pool_acquire(&g_pool, &a), WRT_OK);
      ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 0, 4, &base, &size), WRT_OK);
      ST_REQUIRE_ST(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_OK);
      base[0] = 1;
      ST_REQUIRE_ST(wrt_pool_release(&g_pool, a), WRT_OK);
    }
    bm_syscount(&m1, &u1);
    ST_REQUIRE(m1 == m0 && u1 == u0);
    ST_REQUIRE_ST(wrt_pool_destroy(&g_pool), WRT_OK);
  }
}

static void bad_input(const void *unused) {
  (void)unused;
  static wrt_pool_t other;
  static wrt_pool_slot_t other_slots[1];
  for (size_t b = 0; b < NINITS; b++) {
    wrt_pool_config_t c = small(0);
    ST_REQUIRE_ST(k_inits[b](&g_pool, g_slots, NSLOTS, &c), WRT_OK);
    ST_REQUIRE_ST(k_inits[b](&other, other_slots, 1, &c), WRT_OK);
    wrt_page_allocator_t *got[NSLOTS], *x = NULL, *o = NULL;
    for (unsigned i = 0; i < NSLOTS; i++) {
      ST_REQUIRE_ST(wrt_pool_acquire(&g_pool, &got[i]), WRT_OK);
    }
    ST_REQUIRE_ST(wrt_pool_acquire(&g_pool, &x), WRT_E_LIMIT);
    ST_REQUIRE(x == NULL);
    ST_REQUIRE_ST(wrt_pool_acquire(&other, &o), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_release(&g_pool, o), WRT_E_INVALID_ARG);
    ST_REQUIRE_ST(wrt_pool_release(&g_pool, got[1]), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_release(&g_pool, got[1]), WRT_E_STATE);
    ST_REQUIRE(wrt_pool_in_use(&g_pool) == NSLOTS - 1u);
    uint8_t *base = NULL;
    size_t size = 0;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(got[0], 1, 5, &base, &size), WRT_E_LIMIT);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(got[0], 1, 4, &base, &size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_grow(got[0], 1, 4, &base, &size), WRT_E_LIMIT);
    ST_REQUIRE(size == PG);
    ST_REQUIRE_ST(wrt_pool_release(&g_pool, got[0]), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_release(&g_pool, got[2]), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_release(&other, o), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_destroy(&other), WRT_OK);
    ST_REQUIRE_ST(wrt_pool_destroy(&g_pool), WRT_OK);
  }
}

static _Atomic unsigned g_holders[NSLOTS];
static _Atomic unsigned g_bad;

static void *churn(void *arg) {
  (void)arg;
  for (int i = 0; i < 20000; i++) {
    wrt_page_allocator_t *a = NULL;
    if (wrt_pool_acquire(&g_pool, &a) != WRT_OK) {
      continue; /* full: another try */
    }
    size_t k = (size_t)((wrt_pool_slot_t *)(void *)a - g_slots);
    if (atomic_fetch_add(&g_holders[k], 1u) != 0u) {
      atomic_fetch_add(&g_bad, 1u);
    }
    atomic_fetch_sub(&g_holders[k], 1u);
    if (wrt_pool_release(&g_pool, a) != WRT_OK) {
      atomic_fetch_add(&g_bad, 1u);
    }
  }
  return NULL;
}

static void concurrent(const void *unused) {
  (void)unused;
  for (size_t b = 0; b < NINITS; b++) {
    wrt_pool_config_t c = small(0);
    ST_REQUIRE_ST(k_inits[b](&g_pool, g_slots, NSLOTS, &c), WRT_OK);
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
      ST_REQUIRE(pthread_create(&t[i], NULL, churn, NULL) == 0);
    }
    for (int i = 0; i < 4; i++) {
      pthread_join(t[i], NULL);
    }
    ST_REQUIRE(atomic_load(&g_bad) == 0u);
    ST_REQUIRE(wrt_pool_in_use(&g_pool) == 0u);
    ST_REQUIRE_ST(wrt_pool_destroy(&g_pool), WRT_OK);
  }
}

/* software_bounds: a slot once committed stays read-write, so a second
 * instance of the same shape reads zero everywhere it can reach and its
 * allocate and grow leave the slot's access as it was (query: the size is
 * still the region's, not the accessible span). */
static void software_bounds_reuse(const void *unused) {
  (void)unused;
  for (size_t b = 0; b < NINITS; b++) {
    wrt_pool_config_t c = small(PG);
    c.software_bounds = true;
    ST_REQUIRE_ST(k_inits[b](&g_pool, g_slots, NSLOTS, &c), WRT_OK);
    for (int round = 0; round < 3; round++) {
      wrt_page_allocator_t *a = NULL;
      uint8_t *base = NULL;
      size_t size = 0;
      ST_REQUIRE_ST(wrt_pool_acquire(&g_pool, &a), WRT_OK);
      ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 0, 4, &base, &size), WRT_OK);
      ST_REQUIRE(size == 0u);
      /* round 0: nothing committed yet; later: the last instance's page,
       * zeroed, still read-write */
      ST_REQUIRE(round == 0 || zero(base, PG));
      ST_REQUIRE_ST(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_OK);
      ST_REQUIRE(size == PG && zero(base, PG));
      wrt_region_info_t info;
      ST_REQUIRE_ST(wrt_page_allocator_query(a, &info), WRT_OK);
      ST_REQUIRE(info.accessible == PG);
      memset(base, 0x77, size);
      ST_REQUIRE_ST(wrt_pool_release(&g_pool, a), WRT_OK);
    }
    ST_REQUIRE_ST(wrt_pool_destroy(&g_pool), WRT_OK);
  }
}

const st_check st_pool_checks[] = {
    {"POOL-001", "a slot acquired again reads zero; its guards fault", ST_ON_CORE,
     reacquired_reads_zero},
    {"POOL-002", "no mmap/munmap after init (acquire, allocate, grow, release)", ST_ON_CORE,
     no_address_space_calls_after_init},
    {"POOL-003", "full pool LIMIT; bad/double release refused; grow past slot LIMIT", ST_ON_CORE,
     bad_input},
    {"POOL-004", "concurrent acquire/release: no slot held twice, none lost", ST_ON_CORE,
     concurrent},
    {"POOL-008", "software_bounds: a reused slot reads zero, its size as the region's",
     ST_ON_CORE, software_bounds_reuse},
};
const size_t st_pool_check_count = sizeof st_pool_checks / sizeof st_pool_checks[0];
