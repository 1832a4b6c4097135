/*
 * linux_memory.c - the Linux page allocator: Wasm linear memory on
 * mmap / mprotect / munmap.
 *
 * Layout of one region (RESERVE), one mapping:
 *   map_addr: [guard_before][slack][base .. base+size: read-write]
 *             [reserved: PROT_NONE][guard_after][rest of the slack]
 * The whole mapping is made PROT_NONE first (address space only, nothing
 * committed thanks to MAP_NORESERVE and PROT_NONE); pages become accessible
 * with mprotect, so the base never moves while the reservation lasts. EXACT
 * reserves only what is used and grows by allocate-copy-free. The slack
 * (< one Wasm page) aligns base to WRT_WASM_PAGE_SIZE and stays
 * inaccessible, so it only widens the guards. The reservation is at least
 * one OS page, so even an empty region owns the page at its base and no
 * other region can be handed the same base. Everything in the mapping
 * belongs to the region: that is the span wrt_page_allocator_query reports.
 * May include: POSIX/Linux headers, the public headers, src/core internals,
 * linux_prot.h and linux_placement.h.
 */
#define _GNU_SOURCE
#include "wrt/linux_memory.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checked_math.h"
#include "linux_placement.h"
#include "linux_prot.h"
#include "page_rules.h"
#include "region_latch.h"

/* One mapping as map_region() made it. */
typedef struct {
  uint8_t *map_addr;
  size_t map_len;
  uint8_t *base;
  size_t reserved; /* bytes from base that may be made accessible */
} region_t;

static wrt_status la_allocate(wrt_page_allocator_t *self, uint32_t initial_pages,
                              uint32_t maximum_pages, uint8_t **base, size_t *size);
static wrt_status la_grow(wrt_page_allocator_t *self, uint32_t current_pages,
                          uint32_t additional_pages, uint8_t **base, size_t *size);
static wrt_status la_protect(wrt_page_allocator_t *self, size_t offset, size_t len,
                             wrt_mem_access access);
static wrt_status la_deallocate(wrt_page_allocator_t *self, uint8_t *base, size_t size);
static wrt_status la_query(const wrt_page_allocator_t *self, wrt_region_info_t *out);

static const wrt_page_allocator_ops_t linux_allocator_ops = {
    la_allocate, la_grow, la_protect, la_deallocate, la_query};

static wrt_linux_allocator_t *from_base(wrt_page_allocator_t *self) {
  return (wrt_linux_allocator_t *)(void *)((char *)self -
                                           offsetof(wrt_linux_allocator_t, base));
}

static const wrt_linux_allocator_t *from_const_base(const wrt_page_allocator_t *self) {
  return (const wrt_linux_allocator_t *)(const void *)((const char *)self -
                                                       offsetof(wrt_linux_allocator_t, base));
}

static wrt_page_config_t rules_config(const wrt_linux_allocator_config_t *c) {
  wrt_page_config_t r;
  r.guard_pages = c->guard_pages;
  r.guard_size = c->guard_size;
  r.guard_before = c->guard_before;
  r.guard_after = c->guard_after;
  r.guard_reach = c->guard_reach;
  r.max_pages = c->max_pages;
  r.growth = c->growth;
  r.reserve_pages = c->reserve_pages;
  r.no_move = c->no_move;
  r.memory64 = c->memory64;
  return r;
}

/* Tells wrt_page_allocator_query where the region is now. */
static void publish(wrt_linux_allocator_t *a) {
  wrt_region_latch_publish_mapping(&a->latch, a->allocated, a->map_addr, a->map_len, a->mem_base,
                                   a->mem_size, a->reserved_size);
}

static wrt_status os_failure(wrt_linux_allocator_t *a, int err) {
  a->last_os_error = err;
  return (err == ENOMEM || err == EAGAIN) ? WRT_E_NO_MEMORY : WRT_E_OS;
}

wrt_linux_allocator_config_t wrt_linux_allocator_config_default(void) {
  wrt_linux_allocator_config_t c;
  (void)memset(&c, 0, sizeof c);
  c.guard_pages = false;
  c.guard_size = WRT_WASM_PAGE_SIZE;
  c.guard_before = WRT_GUARD_FROM_SIZE;
  c.guard_after = WRT_GUARD_FROM_SIZE;
  c.guard_reach = 0u;
  c.max_pages = WRT_WASM_MAX_PAGES;
  c.growth = WRT_GROW_RESERVE;
  c.reserve_pages = 0;
  c.no_move = false;
  c.memory64 = false;
  c.placement = wrt_placement_default();
  return c;
}

wrt_status wrt_linux_allocator_init(wrt_linux_allocator_t *a,
                                    const wrt_linux_allocator_config_t *cfg) {
  if (a == NULL || cfg == NULL) {
    return WRT_E_INVALID_ARG;
  }
  /* Re-initialising a live allocator would forget its mapping. */
  if (a->base.ops == &linux_allocator_ops && a->allocated) {
    return WRT_E_STATE;
  }
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0) {
    return WRT_E_OS;
  }
  size_t os_page = (size_t)page;
  /* cfg may point into *a (init(&a, &a.config)): copy it before clearing. */
  wrt_linux_allocator_config_t config = *cfg;
  wrt_page_config_t rules = rules_config(&config);
  wrt_status st = wrt_page_check_config(&rules, os_page);
  if (st == WRT_OK) {
    st = wrt_linux_placement_check(&config);
  }
  if (st != WRT_OK) {
    return st;
  }
  (void)memset(a, 0, sizeof *a);
  a->base.ops = &linux_allocator_ops;
  a->config = config;
  a->os_page = os_page;
  wrt_region_latch_init(&a->latch);
  return WRT_OK;
}

void wrt_linux_allocator_destroy(wrt_linux_allocator_t *a) {
  if (a == NULL || a->base.ops != &linux_allocator_ops) {
    return;
  }
  /* munmap of a mapping we made fails only for a corrupted object; a void
   * function cannot report it, and the header promises a zeroed object. */
  if (a->allocated) {
    (void)munmap(a->map_addr, a->map_len);
    wrt_linux_placement_release(a);
  }
  (void)memset(a, 0, sizeof *a);
}

wrt_page_allocator_t *wrt_linux_allocator_base(wrt_linux_allocator_t *a) {
  if (a == NULL || a->base.ops != &linux_allocator_ops) {
    return NULL;
  }
  return &a->base;
}

/* Maps reserve_pages of inaccessible address space (plus guards and slack)
 * and makes the first commit_pages read-write. On failure nothing is left
 * mapped. */
static wrt_status map_region(wrt_linux_allocator_t *a, uint32_t reserve_pages,
                             uint32_t commit_pages, region_t *out) {
  size_t reserve_bytes, commit_bytes, before, after, len;
  wrt_status st;
  wrt_page_config_t rules = rules_config(&a->config);
  st = wrt_pages_to_bytes(reserve_pages, &reserve_bytes);
  if (st == WRT_OK) {
    st = wrt_pages_to_bytes(commit_pages, &commit_bytes);
  }
  if (st == WRT_OK) {
    st = wrt_page_mapping_bytes(&rules, reserve_bytes, a->os_page, &len);
  }
  if (st == WRT_OK) {
    st = wrt_size_add(len, wrt_linux_placement_extra(&a->config), &len);
  }
  if (st != WRT_OK) {
    return st;
  }
  wrt_page_guards(&rules, reserve_bytes, &before, &after);
  void *p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    return os_failure(a, errno);
  }
  /* wrt_page_mapping_bytes left WRT_WASM_PAGE_SIZE - os_page of slack after
   * the leading guard, so the aligned base, its reservation (at least one
   * OS page) and the trailing guard all lie inside the mapping. */
  uintptr_t first = (uintptr_t)p + before;
  const uintptr_t page_mask = (uintptr_t)wrt_linux_placement_align(&a->config) - 1u;
  uintptr_t aligned = (first + page_mask) & ~page_mask;
  uint8_t *base = (uint8_t *)p + (aligned - (uintptr_t)p);
  st = wrt_linux_placement_setup(a, p, len, base, reserve_bytes, commit_bytes);
  if (st != WRT_OK) {
    (void)munmap(p, len);
    return st;
  }
  out->map_addr = (uint8_t *)p;
  out->map_len = len;
  out->base = base;
  out->reserved = reserve_bytes;
  return WRT_OK;
}

static void adopt_region(wrt_linux_allocator_t *a, const region_t *r, uint32_t pages) {
  a->map_addr = r->map_addr;
  a->map_len = r->map_len;
  a->mem_base = r->base;
  a->reserved_size = r->reserved;
  a->pages = pages;
  a->mem_size = (size_t)pages * WRT_WASM_PAGE_SIZE; /* checked by map_region */
  a->protect_changed = false;
}

static wrt_status la_allocate(wrt_page_allocator_t *self, uint32_t initial_pages,
                              uint32_t maximum_pages, uint8_t **base, size_t *size) {
  wrt_linux_allocator_t *a = from_base(self);
  uint32_t max;
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  wrt_status st = wrt_page_check_allocate(initial_pages, maximum_pages, a->config.max_pages,
                                          a->config.memory64, &max);
  if (st != WRT_OK) {
    return st;
  }
  if (a->allocated) {
    return WRT_E_STATE;
  }
  region_t r;
  st = map_region(a,
                  wrt_page_reservation(a->config.growth, a->config.reserve_pages,
                                       initial_pages, max),
                  initial_pages, &r);
  if (st != WRT_OK) {
    return st;
  }
  adopt_region(a, &r, initial_pages);
  a->max_pages = max;
  a->allocated = true;
  publish(a);
  *base = a->mem_base;
  *size = a->mem_size;
  return WRT_OK;
}

/* Moves the region to a new mapping of new_pages (allocate-copy-free). The
 * old region stays intact and owned on every failure. The new region is
 * published before the old mapping goes, so a query never reports an
 * unmapped span. */
static wrt_status relocate(wrt_linux_allocator_t *a, uint32_t new_pages) {
  region_t r;
  /* Pages made inaccessible by protect() cannot be copied, and their
   * protection could not be restored on failure: refuse rather than half-do. */
  if (a->protect_changed) {
    return WRT_E_STATE;
  }
  uint32_t old_reserve = (uint32_t)(a->reserved_size / WRT_WASM_PAGE_SIZE);
  wrt_status st = map_region(
      a, wrt_page_moved_reservation(a->config.growth, old_reserve, new_pages, a->max_pages),
      new_pages, &r);
  if (st != WRT_OK) {
    return st;
  }
  (void)memcpy(r.base, a->mem_base, a->mem_size);
  region_t old = {a->map_addr, a->map_len, a->mem_base, a->reserved_size};
  uint32_t old_pages = a->pages;
  adopt_region(a, &r, new_pages);
  publish(a);
  if (munmap(old.map_addr, old.map_len) != 0) {
    int err = errno;
    adopt_region(a, &old, old_pages);
    publish(a);
    (void)munmap(r.map_addr, r.map_len);
    return os_failure(a, err);
  }
  return WRT_OK;
}

static wrt_status la_grow(wrt_page_allocator_t *self, uint32_t current_pages,
                          uint32_t additional_pages, uint8_t **base, size_t *size) {
  wrt_linux_allocator_t *a = from_base(self);
  if (base == NULL || size == NULL) {
    return WRT_E_INVALID_ARG;
  }
  if (!a->allocated) {
    return WRT_E_STATE;
  }
  wrt_status st = wrt_page_check_grow(a->pages, a->max_pages, current_pages, additional_pages);
  if (st != WRT_OK) {
    return st;
  }
  if (additional_pages != 0u) {
    uint32_t new_pages = a->pages + additional_pages;
    size_t new_size;
    st = wrt_pages_to_bytes(new_pages, &new_size);
    if (st != WRT_OK) {
      return st;
    }
    if (new_size > a->reserved_size) {
      /* Moving would change the base a runtime may have cached; a region
       * whose memory is an object (shared, hugetlb) never moves. */
      if (a->config.no_move || wrt_linux_placement_pinned(&a->config)) {
        return WRT_E_LIMIT;
      }
      st = relocate(a, new_pages);
      if (st != WRT_OK) {
        return st;
      }
    } else {
      st = wrt_linux_placement_commit(a, a->mem_base, a->mem_size, new_size);
      if (st != WRT_OK) {
        return st;
      }
      a->pages = new_pages;
      a->mem_size = new_size;
      publish(a);
    }
  }
  *base = a->mem_base;
  *size = a->mem_size;
  return WRT_OK;
}

static wrt_status la_protect(wrt_page_allocator_t *self, size_t offset, size_t len,
                             wrt_mem_access access) {
  wrt_linux_allocator_t *a = from_base(self);
  wrt_status st = wrt_page_check_protect(offset, len, a->os_page, access);
  if (st != WRT_OK) {
    return st;
  }
  int prot = wrt_linux_prot(access);
  if (!a->allocated) {
    return WRT_E_STATE;
  }
  if (!wrt_range_within(offset, len, a->mem_size)) {
    return WRT_E_INVALID_ARG;
  }
  if (mprotect(a->mem_base + offset, len, prot) != 0) {
    return os_failure(a, errno);
  }
  if (access != WRT_MEM_READ_WRITE) {
    a->protect_changed = true;
  } else if (offset == 0u && len == a->mem_size) {
    a->protect_changed = false;
  } else {
    /* Part of the region made read-write again: the rest may still be
     * narrowed, so protect_changed keeps its value. */
  }
  return WRT_OK;
}

static wrt_status la_deallocate(wrt_page_allocator_t *self, uint8_t *base, size_t size) {
  wrt_linux_allocator_t *a = from_base(self);
  if (!a->allocated || base != a->mem_base || size != a->mem_size) {
    return WRT_E_STATE;
  }
  /* Unpublish first, so that a query never reports an unmapped span. */
  a->allocated = false;
  publish(a);
  if (munmap(a->map_addr, a->map_len) != 0) {
    int err = errno;
    a->allocated = true;
    publish(a);
    return os_failure(a, err);
  }
  wrt_linux_placement_release(a);
  a->map_addr = NULL;
  a->map_len = 0;
  a->mem_base = NULL;
  a->mem_size = 0;
  a->reserved_size = 0;
  a->pages = 0;
  a->max_pages = 0;
  a->protect_changed = false;
  return WRT_OK;
}

static wrt_status la_query(const wrt_page_allocator_t *self, wrt_region_info_t *out) {
  return wrt_region_latch_read(&from_const_base(self)->latch, out);
}
