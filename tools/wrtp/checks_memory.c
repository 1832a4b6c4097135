/*
 * checks_memory.c - the selftest's page-allocator checks (MEM-*), written
 * once against wrt_page_allocator_t and run on every memory backend built in.
 * Each runs in its own child process (see selftest.c). Requirement texts:
 * docs/requirements.md. May include: the public headers, POSIX.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <string.h>
#include <unistd.h>

#include "selftest.h"

#define PAGE ((size_t)WRT_WASM_PAGE_SIZE)

static _Alignas(64) unsigned char g_a[ST_STORAGE];

static wrt_page_allocator_t *make(const st_mem_backend *b, st_mem_opts o) {
  wrt_page_allocator_t *a = NULL;
  ST_REQUIRE_ST(b->create(g_a, &o, &a), WRT_OK);
  ST_REQUIRE(a != NULL);
  return a;
}

static st_mem_opts opts(wrt_growth_strategy g, bool guards, uint32_t reserve_pages) {
  st_mem_opts o;
  memset(&o, 0, sizeof o);
  o.growth = g;
  o.guard_pages = guards;
  o.reserve_pages = reserve_pages;
  return o;
}

static void fill(uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i++)
    p[i] = (uint8_t)(seed + i * 7u);
}
static bool filled(const uint8_t *p, size_t n, uint8_t seed) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != (uint8_t)(seed + i * 7u))
      return false;
  return true;
}
static bool zero(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i] != 0)
      return false;
  return true;
}

/* The configurations most checks go through: in-place RESERVE, RESERVE with
 * a one-page reservation (every grow moves), EXACT; with and without guards. */
static const struct {
  wrt_growth_strategy g;
  uint32_t reserve;
  bool guards;
} k_cfgs[] = {{WRT_GROW_RESERVE, 0, false}, {WRT_GROW_RESERVE, 0, true},
              {WRT_GROW_RESERVE, 1, true},  {WRT_GROW_EXACT, 0, false},
              {WRT_GROW_EXACT, 0, true}};
#define NCFG (sizeof k_cfgs / sizeof k_cfgs[0])

/* MEM-001: pages read as zero when allocated and after every kind of grow. */
static void new_pages_read_zero(const void *bk) {
  const st_mem_backend *b = bk;
  for (size_t i = 0; i < NCFG; i++) {
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, k_cfgs[i].guards, k_cfgs[i].reserve));
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 8, &base, &size), WRT_OK);
    ST_REQUIRE(zero(base, size));
    memset(base, 0xEE, size);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 3, &base, &size), WRT_OK);
    ST_REQUIRE(size == 5 * PAGE);
    ST_REQUIRE(zero(base + 2 * PAGE, 3 * PAGE));
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    /* A second region from the same object is fresh too. */
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_OK);
    ST_REQUIRE(zero(base, size));
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-002: base aligned to 64 KiB; size = pages * 64 KiB; every byte RW. */
static void base_aligned_and_size_exact(const void *bk) {
  const st_mem_backend *b = bk;
  for (size_t i = 0; i < NCFG; i++) {
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, k_cfgs[i].guards, k_cfgs[i].reserve));
    uint32_t pages[] = {0, 1, 3};
    for (size_t k = 0; k < 3; k++) {
      uint8_t *base = NULL;
      size_t size = 1;
      ST_REQUIRE_ST(wrt_page_allocator_allocate(a, pages[k], 4, &base, &size), WRT_OK);
      ST_REQUIRE(base != NULL);
      ST_REQUIRE((uintptr_t)base % PAGE == 0);
      ST_REQUIRE(size == pages[k] * PAGE);
      fill(base, size, 3);
      ST_REQUIRE(filled(base, size, 3));
      ST_REQUIRE_ST(wrt_page_allocator_grow(a, pages[k], 1, &base, &size), WRT_OK);
      ST_REQUIRE((uintptr_t)base % PAGE == 0);
      ST_REQUIRE(size == (pages[k] + 1) * PAGE);
      ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    }
    b->destroy(g_a);
  }
}

/* MEM-003: grow keeps the contents (in place and when the region moves). */
static void grow_keeps_contents(const void *bk) {
  const st_mem_backend *b = bk;
  for (size_t i = 0; i < NCFG; i++) {
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, k_cfgs[i].guards, k_cfgs[i].reserve));
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 16, &base, &size), WRT_OK);
    fill(base, size, 11);
    for (uint32_t p = 2; p < 10; p += 2) {
      ST_REQUIRE_ST(wrt_page_allocator_grow(a, p, 2, &base, &size), WRT_OK);
      ST_REQUIRE(filled(base, 2 * PAGE, 11));
    }
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-004: RESERVE grow within the reservation never moves the base. */
static void reserve_grow_keeps_base(const void *bk) {
  const st_mem_backend *b = bk;
  uint32_t reserves[] = {0, 8};
  for (size_t i = 0; i < 2; i++) {
    wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, i == 1, reserves[i]));
    uint8_t *base, *first;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 64, &base, &size), WRT_OK);
    first = base;
    for (uint32_t p = 1; p < 8; p++) {
      ST_REQUIRE_ST(wrt_page_allocator_grow(a, p, 1, &base, &size), WRT_OK);
      ST_REQUIRE(base == first);
    }
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-005: grow past the maximum is LIMIT and changes nothing. */
static void grow_past_maximum_is_limit(const void *bk) {
  const st_mem_backend *b = bk;
  for (size_t i = 0; i < NCFG; i++) {
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, k_cfgs[i].guards, k_cfgs[i].reserve));
    uint8_t *base, *b2;
    size_t size, s2;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
    fill(base, size, 5);
    b2 = base;
    s2 = size;
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 3, &b2, &s2), WRT_E_LIMIT);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, UINT32_MAX, &b2, &s2), WRT_E_LIMIT);
    ST_REQUIRE(b2 == base && s2 == size);
    ST_REQUIRE(filled(base, size, 5));
    if (k_cfgs[i].g == WRT_GROW_RESERVE && k_cfgs[i].reserve == 0)
      ST_REQUIRE(st_faults(base + size, false)); /* nothing was made accessible */
    /* Exactly to the maximum still works, one more does not. */
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 2, &b2, &s2), WRT_OK);
    ST_REQUIRE(s2 == 4 * PAGE);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 4, 1, &b2, &s2), WRT_E_LIMIT);
    ST_REQUIRE(s2 == 4 * PAGE);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b2, s2), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-006: grow by 0 reports the region and changes nothing. */
static void grow_by_zero_reports(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, false, 0));
  uint8_t *base, *b2 = NULL;
  size_t size, s2 = 0;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 3, 4, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 3, 0, &b2, &s2), WRT_OK);
  ST_REQUIRE(b2 == base && s2 == size);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-007: maximum 0 means the configured max_pages; a maximum above it or
 * an initial above the maximum is LIMIT. */
static void maximum_bounded_by_config(const void *bk) {
  const st_mem_backend *b = bk;
  st_mem_opts o = opts(WRT_GROW_RESERVE, false, 0);
  o.max_pages = 4;
  wrt_page_allocator_t *a = make(b, o);
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 5, &base, &size), WRT_E_LIMIT);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 5, WRT_MAX_PAGES_NONE, &base, &size), WRT_E_LIMIT);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, WRT_MAX_PAGES_NONE, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 3, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 4, 1, &base, &size), WRT_E_LIMIT);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-008: guard regions fault: guard_size bytes before base, and from the
 * end of the reservation through the trailing guard. */
static void guards_fault(const void *bk) {
  const st_mem_backend *b = bk;
  for (size_t i = 0; i < NCFG; i++) {
    if (!k_cfgs[i].guards)
      continue;
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, true, k_cfgs[i].reserve));
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 2, &base, &size), WRT_OK);
    ST_REQUIRE(!st_faults(base, true));
    ST_REQUIRE(!st_faults(base + size - 1, true));
    ST_REQUIRE(st_faults(base - 1, false));
    ST_REQUIRE(st_faults(base - 1, true));
    ST_REQUIRE(st_faults(base - PAGE, true));
    ST_REQUIRE(st_faults(base + size, false));
    ST_REQUIRE(st_faults(base + size + PAGE - 1, true));
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-009: RESERVE: reserved pages past size fault until grown into. */
static void reservation_faults_until_grown(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, false, 0));
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 8, &base, &size), WRT_OK);
  ST_REQUIRE(st_faults(base + size, false));
  ST_REQUIRE(st_faults(base + 7 * PAGE, true));
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1, &base, &size), WRT_OK);
  ST_REQUIRE(!st_faults(base + PAGE, true));
  ST_REQUIRE(st_faults(base + size, true));
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-010: protect enforces READ and NONE, on exactly the range given, and
 * READ_WRITE restores access with the contents kept. */
static void protect_enforces_access(const void *bk) {
  const st_mem_backend *b = bk;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true, 0));
  uint8_t *base;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 2, &base, &size), WRT_OK);
  base[0] = 7;
  base[PAGE] = 8;
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, PAGE, WRT_MEM_READ), WRT_OK);
  ST_REQUIRE(base[0] == 7);
  ST_REQUIRE(!st_faults(base, false));
  ST_REQUIRE(st_faults(base, true));
  ST_REQUIRE(st_faults(base + PAGE - 1, true));
  ST_REQUIRE(!st_faults(base + PAGE, true));
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, PAGE, os_page, WRT_MEM_NONE), WRT_OK);
  ST_REQUIRE(st_faults(base + PAGE, false));
  ST_REQUIRE(!st_faults(base + PAGE + os_page, true));
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
  base[0] = 9;
  ST_REQUIRE(base[PAGE] == 8);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

/* MEM-011: bad arguments and wrong states give INVALID_ARG / STATE and
 * change nothing. */
static void bad_arguments_change_nothing(const void *bk) {
  const st_mem_backend *b = bk;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true, 0));
  uint8_t *base = NULL, *b2;
  size_t size = 0, s2;
  /* Before a region exists. */
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 0, 1, &base, &size), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, os_page, WRT_MEM_READ), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, NULL, &size), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &base, NULL), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 3, 2, &base, &size), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 65537, WRT_MAX_PAGES_NONE, &base, &size), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 65537, &base, &size), WRT_E_INVALID_ARG);
  ST_REQUIRE(base == NULL && size == 0);
  /* With a region. */
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 4, &base, &size), WRT_OK);
  fill(base, size, 9);
  b2 = base;
  s2 = size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &b2, &s2), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 3, 1, &b2, &s2), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 1, NULL, &s2), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 1, &b2, NULL), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, 0, WRT_MEM_READ), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 1, os_page, WRT_MEM_READ), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, os_page + 1, WRT_MEM_READ), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, size, os_page, WRT_MEM_READ), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, size + os_page, WRT_MEM_NONE), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, SIZE_MAX - os_page + 1, os_page, WRT_MEM_NONE),
                WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, os_page, (wrt_mem_access)42), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base + PAGE, size - PAGE), WRT_E_STATE);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size - PAGE), WRT_E_STATE);
  ST_REQUIRE(b2 == base && s2 == size);
  ST_REQUIRE(filled(base, size, 9)); /* still mapped, still writable, same bytes */
  base[size - 1] = 1;
  ST_REQUIRE(st_faults(base + size, false));
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 1, &b2, &s2), WRT_OK); /* still usable */
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b2, s2), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b2, s2), WRT_E_STATE); /* double free */
  b->destroy(g_a);
  /* A destroyed (zeroed) allocator and a NULL one. */
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 2, &base, &size), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(wrt_page_allocator_allocate(NULL, 1, 2, &base, &size), WRT_E_INVALID_ARG);
}

/* MEM-012: a bad config is refused at init. */
static void bad_config_refused(const void *bk) {
  const st_mem_backend *b = bk;
  size_t os_page = (size_t)sysconf(_SC_PAGESIZE);
  ST_REQUIRE_ST(b->init_bad(g_a, 0, 0), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(b->init_bad(g_a, WRT_WASM_MAX_PAGES + 1u, 0), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(b->init_bad(g_a, 4, os_page + 1), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(b->init_bad(g_a, 4, os_page / 2), WRT_E_INVALID_ARG);
  ST_REQUIRE_ST(b->init_bad(g_a, 4, os_page), WRT_OK); /* the control */
  b->destroy(g_a);
}

/* MEM-013: a grow that must move the region refuses (STATE) while
 * protect() has narrowed access, and changes nothing. */
static void moving_grow_needs_rw(const void *bk) {
  const st_mem_backend *b = bk;
  wrt_growth_strategy gs[] = {WRT_GROW_RESERVE, WRT_GROW_EXACT};
  for (size_t i = 0; i < 2; i++) {
    wrt_page_allocator_t *a = make(b, opts(gs[i], false, gs[i] == WRT_GROW_RESERVE ? 1u : 0u));
    uint8_t *base, *b2;
    size_t size, s2;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, 4, &base, &size), WRT_OK);
    fill(base, size, 2);
    ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ), WRT_OK);
    b2 = base;
    s2 = size;
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_E_STATE);
    ST_REQUIRE(b2 == base && s2 == size);
    ST_REQUIRE(filled(base, size, 2));
    ST_REQUIRE(st_faults(base, true)); /* protection kept */
    ST_REQUIRE_ST(wrt_page_allocator_protect(a, 0, size, WRT_MEM_READ_WRITE), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1, &b2, &s2), WRT_OK);
    ST_REQUIRE(filled(b2, PAGE, 2));
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, b2, s2), WRT_OK);
    b->destroy(g_a);
  }
}

/* MEM-014: deallocate and destroy release the whole mapping, guards and
 * reservation included; destroy is safe twice and on a zeroed object. */
static void release_everything(const void *bk) {
  const st_mem_backend *b = bk;
  size_t before = st_mapped_bytes();
  if (before == SIZE_MAX)
    st_skip("no /proc/self/maps to count mappings");
  if (st_under_sanitizer())
    st_skip("a sanitizer runtime maps shadow memory with every mapping");
  for (size_t i = 0; i < NCFG; i++) {
    wrt_page_allocator_t *a = make(b, opts(k_cfgs[i].g, k_cfgs[i].guards, k_cfgs[i].reserve));
    uint8_t *base;
    size_t size;
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 16, &base, &size), WRT_OK);
    ST_REQUIRE(st_mapped_bytes() >= before + size);
    ST_REQUIRE_ST(wrt_page_allocator_grow(a, 2, 3, &base, &size), WRT_OK);
    ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
    ST_REQUIRE(st_mapped_bytes() == before);
    ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 2, 16, &base, &size), WRT_OK);
    b->destroy(g_a); /* with a region still allocated */
    ST_REQUIRE(st_mapped_bytes() == before);
    b->destroy(g_a);
    memset(g_a, 0, sizeof g_a);
    b->destroy(g_a);
    ST_REQUIRE(st_mapped_bytes() == before);
  }
}

/* MEM-015: when the OS refuses memory, allocate and grow fail with
 * NO_MEMORY, leave no mapping behind and leave the old region as it was. */
static void os_refusal_leaks_nothing(const void *bk) {
  const st_mem_backend *b = bk;
  if (st_under_sanitizer())
    st_skip("a sanitizer runtime needs unlimited address space");
  /* Moving grows (EXACT, and RESERVE past a one-page reservation). */
  wrt_page_allocator_t *a1 = make(b, opts(WRT_GROW_EXACT, true, 0));
  uint8_t *base, *b2;
  size_t size, s2;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a1, 4, 64, &base, &size), WRT_OK);
  fill(base, size, 4);
  if (!st_limit_address_space(16 * PAGE))
    st_skip("cannot lower RLIMIT_AS here (refused, or not applied as under qemu-user)");
  size_t before = st_mapped_bytes();
  b2 = base;
  s2 = size;
  wrt_status st = wrt_page_allocator_grow(a1, 4, 32, &b2, &s2);
  ST_REQUIRE(st == WRT_E_NO_MEMORY || st == WRT_E_OS);
  ST_REQUIRE(b2 == base && s2 == size);
  ST_REQUIRE(filled(base, size, 4));
  base[0] = 1; /* still writable */
  ST_REQUIRE(st_mapped_bytes() == before);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a1, base, size), WRT_OK);
  b->destroy(g_a);
  /* A fresh allocate bigger than what is left. */
  before = st_mapped_bytes();
  wrt_page_allocator_t *a2 = make(b, opts(WRT_GROW_RESERVE, true, 0));
  st = wrt_page_allocator_allocate(a2, 1, 1024, &base, &size);
  ST_REQUIRE(st == WRT_E_NO_MEMORY || st == WRT_E_OS);
  ST_REQUIRE(st_mapped_bytes() == before);
  /* ... and the object still works once memory is there. */
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a2, 1, 1, &base, &size), WRT_OK);
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a2, base, size), WRT_OK);
  ST_REQUIRE(st_mapped_bytes() == before);
  b->destroy(g_a);
}

/* MEM-016: a RESERVE region of the full 4 GiB reserves address space only:
 * it needs no more than its committed pages of memory, and grows in place. */
static void full_reservation_is_cheap(const void *bk) {
  const st_mem_backend *b = bk;
  if (sizeof(size_t) < 8)
    st_skip("32-bit address space");
  wrt_page_allocator_t *a = make(b, opts(WRT_GROW_RESERVE, true, 0));
  uint8_t *base, *first;
  size_t size;
  ST_REQUIRE_ST(wrt_page_allocator_allocate(a, 1, WRT_WASM_MAX_PAGES, &base, &size), WRT_OK);
  first = base;
  ST_REQUIRE_ST(wrt_page_allocator_grow(a, 1, 1000, &base, &size), WRT_OK);
  ST_REQUIRE(base == first);
  base[size - 1] = 1;
  ST_REQUIRE(st_faults(base + size, false));
  ST_REQUIRE_ST(wrt_page_allocator_deallocate(a, base, size), WRT_OK);
  b->destroy(g_a);
}

const st_check st_memory_checks[] = {
    {"MEM-001", "new pages read as zero (allocate, grow, moving grow)", ST_ON_MEMORY,
     new_pages_read_zero},
    {"MEM-002", "base 64 KiB-aligned, size = pages x 64 KiB, all read-write", ST_ON_MEMORY,
     base_aligned_and_size_exact},
    {"MEM-003", "grow keeps contents (in place and moving)", ST_ON_MEMORY, grow_keeps_contents},
    {"MEM-004", "RESERVE grow within the reservation never moves base", ST_ON_MEMORY,
     reserve_grow_keeps_base},
    {"MEM-005", "grow past maximum -> LIMIT, nothing changed", ST_ON_MEMORY,
     grow_past_maximum_is_limit},
    {"MEM-006", "grow by 0 reports the region, changes nothing", ST_ON_MEMORY,
     grow_by_zero_reports},
    {"MEM-007", "maximum NONE = configured max_pages; above it -> LIMIT", ST_ON_MEMORY,
     maximum_bounded_by_config},
    {"MEM-008", "guard regions fault (before base, after reservation)", ST_ON_MEMORY, guards_fault},
    {"MEM-009", "RESERVE: pages past size fault until grown into", ST_ON_MEMORY,
     reservation_faults_until_grown},
    {"MEM-010", "protect enforces READ / NONE / READ_WRITE exactly", ST_ON_MEMORY,
     protect_enforces_access},
    {"MEM-011", "bad arguments -> INVALID_ARG / STATE, nothing changed", ST_ON_MEMORY,
     bad_arguments_change_nothing},
    {"MEM-012", "bad config refused at init", ST_ON_MEMORY, bad_config_refused},
    {"MEM-013", "moving grow with narrowed protection -> STATE, nothing changed", ST_ON_MEMORY,
     moving_grow_needs_rw},
    {"MEM-014", "deallocate / destroy release every mapping", ST_ON_MEMORY, release_everything},
    {"MEM-015", "OS refusal -> NO_MEMORY, no mapping leaked, region intact", ST_ON_MEMORY,
     os_refusal_leaks_nothing},
    {"MEM-016", "4 GiB RESERVE region: address space only, grows in place", ST_ON_MEMORY,
     full_reservation_is_cheap},
};
const size_t st_memory_check_count = sizeof st_memory_checks / sizeof st_memory_checks[0];
