/*
 * wrt/pool.h - a pool of pre-reserved linear-memory slots: every mapping is
 * made at init, so acquiring, growing and releasing a memory makes no
 * mmap/munmap (the anchor is Wasmtime's pooling instance allocator).
 *
 * One concept: wrt_pool_t, caller-owned storage for the pool, and its slot
 * table, caller-owned storage of wrt_pool_slot_t. init reserves
 * slot_count slots of one fixed span (leading guard, slot_pages Wasm pages,
 * trailing guard) in ONE inaccessible reservation. A slot handed out by
 * wrt_pool_acquire is a wrt_page_allocator_t (memory.h), so a runtime uses
 * it exactly as it uses a Linux or QNX allocator:
 *   allocate   makes the first initial_pages read-write (commit only; the
 *              region's maximum must fit in the slot, else LIMIT);
 *   grow       commits more pages in place (LIMIT past the region's maximum
 *              or the slot: the base never moves);
 *   protect    as memory.h;
 *   deallocate decommits the region; the slot stays acquired;
 *   query      lock-free, async-signal-safe, as memory.h.
 * wrt_pool_release gives the slot back (decommitting a region still
 * allocated). Decommit: the first keep_resident bytes of what was committed
 * are zeroed in place (memset: they stay resident, no fault at next use);
 * the rest is discarded (Linux madvise(MADV_DONTNEED); QNX
 * posix_madvise(POSIX_MADV_DISCARD_NP), see src/qnx/qnx_pool.c) and made
 * PROT_NONE again. So a slot handed out again reads as zero and every byte
 * outside [base, base + size) of a live region is inaccessible (unless
 * software_bounds, see wrt_pool_config_t). Release
 * time is bounded by the bytes the region had committed.
 * Commit is lazy on both backends: a committed page takes memory at its
 * first touch (Linux MAP_NORESERVE; QNX MAP_LAZY, unlike the QNX
 * allocator's default, which touches every page it commits), so an
 * out-of-memory shows as a fault at that access, not as a status.
 * While a slot is free, its zeroed keep-resident bytes stay read-write (no
 * system call on the next acquire of the same size): a stale pointer into a
 * released slot is the runtime's use-after-free, as with any allocator.
 * On Linux each slot's keep-resident bytes (its first Wasm page if it
 * keeps none) are a mapping of their own (src/linux/linux_pool.c), so
 * making exactly them accessible or not never splits or merges a mapping:
 * two more mappings per slot.
 *
 * Threads: acquire and release are lock-free (a Treiber stack of slot
 * indices in the caller's table, its head tagged with a generation against
 * ABA; verify/pool.pml) and O(1) in the number of slots: any number of
 * threads may acquire and release at once, none ever blocks or holds
 * anything a preempted thread could keep from the others. A slot's
 * allocator follows memory.h (one owner thread at a time). init and
 * destroy: no other call on the pool at the same time.
 * Includes only memory.h, status.h and the C library.
 */
#ifndef WRT_POOL_H
#define WRT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/status.h"

#ifdef __cplusplus
#include <atomic>
#define WRT_POOL_ATOMIC_U32 std::atomic<uint32_t>
#define WRT_POOL_ATOMIC_U64 std::atomic<uint64_t>
#define WRT_POOL_ATOMIC_INT std::atomic<int>
extern "C" {
#else
#include <stdatomic.h>
#define WRT_POOL_ATOMIC_U32 _Atomic uint32_t
#define WRT_POOL_ATOMIC_U64 _Atomic uint64_t
#define WRT_POOL_ATOMIC_INT _Atomic int
#endif

/* A plain value (copied by init). */
typedef struct wrt_pool_config {
  /* Wasm pages per slot (the largest maximum a region may have),
   * 1..WRT_WASM_MAX_PAGES. Default 65536. */
  uint32_t slot_pages;
  /* Inaccessible bytes before each slot's base: a multiple of the OS page
   * (rounded up to a Wasm page so that every base is Wasm-page aligned).
   * Default WRT_WASM_PAGE_SIZE. */
  size_t guard_before;
  /* Inaccessible bytes after each slot's pages: a multiple of the OS page.
   * Default WRT_WASM_PAGE_SIZE. */
  size_t guard_after;
  /* 0, or the least span from a base that the slot's pages and its
   * trailing guard cover (the guard is widened to reach it; a multiple of
   * the OS page). WRT_WASM32_GUARD_REACH: 32-bit memories with guard-page
   * bounds checks (memory.h). Default 0. */
  size_t guard_reach;
  /* Bytes from each slot's base zeroed in place at release instead of
   * decommitted: a multiple of the OS page, at most the slot's pages.
   * Default 0 (all decommitted). */
  size_t keep_resident;
  /* true only for a runtime that checks every access against the region's
   * size itself (wasm2c's explicit bounds checks, WASM_RT_MEMCHECK_BOUNDS_
   * CHECK): then the pool never makes a slot's pages inaccessible again
   * once committed. Bytes of a slot past a live region's size stay
   * read-write and read zero (a region only grows; a released slot is
   * zeroed as always), so allocate and release make no access change and
   * a grow calls the OS only past the most the slot ever held: an
   * instance cycle of up to keep_resident bytes makes no system call at
   * all. The guards and the pages past that high-water mark still fault.
   * Release zeroes (or discards) the region's size only: bytes past it are
   * the runtime's never to write. 
   * A runtime relying on guard pages must leave this false: an access
   * past the size would read zero instead of trapping. Default false. */
  bool software_bounds;
} wrt_pool_config_t;

typedef struct wrt_pool wrt_pool_t;

/* One entry of the caller's slot table; fields are private. The table must
 * not move while the pool lives. */
typedef struct wrt_pool_slot {
  wrt_page_allocator_t base; /* what wrt_pool_acquire hands out */
  wrt_pool_t *pool;
  uint8_t *mem_base; /* fixed at init */
  size_t mem_size;   /* bytes the region has (read-write) */
  size_t rw_bytes;   /* bytes from mem_base that are read-write now */
  uint32_t pages;
  uint32_t max_pages;
  bool allocated;
  bool protect_changed;        /* protect() narrowed access since allocate */
  WRT_POOL_ATOMIC_U32 state;   /* free, acquired, releasing */
  WRT_POOL_ATOMIC_U32 next;    /* free-list link: a slot index */
  wrt_region_latch_t latch;    /* what wrt_page_allocator_query reads */
} wrt_pool_slot_t;

/* The backend's calls (private; src/core/pool_os.h). */
struct wrt_pool_os;

/* Caller-allocated; fields are private. Must not move while it lives. */
struct wrt_pool {
  const struct wrt_pool_os *os; /* NULL: not initialised */
  wrt_pool_config_t config;
  size_t os_page;
  uint8_t *map_addr; /* the one reservation */
  size_t map_len;
  size_t lead;   /* bytes from a slot's start to its base */
  size_t stride; /* bytes from one slot's start to the next's */
  size_t slot_bytes; /* slot_pages Wasm pages */
  wrt_pool_slot_t *slots;
  uint32_t slot_count;
  WRT_POOL_ATOMIC_U64 head;   /* generation << 32 | index of the first free slot */
  WRT_POOL_ATOMIC_U32 in_use; /* slots acquired now */
  WRT_POOL_ATOMIC_INT last_os_error; /* errno of the last failed call, 0 if none */
};

/* slot_pages 65536, guards one Wasm page each, no reach, keep_resident 0,
 * software_bounds false. */
wrt_pool_config_t wrt_pool_config_default(void);

/*
 * Reserves the whole pool (one mmap, PROT_NONE) and links every slot of
 * slots[0 .. slot_count) into the free list. Linux (mmap MAP_NORESERVE)
 * and QNX (mmap MAP_LAZY) backends; each exists in the library built with
 * that backend. INVALID_ARG: NULL, slot_count 0 or UINT32_MAX, slot_pages 0
 * or above 65536, a guard / reach / keep_resident not a multiple of the OS
 * page, keep_resident above the slot. OVERFLOW: the reservation does not
 * fit in size_t. STATE: p is a live pool (destroy it first). NO_MEMORY / OS:
 * the reservation failed. On error nothing is mapped and *p is unchanged.
 */
wrt_status wrt_linux_pool_init(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                               const wrt_pool_config_t *cfg);
wrt_status wrt_qnx_pool_init(wrt_pool_t *p, wrt_pool_slot_t *slots, uint32_t slot_count,
                             const wrt_pool_config_t *cfg);

/* Unmaps the reservation and zeroes *p. INVALID_ARG: NULL or not a pool;
 * STATE: a slot is still acquired (nothing changed). */
wrt_status wrt_pool_destroy(wrt_pool_t *p);

/* *out = a free slot's allocator, no region allocated yet. O(1),
 * lock-free, no system call. INVALID_ARG: NULL or not a pool; LIMIT: every
 * slot is acquired (*out untouched). */
wrt_status wrt_pool_acquire(wrt_pool_t *p, wrt_page_allocator_t **out);

/* Gives back a slot from wrt_pool_acquire(p, ...), decommitting its region
 * if one is still allocated (see the top). INVALID_ARG: NULL, or a is not
 * a slot of p (another pool's, any other allocator); STATE: the slot is
 * not acquired (never, or released already, or being released by another
 * thread). Both change nothing. A failing decommit is NO_MEMORY / OS: the
 * slot then stays acquired (release may be retried). */
wrt_status wrt_pool_release(wrt_pool_t *p, wrt_page_allocator_t *a);

/* Slots acquired now / in all (0 for NULL). */
uint32_t wrt_pool_in_use(const wrt_pool_t *p);
uint32_t wrt_pool_slot_count(const wrt_pool_t *p);

#ifdef __cplusplus
}
#endif
#endif
