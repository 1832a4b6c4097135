/*
 * page_rules.h - the page-allocator contract's argument and sizing rules
 * (internal to the library).
 *
 * Every backend (src/linux, src/qnx) validates through these, so that they
 * agree on every status code and every reservation size; the backends keep
 * only their system calls. OS-free: includes only public headers and the C
 * library.
 */
#ifndef WRT_CORE_PAGE_RULES_H
#define WRT_CORE_PAGE_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/status.h"

/* The config fields every allocator has, copied out of a backend's config
 * so that both backends check them here. */
typedef struct {
  bool guard_pages;
  size_t guard_size;
  size_t guard_before; /* WRT_GUARD_FROM_SIZE: guard_size */
  size_t guard_after;  /* WRT_GUARD_FROM_SIZE: guard_size */
  size_t guard_reach;
  uint32_t max_pages;
  wrt_growth_strategy growth;
  uint32_t reserve_pages;
  bool no_move;
  bool memory64;
} wrt_page_config_t;

/* Largest page count a config allows: WRT_WASM64_MAX_PAGES with memory64,
 * else WRT_WASM_MAX_PAGES. */
uint32_t wrt_page_limit(bool memory64);

/* INVALID_ARG: max_pages 0 or above wrt_page_limit, unknown growth,
 * reserve_pages above wrt_page_limit, guard_size / guard_before /
 * guard_after / guard_reach not multiples of os_page (checked even while
 * guards are off, so a bad value is reported where it is set; the
 * WRT_GUARD_FROM_SIZE sentinel is allowed), guard_size 0 with guards on.
 * UNSUPPORTED: os_page is not a power of two dividing WRT_WASM_PAGE_SIZE
 * (Wasm pages must be whole OS pages). OVERFLOW: the largest mapping the
 * config allows (wrt_page_mapping_bytes for max_pages) exceeds size_t. */
wrt_status wrt_page_check_config(const wrt_page_config_t *c, size_t os_page);

/* The guards a mapping whose reservation is `reserved` bytes gets: 0 when
 * guards are off; else guard_before / guard_after (WRT_GUARD_FROM_SIZE:
 * guard_size), the trailing one widened so that reserved + *after >=
 * guard_reach. */
void wrt_page_guards(const wrt_page_config_t *c, size_t reserved, size_t *before,
                     size_t *after);

/* Bytes of address space to map for a reservation of `reserved` bytes:
 * leading guard + alignment slack (WRT_WASM_PAGE_SIZE - os_page) + the
 * reservation, at least one OS page (so that even an empty region owns the
 * page at its base and no other region can get the same base) + trailing
 * guard. OVERFLOW when it does not fit in size_t. */
wrt_status wrt_page_mapping_bytes(const wrt_page_config_t *c, size_t reserved, size_t os_page,
                                  size_t *out);

/* allocate(initial, maximum): INVALID_ARG when either exceeds
 * wrt_page_limit(memory64) (maximum WRT_MAX_PAGES_NONE: none given, the
 * region's maximum is config_max) or initial > maximum; LIMIT when the
 * region's maximum exceeds config_max or initial exceeds it. On OK,
 * *max_pages is the region's maximum. */
wrt_status wrt_page_check_allocate(uint32_t initial_pages, uint32_t maximum_pages,
                                   uint32_t config_max, bool memory64, uint32_t *max_pages);

/* grow(current, additional) of a region of `pages` pages and maximum
 * `max_pages`: INVALID_ARG when current differs from pages, LIMIT when the
 * sum would pass the maximum (no overflow: computed by subtraction). */
wrt_status wrt_page_check_grow(uint32_t pages, uint32_t max_pages, uint32_t current_pages,
                               uint32_t additional_pages);

/* protect(offset, len, access) arguments alone: INVALID_ARG for an unknown
 * access, len 0, or offset / len not multiples of os_page. The caller then
 * checks state and wrt_range_within(offset, len, size). */
wrt_status wrt_page_check_protect(size_t offset, size_t len, size_t os_page,
                                  wrt_mem_access access);

/* Pages to reserve for a new region of `pages` pages with maximum
 * max_pages: EXACT reserves only what is used; RESERVE the maximum, or
 * reserve_pages (config; 0 = the maximum) clamped to [pages, max_pages]. */
uint32_t wrt_page_reservation(wrt_growth_strategy growth, uint32_t reserve_pages,
                              uint32_t pages, uint32_t max_pages);

/* Pages to reserve when a region that outgrew old_reserve moves to hold
 * new_pages: EXACT what is used; RESERVE twice the old reservation (so a
 * run of small grows moves O(log n) times), clamped to
 * [new_pages, max_pages]. */
uint32_t wrt_page_moved_reservation(wrt_growth_strategy growth, uint32_t old_reserve,
                                    uint32_t new_pages, uint32_t max_pages);

#endif
