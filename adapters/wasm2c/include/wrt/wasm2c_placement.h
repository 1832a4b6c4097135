/*
 * wrt/wasm2c_placement.h - where the wasm2c adapter's linear memories live:
 * huge pages, a shared memory object, a NUMA node (wrt/placement.h), for
 * memories allocated from now on, and the shared object of a memory.
 * Includes placement.h and wasm-rt.h.
 */
#ifndef WRT_WASM2C_PLACEMENT_H
#define WRT_WASM2C_PLACEMENT_H

#include "wasm-rt.h"
#include "wrt/placement.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The placement of memories allocated from now on (existing ones keep
 * theirs); NULL: wrt_placement_default(). Checked at once against the
 * current backend by initialising an allocator with it: -1 (nothing
 * changed) when the backend refuses it (e.g. huge pages or a NUMA node on
 * QNX, a node that does not exist, THP off), and in guard-page builds for
 * WRT_HUGE_EXPLICIT (hugetlb commits in 2 MiB units, so bytes past a
 * memory's end would not trap). Set it again after wrt_w2c_set_backend.
 * 0 on success. From one thread, while no memory is being allocated. */
int wrt_w2c_set_placement(const wrt_placement_t *placement);
wrt_placement_t wrt_w2c_get_placement(void);

/* The descriptor of a shared memory's object (owned by the adapter, valid
 * until wasm_rt_free_memory): another process maps [0, memory->size) of it
 * MAP_SHARED. -1 when memory is not live or not shared. */
int wrt_w2c_memory_shared_fd(const wasm_rt_memory_t *memory);

#ifdef __cplusplus
}
#endif
#endif
