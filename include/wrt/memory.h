/*
 * wrt/memory.h - the page-allocator interface for Wasm linear memory.
 *
 * One concept: an allocator object managing one linear-memory region, reached
 * through an ops table so a runtime can hold any backend (Linux, QNX) behind
 * one pointer. Backends embed wrt_page_allocator_t and hand it out through
 * their *_base() getter. The region query (wrt_region_info_t) and the latch
 * that makes it safe in a signal handler belong to the same concept.
 * Includes only status.h and the C library (<stdatomic.h>, or <atomic> for
 * C++).
 *
 * The functions below are C11 inline definitions; the library also exports
 * each under the same name (src/core/exports.c), so that code that cannot
 * use the header's definitions (another language, dlsym) links them.
 *
 * Thread safety: an allocator is one region owned by one thread at a time:
 * allocate, grow, protect, deallocate, init and destroy of the same object
 * must not run concurrently (the caller serialises them). Only
 * wrt_page_allocator_query may run at any time, from any thread and from a
 * signal handler, concurrently with one of those (not with init or
 * destroy). Different objects are independent.
 *
 * Faults and unwinding (docs/unwinding.md): a signal handler may leave
 * wrt_page_allocator_query / wrt_region_info_in_guard by siglongjmp (they
 * hold nothing); never leave allocate, grow, protect, deallocate, init or
 * destroy that way (the object would be half-updated).
 */
#ifndef WRT_MEMORY_H
#define WRT_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

/* The latch's atomics (below): C11 _Atomic, or the layout-compatible
 * std::atomic when the header is read by a C++ compiler. */
#ifdef __cplusplus
#include <atomic>
typedef std::atomic<unsigned> wrt_atomic_uint_t;
typedef std::atomic<uint8_t *> wrt_atomic_byte_ptr_t;
extern "C" {
#else
#include <stdatomic.h>
typedef _Atomic unsigned wrt_atomic_uint_t;
typedef uint8_t *_Atomic wrt_atomic_byte_ptr_t;
#endif

#define WRT_WASM_PAGE_SIZE 65536u
#define WRT_WASM_MAX_PAGES 65536u /* 4 GiB, 32-bit memories */

/* allocate(..., maximum_pages = WRT_MAX_PAGES_NONE, ...): no maximum given,
 * the region's maximum is the allocator's configured max_pages. Any other
 * value is a real maximum, 0 included (a Wasm "(memory 0 0)"). */
#define WRT_MAX_PAGES_NONE UINT32_MAX

/* The largest max_pages an allocator configured with memory64 accepts (page
 * counts are uint32_t; UINT32_MAX is WRT_MAX_PAGES_NONE). What a host can
 * really map is smaller: init checks that the largest mapping the config
 * allows fits in size_t (OVERFLOW otherwise, e.g. on 32-bit hosts), and
 * the OS refuses what it cannot reserve (NO_MEMORY). */
#define WRT_WASM64_MAX_PAGES (UINT32_MAX - 1u)

/* Config value of guard_before / guard_after meaning "guard_size bytes"
 * (their default), so that a config that sets only guard_size keeps its
 * old, symmetric meaning. */
#define WRT_GUARD_FROM_SIZE SIZE_MAX

/*
 * Layout for 32-bit memories with guard-page bounds checks (wasm2c's default
 * on 64-bit hosts): generated code touches base + (u64)address + offset
 * with no check, address and offset each below 2^32 and an access of at
 * most 16 bytes, i.e. anything in [base, base + 8 GiB + 14). Such a runtime
 * configures its allocator with
 *     guard_pages = true, guard_before = one OS page (or 0),
 *     guard_reach = WRT_WASM32_GUARD_REACH
 * and any growth, maximum and reservation: the trailing guard is widened
 * so that the reservation and the trailing guard together cover
 * WRT_WASM32_GUARD_REACH bytes from the base (8 GiB + 64 KiB, the reach
 * rounded up to a Wasm page), every time the region is mapped. A region
 * then costs 8 GiB + 64 KiB of address space plus the leading guard and
 * less than 64 KiB of alignment slack (the old symmetric guards cost twice
 * that), and every out-of-bounds access of that memory faults inside its
 * own span (see wrt_region_info_*).
 * Only on hosts whose size_t can hold it.
 */
#if SIZE_MAX > 0xFFFFFFFFu
#define WRT_WASM32_GUARD_REACH ((size_t)0x200010000u)
#endif

typedef enum { WRT_MEM_NONE, WRT_MEM_READ, WRT_MEM_READ_WRITE } wrt_mem_access;

/* RESERVE (default): reserve the maximum (capped by the config) up front as
 * inaccessible address space and grow in place; the base never moves while
 * the reservation lasts.
 * EXACT: map only what is used; grow = allocate, copy, free (base may move). */
typedef enum { WRT_GROW_RESERVE, WRT_GROW_EXACT } wrt_growth_strategy;

typedef struct wrt_page_allocator wrt_page_allocator_t;

/*
 * Where a region is, as wrt_page_allocator_query reports it. Addresses, low
 * to high: guard_start <= base <= base + accessible <= reserved_end <=
 * guard_end. [guard_start, base) is the leading guard (and alignment
 * slack), [base, base + accessible) the pages allocate/grow made
 * read-write (protect() may have narrowed some of them), [base +
 * accessible, reserved_end) reserved and inaccessible, [reserved_end,
 * guard_end) the trailing guard. All of [guard_start, guard_end) belongs to
 * this region and nothing else is mapped there. A plain value: any thread.
 */
typedef struct wrt_region_info {
  uint8_t *base;
  size_t accessible;
  uint8_t *reserved_end;
  uint8_t *guard_start;
  uint8_t *guard_end;
} wrt_region_info_t;

/*
 * The latch behind the query (private to the backends; public only because
 * it is embedded in the allocator objects). Two copies of the region's
 * addresses and a sequence number: the writer (the thread in allocate /
 * grow / deallocate) bumps seq, rewrites the copy readers are not using,
 * bumps seq, rewrites the other copy; a reader reads the copy seq points
 * at and retries only when seq moved meanwhile. So a reader never waits
 * for a writer, and a signal handler that interrupts the writer on its own
 * thread completes at the first try. All lock-free atomics (checked with
 * _Static_assert by the library), hence async-signal-safe.
 */
typedef struct wrt_region_latch {
  wrt_atomic_uint_t seq;
  /* guard_start, base, base + accessible, reserved_end, guard_end */
  wrt_atomic_byte_ptr_t copy[2][5];
} wrt_region_latch_t;

typedef struct {
  wrt_status (*allocate)(wrt_page_allocator_t *self, uint32_t initial_pages,
                         uint32_t maximum_pages /* WRT_MAX_PAGES_NONE: none */,
                         uint8_t **base, size_t *size);
  wrt_status (*grow)(wrt_page_allocator_t *self, uint32_t current_pages,
                     uint32_t additional_pages, uint8_t **base, size_t *size);
  wrt_status (*protect)(wrt_page_allocator_t *self, size_t offset, size_t len,
                        wrt_mem_access access);
  wrt_status (*deallocate)(wrt_page_allocator_t *self, uint8_t *base,
                           size_t size);
  /* Added last so that older tables stay a prefix; a backend must fill it
   * (a NULL entry makes wrt_page_allocator_query return INVALID_ARG). */
  wrt_status (*query)(const wrt_page_allocator_t *self,
                      struct wrt_region_info *out);
} wrt_page_allocator_ops_t;

/* Thread safety: see the top of this header (one owner thread at a time;
 * the query from anywhere). */
struct wrt_page_allocator {
  const wrt_page_allocator_ops_t *ops;
};

/*
 * The dispatchers check the object and its ops table, so a zeroed or
 * destroyed allocator gives WRT_E_INVALID_ARG instead of a NULL call.
 *
 * allocate: map initial_pages Wasm pages (may be 0), readable and writable
 *   and zero-filled, at a base aligned to WRT_WASM_PAGE_SIZE. maximum_pages
 *   bounds later growth: WRT_MAX_PAGES_NONE for the backend's configured
 *   max_pages, any other value (0 included) is the region's maximum.
 *   Errors: INVALID_ARG (NULL out-pointer, initial > maximum, either above
 *   65536 unless the allocator is configured memory64), LIMIT (maximum or
 *   initial above the configured max_pages), STATE (a region is already
 *   allocated), OVERFLOW, NO_MEMORY, OS.
 * grow: add additional_pages (0 is a no-op that reports the region);
 *   current_pages must be the current page count (else INVALID_ARG); LIMIT
 *   past the maximum, leaving the memory as it was. New pages read as zero.
 *   A grow that has to move the region (EXACT, or past a RESERVE backend's
 *   reservation) copies it, so every page must be readable and protect()
 *   must not have narrowed access since the region was (re)mapped or last
 *   made wholly read-write: WRT_E_STATE otherwise. With the config's
 *   no_move set, such a grow returns LIMIT instead and changes nothing, so
 *   the base never changes between allocate and deallocate.
 * protect: change access of [offset, offset+len) inside the accessible
 *   region; offset and len must be multiples of the OS page, len > 0.
 * deallocate: base and size must be exactly the last ones returned (else
 *   STATE); releases the whole reservation including guards.
 * query: *out = where the region is now (see wrt_region_info_t); STATE,
 *   with *out zeroed, when no region is allocated. Lock-free and
 *   async-signal-safe: it only loads atomics, never blocks, never calls the
 *   OS, so a SIGSEGV/SIGBUS handler may call it to decide whether a fault
 *   hit this memory. Consistent while another thread runs allocate / grow /
 *   deallocate: all five fields come from one instant between the call's
 *   start and its return (never a mix of before and after). Between
 *   allocate and deallocate of a region that does not move (no_move, or
 *   RESERVE inside the reservation), base, reserved_end, guard_start and
 *   guard_end never change and accessible only grows, so a fault address
 *   the query places in the region stays correctly placed. A moving grow
 *   publishes the new region before it unmaps the old one. The query must
 *   not race with init or destroy of the object.
 */
inline wrt_status wrt_page_allocator_allocate(
    wrt_page_allocator_t *a, uint32_t initial_pages, uint32_t maximum_pages,
    uint8_t **base, size_t *size) {
  if (a == NULL || a->ops == NULL || a->ops->allocate == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return a->ops->allocate(a, initial_pages, maximum_pages, base, size);
}

inline wrt_status wrt_page_allocator_grow(wrt_page_allocator_t *a,
                                                 uint32_t current_pages,
                                                 uint32_t additional_pages,
                                                 uint8_t **base,
                                                 size_t *size) {
  if (a == NULL || a->ops == NULL || a->ops->grow == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return a->ops->grow(a, current_pages, additional_pages, base, size);
}

inline wrt_status wrt_page_allocator_protect(wrt_page_allocator_t *a,
                                                    size_t offset, size_t len,
                                                    wrt_mem_access access) {
  if (a == NULL || a->ops == NULL || a->ops->protect == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return a->ops->protect(a, offset, len, access);
}

inline wrt_status wrt_page_allocator_deallocate(wrt_page_allocator_t *a,
                                                       uint8_t *base,
                                                       size_t size) {
  if (a == NULL || a->ops == NULL || a->ops->deallocate == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return a->ops->deallocate(a, base, size);
}

inline wrt_status wrt_page_allocator_query(const wrt_page_allocator_t *a,
                                                   wrt_region_info_t *out) {
  if (a == NULL || out == NULL || a->ops == NULL || a->ops->query == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return a->ops->query(a, out);
}

/* true when addr lies in [guard_start, guard_end): the region's whole span,
 * guards included. false for NULL. Async-signal-safe. */
inline bool wrt_region_info_contains(const wrt_region_info_t *r,
                                            const void *addr) {
  if (r == NULL || r->base == NULL) {
    return false;
  }
  const uint8_t *b = (const uint8_t *)addr; /* so that no void* is cast to an integer */
  uintptr_t p = (uintptr_t)b;
  return p >= (uintptr_t)r->guard_start && p < (uintptr_t)r->guard_end;
}

/* true when addr lies in the region's span but outside [base, base +
 * accessible): a fault there is an out-of-bounds access of this memory
 * (leading guard, inaccessible reservation or trailing guard). A fault
 * inside the accessible part can only come from protect(). false for
 * NULL. Async-signal-safe. */
inline bool wrt_region_info_in_guard(const wrt_region_info_t *r,
                                            const void *addr) {
  if (!wrt_region_info_contains(r, addr)) {
    return false;
  }
  const uint8_t *a = (const uint8_t *)addr;
  uintptr_t p = (uintptr_t)a;
  uintptr_t b = (uintptr_t)r->base;
  return p < b || p - b >= r->accessible;
}

#ifdef __cplusplus
}
#endif
#endif
