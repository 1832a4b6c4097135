/*
 * sched.h (Neutrino host model) - glibc's <sched.h>, with QNX's struct
 * sched_param in place of glibc's (nto_sim_layouts.h). NOT a QNX header:
 * scheduling is the host's. Includes glibc's <sched.h> and
 * <nto_sim_layouts.h>.
 */
#pragma GCC system_header
#include_next <sched.h>
#if defined(_SCHED_H) && !defined(NTO_SIM_SCHED_H)
#define NTO_SIM_SCHED_H
#include <nto_sim_layouts.h>
#endif
