/*
 * wrt/qnx_sync.h - the QNX Neutrino futex (a wrt/sync.h backend on pulses).
 *
 * One concept: wrt_qnx_futex_t, a caller-allocated futex word whose blocked
 * waiters sleep in MsgReceivePulse and are woken by MsgSendPulse. Includes
 * only sync.h, <pthread.h> (POSIX: the wait-list lock) and the C library.
 *
 * DESIGN (details and the proof pointers in src/qnx/qnx_sync.c and
 * verify/qnx_futex.pml):
 *   Every blocking wait gets its OWN private channel and side-channel
 *   connection (created on entry, destroyed on exit) and links a node, on its
 *   stack, into the futex's wait list, kept in wake order: by priority
 *   (default) or FIFO (config wake_order). wake(n) unlinks up to n nodes
 *   from the head of the list and sends one pulse to each node's own channel,
 *   all under the list lock. The pulse therefore always reaches the thread it
 *   was sent for: correctness and wake order never depend on which
 *   receive-blocked thread the kernel picks (undocumented by QNX).
 *   The seed's design (one shared channel and a waiter count) was rejected:
 *   a thread that starts waiting after wake_all() can receive a pulse sent
 *   for an older waiter, which then sleeps on although it was present at the
 *   call (verify/qnx_futex_shared.pml shows the trace).
 *
 * GUARANTEES
 *   - No lost wake-up: a waiter is in the wait list before it re-checks the
 *     word, so a wake that follows any word change the waiter missed finds it.
 *   - Wake order, WRT_QNX_WAKE_PRIORITY (the default): the highest-priority
 *     waiter first, FIFO among waiters of equal priority (by the time each
 *     entered the list), as QNX's own sync objects do. A waiter's priority is
 *     sampled ONCE, with SchedGet(0, 0, ...) when its wait starts to block
 *     (sched_priority: the priority assigned to the thread, "It doesn't
 *     reflect any temporary adjustments due to priority inheritance",
 *     QNX sched_param); a priority change while the thread waits does NOT
 *     move it in the list. A thread woken by a pulse runs at the pulse's
 *     priority (see Priority), so its NEXT wait is sorted at that priority
 *     - tested on the Neutrino host model; that QNX reports this receive-
 *     time change in sched_priority is not stated by the QNX docs.
 *     If SchedGet fails the wait fails with WRT_E_OS (errno in
 *     last_os_error), having blocked on nothing and released its channel:
 *     a waiter is never queued at a guessed priority.
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
 *   - Stale pulses: at most one per waiting thread, on that thread's private
 *     channel, and freed by ChannelDestroy when the wait returns: nothing
 *     outlives a wait call.
 *   - Timeouts: relative, CLOCK_MONOTONIC, converted once to an absolute
 *     deadline; a timed-out wait has lasted at least timeout_ns (the kernel
 *     rounds up to its tick). EINTR retries against the same deadline.
 *   - Priority: the woken thread runs at the pulse's priority (MsgSendPulse
 *     and "Getting Started with QNX Neutrino: What about priorities?") and
 *     keeps it until it changes it: a HIGH futex raises a low-priority
 *     waiter, and - mind this - a LOW or NORMAL futex LOWERS a waiter of
 *     higher priority (a priority-50 thread woken by a NORMAL pulse runs at
 *     10 afterwards, and its next wait is sorted at 10). Give a futex that
 *     high-priority threads wait on a pulse priority at least theirs, or
 *     INHERIT when the waker runs at the waiters' level. INHERIT (-1) sends
 *     at the waking thread's priority. Pulses do
 *     NOT give priority inheritance: a blocked waiter does not raise the
 *     priority of the thread that will wake it. The wait-list lock is a
 *     default pthread mutex (priority inheritance by default on QNX), held
 *     only for list operations and non-blocking pulse sends.
 *   - Cancellation: a wait holds off thread cancellation while it blocks
 *     (its wait node is on its stack and linked into the futex); a pending
 *     cancel acts at the thread's next cancellation point after the wait.
 *   - Cost: a blocking wait makes 4 extra kernel calls (ChannelCreate,
 *     ConnectAttach, ConnectDetach, ChannelDestroy), plus SchedGet in
 *     priority order; a wait whose word differs makes none; a wake with no
 *     waiters makes none. Priority insertion walks the list under the lock:
 *     O(waiters) (FIFO: O(1)).
 *   - Errors: word != expected -> WRT_E_AGAIN; deadline passed ->
 *     WRT_E_TIMEOUT; any failing kernel call -> WRT_E_OS with its errno in
 *     last_os_error (also a failing SchedGet), except EAGAIN from
 *     ChannelCreate, ConnectAttach or
 *     MsgSendPulse (kernel objects or pulse pool exhausted) -> WRT_E_NO_MEMORY;
 *     EINTR is retried. The wait list is always left consistent. If a pulse
 *     send fails in wake, that waiter stays in the list (it is not woken),
 *     the waiters woken before it stay woken, and wake reports the error.
 *     A failed ConnectDetach/ChannelDestroy at the end of a wait (QNX: only
 *     for an id that does not exist) turns the result into WRT_E_OS.
 *   - destroy: must not be called while another thread may still CALL wait
 *     or wake. Threads already inside wait are woken with a "destroyed" pulse
 *     and return WRT_E_STATE; destroy returns only after every thread has
 *     left wait and wake. Safe on a zeroed or destroyed object.
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
 * Pulse priorities (QNX priorities; MsgSendPulse: "priority: the priority of
 * the pulse, or -1 for the priority of the calling thread"). All of them are
 * within 1..63, the range an unprivileged QNX process may use.
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
 * initialises f. On error f is not initialised and nothing is held. */
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
