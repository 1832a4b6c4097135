/*
 * src/linux/linux_placement.h - what linux_memory.c asks of the placement
 * files (internal to src/linux): linux_placement.c orchestrates,
 * linux_huge_pages.c (THP, hugetlb, smaps), linux_shared_memory.c (memfd,
 * shm_open, seals), linux_numa.c (mbind).
 * Includes only wrt/linux_memory.h and the C library.
 */
#ifndef WRT_LINUX_PLACEMENT_INTERNAL_H
#define WRT_LINUX_PLACEMENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "wrt/linux_memory.h"

/* The x86_64 / aarch64 (4 KiB granule) PMD huge page: the alignment THP and
 * hugetlb need. Other sizes (1 GiB, 64 KiB granules) are not requested. */
#define WRT_LINUX_HUGE_PAGE ((size_t)2u * 1024u * 1024u)

/* Checks cfg's placement against the host (init). INVALID_ARG / UNSUPPORTED,
 * nothing changed. */
wrt_status wrt_linux_placement_check(const wrt_linux_allocator_config_t *cfg);

/* Bytes the mapping needs beyond the plain layout (alignment slack and the
 * huge-page round-up), and the alignment of the base. */
size_t wrt_linux_placement_extra(const wrt_linux_allocator_config_t *cfg);
size_t wrt_linux_placement_align(const wrt_linux_allocator_config_t *cfg);

/* true when the region can never move (its memory is an object). */
bool wrt_linux_placement_pinned(const wrt_linux_allocator_config_t *cfg);

/* After the PROT_NONE mapping [map, map+map_len) is made and base aligned:
 * puts the object (if any) over [base, base+reserve), applies THP / NUMA,
 * commits [base, base+commit) read-write. On failure the object is closed
 * and the caller unmaps the mapping; a's placement state is unchanged. */
wrt_status wrt_linux_placement_setup(wrt_linux_allocator_t *a, void *map, size_t map_len,
                                     uint8_t *base, size_t reserve, size_t commit);

/* Makes [base+old_size, base+new_size) read-write (growing the object
 * first). On failure nothing changed. */
wrt_status wrt_linux_placement_commit(wrt_linux_allocator_t *a, uint8_t *base, size_t old_size,
                                      size_t new_size);

/* After the mapping is gone: closes (and unlinks) the object. */
void wrt_linux_placement_release(wrt_linux_allocator_t *a);

/* --- the pieces --- */
/* linux_huge_pages.c */
wrt_status wrt_linux_thp_available(void);
wrt_status wrt_linux_thp_advise(wrt_linux_allocator_t *a, uint8_t *addr, size_t len);
wrt_status wrt_linux_hugetlb_create(wrt_linux_allocator_t *a, int *fd);
/* linux_shared_memory.c */
wrt_status wrt_linux_shm_check_name(const char *name);
wrt_status wrt_linux_shm_create(wrt_linux_allocator_t *a, int *fd);
wrt_status wrt_linux_shm_seal(wrt_linux_allocator_t *a, int fd);
void wrt_linux_shm_destroy(wrt_linux_allocator_t *a, int fd);
/* linux_numa.c */
wrt_status wrt_linux_numa_check(int node);
wrt_status wrt_linux_numa_bind(wrt_linux_allocator_t *a, void *addr, size_t len);

/* Records err in a->last_os_error; NO_MEMORY for ENOMEM / EAGAIN / ENOSPC,
 * OS otherwise (linux_placement.c). */
wrt_status wrt_linux_placement_os_fail(wrt_linux_allocator_t *a, int err);

#endif
