/*
 * linux_parker.h - the Linux per-thread parker (internal to src/linux): the
 * parker entries of the wait backend (src/core/wait_backend.h), used by
 * linux_wait_backend.c. Includes only wait_backend.h.
 */
#ifndef WRT_LINUX_PARKER_H
#define WRT_LINUX_PARKER_H

#include "wait_backend.h"

wrt_status wrt_linux_parker_self(wrt_parker_t **out, int *os_error);
uint32_t wrt_linux_parker_prepare(wrt_parker_t *p);
wrt_status wrt_linux_parker_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns,
                                 int *os_error);
wrt_status wrt_linux_parker_unpark(wrt_parker_t *p, uint32_t token, int *os_error);
wrt_status wrt_linux_parker_kick(wrt_parker_t *p, int *os_error);

#endif
