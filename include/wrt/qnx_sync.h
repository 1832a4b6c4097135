/*
 * wrt/qnx_sync.h - the QNX Neutrino futex (a wrt/sync.h backend on pulses).
 *
 * One concept: wrt_qnx_futex_t, a caller-allocated futex word whose blocked
 * waiters sleep in MsgReceivePulse and are woken by MsgSendPulse; plus the
 * getter of the QNX wait-table backend, built on the same parker. Includes
 * only sync.h, wait_table.h, <pthread.h> (POSIX: the wait-list lock) and
 * the C library.
 *
 * DESIGN (details and the proof pointers in src/qnx/qnx_sync.c,
 * src/qnx/qnx_parker.c and verify/qnx_parker.pml):
 *   Every thread that blocks gets ONE parker for its lifetime: a private
 *   channel and a side-channel connection to it, made at the thread's first
 *   blocking wait, kept in thread-local storage and released at thread exit
 *   (a pthread key destructor) or by wrt_qnx_thread_release(); a fork child
 *   starts without one (a pthread_atfork handler forgets the parent's ids
 *   without a kernel call) and makes its own. A wait links
 *   a node, on its stack, into the futex's wait list, kept in wake order: by
 *   priority (default) or FIFO (config wake_order), with a fresh park token
 *   (a per-thread sequence number). wake(n) unlinks up to n nodes from the
 *   head, marks each WOKEN and sends one pulse carrying its token to its
 *   thread's channel, all under the list lock. The pulse therefore always
 *   reaches the thread it was sent for: correctness and wake order never
 *   depend on which receive-blocked thread the kernel picks (undocumented by
 *   QNX). The seed's design (one shared channel and a waiter count) was
 *   rejected: a thread that starts waiting after wake_all() can receive a
 *   pulse sent for an older waiter (verify/qnx_futex_shared.pml).
 *   Channel flags: _NTO_CHF_FIXED_PRIORITY always (see Priority) and
 *   _NTO_CHF_PRIVATE where the headers define it (see Security).
 *
 * GUARANTEES
 *   - No lost wake-up: a waiter is in the wait list before it re-checks the
 *     word, so a wake that follows any word change the waiter missed finds it.
 *   - A wait ends because the futex says so, never because a pulse arrived:
 *     it returns WRT_OK / WRT_E_STATE only when its node, read under the
 *     futex lock, is marked woken / destroyed (the marks are set under that
 *     lock by wake / destroy, which unlink the node). Every other pulse - a
 *     foreign code, our code with another token (stale from an earlier
 *     timed-out wait, or forged), even a forged pulse with the right token -
 *     is received and dropped and the wait goes on until its deadline; a
 *     timed-out waiter unlinks its node under the lock. No node is ever
 *     left linked when wait returns.
 *   - Security: where the headers define _NTO_CHF_PRIVATE the channel is
 *     made with it. QNX 7.1 and 8.0 document it: "no other process can
 *     connect to it" (ChannelCreate, C Library Reference). The 6.4 kernel
 *     has no such flag (its <sys/neutrino.h>, services/system/public/sys/
 *     neutrino.h:336-348, ends at _NTO_CHF_GLOBAL 0x0800, and ker_channel.c
 *     tests no such bit); the SDP 6.6 <sys/neutrino.h>:402 defines it
 *     (0x1000u) but no 6.6 kernel source or doc page tells what 6.6 does
 *     with it; 7.0 is not confirmed either way. Where it is absent or not
 *     honoured, any process that can name our pid and the channel id can
 *     ConnectAttach and send pulses. Such a pulse cannot end a wait early
 *     or corrupt the wait list (above); it only makes the waiter receive and
 *     drop it (CPU time), and a flood of them cannot hold a timed wait past
 *     its deadline (the parker looks at the clock after every dropped
 *     pulse, the futex after every right-token pulse that no wake sent).
 *     Nothing here depends on the flag being honoured.
 *   - Wake order, WRT_QNX_WAKE_PRIORITY (the default): the highest-priority
 *     waiter first, FIFO among waiters of equal priority (by the time each
 *     entered the list), as QNX's own sync objects do. A waiter's priority is
 *     sampled ONCE, with SchedGet(0, 0, ...) when its wait starts to block
 *     (sched_priority: the priority assigned to the thread, "It doesn't
 *     reflect any temporary adjustments due to priority inheritance",
 *     QNX sched_param); a priority change while the thread waits does NOT
 *     move it in the list. Open (QNX 8.0): 8.0 separates a thread's real
 *     and effective priority, and its docs do not say which one SchedGet
 *     reports while a mutex's priority inheritance boosts the thread. Under
 *     either answer the list is ordered by the value SchedGet returned;
 *     the order among waiters sampled at their real priority is the one
 *     above, and nothing but the order depends on it. Since wait never
 *     changes a thread's priority (below), the order stays right after any
 *     number of wake-ups.
 *     (Tested on the Neutrino host model under both answers, RUNNING and
 *     BASE: priority_order_holds_under_both_sched_get_answers.)
 *     If SchedGet fails the wait fails with WRT_E_OS (errno in
 *     last_os_error), having blocked on nothing: a waiter is never queued at
 *     a guessed priority.
 *     WRT_QNX_WAKE_FIFO: FIFO by the time the waiter entered the list,
 *     regardless of priority, and no SchedGet call.
 *     Either way wake(n) wakes the first n waiters in that order; wake_all
 *     (UINT32_MAX) wakes every thread that was in the list when it took the
 *     lock, and no later one; its pulses are sent in list order, and which
 *     woken thread then runs first is the scheduler's choice. A waiter
 *     whose pulse send fails in wake is put back at the head, which is
 *     where it was (the list cannot change while wake holds the lock).
 *   - Spurious wake-ups: none. wait returns WRT_OK only when a wake selected
 *     this waiter (possibly just as its timeout expired: a waiter that times
 *     out after it was selected returns WRT_OK, because the wake happened).
 *   - Stale pulses: a wake whose waiter had timed out (and then found itself
 *     selected) leaves one pulse on that thread's channel; its next wait
 *     receives and drops it (wrong token), and thread exit frees it
 *     (ChannelDestroy frees queued pulses).
 *   - Timeouts: relative, CLOCK_MONOTONIC, converted once to an absolute
 *     deadline (TimerTimeout with TIMER_ABSTIME, re-armed before every
 *     receive); a timed-out wait has lasted at least timeout_ns (the kernel
 *     rounds up to its tick). EINTR retries against the same deadline.
 *   - Priority (issue 10): after wait returns, the thread runs at the
 *     priority it had when it called wait; no pulse of ours changes the
 *     priority of any thread. The parker's channel is
 *     _NTO_CHF_FIXED_PRIORITY ("Receiving threads won't change their
 *     priorities to those of the sending threads", ChannelCreate), which
 *     the 6.4 kernel checks both where a blocked receiver takes a pulse and
 *     takes its priority (K/nano_pulse.c:136) and where a queued pulse is
 *     received (K/ker_fastmsg.c:947), and before the "server boost" that
 *     raises every lower-priority thread whose last receive was on a
 *     channel with the same id (K/nano_pulse.c:169-177). No option raises
 *     a woken thread's priority: the config's priority (LOW 5, NORMAL 10,
 *     HIGH 21, INHERIT -1 = the waking thread's) is now only the priority
 *     of the wake pulse, which orders pulses queued on the woken thread's
 *     own channel and nothing else; it is kept (and validated) so that
 *     existing configs build unchanged. (Before, without the flag, a
 *     priority-50 waiter woken by a NORMAL futex ran at 10 for good.)
 *     Pulses give no priority inheritance: a blocked waiter does not raise
 *     the thread that will wake it. The wait-list lock is a default
 *     pthread mutex (priority inheritance by default on QNX), held only for
 *     list operations and non-blocking pulse sends.
 *   - Cancellation: a wait holds off thread cancellation while it blocks
 *     (its wait node is on its stack and linked into the futex); a pending
 *     cancel acts at the thread's next cancellation point after the wait.
 *   - Cost: a blocking wait makes MsgReceivePulse, + TimerTimeout when
 *     timed, + SchedGet in priority order, and nothing else (2 calls, 3 in
 *     priority order, when timed; Neutrino host model counters, test
 *     a_blocking_wait_makes_the_documented_kernel_calls); a thread's first
 *     blocking wait also makes ChannelCreate + ConnectAttach, and its exit
 *     ConnectDetach + ChannelDestroy. A wait whose word differs makes no
 *     kernel call; a wake makes one MsgSendPulse per woken waiter, none
 *     without waiters. Priority insertion walks the list under the lock:
 *     O(waiters) (FIFO: O(1)).
 *   - Errors: word != expected -> WRT_E_AGAIN; deadline passed ->
 *     WRT_E_TIMEOUT; EAGAIN from ChannelCreate, ConnectAttach, TimerTimeout
 *     or MsgSendPulse (kernel objects, timers or pulse pool exhausted; 6.4
 *     K/ker_timer.c ~409 for TimerTimeout) -> WRT_E_NO_MEMORY; EMFILE from ConnectAttach (the process is at its
 *     RLIMIT_NOFILE: side-channel connections count against it, 6.4
 *     K/ker_connect.c:53) -> WRT_E_LIMIT; it can happen only at a thread's
 *     first blocking wait, holds nothing, and the next wait tries again;
 *     any other failing kernel call -> WRT_E_OS; the errno is in
 *     last_os_error in every case (also a failing SchedGet); EINTR is
 *     retried. The wait list is always left consistent. If a pulse send
 *     fails in wake, that waiter stays in the list (it is not woken), the
 *     waiters woken before it stay woken, and wake reports the error.
 *   - init on a live futex (initialised and not destroyed, whether or not a
 *     thread waits in it) is WRT_E_STATE and changes nothing. The storage
 *     must be zeroed (or destroyed) before the first init: never-zeroed
 *     storage may be refused the same way.
 *   - destroy: must not be called while another thread may still CALL wait
 *     or wake. Threads already inside wait are woken (their nodes marked
 *     destroyed) and return WRT_E_STATE; destroy returns only after every
 *     thread has left wait and wake. Safe on a zeroed or destroyed object.
 */
#ifndef WRT_QNX_SYNC_H
#define WRT_QNX_SYNC_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "wrt/sync.h"
#include "wrt/wait_table.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Wake-pulse priorities (QNX priorities; MsgSendPulse: "priority: the
 * priority of the pulse, or -1 for the priority of the calling thread"). All
 * are within 1..63, the range an unprivileged QNX process may use. The
 * parker's channel is fixed-priority, so none of them changes the priority
 * of any thread (see "Priority" above).
 */
typedef enum {
  WRT_QNX_SYNC_PRIORITY_LOW = 0,  /* pulse priority 5 */
  WRT_QNX_SYNC_PRIORITY_NORMAL,   /* pulse priority 10: QNX's default */
  WRT_QNX_SYNC_PRIORITY_HIGH,     /* pulse priority 21 */
  WRT_QNX_SYNC_PRIORITY_INHERIT   /* -1: the waking thread's priority */
} wrt_qnx_sync_priority;

#define WRT_QNX_PULSE_PRIORITY_LOW 5
#define WRT_QNX_PULSE_PRIORITY_NORMAL 10
#define WRT_QNX_PULSE_PRIORITY_HIGH 21
#define WRT_QNX_PULSE_PRIORITY_INHERIT (-1)

/* The pulse priority a wrt_qnx_sync_priority maps to; 0 for a value out of
 * the enum (0 is never a valid pulse priority here). */
int wrt_qnx_sync_pulse_priority(wrt_qnx_sync_priority p);

/* The order in which wake() picks waiters (see "Wake order" above). */
typedef enum {
  WRT_QNX_WAKE_PRIORITY = 0, /* default: highest priority first, FIFO among equals */
  WRT_QNX_WAKE_FIFO          /* oldest first, priority ignored */
} wrt_qnx_wake_order;

typedef struct wrt_qnx_futex_config {
  wrt_qnx_sync_priority priority; /* default NORMAL */
  uint32_t initial_value;         /* default 0 */
  wrt_qnx_wake_order wake_order;  /* default WRT_QNX_WAKE_PRIORITY */
} wrt_qnx_futex_config_t;

wrt_qnx_futex_config_t wrt_qnx_futex_config_default(void);

typedef struct wrt_qnx_futex_builder {
  wrt_qnx_futex_config_t config;
} wrt_qnx_futex_builder_t;

wrt_qnx_futex_builder_t wrt_qnx_futex_builder_new(void);
wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_priority(wrt_qnx_futex_builder_t b,
                                                            wrt_qnx_sync_priority p);
wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_initial_value(wrt_qnx_futex_builder_t b,
                                                                 uint32_t v);
wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_wake_order(wrt_qnx_futex_builder_t b,
                                                              wrt_qnx_wake_order o);

/* A waiter's node: on the waiting thread's stack while it is in the list. */
typedef struct wrt_qnx_futex_waiter wrt_qnx_futex_waiter_t;

typedef struct wrt_qnx_futex {
  wrt_futex_t base; /* what wrt_qnx_futex_base() hands out; base.value is the word */
  /* errno of the last failing kernel or pthread call; atomic because any
   * waiting or waking thread may fail. */
  _Atomic int last_os_error;
  /* Private below this line. */
  pthread_mutex_t lock;           /* guards head, tail, destroying */
  wrt_qnx_futex_waiter_t *head;   /* wait list, in wake order (next first) */
  wrt_qnx_futex_waiter_t *tail;
  int pulse_priority;             /* from config.priority */
  bool destroying;                /* set by destroy, under lock */
  _Atomic uint32_t inside;        /* threads inside wait/wake (for destroy) */
  _Atomic uint32_t initialised;   /* 1 between init and destroy */
  wrt_qnx_futex_config_t config;
} wrt_qnx_futex_t;

/* Validates cfg (priority and wake_order within their enums) and
 * initialises f. On error f is not initialised and nothing is held.
 * WRT_E_STATE: f is live (see "init on a live futex"). */
wrt_status wrt_qnx_futex_init(wrt_qnx_futex_t *f, const wrt_qnx_futex_config_t *cfg);

/* init with the builder's config. */
wrt_status wrt_qnx_futex_build(const wrt_qnx_futex_builder_t *b, wrt_qnx_futex_t *out);

/* See "destroy" above. Safe on a zeroed or destroyed object. */
void wrt_qnx_futex_destroy(wrt_qnx_futex_t *f);

/* NULL for NULL or an object that is not initialised. */
wrt_futex_t *wrt_qnx_futex_base(wrt_qnx_futex_t *f);

/* errno of the last failing kernel call (0: none); 0 for NULL. */
int wrt_qnx_futex_last_os_error(const wrt_qnx_futex_t *f);

/* Releases the calling thread's parker (its channel and connection) now
 * instead of at thread exit; its next blocking wait makes a new one (2
 * kernel calls). For a thread that will not wait again, and for tests that
 * reset the host model. Cannot be called from inside a wait. */
void wrt_qnx_thread_release(void);

/* The QNX backend of the wait table (wrt/wait_table.h): a default pthread
 * mutex per bucket (priority inheritance by default on QNX) and the same
 * per-thread parker as the futex (see DESIGN); wake pulses are sent at the
 * waking thread's priority and, the channel being fixed-priority, change no
 * thread's priority. Never NULL. */
const wrt_wait_backend_t *wrt_qnx_wait_backend(void);

#ifdef __cplusplus
}
#endif
#endif
