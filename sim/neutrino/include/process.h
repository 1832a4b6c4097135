/*
 * process.h - Neutrino host model: QNX's <process.h> as far as the code
 * uses it. On QNX 6.4 and 6.6 it declares pthread_atfork (6.4
 * vocho/openqnx trunk/lib/c/public/process.h:68; SDP 6.6
 * unclassified-org/QNX-SDP .../qnx6/usr/include/process.h:68); 7.1 and 8.0
 * keep the header (8.0: gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aa,
 * target/qnx/usr/include/process.h) and declare pthread_atfork in
 * <pthread.h> instead. Includes <pthread.h> (model), so that profile 640's
 * renaming of glibc's declaration is undone first.
 */
#ifndef NTO_SIM_PROCESS_H
#define NTO_SIM_PROCESS_H

#include <nto_sim_platform.h>
#include <pthread.h>

#ifdef __cplusplus
extern "C" {
#endif

#if NTO_SIM_PROFILE == 640
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void));
#endif

#ifdef __cplusplus
}
#endif
#endif
