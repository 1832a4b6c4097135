/*
 * nto_sim_time.c - the Neutrino host model's translation of QNX's
 * TIMER_ABSTIME (0x80000000) into the host's for clock_nanosleep and
 * timer_settime, and of clock_nanosleep's clock id (nto_sim_clock.h; see
 * sim/neutrino/include/time.h). Host code: uses glibc's names. Includes
 * <errno.h>, <time.h>.
 */
#define NTO_SIM_HOST_NAMES 1
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <time.h>

/* QNX flags: only TIMER_ABSTIME is defined for both calls; anything else is
 * passed on for the host to judge (EINVAL). */
static int host_flags(int qnx) {
  unsigned u = (unsigned)qnx;
  int out = (int)(u & ~NTO_SIM_TIMER_ABSTIME);
  if ((u & NTO_SIM_TIMER_ABSTIME) != 0u) {
    out |= TIMER_ABSTIME;
  }
  return out;
}

int nto_sim_clock_nanosleep(clockid_t id, int flags, const struct timespec *req,
                            struct timespec *rem) {
  int host; /* QNX's clock id (nto_sim_clock.h); returns the error number */
  if (nto_sim_clock_to_host((int)id, &host) != 0) {
    return EINVAL;
  }
  return clock_nanosleep((clockid_t)host, host_flags(flags), req, rem);
}

int nto_sim_timer_settime(timer_t t, int flags, const struct itimerspec *v, struct itimerspec *ov) {
  return timer_settime(t, host_flags(flags), v, ov);
}
