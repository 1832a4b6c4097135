/*
 * nto_sim_clock.h - Neutrino host model: QNX's clock ids. NOT a QNX header
 * (included by the model's <time.h> after glibc's); includes nothing.
 *
 * QNX numbers its clocks CLOCK_REALTIME 0, CLOCK_SOFTTIME 1 (QNX only),
 * CLOCK_MONOTONIC 2, CLOCK_PROCESS_CPUTIME_ID 3, CLOCK_THREAD_CPUTIME_ID 4
 * (SDP 7.1 time.h:93-101, Spitzbube/qnx-sdp @ 8d745006, target/qnx7/usr/
 * include; the same values on 6.4, 6.6 and 8.0: tests/nto_model/
 * nto_profile_constants.txt); glibc numbers them 0, -, 1, 2, 3 and has
 * Linux-only ids from 4 on. The model gives code built against it QNX's
 * values and routes every call that takes a clock id through a translation
 * (src/nto_sim_clock.c), so that a QNX id never reaches the host as the
 * host's clock of the same number. Gated as glibc gates the names it
 * replaces (a strict build sees none of them, as on QNX). The Linux-only ids
 * are removed: QNX has none of them, and 4 (CLOCK_MONOTONIC_RAW) is QNX's
 * CLOCK_THREAD_CPUTIME_ID. pthread_condattr_{set,get}clock are translated in
 * nto_sim_clock_pthread.h (their type needs glibc's <pthread.h>).
 * Host code (NTO_SIM_HOST_NAMES) keeps glibc's ids and calls.
 */
#ifndef NTO_SIM_CLOCK_H
#define NTO_SIM_CLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

#define NTO_SIM_CLOCK_REALTIME 0
#define NTO_SIM_CLOCK_MONOTONIC 2
#define NTO_SIM_CLOCK_PROCESS_CPUTIME_ID 3
#define NTO_SIM_CLOCK_THREAD_CPUTIME_ID 4

/* The host's id for a QNX id: 0 and the host's id stored, or -1 for an id
 * QNX does not define (the callers then fail with EINVAL, as QNX does for an
 * unknown clock). Negative ids (CPU-time clocks of other threads and
 * processes, as clock_getcpuclockid returns them) are the host's own and
 * pass unchanged. */
int nto_sim_clock_to_host(int qnx_id, int *host_id);
/* The QNX id for a host id (pthread_condattr_getclock). */
int nto_sim_clock_from_host(int host_id);

struct timespec;
int nto_sim_clock_gettime(int id, struct timespec *ts);
int nto_sim_clock_getres(int id, struct timespec *ts);
int nto_sim_clock_settime(int id, const struct timespec *ts);

#if !defined(NTO_SIM_HOST_NAMES) && defined(__USE_POSIX199309)
#undef CLOCK_MONOTONIC
#define CLOCK_MONOTONIC 2
#undef CLOCK_PROCESS_CPUTIME_ID
#define CLOCK_PROCESS_CPUTIME_ID 3
#undef CLOCK_THREAD_CPUTIME_ID
#define CLOCK_THREAD_CPUTIME_ID 4
#undef CLOCK_MONOTONIC_RAW
#undef CLOCK_REALTIME_COARSE
#undef CLOCK_MONOTONIC_COARSE
#undef CLOCK_BOOTTIME
#undef CLOCK_REALTIME_ALARM
#undef CLOCK_BOOTTIME_ALARM
#undef CLOCK_TAI
#define clock_gettime(id, ts) nto_sim_clock_gettime((id), (ts))
#define clock_getres(id, ts) nto_sim_clock_getres((id), (ts))
#define clock_settime(id, ts) nto_sim_clock_settime((id), (ts))
#endif

#ifdef __cplusplus
}
#endif
#endif
