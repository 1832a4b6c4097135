/*
 * page_rules.c - the page-allocator contract's argument and sizing rules;
 * see page_rules.h. OS-free (src/core): no OS header may be included here.
 */
#include "page_rules.h"

#include "checked_math.h"

wrt_status wrt_page_check_config(bool guard_pages, size_t guard_size, uint32_t max_pages,
                                 wrt_growth_strategy growth, uint32_t reserve_pages,
                                 size_t os_page) {
  if (!wrt_size_is_aligned(WRT_WASM_PAGE_SIZE, os_page))
    return WRT_E_UNSUPPORTED;
  if (max_pages == 0u || max_pages > WRT_WASM_MAX_PAGES)
    return WRT_E_INVALID_ARG;
  if (growth != WRT_GROW_RESERVE && growth != WRT_GROW_EXACT)
    return WRT_E_INVALID_ARG;
  if (reserve_pages > WRT_WASM_MAX_PAGES)
    return WRT_E_INVALID_ARG;
  if (!wrt_size_is_aligned(guard_size, os_page) || (guard_pages && guard_size == 0u))
    return WRT_E_INVALID_ARG;
  return WRT_OK;
}

wrt_status wrt_page_check_allocate(uint32_t initial_pages, uint32_t maximum_pages,
                                   uint32_t config_max, uint32_t *max_pages) {
  if (max_pages == NULL || initial_pages > WRT_WASM_MAX_PAGES ||
      maximum_pages > WRT_WASM_MAX_PAGES ||
      (maximum_pages != 0u && initial_pages > maximum_pages))
    return WRT_E_INVALID_ARG;
  uint32_t max = maximum_pages != 0u ? maximum_pages : config_max;
  if (max > config_max || initial_pages > max)
    return WRT_E_LIMIT;
  *max_pages = max;
  return WRT_OK;
}

wrt_status wrt_page_check_grow(uint32_t pages, uint32_t max_pages, uint32_t current_pages,
                               uint32_t additional_pages) {
  if (current_pages != pages)
    return WRT_E_INVALID_ARG;
  if (pages > max_pages || additional_pages > max_pages - pages)
    return WRT_E_LIMIT;
  return WRT_OK;
}

wrt_status wrt_page_check_protect(size_t offset, size_t len, size_t os_page,
                                  wrt_mem_access access) {
  if (access != WRT_MEM_NONE && access != WRT_MEM_READ && access != WRT_MEM_READ_WRITE)
    return WRT_E_INVALID_ARG;
  if (len == 0u || !wrt_size_is_aligned(offset, os_page) || !wrt_size_is_aligned(len, os_page))
    return WRT_E_INVALID_ARG;
  return WRT_OK;
}

static uint32_t clamp_u32(uint32_t v, uint32_t lo, uint32_t hi) {
  if (v > hi)
    v = hi;
  return v < lo ? lo : v;
}

uint32_t wrt_page_reservation(wrt_growth_strategy growth, uint32_t reserve_pages,
                              uint32_t pages, uint32_t max_pages) {
  if (growth == WRT_GROW_EXACT)
    return pages;
  return clamp_u32(reserve_pages == 0u ? max_pages : reserve_pages, pages, max_pages);
}

uint32_t wrt_page_moved_reservation(wrt_growth_strategy growth, uint32_t old_reserve,
                                    uint32_t new_pages, uint32_t max_pages) {
  if (growth == WRT_GROW_EXACT)
    return new_pages;
  uint32_t doubled = old_reserve > UINT32_MAX / 2u ? UINT32_MAX : old_reserve * 2u;
  return clamp_u32(doubled, new_pages, max_pages);
}
