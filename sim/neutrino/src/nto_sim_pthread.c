/*
 * nto_sim_pthread.c - the Neutrino host model's pthread_once for the 6.4
 * shape of pthread_once_t (profile 640; see nto_sim_pthread.h). Host code:
 * uses glibc's threads. Includes <errno.h>, <pthread.h>, <stdatomic.h>,
 * <stddef.h> and <nto_sim_pthread.h>.
 */
#ifndef NTO_SIM_HOST_PTHREAD
#define NTO_SIM_HOST_PTHREAD 1
#endif
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#include <nto_sim_pthread.h>

/* Justified global state: one host mutex serialises every first call of
 * every once-object (POSIX: "The first call ... shall call init_routine
 * with no arguments. Subsequent calls ... shall not"); a call that finds
 * __once set returns without taking it. init must not call pthread_once. */
static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;

int nto_sim_pthread_once(struct nto_sim_pthread_once64 *once, void (*init)(void)) {
  if (once == NULL || init == NULL) {
    return EINVAL;
  }
  _Atomic int *done = (_Atomic int *)(void *)&once->__once;
  if (atomic_load_explicit(done, memory_order_acquire) != 0) {
    return 0;
  }
  (void)pthread_mutex_lock(&once_lock);
  if (atomic_load_explicit(done, memory_order_relaxed) == 0) {
    init();
    atomic_store_explicit(done, 1, memory_order_release);
  }
  (void)pthread_mutex_unlock(&once_lock);
  return 0;
}
