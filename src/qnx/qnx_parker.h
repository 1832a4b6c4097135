/*
 * src/qnx/qnx_parker.h - the QNX per-thread parker (internal to src/qnx).
 *
 * One concept: the object a thread sleeps on and is woken through - a
 * private channel and a side-channel connection to it, made at the thread's
 * first blocking wait, kept in thread-local storage and released at thread
 * exit. Used by the QNX futex (qnx_sync.c) and by the wait-table backend
 * (qnx_wait_backend.c). Includes only <stdint.h>, wrt/status.h and
 * src/core/wait_backend.h (for the wrt_parker_t name of interface A).
 *
 * Protocol: the owner opens a park with prepare() (a fresh token, never 0)
 * while it publishes its wait node under the caller's lock; any thread holding
 * that lock may unpark(p, token); the owner park()s until a WAKE pulse whose
 * value is that token arrives, or its deadline passes. Every other pulse
 * (another code, another token: stale from an earlier park, or forged) is
 * received and dropped, and the park goes on. A park's WRT_OK is only a hint:
 * the caller decides from its own node state, read under its lock.
 */
#ifndef WRT_QNX_PARKER_H
#define WRT_QNX_PARKER_H

#include <stdint.h>

#include "wait_backend.h"
#include "wrt/status.h"

/* The pulse code of a wake (a user code: _PULSE_CODE_MINAVAIL.._MAXAVAIL,
 * MsgSendPulse). Exposed for tests that forge pulses. */
#define WRT_QNX_PARKER_PULSE_WAKE 1
/* Tokens run 1..WRT_QNX_PARKER_TOKEN_MAX, then wrap to 1: they fit the
 * pulse value (an int on 7.x, a long on 8.0) without a sign change. */
#define WRT_QNX_PARKER_TOKEN_MAX 0x7fffffffu
/* "No deadline" for park(). */
#define WRT_QNX_PARKER_FOREVER UINT64_MAX

/* wrt_parker_t: typedef'd in wait_backend.h. */
struct wrt_parker {
  int chid;       /* the thread's private channel (-1: none yet) */
  int coid;       /* side-channel connection to chid, used by wakers */
  uint32_t token; /* the last token prepare() handed out */
  int ready;      /* 1 once chid/coid exist */
};

/* The calling thread's parker, created at its first call: ChannelCreate +
 * ConnectAttach, 2 kernel calls once per thread. On failure *out is
 * untouched, *os_error holds the errno and nothing is kept:
 *   EAGAIN (kernel channel/connection objects exhausted) -> WRT_E_NO_MEMORY;
 *   EMFILE (ConnectAttach: the process is at RLIMIT_NOFILE; side-channel
 *           connections count against it)              -> WRT_E_LIMIT;
 *   anything else (incl. the pthread key)                -> WRT_E_OS.
 * The next call tries again. */
wrt_status wrt_qnx_parker_self(wrt_parker_t **out, int *os_error);

/* Owner only: a new token for the next park (1..TOKEN_MAX, never 0). */
uint32_t wrt_qnx_parker_prepare(wrt_parker_t *p);

/* Owner only: sleep until a WAKE pulse carrying token, or until the absolute
 * CLOCK_MONOTONIC deadline_ns (WRT_QNX_PARKER_FOREVER: none). Returns WRT_OK
 * on that pulse (a hint: the caller re-checks its state), WRT_E_TIMEOUT once
 * the deadline has passed, WRT_E_NO_MEMORY (EAGAIN) or WRT_E_OS with
 * *os_error on a kernel-call failure. EINTR is retried. */
wrt_status wrt_qnx_parker_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns,
                               int *os_error);

/* Any thread of the process, while the owner is known to be inside its wait
 * (under the lock that links the owner's node): send WAKE(token) to p at
 * pulse priority prio (MsgSendPulse: 1..255 or -1). Non-blocking. Returns
 * WRT_OK, WRT_E_NO_MEMORY (EAGAIN: pulse pool exhausted) or WRT_E_OS. */
wrt_status wrt_qnx_parker_unpark(wrt_parker_t *p, uint32_t token, int prio, int *os_error);

/* Releases the calling thread's parker now (ConnectDetach + ChannelDestroy);
 * the thread's next wait makes a new one. Never call it from inside a wait. */
void wrt_qnx_parker_release_self(void);

/* CLOCK_MONOTONIC in ns. */
uint64_t wrt_qnx_parker_now_ns(void);

/* Absolute deadline for a relative timeout (WRT_WAIT_FOREVER or a sum that
 * overflows: WRT_QNX_PARKER_FOREVER). */
uint64_t wrt_qnx_parker_deadline(uint64_t timeout_ns);

#endif
