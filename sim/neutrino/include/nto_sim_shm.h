/*
 * nto_sim_shm.h - test controls of the Neutrino host model's shared memory
 * objects (shm_open / shm_ctl, sim/neutrino/src/shm_sim.c).
 * NOT a QNX header: only tests and the selftest include it.
 */
#ifndef NTO_SIM_SHM_H
#define NTO_SIM_SHM_H

#ifdef __cplusplus
extern "C" {
#endif

/* NTO_SIM_SHM_ALLOCSP: fcntl(F_ALLOCSP) on a shared memory object (the
 * eager grow's allocation, src/qnx/qnx_object_commit.c); NTO_SIM_SHM_TRUNC:
 * ftruncate through the model (the grow's undo). */
typedef enum {
  NTO_SIM_SHM_OPEN,
  NTO_SIM_SHM_CTL,
  NTO_SIM_SHM_ALLOCSP,
  NTO_SIM_SHM_TRUNC,
  NTO_SIM_SHM_CALLS
} nto_sim_shm_call;

/* Make the nth (1-based, from now) call of that kind fail with err
 * (-1 + errno) and no other effect. */
void nto_sim_shm_fail_nth(nto_sim_shm_call call, unsigned nth, int err);
/* Calls of that kind since the last reset (failed ones included). */
unsigned nto_sim_shm_calls(nto_sim_shm_call call);
/* Forget armed failures and counters. */
void nto_sim_shm_reset(void);

#ifdef __cplusplus
}
#endif
#endif
