/*
 * page_rules.c - the page-allocator contract's argument and sizing rules;
 * see page_rules.h. OS-free (src/core): no OS header may be included here.
 */
#include "page_rules.h"

#include "checked_math.h"

uint32_t wrt_page_limit(bool memory64) {
  return memory64 ? WRT_WASM64_MAX_PAGES : WRT_WASM_MAX_PAGES;
}

static bool guard_value_ok(size_t v, size_t os_page) {
  return v == WRT_GUARD_FROM_SIZE || wrt_size_is_aligned(v, os_page);
}

wrt_status wrt_page_check_config(const wrt_page_config_t *c, size_t os_page) {
  if (!wrt_size_is_aligned(WRT_WASM_PAGE_SIZE, os_page)) {
    return WRT_E_UNSUPPORTED;
  }
  uint32_t limit = wrt_page_limit(c->memory64);
  if (c->max_pages == 0u || c->max_pages > limit) {
    return WRT_E_INVALID_ARG;
  }
  if (c->growth != WRT_GROW_RESERVE && c->growth != WRT_GROW_EXACT) {
    return WRT_E_INVALID_ARG;
  }
  if (c->reserve_pages > limit) {
    return WRT_E_INVALID_ARG;
  }
  if (!wrt_size_is_aligned(c->guard_size, os_page) || (c->guard_pages && c->guard_size == 0u)) {
    return WRT_E_INVALID_ARG;
  }
  if (!guard_value_ok(c->guard_before, os_page) || !guard_value_ok(c->guard_after, os_page) ||
      !wrt_size_is_aligned(c->guard_reach, os_page)) {
    return WRT_E_INVALID_ARG;
  }
  size_t max_bytes;
  size_t len;
  wrt_status st = wrt_pages_to_bytes(c->max_pages, &max_bytes);
  if (st == WRT_OK) {
    st = wrt_page_mapping_bytes(c, max_bytes, os_page, &len);
  }
  return st;
}

static size_t guard_value(const wrt_page_config_t *c, size_t v) {
  return v == WRT_GUARD_FROM_SIZE ? c->guard_size : v;
}

void wrt_page_guards(const wrt_page_config_t *c, size_t reserved, size_t *before,
                     size_t *after) {
  if (!c->guard_pages) {
    *before = 0u;
    *after = 0u;
    return;
  }
  *before = guard_value(c, c->guard_before);
  size_t a = guard_value(c, c->guard_after);
  /* reserved + a < reach, computed without overflow */
  if (c->guard_reach > reserved && a < c->guard_reach - reserved) {
    a = c->guard_reach - reserved;
  }
  *after = a;
}

wrt_status wrt_page_mapping_bytes(const wrt_page_config_t *c, size_t reserved, size_t os_page,
                                  size_t *out) {
  size_t before;
  size_t after;
  size_t len;
  wrt_page_guards(c, reserved, &before, &after);
  size_t body = reserved < os_page ? os_page : reserved;
  wrt_status st = wrt_size_add(before, (size_t)WRT_WASM_PAGE_SIZE - os_page, &len);
  if (st == WRT_OK) {
    st = wrt_size_add(len, body, &len);
  }
  if (st == WRT_OK) {
    st = wrt_size_add(len, after, &len);
  }
  if (st == WRT_OK) {
    *out = len;
  }
  return st;
}

wrt_status wrt_page_check_allocate(uint32_t initial_pages, uint32_t maximum_pages,
                                   uint32_t config_max, bool memory64, uint32_t *max_pages) {
  uint32_t limit = wrt_page_limit(memory64);
  bool none = maximum_pages == WRT_MAX_PAGES_NONE;
  if (max_pages == NULL || initial_pages > limit || (!none && maximum_pages > limit) ||
      (!none && initial_pages > maximum_pages)) {
    return WRT_E_INVALID_ARG;
  }
  uint32_t max = none ? config_max : maximum_pages;
  if (max > config_max || initial_pages > max) {
    return WRT_E_LIMIT;
  }
  *max_pages = max;
  return WRT_OK;
}

wrt_status wrt_page_check_grow(uint32_t pages, uint32_t max_pages, uint32_t current_pages,
                               uint32_t additional_pages) {
  if (current_pages != pages) {
    return WRT_E_INVALID_ARG;
  }
  if (pages > max_pages || additional_pages > max_pages - pages) {
    return WRT_E_LIMIT;
  }
  return WRT_OK;
}

wrt_status wrt_page_check_protect(size_t offset, size_t len, size_t os_page,
                                  wrt_mem_access access) {
  if (access != WRT_MEM_NONE && access != WRT_MEM_READ && access != WRT_MEM_READ_WRITE) {
    return WRT_E_INVALID_ARG;
  }
  if (len == 0u || !wrt_size_is_aligned(offset, os_page) || !wrt_size_is_aligned(len, os_page)) {
    return WRT_E_INVALID_ARG;
  }
  return WRT_OK;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi) {
  if (v > hi) {
    v = hi;
  }
  return v < lo ? lo : v;
}

uint32_t wrt_page_reservation(wrt_growth_strategy growth, uint32_t reserve_pages,
                              uint32_t pages, uint32_t max_pages) {
  if (growth == WRT_GROW_EXACT) {
    return pages;
  }
  return clamp_u32(reserve_pages == 0u ? max_pages : reserve_pages, pages, max_pages);
}

uint32_t wrt_page_moved_reservation(wrt_growth_strategy growth, uint32_t old_reserve,
                                    uint32_t new_pages, uint32_t max_pages) {
  if (growth == WRT_GROW_EXACT) {
    return new_pages;
  }
  uint32_t doubled = old_reserve > UINT32_MAX / 2u ? UINT32_MAX : old_reserve * 2u;
  return clamp_u32(doubled, new_pages, max_pages);
}
