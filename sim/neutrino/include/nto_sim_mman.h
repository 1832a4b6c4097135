/*
 * nto_sim_mman.h - test controls of the Neutrino host model's memory calls
 * (typed-memory pools, fault injection of posix_typed_mem_open).
 *
 * NOT a QNX header: only tests and the selftest include it. Production code
 * (src/) never does. See sim/neutrino/include/sys/mman.h for what is modelled.
 */
#ifndef NTO_SIM_MMAN_H
#define NTO_SIM_MMAN_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Register a typed-memory pool named name (e.g. "/sysram") of pool_bytes;
 * every posix_typed_mem_open() of it gives a fresh object, and the mappings
 * of all of them together hold at most pool_bytes (ENOMEM beyond). Returns
 * 0, or -1 for NULL/empty/too long a name, pool_bytes 0 or a full table
 * (8 pools). Re-registering a name updates its size. */
int nto_sim_typed_mem_add(const char *name, size_t pool_bytes);
/* Forget all pools, armed faults, counters, the free-memory setting and
 * the hole callback. */
void nto_sim_typed_mem_reset(void);
/* Make the nth (1-based, from now) posix_typed_mem_open fail with err
 * (-1 + errno); the failed call has no other effect. */
void nto_sim_typed_mem_fail_nth(unsigned nth, int err);
/* posix_typed_mem_open calls since the last reset (failed ones included). */
unsigned nto_sim_typed_mem_opens(void);

/* System memory left for mappings that allocate at mmap time (anonymous
 * without MAP_LAZY), counted from now; SIZE_MAX (the default): unlimited.
 * A mapping that does not fit fails with ENOMEM (after unmapping the old
 * range, for MAP_FIXED, as QNX does). */
void nto_sim_mman_set_free_memory(size_t bytes);
/* Called, outside the model's lock, each time a failed MAP_FIXED leaves a
 * hole [addr, addr+len): it stands for another thread running in the
 * window (e.g. its mmap landing there). NULL: none. */
typedef void (*nto_sim_hole_fn)(void *addr, size_t len, void *arg);
void nto_sim_mman_on_hole(nto_sim_hole_fn fn, void *arg);
/* What the model counts against RLIMIT_DATA: anonymous private mappings
 * made through it (PROT_NONE and MAP_LAZY included), in bytes. */
size_t nto_sim_mman_data_bytes(void);
/* What it counts against RLIMIT_AS: the whole address space in bytes. */
size_t nto_sim_mman_vmem_bytes(void);

#ifdef __cplusplus
}
#endif
#endif
