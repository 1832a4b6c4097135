/*
 * wrt/memory.h - the page-allocator interface for Wasm linear memory.
 *
 * One concept: an allocator object managing one linear-memory region, reached
 * through an ops table so a runtime can hold any backend (Linux, QNX) behind
 * one pointer. Backends embed wrt_page_allocator_t and hand it out through
 * their *_base() getter. Includes only status.h and the C library.
 */
#ifndef WRT_MEMORY_H
#define WRT_MEMORY_H

#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WRT_WASM_PAGE_SIZE 65536u
#define WRT_WASM_MAX_PAGES 65536u /* 4 GiB, 32-bit memories */

typedef enum { WRT_MEM_NONE, WRT_MEM_READ, WRT_MEM_READ_WRITE } wrt_mem_access;

/* RESERVE (default): reserve the maximum (capped by the config) up front as
 * inaccessible address space and grow in place; the base never moves while
 * the reservation lasts.
 * EXACT: map only what is used; grow = allocate, copy, free (base may move). */
typedef enum { WRT_GROW_RESERVE, WRT_GROW_EXACT } wrt_growth_strategy;

typedef struct wrt_page_allocator wrt_page_allocator_t;

typedef struct {
  wrt_status (*allocate)(wrt_page_allocator_t *self, uint32_t initial_pages,
                         uint32_t maximum_pages /* 0: none given */,
                         uint8_t **base, size_t *size);
  wrt_status (*grow)(wrt_page_allocator_t *self, uint32_t current_pages,
                     uint32_t additional_pages, uint8_t **base, size_t *size);
  wrt_status (*protect)(wrt_page_allocator_t *self, size_t offset, size_t len,
                        wrt_mem_access access);
  wrt_status (*deallocate)(wrt_page_allocator_t *self, uint8_t *base,
                           size_t size);
} wrt_page_allocator_ops_t;

struct wrt_page_allocator {
  const wrt_page_allocator_ops_t *ops;
};

/*
 * The dispatchers check the object and its ops table, so a zeroed or
 * destroyed allocator gives WRT_E_INVALID_ARG instead of a NULL call.
 *
 * allocate: map initial_pages Wasm pages (may be 0), readable and writable
 *   and zero-filled, at a base aligned to WRT_WASM_PAGE_SIZE. maximum_pages
 *   bounds later growth (0: the backend's configured max_pages). Errors:
 *   INVALID_ARG (NULL out-pointer, initial > maximum, either > 65536),
 *   LIMIT (maximum above the configured max_pages), STATE (a region is
 *   already allocated), OVERFLOW, NO_MEMORY, OS.
 * grow: add additional_pages (0 is a no-op that reports the region);
 *   current_pages must be the current page count (else INVALID_ARG); LIMIT
 *   past the maximum, leaving the memory as it was. New pages read as zero.
 *   A grow that has to move the region (EXACT, or past a RESERVE backend's
 *   reservation) copies it, so every page must be readable and protect()
 *   must not have narrowed access since the region was (re)mapped or last
 *   made wholly read-write: WRT_E_STATE otherwise.
 * protect: change access of [offset, offset+len) inside the accessible
 *   region; offset and len must be multiples of the OS page, len > 0.
 * deallocate: base and size must be exactly the last ones returned (else
 *   STATE); releases the whole reservation including guards.
 */
static inline wrt_status wrt_page_allocator_allocate(
    wrt_page_allocator_t *a, uint32_t initial_pages, uint32_t maximum_pages,
    uint8_t **base, size_t *size) {
  if (a == NULL || a->ops == NULL || a->ops->allocate == NULL)
    return WRT_E_INVALID_ARG;
  return a->ops->allocate(a, initial_pages, maximum_pages, base, size);
}

static inline wrt_status wrt_page_allocator_grow(wrt_page_allocator_t *a,
                                                 uint32_t current_pages,
                                                 uint32_t additional_pages,
                                                 uint8_t **base,
                                                 size_t *size) {
  if (a == NULL || a->ops == NULL || a->ops->grow == NULL)
    return WRT_E_INVALID_ARG;
  return a->ops->grow(a, current_pages, additional_pages, base, size);
}

static inline wrt_status wrt_page_allocator_protect(wrt_page_allocator_t *a,
                                                    size_t offset, size_t len,
                                                    wrt_mem_access access) {
  if (a == NULL || a->ops == NULL || a->ops->protect == NULL)
    return WRT_E_INVALID_ARG;
  return a->ops->protect(a, offset, len, access);
}

static inline wrt_status wrt_page_allocator_deallocate(wrt_page_allocator_t *a,
                                                       uint8_t *base,
                                                       size_t size) {
  if (a == NULL || a->ops == NULL || a->ops->deallocate == NULL)
    return WRT_E_INVALID_ARG;
  return a->ops->deallocate(a, base, size);
}

#ifdef __cplusplus
}
#endif
#endif
