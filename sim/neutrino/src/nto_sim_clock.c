/*
 * nto_sim_clock.c - the Neutrino host model's translation of QNX's clock ids
 * into the host's (see sim/neutrino/include/nto_sim_clock.h). Host code:
 * uses glibc's names. Includes <errno.h>, <pthread.h>, <time.h>.
 */
#define NTO_SIM_HOST_NAMES 1
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <time.h>

int nto_sim_clock_to_host(int qnx_id, int *host_id) {
  switch (qnx_id) {
  case NTO_SIM_CLOCK_REALTIME:
    *host_id = CLOCK_REALTIME;
    return 0;
  case NTO_SIM_CLOCK_MONOTONIC:
    *host_id = CLOCK_MONOTONIC;
    return 0;
  case NTO_SIM_CLOCK_PROCESS_CPUTIME_ID:
    *host_id = CLOCK_PROCESS_CPUTIME_ID;
    return 0;
  case NTO_SIM_CLOCK_THREAD_CPUTIME_ID:
    *host_id = CLOCK_THREAD_CPUTIME_ID;
    return 0;
  default:
    break;
  }
  if (qnx_id < 0) {
    *host_id = qnx_id;
    return 0;
  }
  return -1;
}

int nto_sim_clock_from_host(int host_id) {
  switch (host_id) {
  case CLOCK_REALTIME:
    return NTO_SIM_CLOCK_REALTIME;
  case CLOCK_MONOTONIC:
    return NTO_SIM_CLOCK_MONOTONIC;
  case CLOCK_PROCESS_CPUTIME_ID:
    return NTO_SIM_CLOCK_PROCESS_CPUTIME_ID;
  case CLOCK_THREAD_CPUTIME_ID:
    return NTO_SIM_CLOCK_THREAD_CPUTIME_ID;
  default:
    return host_id;
  }
}

int nto_sim_clock_gettime(int id, struct timespec *ts) {
  int host;
  if (nto_sim_clock_to_host(id, &host) != 0) {
    errno = EINVAL;
    return -1;
  }
  return clock_gettime((clockid_t)host, ts);
}

int nto_sim_clock_getres(int id, struct timespec *ts) {
  int host;
  if (nto_sim_clock_to_host(id, &host) != 0) {
    errno = EINVAL;
    return -1;
  }
  return clock_getres((clockid_t)host, ts);
}

int nto_sim_clock_settime(int id, const struct timespec *ts) {
  int host;
  if (nto_sim_clock_to_host(id, &host) != 0) {
    errno = EINVAL;
    return -1;
  }
  return clock_settime((clockid_t)host, ts);
}

/* pthread functions return the error number (POSIX), not -1/errno. */
int nto_sim_pthread_condattr_setclock(pthread_condattr_t *attr, int id) {
  int host;
  if (nto_sim_clock_to_host(id, &host) != 0) {
    return EINVAL;
  }
  return pthread_condattr_setclock(attr, (clockid_t)host);
}

int nto_sim_pthread_condattr_getclock(const pthread_condattr_t *attr, int *id) {
  clockid_t host;
  int r = pthread_condattr_getclock(attr, &host);
  if (r == 0) {
    *id = nto_sim_clock_from_host((int)host);
  }
  return r;
}
