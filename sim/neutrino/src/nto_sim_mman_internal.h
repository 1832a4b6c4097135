/*
 * nto_sim_mman_internal.h - what the Neutrino host model's memory manager
 * (mman_sim.c) lends its shared memory objects (shm_sim.c): the model's
 * system memory, taken when an object allocates and given back when it
 * shrinks. Not installed; model code only. Includes only <stddef.h>.
 */
#ifndef NTO_SIM_MMAN_INTERNAL_H
#define NTO_SIM_MMAN_INTERNAL_H

#include <stddef.h>

/* Takes bytes of the model's system memory (nto_sim_mman_set_free_memory):
 * 0, or ENOMEM with nothing taken. */
int nto_sim_mman_take(size_t bytes);
/* Gives bytes back. */
void nto_sim_mman_give(size_t bytes);

#endif
