/*
 * wrt/linux_memory.h - the Linux page allocator (the host backend).
 *
 * One concept: wrt_linux_allocator_t, a caller-allocated object that
 * implements wrt_page_allocator_t with mmap/mprotect/munmap. Its config has
 * the same fields, with the same meaning, as the QNX allocator's.
 * Includes only memory.h and the C library.
 */
#ifndef WRT_LINUX_MEMORY_H
#define WRT_LINUX_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A plain value (any thread; copied by init). */
typedef struct wrt_linux_allocator_config {
  /* Inaccessible guard regions before the base and after the end of the
   * reservation (sizes below). Default off. */
  bool guard_pages;
  /* The value guard_before and guard_after default to: a multiple of the OS
   * page, checked even while guard_pages is off (so a bad value is
   * reported where it is set), and non-zero when guard_pages is on.
   * Default WRT_WASM_PAGE_SIZE. */
  size_t guard_size;
  /* Bytes of leading / trailing guard while guard_pages is on: a multiple
   * of the OS page (0: no guard on that side), or WRT_GUARD_FROM_SIZE for
   * guard_size bytes. Checked even while guards are off. Default
   * WRT_GUARD_FROM_SIZE. The leading guard may be widened by up to one
   * Wasm page less one OS page of alignment slack. */
  size_t guard_before;
  size_t guard_after;
  /* While guard_pages is on, 0 or the least number of bytes from the base
   * that the reservation and the trailing guard together cover: the
   * trailing guard is widened to reach it (a multiple of the OS page).
   * WRT_WASM32_GUARD_REACH gives the layout for 32-bit memories with
   * guard-page bounds checks (see memory.h). Default 0. */
  size_t guard_reach;
  /* Largest maximum a region may have: 1..WRT_WASM_MAX_PAGES, or
   * 1..WRT_WASM64_MAX_PAGES when memory64 is set. Default 65536. */
  uint32_t max_pages;
  /* Default WRT_GROW_RESERVE. */
  wrt_growth_strategy growth;
  /* RESERVE only: pages of address space reserved per region (at most
   * 65536, or WRT_WASM64_MAX_PAGES with memory64; capped by the region's
   * maximum); 0 reserves the region's
   * whole maximum. A grow past the reservation moves the region to a new
   * reservation (allocate-copy-free) of twice the old one, at least the new
   * size, at most the maximum. Default 0. */
  uint32_t reserve_pages;
  /* A grow that would move the region (EXACT, or past the reservation)
   * returns LIMIT and changes nothing, so the base a runtime caches stays
   * valid for the region's life. Default false. */
  bool no_move;
  /* 64-bit memories: max_pages, allocate's initial and maximum and
   * reserve_pages may exceed 65536 (up to WRT_WASM64_MAX_PAGES; sizes are
   * checked, OVERFLOW when the largest mapping would not fit in size_t).
   * RESERVE with reserve_pages 0 reserves a region's whole maximum up front,
   * so give regions a maximum or set reserve_pages: a 64-bit maximum can be
   * more address space than the OS has (NO_MEMORY). Default false (32-bit
   * memories, at most 65536 pages). */
  bool memory64;
  /* Where the memory lives: huge pages, a shared object, a NUMA node (see
   * placement.h for what Linux guarantees of each). Default
   * wrt_placement_default(): base pages, private, no node. */
  wrt_placement_t placement;
} wrt_linux_allocator_config_t;

/* Caller-allocated; fields are private. Thread safety: see memory.h (one
 * owner thread at a time; wrt_page_allocator_query from anywhere). The
 * object must not move while a region is allocated (the query reads it
 * from signal handlers). */
typedef struct wrt_linux_allocator {
  wrt_page_allocator_t base; /* what wrt_linux_allocator_base() hands out */
  wrt_linux_allocator_config_t config;
  size_t os_page;
  /* The whole mapping: guards, alignment slack and reservation. */
  uint8_t *map_addr;
  size_t map_len;
  /* The region the caller sees. */
  uint8_t *mem_base;
  size_t mem_size;
  size_t reserved_size; /* bytes from mem_base that may become accessible */
  uint32_t pages;
  uint32_t max_pages; /* this region's maximum */
  bool allocated;
  bool protect_changed; /* protect() narrowed access since the last map */
  int last_os_error;    /* errno of the last failed system call, 0 if none */
  wrt_region_latch_t latch; /* what wrt_page_allocator_query reads */
  /* Placement state (src/linux/linux_placement.c): the memory object behind
   * a shared or hugetlb region (valid while has_object), its size, and what
   * the region got. */
  int object_fd;
  bool has_object;
  size_t object_size;
  size_t huge_page; /* 2 MiB-class huge page size applied, 0 for none */
  wrt_huge_pages huge_applied;
} wrt_linux_allocator_t;

wrt_linux_allocator_config_t wrt_linux_allocator_config_default(void);

/* INVALID_ARG: NULL, max_pages 0 or above its limit (65536, or
 * WRT_WASM64_MAX_PAGES with memory64), unknown growth, reserve_pages above
 * that limit, guard_size / guard_before / guard_after / guard_reach not a
 * multiple of the OS page (checked whether or not guard_pages is on),
 * guard_size 0 with guard_pages on. OVERFLOW: the largest mapping the config
 * allows does not fit in size_t. UNSUPPORTED: the OS page does not divide a
 * Wasm page. OS: sysconf failed. STATE: an initialised allocator that still
 * holds a region (destroy it first). On error *a is left as it was.
 * cfg may point into *a (init(&a, &a.config) re-initialises with the
 * current config). */
wrt_status wrt_linux_allocator_init(wrt_linux_allocator_t *a,
                                    const wrt_linux_allocator_config_t *cfg);

/* Releases any region still allocated. Safe on a zeroed or destroyed
 * object; leaves it zeroed, last_os_error included (a failing munmap
 * cannot be reported: the mapping is then leaked). */
void wrt_linux_allocator_destroy(wrt_linux_allocator_t *a);

/* NULL for NULL or an object that was not initialised. */
wrt_page_allocator_t *wrt_linux_allocator_base(wrt_linux_allocator_t *a);

#ifdef __cplusplus
}
#endif
#endif
