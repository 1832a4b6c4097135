/*
 * wrt/placement.h - where a linear memory lives: page size (huge pages),
 * sharing (a memory object another process can map) and locality (a NUMA
 * node on Linux; typed memory on QNX).
 *
 * One concept: wrt_placement_t, a plain value appended to each backend's
 * allocator config (wrt_linux_allocator_config_t.placement,
 * wrt_qnx_allocator_config_t.placement), and wrt_placement_info_t, what a
 * region really got. The QNX config's typed_memory field (a pool name such
 * as on-chip or DMA-capable RAM) is QNX's answer to "which memory": it stays
 * where it is, and this header is the rest of the same question.
 * Includes only status.h and the C library.
 *
 * What each option guarantees, per OS (sources in docs/placement.md):
 *
 * huge = WRT_HUGE_TRANSPARENT
 *   Linux: the reservation is advised MADV_HUGEPAGE and its base aligned to
 *   2 MiB, so that every 2 MiB-aligned stretch of committed memory may be
 *   backed by one transparent huge page (madvise(2), kernel
 *   Documentation/admin-guide/mm/transhuge.rst). It is a hint: the kernel
 *   forms huge pages when it has contiguous memory, at fault time or later
 *   (khugepaged), and falls back to 4 KiB pages silently. UNSUPPORTED when
 *   THP is compiled out or set to "never" (/sys/kernel/mm/
 *   transparent_hugepage/enabled). Grows keep 64 KiB granularity.
 * huge = WRT_HUGE_EXPLICIT
 *   Linux: hugetlb pages from the pool the administrator reserved
 *   (/proc/sys/vm/nr_hugepages): the region is backed by a memfd created
 *   with MFD_HUGETLB, and every commit allocates the object's pages with
 *   fallocate(2), so a pool too small is NO_MEMORY from allocate/grow, not
 *   a SIGBUS at first touch. Commits are rounded up to the huge page (2 MiB):
 *   wrt_region_info_t.accessible and the size handed back stay the Wasm
 *   size, but up to 2 MiB - 64 KiB past it is also read-write (hugetlb
 *   mappings cannot be protected in smaller units), so a runtime that relies
 *   on the trap past the end must not use EXPLICIT; protect() needs ranges
 *   on 2 MiB boundaries there (others fail with OS: EINVAL). Requires growth RESERVE
 *   (the region never moves; a grow past the reservation is LIMIT).
 *   huge_fallback: when the pool is empty (HugePages_Free 0 or no hugetlbfs)
 *   at allocate, the region is made with TRANSPARENT instead (or 4 KiB pages
 *   where THP is off) and the info says so (a shared region stays shared:
 *   an anonymous memfd instead of the hugetlb one); without it allocate
 *   fails with NO_MEMORY.
 *   QNX: a process cannot request large pages. procnto uses larger page
 *   sizes by itself where physically contiguous, suitably aligned memory
 *   backs a mapping (7.1 declares getpagesizes() to list the sizes the
 *   system has); no mmap or shm_ctl flag asks for them (7.1 sys/mman.h:
 *   SHMCTL_* has no page-size flag, _SHMCTL_HIGHUSAGE is a deprecated
 *   hint). Both values are UNSUPPORTED on the QNX backend.
 *
 * shared = true
 *   Linux: the region is a MAP_SHARED mapping of a memory object: an
 *   anonymous memfd (memfd_create(2), sealed F_SEAL_SHRINK so that no
 *   process holding it can cut pages from under this mapping) or, with
 *   shm_name, a POSIX shm_open(3) object created exclusively (O_EXCL) with
 *   shm_mode permissions (who may open it: the file mode, checked by the
 *   kernel against the opener's uid/gid). Another process maps the same
 *   bytes from the descriptor (wrt_linux_allocator_shared_fd: inherit it
 *   across fork/exec, or pass it over a UNIX socket) or by name. Growth
 *   RESERVE only; grow extends the object (ftruncate) and commits in place,
 *   the base never moves, a grow past the reservation is LIMIT (a Wasm
 *   shared memory must never move). Deallocate unmaps, closes and (named)
 *   unlinks; processes that mapped it keep their mapping.
 *   QNX (src/qnx/qnx_shared_memory.c): shm_open of SHM_ANON or shm_name
 *   (O_EXCL, shm_mode; the umask applies there), shm_ctl(SHMCTL_ANON |
 *   SHMCTL_LAZY, and SHMCTL_SEAL for anonymous objects) sized to the whole
 *   reservation at once, mapped over it; grow commits in place, RESERVE
 *   only, never moves; not with typed_memory (INVALID_ARG). Descriptor:
 *   wrt_qnx_allocator_shared_fd. Sources in docs/placement.md.
 *
 * numa_node >= 0
 *   Linux: mbind(2) of the whole reservation before any page is committed,
 *   MPOL_BIND (STRICT: pages come only from that node; an exhausted node is
 *   an out-of-memory there, for lazily touched pages a fault) or
 *   MPOL_PREFERRED (PREFERRED: that node first, others when it is full).
 *   Called through syscall(SYS_mbind); no libnuma. INVALID_ARG at init for a
 *   node that does not exist (/sys/devices/system/node/nodeN absent, or
 *   above the kernel's limit); on a kernel without NUMA node 0 is the only
 *   node and binding to it is accepted as a no-op.
 *   QNX: Neutrino has no NUMA policy call; locality is typed memory (the
 *   config's typed_memory pool name). numa_node >= 0 is UNSUPPORTED there.
 */
#ifndef WRT_PLACEMENT_H
#define WRT_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  WRT_HUGE_NONE,        /* the OS's base pages (default) */
  WRT_HUGE_TRANSPARENT, /* Linux THP: a hint, see above */
  WRT_HUGE_EXPLICIT     /* Linux hugetlb: reserved pages or a clean error */
} wrt_huge_pages;

typedef enum {
  WRT_NUMA_STRICT,   /* only the node (Linux MPOL_BIND) (default) */
  WRT_NUMA_PREFERRED /* the node first (Linux MPOL_PREFERRED) */
} wrt_numa_policy;

/* "No node": the OS's default placement. */
#define WRT_NUMA_ANY (-1)

/* Highest node number accepted (the kernel's MAX_NUMNODES is at most 1024). */
#define WRT_NUMA_MAX_NODE 1023

/* A plain value (any thread; copied with the config). */
typedef struct wrt_placement {
  wrt_huge_pages huge;  /* default WRT_HUGE_NONE */
  bool huge_fallback;   /* EXPLICIT only; default false */
  bool shared;          /* default false */
  /* shared only: NULL for an anonymous object; otherwise a POSIX shm name
   * ("/name", no other '/', at most 255 bytes), not copied: it must outlive
   * the allocator. Default NULL. */
  const char *shm_name;
  /* shared with shm_name: the object's permission bits (0..0777). Default
   * 0600 (the owner only). */
  uint32_t shm_mode;
  int numa_node;              /* WRT_NUMA_ANY or 0..WRT_NUMA_MAX_NODE */
  wrt_numa_policy numa_policy; /* default WRT_NUMA_STRICT */
} wrt_placement_t;

/* Everything off: base pages, private, no node. */
wrt_placement_t wrt_placement_default(void);

/* What a region got (a plain value). */
typedef struct wrt_placement_info {
  wrt_huge_pages huge;     /* what was applied (EXPLICIT may fall back) */
  bool shared;
  int numa_node;           /* WRT_NUMA_ANY when not bound */
  /* Bytes of the region's mapping backed by huge pages now, as the OS
   * reports them (Linux: AnonHugePages + Private_Hugetlb + Shared_Hugetlb +
   * ShmemPmdMapped of /proc/self/smaps over the region's span);
   * huge_known false where the OS cannot tell (QNX, or /proc absent). */
  size_t huge_bytes;
  size_t resident_bytes;   /* Rss over the same span (0 when unknown) */
  bool huge_known;
  size_t huge_page_size;   /* the huge page size used, 0 for none */
} wrt_placement_info_t;

#ifdef __cplusplus
}
#endif
#endif
