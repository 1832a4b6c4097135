/*
 * sys/resource.h (Neutrino host model) - glibc's <sys/resource.h> with
 * QNX's resource numbers, which differ from Linux's: RLIMIT_CPU 0, FSIZE 1,
 * DATA 2, STACK 3, CORE 4, NOFILE 5 (= OFILE), AS 6 (= VMEM), MEMLOCK 7,
 * NPROC 8, NTHR 9, FREEMEM 10 (6.4 vocho/openqnx trunk/lib/c/public/
 * sys/resource.h and SDP 6.6 unclassified-org/QNX-SDP .../qnx6/usr/include/
 * sys/resource.h:51-64; 7.1 and 8.0 the same, 8.0 adds 14-18, qnx-facts.md;
 * 6.4 has no RLIMIT_FREEMEM). RLIMIT_RSS is RLIMIT_AS on 6.6. RLIM_INFINITY
 * is (rlim_t)-3 on 64-bit 7.1/8.0 (qnx-facts.md); the 640 profile keeps the
 * host's, as 6.4 had no 64-bit target (its 32-bit value is 0x7fffffff).
 * getrlimit/setrlimit are routed through nto_sim_getrlimit/setrlimit, which
 * translate the numbers and RLIM_INFINITY for the host; NTHR and FREEMEM
 * have no host equivalent: EINVAL from the model (not modelled).
 * NOT a QNX header; includes glibc's.
 */
#ifndef NTO_SIM_SYS_RESOURCE_H
#define NTO_SIM_SYS_RESOURCE_H
#pragma GCC system_header
#include_next <sys/resource.h>
#include <nto_sim_platform.h>

#ifdef __cplusplus
extern "C" {
#endif

#if NTO_SIM_PROFILE >= 710
#define NTO_SIM_RLIM_INFINITY ((rlim_t)-3)
#else
#define NTO_SIM_RLIM_INFINITY RLIM_INFINITY
#endif
int nto_sim_getrlimit(int resource, struct rlimit *rl);
int nto_sim_setrlimit(int resource, const struct rlimit *rl);

#if !defined(NTO_SIM_HOST_NAMES)
#undef RLIMIT_CPU
#undef RLIMIT_FSIZE
#undef RLIMIT_DATA
#undef RLIMIT_STACK
#undef RLIMIT_CORE
#undef RLIMIT_NOFILE
#undef RLIMIT_OFILE
#undef RLIMIT_AS
#undef RLIMIT_MEMLOCK
#undef RLIMIT_NPROC
#undef RLIMIT_RSS
#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_NOFILE 5
#define RLIMIT_OFILE RLIMIT_NOFILE
#define RLIMIT_AS 6
#define RLIMIT_VMEM RLIMIT_AS
#define RLIMIT_RSS RLIMIT_AS
#define RLIMIT_MEMLOCK 7
#define RLIMIT_NPROC 8
#define RLIMIT_NTHR 9
#if NTO_SIM_PROFILE >= 710
#define RLIMIT_FREEMEM 10
#endif
#if NTO_SIM_PROFILE >= 710
#undef RLIM_INFINITY
#define RLIM_INFINITY NTO_SIM_RLIM_INFINITY
#endif
#define getrlimit(res, rl) nto_sim_getrlimit((res), (rl))
#define setrlimit(res, rl) nto_sim_setrlimit((res), (rl))
#endif

#ifdef __cplusplus
}
#endif
#endif
