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

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wrt_linux_allocator_config {
  /* Inaccessible guard regions of guard_size bytes before the base and after
   * the end of the reservation. Default off. */
  bool guard_pages;
  /* Bytes per guard region; a non-zero multiple of the OS page when
   * guard_pages is on. Default WRT_WASM_PAGE_SIZE. */
  size_t guard_size;
  /* Largest maximum a region may have, 1..WRT_WASM_MAX_PAGES. Default 65536. */
  uint32_t max_pages;
  /* Default WRT_GROW_RESERVE. */
  wrt_growth_strategy growth;
  /* RESERVE only: pages of address space reserved per region; 0 reserves the
   * region's whole maximum. A grow past the reservation moves the region to
   * a new, larger reservation (allocate-copy-free). Default 0. */
  uint32_t reserve_pages;
} wrt_linux_allocator_config_t;

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
} wrt_linux_allocator_t;

wrt_linux_allocator_config_t wrt_linux_allocator_config_default(void);

/* INVALID_ARG: NULL, max_pages 0 or > 65536, unknown growth, guard_size not
 * a non-zero multiple of the OS page while guard_pages is on. STATE: an
 * initialised allocator that still holds a region (destroy it first). */
wrt_status wrt_linux_allocator_init(wrt_linux_allocator_t *a,
                                    const wrt_linux_allocator_config_t *cfg);

/* Releases any region still allocated. Safe on a zeroed or destroyed
 * object; leaves it zeroed. */
void wrt_linux_allocator_destroy(wrt_linux_allocator_t *a);

/* NULL for NULL or an object that was not initialised. */
wrt_page_allocator_t *wrt_linux_allocator_base(wrt_linux_allocator_t *a);

#ifdef __cplusplus
}
#endif
#endif
