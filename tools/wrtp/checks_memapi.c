/*
 * checks_memapi.c - the selftest's checks of the runtime-facing memory API
 * (MEM-API-*: explicit maximum, separate guards, the 32-bit guard-page
 * layout, no_move, memory64, the region query), written once against
 * wrt_page_allocator_t and run on every memory backend built in, each in its
 * own child process (see selftest.c). Requirement texts: the "Runtime-facing
 * memory API" section of docs/requirements.md. May include: the public
 * headers, POSIX.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "selftest.h"
#include "wrt/object_sizes.h"
#if defined(__linux__)
#include "wrt/linux_memory.h"
#include "wrt/linux_sync.h"
#endif
#include "wrt/qnx_memory.h"

#define PAGE ((size_t)WRT_WASM_PAGE_SIZE)

static _Alignas(64) unsigned char g_a[ST_STORAGE];

static st_mem_opts opts(wrt_growth_strategy g, bool guards) {
  st_mem_opts o;
  memset(&o, 0, sizeof o);
  o.growth = g;
  o.guard_pages = guards;
  return o;
}

static wrt_page_allocator_t *make(const st_mem_backend *b, st_mem_opts o) {
  wrt_page_allocator_t *a = NULL;
  ST_REQUIRE_ST(b->create(g_a, &o, &a), WRT_OK);
  ST_REQUIRE(a != NULL);
  return a;
}

static size_t os_page(void) { return (size_t)sysconf(_SC_PAGESIZE); }

static wrt_region_info_t query(const wrt_page_allocator_t *a) {
  wrt_region_info_t i;
  ST_REQUIRE_ST(wrt_page_allocator_query(a, &i), WRT_OK);
  ST_REQUIRE((uintptr_t)i.guard_start <= (uintptr_t)i.base);
  ST_REQUIRE((uintptr_t)i.base + i.accessible <= (uintptr_t)i.reserved_end);
  ST_REQUIRE((uintptr_t)i.reserved_end <= (uintptr_t)i.guard_end);
  return i;
}

/* MEM-API-001: maximum 0 is a real maximum; WRT_MAX_PAGES_NONE is the
 * configured one. */
static void maximum_zero_and_none(const void *bk) {
  const st_mem_backend *b = bk;
  for (int g = 0; g < 2; g++) {
    st_mem_opts o = opts(g == 0 ? WRT_GROW_RESERVE : WRT_GROW_EXACT, false);
    o.max_pages = 3;
    wrt_page_allocator_t *a = make(b, o);
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 0, 0, &base, &size), WRT_OK);
    ST_REQUIRE(size == 0);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_E_LIMIT);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 0, &base, &size), WRT_E_INVALID_ARG);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 2, &base, &size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 3, 1, &base, &size), WRT_E_LIMIT);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-API-002: guard_before and guard_after are honoured separately. */
static void separate_guards(const void *bk) {
  const st_mem_backend *b = bk;
  size_t pg = os_page();
  st_mem_opts o = opts(WRT_GROW_RESERVE, true);
  o.set_guards = true;
  o.guard_before = pg;
  o.guard_after = 4 * PAGE;
  wrt_page_allocator_t *a = make(b, o);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  wrt_region_info_t i = query(a);
  ST_REQUIRE(i.reserved_end == base + 2 * PAGE);
  ST_REQUIRE((size_t)(base - i.guard_start) >= pg);
  ST_REQUIRE((size_t)(base - i.guard_start) < pg + PAGE); /* + alignment slack only */
  ST_REQUIRE((size_t)(i.guard_end - i.reserved_end) >= 4 * PAGE);
  ST_REQUIRE(st_faults(base - 1, false));
  ST_REQUIRE(st_faults(base - pg, true));
  ST_REQUIRE(st_faults(i.reserved_end + 4 * PAGE - 1, false));
  ST_REQUIRE(!st_faults(base + size - 1, true));
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-API-003: the 32-bit guard-page layout: every access base + a + o
 * (a, o < 2^32) of a small memory faults, for ~8 GiB of address space. */
static void wasm32_guard_layout(const void *bk) {
#if defined(WRT_WASM32_GUARD_REACH)
  const st_mem_backend *b = bk;
  size_t pg = os_page();
  for (int g = 0; g < 2; g++) {
    st_mem_opts o = opts(g == 0 ? WRT_GROW_RESERVE : WRT_GROW_EXACT, true);
    o.set_guards = true;
    o.guard_before = pg;
    o.guard_after = 0;
    o.guard_reach = WRT_WASM32_GUARD_REACH;
    size_t before = st_mapped_bytes();
    wrt_page_allocator_t *a = make(b, o);
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 1, &base, &size), WRT_OK);
    wrt_region_info_t i = query(a);
    ST_REQUIRE((size_t)(i.guard_end - base) >= WRT_WASM32_GUARD_REACH);
    size_t after = st_mapped_bytes();
    if (before != SIZE_MAX && after != SIZE_MAX && !st_under_sanitizer())
      ST_REQUIRE(after - before <= WRT_WASM32_GUARD_REACH + pg + PAGE);
    size_t far = (size_t)UINT32_MAX + UINT32_MAX + 15u;
    ST_REQUIRE(wrt_region_info_in_guard(&i, base + far));
    ST_REQUIRE(st_faults(base + far, false));
    ST_REQUIRE(st_faults(base + 1000000u, false));
    ST_REQUIRE(st_faults(base + size, true));
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
#else
  (void)bk;
  st_skip("needs a 64-bit size_t");
#endif
}

/* MEM-API-004: no_move: a grow that would move returns LIMIT, nothing
 * changed. */
static void no_move(const void *bk) {
  const st_mem_backend *b = bk;
  for (int g = 0; g < 2; g++) {
    st_mem_opts o = opts(g == 0 ? WRT_GROW_RESERVE : WRT_GROW_EXACT, g == 0);
    o.no_move = true;
    o.reserve_pages = 2;
    wrt_page_allocator_t *a = make(b, o);
    uint8_t *base, *b2;
    size_t size, s2;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 8, &base, &size), WRT_OK);
    memset(base, 0x5A, size);
    wrt_region_info_t i0 = query(a);
    b2 = base;
    s2 = size;
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 1, &b2, &s2), WRT_E_LIMIT);
    ST_REQUIRE(b2 == base && s2 == size);
    wrt_region_info_t i1 = query(a);
    ST_REQUIRE(memcmp(&i0, &i1, sizeof i0) == 0);
    ST_REQUIRE(base[0] == 0x5A && base[size - 1] == 0x5A);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-API-005: memory64: more than 65536 pages when configured. */
static void memory64_pages(const void *bk) {
  const st_mem_backend *b = bk;
  if (sizeof(size_t) < 8)
    st_skip("32-bit address space");
  st_mem_opts o = opts(WRT_GROW_RESERVE, false);
  o.max_pages = WRT_WASM_MAX_PAGES + 2u;
  wrt_page_allocator_t *a = NULL;
  ST_REQUIRE_ST(b->create(g_a, &o, &a), WRT_E_INVALID_ARG); /* not without memory64 */
  o.memory64 = true;
  o.reserve_pages = 1;
  a = make(b, o);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  base[0] = 3;
  if (b->commits_eagerly) {
    /* 4 GiB would really be taken: the maximum above 65536 is accepted and
     * growth towards it works; the Linux row grows past 65536. */
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
    return;
  }
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, WRT_WASM_MAX_PAGES + 1u, &base, &size), WRT_OK);
  ST_REQUIRE(size == ((size_t)WRT_WASM_MAX_PAGES + 2u) * PAGE);
  ST_REQUIRE(base[0] == 3 && base[size - 1] == 0);
  base[size - 1] = 4;
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, WRT_WASM_MAX_PAGES + 2u, 1, &base, &size),
                WRT_E_LIMIT);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-API-006: the query reports the region through its life; empty
 * regions never share a base. */
static void query_values(const void *bk) {
  const st_mem_backend *b = bk;
  static _Alignas(64) unsigned char other[ST_STORAGE];
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true));
  wrt_region_info_t i;
  ST_REQUIRE_ST(wrt_page_allocator_query(a, &i), WRT_E_STATE);
  ST_REQUIRE(i.base == NULL);
  ST_REQUIRE_ST(wrt_page_allocator_query(a, NULL), WRT_E_INVALID_ARG);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 4, &base, &size), WRT_OK);
  i = query(a);
  ST_REQUIRE(i.base == base && i.accessible == size && i.reserved_end == base + 4 * PAGE);
  ST_REQUIRE(wrt_region_info_in_guard(&i, base + size) && !wrt_region_info_in_guard(&i, base));
  ST_REQUIRE(!wrt_region_info_contains(&i, i.guard_end));
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 2, &base, &size), WRT_OK);
  wrt_region_info_t j = query(a);
  ST_REQUIRE(j.base == i.base && j.reserved_end == i.reserved_end && j.accessible == 3 * PAGE);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_query(a, &i), WRT_E_STATE);
  b->destroy(g_a);
  /* two live EXACT regions of 0 pages, no guards: different bases */
  wrt_page_allocator_t *a1 = make(b, opts(WRT_GROW_EXACT, false));
  wrt_page_allocator_t *a2 = NULL;
  st_mem_opts o = opts(WRT_GROW_EXACT, false);
  ST_REQUIRE_ST(b->create(other, &o, &a2), WRT_OK);
  uint8_t *p1, *p2;
  size_t s1, s2;
  for (int k = 0; k < 4; k++) {
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a1, 0, 0, &p1, &s1), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a2, 0, 0, &p2, &s2), WRT_OK);
    ST_REQUIRE(p1 != p2);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a1, p1, s1), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a2, p2, s2), WRT_OK);
  }
  b->destroy(g_a);
  b->destroy(other);
}

/* MEM-API-007: a SIGSEGV handler can place the fault with the query. */
static const wrt_page_allocator_t *volatile g_trap_a;
static sigjmp_buf g_trap_jmp;
static volatile sig_atomic_t g_trap_in_guard;

static void trap(int sig, siginfo_t *si, void *ctx) {
  (void)sig;
  (void)ctx;
  wrt_region_info_t i;
  g_trap_in_guard = wrt_page_allocator_query(g_trap_a, &i) == WRT_OK &&
                    wrt_region_info_in_guard(&i, si->si_addr);
  siglongjmp(g_trap_jmp, 1);
}

static bool trapped(volatile uint8_t *p) {
  g_trap_in_guard = 0;
  if (sigsetjmp(g_trap_jmp, 1) == 0) {
    *p = 1;
    return false;
  }
  return g_trap_in_guard != 0;
}

static void query_in_signal_handler(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true));
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = trap;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  g_trap_a = a;
  ST_REQUIRE(sigaction(SIGSEGV, &sa, NULL) == 0 && sigaction(SIGBUS, &sa, NULL) == 0);
  ST_REQUIRE(trapped(base + size));
  ST_REQUIRE(trapped(base - 1));
  ST_REQUIRE(!trapped(base)); /* accessible: no fault */
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-API-008: the query is consistent while another thread grows. */
typedef struct {
  const wrt_page_allocator_t *a;
  wrt_region_info_t first;
  atomic_bool stop;
  atomic_uint bad;
  atomic_uint reads;
} reader_t;

static void *reader(void *arg) {
  reader_t *r = arg;
  size_t last = 0;
  while (!atomic_load(&r->stop)) {
    wrt_region_info_t i;
    if (wrt_page_allocator_query(r->a, &i) != WRT_OK || i.base != r->first.base ||
        i.reserved_end != r->first.reserved_end || i.guard_end != r->first.guard_end ||
        i.accessible < last || i.accessible % PAGE != 0)
      atomic_fetch_add(&r->bad, 1u);
    last = i.accessible;
    atomic_fetch_add(&r->reads, 1u);
  }
  return NULL;
}

static void query_while_growing(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true));
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 32, &base, &size), WRT_OK);
  reader_t r;
  memset(&r, 0, sizeof r);
  r.a = a;
  r.first = query(a);
  atomic_init(&r.stop, false);
  atomic_init(&r.bad, 0u);
  atomic_init(&r.reads, 0u);
  pthread_t t;
  ST_REQUIRE(pthread_create(&t, NULL, reader, &r) == 0);
  for (uint32_t p = 1; p < 32; p++)
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, p, 1, &base, &size), WRT_OK);
  while (atomic_load(&r.reads) < 100u)
    sched_yield();
  atomic_store(&r.stop, true);
  ST_REQUIRE(pthread_join(t, NULL) == 0);
  ST_REQUIRE(atomic_load(&r.bad) == 0u);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-API-009: the published object sizes match this build. */
static void object_sizes(const void *unused) {
  (void)unused;
#if defined(WRT_QNX_ALLOCATOR_SIZE)
  ST_REQUIRE(sizeof(wrt_qnx_allocator_t) == WRT_QNX_ALLOCATOR_SIZE);
  ST_REQUIRE(_Alignof(wrt_qnx_allocator_t) == WRT_QNX_ALLOCATOR_ALIGN);
#if defined(__linux__)
  ST_REQUIRE(sizeof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_SIZE);
  ST_REQUIRE(_Alignof(wrt_linux_allocator_t) == WRT_LINUX_ALLOCATOR_ALIGN);
  ST_REQUIRE(sizeof(wrt_linux_futex_t) == WRT_LINUX_FUTEX_SIZE);
#endif
#else
  st_skip("no sizes published for this target (scripts/object-sizes.sh)");
#endif
}

const st_check st_memapi_checks[] = {
    {"MEM-API-001", "maximum 0 is a real maximum; WRT_MAX_PAGES_NONE = configured", ST_ON_MEMORY,
     maximum_zero_and_none},
    {"MEM-API-002", "leading and trailing guards sized separately, both fault", ST_ON_MEMORY,
     separate_guards},
    {"MEM-API-003", "32-bit guard-page layout: base+8 GiB faults, ~8 GiB address space",
     ST_ON_MEMORY, wasm32_guard_layout},
    {"MEM-API-004", "no_move: a moving grow -> LIMIT, nothing changed", ST_ON_MEMORY, no_move},
    {"MEM-API-005", "memory64: more than 65536 pages when configured", ST_ON_MEMORY,
     memory64_pages},
    {"MEM-API-006", "region query values; empty regions never share a base", ST_ON_MEMORY,
     query_values},
    {"MEM-API-007", "query from a SIGSEGV handler places the fault", ST_ON_MEMORY,
     query_in_signal_handler},
    {"MEM-API-008", "query consistent while another thread grows", ST_ON_MEMORY,
     query_while_growing},
    {"MEM-API-009", "published object sizes match this build", ST_ON_CORE, object_sizes},
};
const size_t st_memapi_check_count = sizeof st_memapi_checks / sizeof st_memapi_checks[0];
