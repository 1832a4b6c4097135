/*
 * time.h (Neutrino host model) - glibc's <time.h> with QNX's TIMER_ABSTIME:
 * 0x80000000 and defined in every mode (6.4 lib/c/public/time.h:123 and SDP
 * 6.6 time.h:116, vocho/openqnx and unclassified-org/QNX-SDP; 7.1 and 8.0
 * the same, qnx-facts.md), where glibc has 1 and hides it in strict C. The
 * host's clock_nanosleep and timer_settime take glibc's value: the model
 * routes them through nto_sim_clock_nanosleep / nto_sim_timer_settime, which
 * translate the flag. The clock ids are QNX's (CLOCK_MONOTONIC 2, the
 * host's 1), translated on every call that takes one (nto_sim_clock.h).
 * Everything else is glibc's. NOT a QNX header; includes glibc's <time.h>,
 * <nto_sim_layouts.h>, <nto_sim_clock.h>.
 */
#pragma GCC system_header
#include_next <time.h>

#if !defined(NTO_SIM_TIME_H) && !defined(__need_time_t) && !defined(__need_clock_t) && \
    !defined(__need_timespec) && defined(_TIME_H)
#define NTO_SIM_TIME_H
/* timer_create's struct sigevent: QNX's (nto_sim_layouts.h). */
#include <nto_sim_layouts.h>
/* QNX's clock ids and the calls that take one (nto_sim_clock.h). */
#include <nto_sim_clock.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NTO_SIM_TIMER_ABSTIME 0x80000000u
#if !defined(NTO_SIM_HOST_NAMES)
#undef TIMER_ABSTIME
#define TIMER_ABSTIME 0x80000000u
#if defined(__USE_XOPEN2K)
struct timespec;
struct itimerspec;
int nto_sim_clock_nanosleep(clockid_t id, int flags, const struct timespec *req,
                            struct timespec *rem);
int nto_sim_timer_settime(timer_t t, int flags, const struct itimerspec *v, struct itimerspec *ov);
#define clock_nanosleep(id, fl, req, rem) nto_sim_clock_nanosleep((id), (fl), (req), (rem))
#define timer_settime(t, fl, v, ov) nto_sim_timer_settime((t), (fl), (v), (ov))
#endif
#endif

#ifdef __cplusplus
}
#endif
#endif
