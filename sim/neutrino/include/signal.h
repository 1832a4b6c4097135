/*
 * signal.h (Neutrino host model) - glibc's <signal.h>, with QNX's union
 * sigval and struct sigevent in place of glibc's (nto_sim_layouts.h). NOT
 * a QNX header: signals are the host's. Includes glibc's <signal.h> and
 * <nto_sim_layouts.h>.
 */
#pragma GCC system_header
#include_next <signal.h>
#if defined(_SIGNAL_H) && !defined(NTO_SIM_SIGNAL_H)
#define NTO_SIM_SIGNAL_H
#include <nto_sim_layouts.h>
#endif
