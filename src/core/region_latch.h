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

#include "wrt/memory.h"

/* Zero copies, seq 0 (no region). Not concurrent with anything. */
void wrt_region_latch_init(wrt_region_latch_t *l);

/* Publishes *info (base NULL: no region). Writer only; readers running
 * meanwhile see either the old or the new value, never a mix. */
void wrt_region_latch_publish(wrt_region_latch_t *l, const wrt_region_info_t *info);

/* *out = the last published value; STATE (and *out zeroed) when it has no
 * region. Lock-free, async-signal-safe. */
wrt_status wrt_region_latch_read(const wrt_region_latch_t *l, wrt_region_info_t *out);

#endif
