/*
 * pthread.h - stand-in for the QNX SDP's <pthread.h> when
 * scripts/object-sizes.sh computes QNX object sizes on a host without the
 * SDP. Only the layout matters: on QNX pthread_mutex_t is struct _sync,
 * a union of unsigned/int/int (__count, __fd, __clockid) and an unsigned
 * __owner, 8 bytes, 4-aligned (SDP 6.6 usr/include/sys/target_nto.h,
 * __SYNC_T, lines 209-217; __PTHREAD_MUTEX_T is struct _sync, line 383).
 * 7.1 / 8.0 are expected to keep it; qcc confirms (the _Static_asserts).
 */
#ifndef WRT_QNX_SDP_SHIM_PTHREAD_H
#define WRT_QNX_SDP_SHIM_PTHREAD_H
typedef struct _sync {
  union {
    unsigned __count;
    int __fd;
    int __clockid;
  } __u;
  unsigned __owner;
} pthread_mutex_t;
#endif
