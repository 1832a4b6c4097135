/*
 * exports.c - the external definitions of the headers' inline functions.
 *
 * memory.h and sync.h define their dispatchers as C11 inline functions, so
 * that C callers get them inlined. C11 6.7.4p7: a translation unit that
 * declares such a function `extern` holds its external definition; this is
 * that unit, so the library exports every one of them under its own name
 * for callers that cannot see the header's definitions (Rust, dlsym, a
 * compiler in C89 mode). One declaration per function; nothing else here.
 * OS-free (src/core): includes only the public headers.
 */
#include "wrt/memory.h"
#include "wrt/sync.h"

extern inline wrt_status wrt_page_allocator_allocate(wrt_page_allocator_t *a,
                                                     uint32_t initial_pages,
                                                     uint32_t maximum_pages, uint8_t **base,
                                                     size_t *size);
extern inline wrt_status wrt_page_allocator_grow(wrt_page_allocator_t *a, uint32_t current_pages,
                                                 uint32_t additional_pages, uint8_t **base,
                                                 size_t *size);
extern inline wrt_status wrt_page_allocator_protect(wrt_page_allocator_t *a, size_t offset,
                                                    size_t len, wrt_mem_access access);
extern inline wrt_status wrt_page_allocator_deallocate(wrt_page_allocator_t *a, uint8_t *base,
                                                       size_t size);
extern inline wrt_status wrt_page_allocator_query(const wrt_page_allocator_t *a,
                                                  wrt_region_info_t *out);
extern inline bool wrt_region_info_contains(const wrt_region_info_t *r, const void *addr);
extern inline bool wrt_region_info_in_guard(const wrt_region_info_t *r, const void *addr);

extern inline uint32_t wrt_futex_load(const wrt_futex_t *f);
extern inline void wrt_futex_set(wrt_futex_t *f, uint32_t v);
extern inline bool wrt_futex_compare_exchange(wrt_futex_t *f, uint32_t expected,
                                              uint32_t desired);
extern inline wrt_status wrt_futex_wait(wrt_futex_t *f, uint32_t expected, uint64_t timeout_ns);
extern inline wrt_status wrt_futex_wake(wrt_futex_t *f, uint32_t count);
extern inline wrt_status wrt_futex_wake_one(wrt_futex_t *f);
extern inline wrt_status wrt_futex_wake_all(wrt_futex_t *f);
