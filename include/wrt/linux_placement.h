/*
 * wrt/linux_placement.h - what a Linux allocator's region got from its
 * placement (placement.h): the huge-page share and the shared object's
 * descriptor.
 *
 * One concept: the queries of wrt_linux_allocator_config_t.placement.
 * Includes only linux_memory.h (and through it placement.h).
 */
#ifndef WRT_LINUX_PLACEMENT_H
#define WRT_LINUX_PLACEMENT_H

#include "wrt/linux_memory.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fills *out for the region a holds: what was applied and, from
 * /proc/self/smaps, how many bytes of its span are on huge pages now
 * (huge_known false when /proc cannot be read). Reads a file: not for
 * signal handlers; the owner thread's call (like grow). INVALID_ARG: NULL
 * or not an initialised allocator; STATE: no region. */
wrt_status wrt_linux_allocator_placement_info(const wrt_linux_allocator_t *a,
                                              wrt_placement_info_t *out);

/* The descriptor of a shared region's memory object, owned by the
 * allocator (close-on-exec; valid until deallocate or destroy): dup() it
 * to keep it or to pass it to an exec'd process. Another process maps
 * [0, size) of it MAP_SHARED to see the region's bytes (size as allocate or
 * grow returned). INVALID_ARG: NULL / not initialised; STATE: no region or
 * the region is not shared. */
wrt_status wrt_linux_allocator_shared_fd(const wrt_linux_allocator_t *a, int *fd);

#ifdef __cplusplus
}
#endif
#endif
