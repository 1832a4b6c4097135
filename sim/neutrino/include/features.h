/*
 * features.h (Neutrino host model) - glibc's feature-test header, reached
 * first because sim/neutrino/include precedes the system directories. It
 * maps QNX's _QNX_SOURCE ("everything": 7.1 Programmer's Guide,
 * "Conforming to standards") onto glibc's _DEFAULT_SOURCE, so that code
 * built against the model sees the names it would see on QNX; any other
 * feature macro (or none) is left to glibc, whose POSIX gating matches
 * QNX's (see nto_sim_platform.h). NOT a QNX header; includes glibc's.
 *
 * Profile 640 only: glibc's pthread_once_t, pthread_once and
 * pthread_atfork are renamed before any glibc header declares them, so
 * that the model's <pthread.h> can put the 6.4 shapes in their place (see
 * nto_sim_pthread.h). The model's own sources (host code) define
 * NTO_SIM_HOST_PTHREAD and keep glibc's.
 */
#pragma GCC system_header
#if defined(_QNX_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _DEFAULT_SOURCE 1
#endif
/* Once per translation unit: <features.h> is included again and again, and
 * the model's <pthread.h> undoes the renaming. */
#if defined(NTO_SIM_PROFILE) && NTO_SIM_PROFILE == 640 && !defined(NTO_SIM_HOST_PTHREAD) && \
    !defined(NTO_SIM_FEATURES_RENAMED)
#define NTO_SIM_FEATURES_RENAMED 1
#define pthread_once_t nto_sim_host_pthread_once_t
#define pthread_once nto_sim_host_pthread_once
#define pthread_atfork nto_sim_host_pthread_atfork
#endif
/* Every profile: glibc's union sigval, struct sigevent and struct
 * sched_param get host names before glibc defines them, once per
 * translation unit; <nto_sim_layouts.h> then gives the QNX names QNX's
 * layouts (issue 24). */
#if !defined(NTO_SIM_LAYOUTS_RENAMED)
#define NTO_SIM_LAYOUTS_RENAMED 1
#define sigval nto_sim_host_sigval
#define sigevent nto_sim_host_sigevent
#define sched_param nto_sim_host_sched_param
#endif
#include_next <features.h>
