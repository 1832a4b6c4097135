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

/* Register a typed-memory pool named name (e.g. "/sysram"); every
 * posix_typed_mem_open() of it gives a fresh object of pool_bytes. Returns
 * 0, or -1 for NULL/empty/too long a name, pool_bytes 0 or a full table
 * (8 pools). Re-registering a name updates its size. */
int nto_sim_typed_mem_add(const char *name, size_t pool_bytes);
/* Forget all pools, armed faults and counters. */
void nto_sim_typed_mem_reset(void);
/* Make the nth (1-based, from now) posix_typed_mem_open fail with err
 * (-1 + errno); the failed call has no other effect. */
void nto_sim_typed_mem_fail_nth(unsigned nth, int err);
/* posix_typed_mem_open calls since the last reset (failed ones included). */
unsigned nto_sim_typed_mem_opens(void);

#ifdef __cplusplus
}
#endif
#endif
