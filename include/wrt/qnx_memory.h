/*
 * wrt/qnx_memory.h - the QNX Neutrino page allocator, memory budgets
 * ("partitions") and the process memory cap.
 *
 * One concept: wrt_qnx_allocator_t, a caller-allocated object implementing
 * wrt_page_allocator_t with mmap / mprotect / munmap / posix_madvise and,
 * optionally, POSIX typed memory. Its config has the same fields, with the
 * same meaning, as the Linux allocator's (guard_pages, guard_size,
 * max_pages, growth, reserve_pages) plus the QNX-only ones (lazy,
 * typed_memory, partition). Includes only memory.h and the C library.
 *
 * Memory isolation: what this header offers, and what it does not
 * ----------------------------------------------------------------
 * 1. wrt_qnx_partition_t (a budget): COOPERATIVE, IN-PROCESS accounting.
 *    Every allocator given the same partition charges the bytes it makes
 *    accessible (committed Wasm pages) before asking the OS for them and
 *    refunds them when they are released. The charge is a compare-and-swap
 *    on the partition's counter, so allocators on different threads never
 *    take the sum above the limit together. It bounds only memory obtained
 *    through allocators that share the partition: it does not see malloc,
 *    stacks, other libraries or other processes, and the kernel knows
 *    nothing of it. Its purpose is that one Wasm instance cannot exhaust
 *    the memory granted to another instance of the same process. It counts
 *    the region's size, not the peak: while a grow that moves the region
 *    (EXACT, or past the reservation) copies, the old and the new region
 *    are both resident, so for that moment the process holds up to the old
 *    size more than the budget shows. Leave that much slack in the memory
 *    behind a budget, or use RESERVE with a reservation that covers the
 *    maximum (its grows never move).
 * 2. wrt_qnx_set_process_memory_cap() (RLIMIT_AS): WHOLE PROCESS,
 *    KERNEL-ENFORCED. Every mapping of the process counts, including
 *    reservations that hold no physical memory yet, typed memory and
 *    everything that is not ours; mmap fails with ENOMEM once the new total
 *    would reach it. See the function for how QNX counts.
 * 3. QNX's "memory partitions" (the seed's mem_partition_* calls) do NOT
 *    exist in QNX SDP 7.0, 7.1 or 8.0: they belonged to the 6.4-era
 *    adaptive-partitioning-for-memory work and are in no SDP header, so
 *    they are not declared here (code using them would not link).
 *    Adaptive partitioning (SchedCtl SCHED_APS_*) limits CPU time only.
 *    System-wide, per-process limits are the launcher's job (procmgr /
 *    PLMS "rlimits", RLIMIT_FREEMEM, ulimit); this library does not set them.
 */
#ifndef WRT_QNX_MEMORY_H
#define WRT_QNX_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"
#include "wrt/placement.h"

#ifdef __cplusplus
#include <atomic>
#define WRT_QNX_ATOMIC_SIZE std::atomic<size_t>
extern "C" {
#else
#include <stdatomic.h>
#define WRT_QNX_ATOMIC_SIZE _Atomic size_t
#endif

/* A memory budget shared by any number of allocators (see above). The
 * caller owns it and keeps it alive while any allocator refers to it. */
typedef struct wrt_qnx_partition {
  size_t limit;             /* bytes; fixed at init */
  WRT_QNX_ATOMIC_SIZE used; /* bytes charged now */
} wrt_qnx_partition_t;

/* INVALID_ARG: NULL, or limit_bytes 0. Must not be called while an
 * allocator uses p. */
wrt_status wrt_qnx_partition_init(wrt_qnx_partition_t *p, size_t limit_bytes);
/* Bytes charged now (0 for NULL). */
size_t wrt_qnx_partition_used(const wrt_qnx_partition_t *p);
/* The limit given to init (0 for NULL). */
size_t wrt_qnx_partition_limit(const wrt_qnx_partition_t *p);

typedef struct wrt_qnx_allocator_config {
  /* Inaccessible guard regions of guard_size bytes before the base and after
   * the end of the reservation. Default off. */
  bool guard_pages;
  /* Bytes per guard region; a multiple of the QNX page size
   * (sysconf(_SC_PAGESIZE), a run-time value on aarch64), checked even while
   * guards are off, and non-zero when guard_pages is on. Default
   * WRT_WASM_PAGE_SIZE. */
  size_t guard_size;
  /* Largest maximum a region may have, 1..WRT_WASM_MAX_PAGES. Default 65536. */
  uint32_t max_pages;
  /* Default WRT_GROW_RESERVE. */
  wrt_growth_strategy growth;
  /* RESERVE only: pages of address space reserved per region, 0..65536
   * (capped by the region's maximum); 0 reserves the region's whole maximum. A grow past the reservation moves
   * the region to a new reservation (allocate-copy-free) of twice the old
   * one, at least the new size, at most the maximum. A QNX process has
   * 512 GB of address space (8.0 "Understanding System Limits"), so a
   * runtime with many instances sets this. Default 0. */
  uint32_t reserve_pages;
  /* What a committed (accessible) anonymous page guarantees: lazy vs
   * eager, a choice (docs/qnx-semantics.md "Grow without a fault per
   * page"). Neither mode ever re-maps inside a reservation, so a failed
   * commit never leaves part of it unmapped (QNX's MAP_FIXED re-map unmaps
   * first and does not restore on failure) and a grow needs no RLIMIT
   * headroom.
   * true: commit is mprotect on the MAP_LAZY reservation; pages take memory
   *   when Wasm code first touches them (one fault per 4 KiB page); an
   *   out-of-memory then is a fault at that access, not a status.
   * false (default, the Wasm-runtime choice: memory.grow either returns -1
   *   or the memory is there): the region is backed by a private anonymous
   *   shared-memory object (shm_open(SHM_ANON), or on 6.4/6.6 a unique name
   *   unlinked at once) mapped once over the reservation; a grow is
   *   fcntl(F_ALLOCSP) on the object (the memory, allocated at once) then
   *   mprotect: 2 kernel calls whatever the size, no page touched inside
   *   grow, and a system out of memory is NO_MEMORY with nothing changed.
   *   The first touch faults in 64 KiB at a time (src/qnx/qnx_object_commit.c).
   *   What it changes: the memory is MAP_SHARED, so a fork()ed child SHARES
   *   it (exec and posix_spawn drop it; a runtime that forks and runs Wasm
   *   on both sides sets lazy); one descriptor per allocator; allocate's
   *   one MAP_FIXED of the object needs the reservation's length of
   *   RLIMIT_AS headroom once, and the region no longer counts against
   *   RLIMIT_DATA; wrt_qnx_allocator_discard zeroes in place (the memory
   *   stays held). Budgets (partition) and the process cap still fail with
   *   LIMIT / NO_MEMORY before the object grows.
   * Must be false with typed_memory (INVALID_ARG): QNX refuses MAP_LAZY on
   * typed memory (EINVAL) and locks typed mappings; typed memory keeps its
   * own commit. A shared placement keeps its own object (placement.h). */
  bool lazy;
  /* NULL: anonymous memory. Otherwise the name of a typed-memory pool (e.g.
   * "/sysram" or a board's asinfo name) for the committed pages, opened with
   * posix_typed_mem_open(name, O_RDWR, POSIX_TYPED_MEM_ALLOCATE). The string
   * is not copied: it must outlive the allocator. init checks the pool exists
   * (UNSUPPORTED if not: QNX's ENOENT). Guards and the reservation stay
   * anonymous; RESERVE works (each grow maps new typed memory in place over
   * the reservation with MAP_FIXED, memory taken and locked at once). An
   * exhausted pool is NO_MEMORY (QNX's ENOMEM). That failure is the one case
   * where QNX has already unmapped the range: the allocator puts the
   * reservation back at once, but in between another thread's mmap could be
   * placed there and would then be replaced. Give a typed allocator a
   * partition whose limit is at most the pool's size: the budget then
   * refuses (LIMIT) before QNX is asked and the window cannot open.
   * wrt_qnx_allocator_discard() is UNSUPPORTED on typed memory. Default NULL. */
  const char *typed_memory;
  /* NULL: no budget. Otherwise committed bytes are charged to it; a charge
   * beyond its limit fails with LIMIT and changes nothing. Default NULL. */
  wrt_qnx_partition_t *partition;
  /* The runtime-facing additions, with the same meaning as in
   * wrt_linux_allocator_config_t (see linux_memory.h and memory.h):
   * guard_before / guard_after (multiples of the page size, 0: none,
   * WRT_GUARD_FROM_SIZE: guard_size bytes; default WRT_GUARD_FROM_SIZE),
   * guard_reach (0 or the least span from the base that the reservation and
   * the trailing guard cover; WRT_WASM32_GUARD_REACH for 32-bit memories with
   * guard-page bounds checks; default 0), no_move (a grow that would move
   * returns LIMIT, nothing changed; default false) and memory64 (page counts
   * up to WRT_WASM64_MAX_PAGES; default false). A QNX process has 512 GB of
   * address space (8.0 "Understanding System Limits"): the 32-bit guard
   * layout costs about 8 GiB of it per region. */
  size_t guard_before;
  size_t guard_after;
  size_t guard_reach;
  bool no_move;
  bool memory64;
  /* Where the memory lives (placement.h). On QNX: shared (shm_open of
   * SHM_ANON or shm_name, shm_ctl(SHMCTL_ANON | SHMCTL_LAZY) over the whole
   * reservation, see qnx_shared_memory.c) is built; huge pages and NUMA
   * nodes cannot be requested on Neutrino (UNSUPPORTED; locality is
   * typed_memory above). shared with typed_memory is INVALID_ARG. Default
   * wrt_placement_default(). */
  wrt_placement_t placement;
} wrt_qnx_allocator_config_t;

/* Caller-allocated; fields are private. Thread safety: see memory.h (one
 * owner thread at a time; wrt_page_allocator_query from anywhere). The
 * object must not move while a region is allocated. */
typedef struct wrt_qnx_allocator {
  wrt_page_allocator_t base; /* what wrt_qnx_allocator_base() hands out */
  wrt_qnx_allocator_config_t config;
  size_t os_page;
  /* The whole mapping: guards, alignment slack and reservation. */
  uint8_t *map_addr;
  size_t map_len;
  /* The region the caller sees. */
  uint8_t *mem_base;
  size_t mem_size;
  size_t reserved_size; /* bytes from mem_base that may become accessible */
  size_t charged;       /* bytes charged to config.partition */
  uint32_t pages;
  uint32_t max_pages; /* this region's maximum */
  bool allocated;
  bool protect_changed; /* protect() narrowed access since the last map */
  int last_os_error;    /* errno of the last failed system call, 0 if none */
  wrt_region_latch_t latch; /* what wrt_page_allocator_query reads */
  /* The shared region's memory object (valid while has_shm). */
  int shm_fd;
  bool has_shm;
} wrt_qnx_allocator_t;

wrt_qnx_allocator_config_t wrt_qnx_allocator_config_default(void);

/* INVALID_ARG: NULL, max_pages 0 or > 65536, unknown growth, guard_size not
 * a multiple of the page size (or 0 while guard_pages is on),
 * reserve_pages > 65536, typed_memory "", typed_memory with lazy. OVERFLOW: the largest mapping
 * the config allows does not fit in size_t. UNSUPPORTED: the typed-memory
 * pool does not exist, or the page size is above WRT_WASM_PAGE_SIZE.
 * OS: sysconf failed. STATE: an initialised allocator that still holds a
 * region (destroy it first). On error *a is left as it was. */
wrt_status wrt_qnx_allocator_init(wrt_qnx_allocator_t *a,
                                  const wrt_qnx_allocator_config_t *cfg);

/* Unmaps any region still allocated, refunds the partition, leaves the
 * object zeroed but for last_os_error (a failing munmap's errno). Safe on a
 * zeroed or destroyed object. */
void wrt_qnx_allocator_destroy(wrt_qnx_allocator_t *a);

/* NULL for NULL or an object that was not initialised. */
wrt_page_allocator_t *wrt_qnx_allocator_base(wrt_qnx_allocator_t *a);

/* Gives the physical memory behind [offset, offset+len) of the accessible
 * region back to the system; the bytes read as zero afterwards and stay
 * accessible and charged (use it to reset an instance's memory without
 * unmapping it). offset and len: multiples of the page size, len > 0,
 * inside the region. lazy: posix_madvise(POSIX_MADV_DISCARD_NP), which
 * QNX documents for lazy private mappings, which every committed lazy
 * page is; nothing is re-mapped, protection is kept, and the pages take
 * memory again at their next touch. Eager (lazy false): the bytes are
 * zeroed in place and the memory stays held (no call; STATE while
 * protect() has narrowed any access, as writing could fault).
 * What DISCARD_NP does to a range whose access protect() narrowed is not
 * documented for 7.1/8.0. On failure nothing changed. INVALID_ARG, STATE
 * (nothing allocated), UNSUPPORTED (typed memory; a shared region, whose
 * pages are a shared object's, not a private mapping's; and, lazy, on SDP
 * 6.4/6.6,
 * whose headers have no POSIX_MADV_DISCARD_NP), OS. */
wrt_status wrt_qnx_allocator_discard(wrt_qnx_allocator_t *a, size_t offset,
                                     size_t len);

typedef struct wrt_qnx_allocator_builder {
  wrt_qnx_allocator_config_t config;
} wrt_qnx_allocator_builder_t;

/* A builder holding wrt_qnx_allocator_config_default(). */
wrt_qnx_allocator_builder_t wrt_qnx_allocator_builder_new(void);
/* Each with_* returns b with one field set; values are checked by build. */
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_pages(wrt_qnx_allocator_builder_t b,
                                           bool guard_pages);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_size(wrt_qnx_allocator_builder_t b,
                                          size_t guard_size);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_max_pages(wrt_qnx_allocator_builder_t b,
                                         uint32_t max_pages);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_growth(wrt_qnx_allocator_builder_t b,
                                      wrt_growth_strategy growth);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_reserve_pages(wrt_qnx_allocator_builder_t b,
                                             uint32_t reserve_pages);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_lazy(wrt_qnx_allocator_builder_t b, bool lazy);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_typed_memory(wrt_qnx_allocator_builder_t b,
                                            const char *typed_memory);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_partition(wrt_qnx_allocator_builder_t b,
                                         wrt_qnx_partition_t *partition);
/* The runtime-facing fields (see the config above). */
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_before(wrt_qnx_allocator_builder_t b, size_t bytes);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_after(wrt_qnx_allocator_builder_t b, size_t bytes);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_guard_reach(wrt_qnx_allocator_builder_t b, size_t bytes);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_no_move(wrt_qnx_allocator_builder_t b, bool no_move);
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_memory64(wrt_qnx_allocator_builder_t b, bool memory64);
/* The placement (placement.h), checked by build. */
wrt_qnx_allocator_builder_t
wrt_qnx_allocator_builder_with_placement(wrt_qnx_allocator_builder_t b,
                                         wrt_placement_t placement);
/* wrt_qnx_allocator_init(out, &b->config); INVALID_ARG for NULL. */
wrt_status wrt_qnx_allocator_build(const wrt_qnx_allocator_builder_t *b,
                                   wrt_qnx_allocator_t *out);

/* The descriptor of a shared region's memory object (owned by the
 * allocator, close-on-exec, valid until deallocate or destroy): another
 * process maps [0, reservation) of it MAP_SHARED; the bytes below the
 * region's size are the region's. INVALID_ARG: NULL / not initialised;
 * STATE: no region, or not shared. */
wrt_status wrt_qnx_allocator_shared_fd(const wrt_qnx_allocator_t *a, int *fd);

/* "No cap": lifts the soft limit to the hard limit's value. */
#define WRT_QNX_MEMORY_CAP_NONE UINT64_MAX

/* Sets the soft RLIMIT_AS of the whole process to bytes (see the top of this
 * header). RLIMIT_AS rather than RLIMIT_DATA because QNX counts typed memory
 * against RLIMIT_AS but never against RLIMIT_DATA (System Architecture /
 * Programmer's Guide, "Typed memory: Interaction with other POSIX APIs"), and
 * because RLIMIT_AS is the one POSIX defines for mmap. How QNX counts (6.4
 * memory manager, vmm_mmap.c:593-603, mm_rlimit.c:22-30; 7.1/8.0 assumed
 * the same, unconfirmed):
 * - address space: a RESERVE allocator's whole reservation, slack and
 *   guards count from allocate on, although they hold no memory. Size the
 *   cap for reservations or use reserve_pages.
 * - a mapping fails when the new total would REACH the limit (>=), so the
 *   usable space is below bytes, not up to it.
 * - a MAP_FIXED re-map is counted as if the old range were still mapped:
 *   each one needs its own length of headroom below the cap. This allocator
 *   re-maps only to commit typed memory (anonymous commits use mprotect,
 *   which is not checked), so leave the largest typed grow as headroom.
 * - a grow that moves the region (EXACT, or past the reservation) holds the
 *   old and the new mapping at once: leave the old mapping's size too.
 * - eager (lazy false) allocators map their object over the reservation
 *   with one MAP_FIXED at allocate: that needs the reservation's length of
 *   headroom once (never at grow).
 * - anonymous private mappings, PROT_NONE reservations included, are also
 *   counted against RLIMIT_DATA (Linux counts only writable ones). A launcher's
 *   lower RLIMIT_DATA therefore caps this allocator's anonymous regions; this
 *   function does not change RLIMIT_DATA, and wrt_qnx_get_process_memory_cap
 *   reports the smaller of the two.
 * The hard limit is left alone (the process may raise the soft limit again
 * up to it; an integrator who needs an irreversible cap sets the hard limit
 * when launching). INVALID_ARG: bytes 0; LIMIT: bytes above the hard limit
 * (for CAP_NONE: the hard limit is used instead); OS: getrlimit/setrlimit
 * failed. */
wrt_status wrt_qnx_set_process_memory_cap(uint64_t bytes);
/* The cap in effect for this allocator's anonymous regions: the smaller of
 * the soft RLIMIT_AS and the soft RLIMIT_DATA, in *bytes
 * (WRT_QNX_MEMORY_CAP_NONE when both are unlimited). Typed memory is bound
 * by RLIMIT_AS alone. INVALID_ARG for NULL; OS. */
wrt_status wrt_qnx_get_process_memory_cap(uint64_t *bytes);

#ifdef __cplusplus
}
#endif
#undef WRT_QNX_ATOMIC_SIZE
#endif
