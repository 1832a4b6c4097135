/*
 * region_latch.h - publishing and reading a region's addresses for
 * wrt_page_allocator_query (internal to the library).
 *
 * One concept: the writer side (the allocator's owner thread) and the
 * lock-free, async-signal-safe reader side of wrt_region_latch_t, shared by
 * both backends so that they agree on what "consistent" means (memory.h).
 * OS-free: includes only public headers and the C library.
 */
#ifndef WRT_CORE_REGION_LATCH_H
#define WRT_CORE_REGION_LATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt/memory.h"

/* Zero copies, seq 0 (no region). Not concurrent with anything. */
void wrt_region_latch_init(wrt_region_latch_t *l);

/* Publishes *info (base NULL: no region). Writer only; readers running
 * meanwhile see either the old or the new value, never a mix. */
void wrt_region_latch_publish(wrt_region_latch_t *l, const wrt_region_info_t *info);

/* Publishes the region of a mapping [map_addr, map_addr + map_len) whose
 * accessible bytes start at base (guards, reservation and trailing guard
 * inside the mapping); allocated false publishes "no region". The one
 * description both allocators give of their region. Writer only. */
void wrt_region_latch_publish_mapping(wrt_region_latch_t *l, bool allocated, uint8_t *map_addr,
                                      size_t map_len, uint8_t *base, size_t accessible,
                                      size_t reserved);

/* *out = the last published value; STATE (and *out zeroed) when it has no
 * region. Lock-free, async-signal-safe. */
wrt_status wrt_region_latch_read(const wrt_region_latch_t *l, wrt_region_info_t *out);

#endif
