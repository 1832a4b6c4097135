/*
 * pthread.h (Neutrino host model) - glibc's <pthread.h>, plus what the
 * model's API profile changes in it (nto_sim_pthread.h) and QNX's clock ids
 * for the condvar clock (nto_sim_clock_pthread.h). NOT a QNX header:
 * the threads are the host's. Includes glibc's <pthread.h> and
 * <nto_sim_pthread.h>, <nto_sim_clock_pthread.h>.
 */
#ifndef NTO_SIM_PTHREAD_WRAPPER_H
#define NTO_SIM_PTHREAD_WRAPPER_H
/* include_next is a GCC/Clang extension; model code, so a system header
 * (no -Wpedantic diagnostic). The profile's declarations live in a header
 * that is NOT a system header, so that their macros warn in the user's code
 * exactly as the SDP's do when its headers are given with -I. */
#pragma GCC system_header
#include_next <pthread.h>
#include <nto_sim_pthread.h>
#include <nto_sim_clock_pthread.h>
#endif
