/*
 * nto_sim_clock_pthread.h - Neutrino host model: QNX's clock ids for
 * pthread_condattr_setclock / pthread_condattr_getclock (see
 * nto_sim_clock.h). NOT a QNX header (included by the model's <pthread.h>
 * after glibc's, which declares pthread_condattr_t); includes nothing.
 */
#ifndef NTO_SIM_CLOCK_PTHREAD_H
#define NTO_SIM_CLOCK_PTHREAD_H

#ifdef __cplusplus
extern "C" {
#endif

int nto_sim_pthread_condattr_setclock(pthread_condattr_t *attr, int id);
int nto_sim_pthread_condattr_getclock(const pthread_condattr_t *attr, int *id);

#if !defined(NTO_SIM_HOST_NAMES) && defined(__USE_XOPEN2K)
#define pthread_condattr_setclock(a, id) nto_sim_pthread_condattr_setclock((a), (id))
#define pthread_condattr_getclock(a, id) nto_sim_pthread_condattr_getclock((a), (id))
#endif

#ifdef __cplusplus
}
#endif
#endif
