/*
 * nto_sim_pthread.h - Neutrino host model: the parts of QNX's <pthread.h>
 * and <process.h> in which the 640 profile (the public QNX 6.4 headers)
 * differs from glibc, so that code that builds only on 7.1/8.0 fails on the
 * model's 640 profile as it fails on 6.4. NOT a QNX header (included by the
 * model's <pthread.h>); includes <nto_sim_platform.h>.
 *
 * Facts (repository vocho/openqnx, the 6.4 tree; SDP 6.6 from
 * unclassified-org/QNX-SDP, trunk/opt/qnx660/target/qnx6/usr/include):
 * - pthread_atfork is declared in <process.h> (6.4 lib/c/public/process.h:68,
 *   6.6 process.h:68), not in <pthread.h>; 7.1 and 8.0 declare it in
 *   <pthread.h>. A 640 build that includes only <pthread.h> gets an
 *   implicit declaration, an error in C11.
 * - 6.4's pthread_once_t is struct _pthread_once { int __once; sync_t
 *   __mutex; } (lib/c/public/sys/target_nto.h:330-335), sync_t being
 *   struct _sync { int __count; unsigned __owner; } (:186-190), and
 *   PTHREAD_ONCE_INIT is { 0, PTHREAD_MUTEX_INITIALIZER } (pthread.h:424)
 *   with PTHREAD_MUTEX_INITIALIZER { _NTO_SYNC_NONRECURSIVE,
 *   _NTO_SYNC_INITIALIZER } (:302), _NTO_SYNC_NONRECURSIVE 0x80000000
 *   (:129, unsuffixed: unsigned int) and _NTO_SYNC_INITIALIZER 0xffffffff
 *   (:138): the int __count is initialised from an unsigned int, which
 *   -Wsign-conversion (-Wconversion) reports. (6.6 made __count unsigned
 *   and the constant 0x80000000U, pthread.h:129, target_nto.h:212.)
 * The 640 pthread_once is the model's (nto_sim_pthread_once, in
 * sim/neutrino/src/nto_sim_pthread.c) because the type is not glibc's.
 */
#ifndef NTO_SIM_PTHREAD_H
#define NTO_SIM_PTHREAD_H

#include <nto_sim_platform.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The 6.4 shapes, under model names so that the model's own (host) code can
 * implement them in every profile. */
struct nto_sim_sync64 {
  int __count;
  unsigned __owner;
};
struct nto_sim_pthread_once64 {
  int __once;
  struct nto_sim_sync64 __mutex;
};
int nto_sim_pthread_once(struct nto_sim_pthread_once64 *once, void (*init)(void));

#if NTO_SIM_PROFILE == 640 && !defined(NTO_SIM_HOST_PTHREAD)
#undef pthread_once_t
#undef pthread_once
#undef pthread_atfork
#undef PTHREAD_ONCE_INIT
typedef struct nto_sim_pthread_once64 pthread_once_t;
#define pthread_once nto_sim_pthread_once
#ifndef _NTO_SYNC_NONRECURSIVE
#define _NTO_SYNC_NONRECURSIVE 0x80000000
#define _NTO_SYNC_INITIALIZER 0xffffffff
#endif
#define PTHREAD_ONCE_INIT {0, {_NTO_SYNC_NONRECURSIVE, _NTO_SYNC_INITIALIZER}}
#endif

#ifdef __cplusplus
}
#endif
#endif
