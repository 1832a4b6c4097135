/*
 * wrt/mutex.h - a mutex over any wrt_futex_t.
 *
 * One concept: wrt_mutex_t, the three-state futex mutex of U. Drepper,
 * "Futexes Are Tricky" (mutex 3): the word is 0 unlocked, 1 locked with no
 * waiter, 2 locked and maybe contended. An uncontended lock and unlock are
 * one atomic each and never enter the futex backend; unlock calls the
 * backend's wake only when the word said 2. Before sleeping, lock spins a
 * bounded while, reading only, in case the holder is about to release
 * (wrt_mutex_set_spin, WRT_MUTEX_SPIN_PAUSES); it marks the word 2 only just
 * before it sleeps, and spins again after each wake. Includes only sync.h,
 * status.h and the C library.
 *
 * What it gives: mutual exclusion between threads of one process, with
 * acquire/release ordering (seq_cst atomics on the futex word); timed lock
 * bounded by one deadline over all retries; no allocation; caller-allocated.
 *
 * What it does not give:
 *  - no bounded wait: a thread that keeps losing the race for a freed lock
 *    to spinning threads waits on; `wrtp bench` measures the worst thread's
 *    share and the p99.99 wait, it does not promise them.
 *  - no owner: the mutex does not know which thread holds it, so it is not
 *    recursive, unlock from another thread is not detected (it unlocks),
 *    and relocking from the holder deadlocks (or times out).
 *  - no fairness: a thread arriving while the lock is free may take it
 *    before a woken waiter.
 *  - on QNX (wrt_qnx_futex, channels and pulses): NO priority inheritance.
 *    A waiter blocked on the pulse does not lend its priority to the holder,
 *    so unbounded priority inversion is possible when a high-priority thread
 *    waits while a medium one preempts the low-priority holder. What the QNX
 *    futex's priority setting does is give the wake pulse a priority, which
 *    the receiving (woken) thread runs at: it boosts the woken waiter, not the
 *    holder. Use a POSIX pthread mutex (which has PTHREAD_PRIO_INHERIT on
 *    QNX) where inheritance is required.
 */
#ifndef WRT_MUTEX_H
#define WRT_MUTEX_H

#include <stddef.h> /* NULL, used by sync.h's inline functions */
#include <stdint.h>

#include "wrt/status.h"
#include "wrt/sync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default spin budget before a contended lock sleeps in the futex, in CPU
 * pause hints on x86 (reads spaced by 1, 2, 4, 8, then 16 pauses; ~20 ns a
 * pause on the development host, 2 vCPUs of an AMD EPYC VM, so ~2.5 us), and
 * in units of 20 ns of the generic timer on aarch64 Linux (where `yield` is
 * nearly a no-op and a count of them would mean little). On aarch64 QNX it
 * is a count of `isb` pauses until EL0 access to the timer there is shown
 * (open; -DWRT_MUTEX_SPIN_COUNT_PAUSES forces the count on Linux too).
 * Why this size: a sleep costs a futex wait and, for the holder, a wake
 * system call; spinning a little longer than a typical hold avoids both.
 * The figures behind it (contended throughput vs pthread_mutex at 2/4/8
 * threads, futex calls per 1000 locks, p99.99 wait, fairness) are printed
 * by `wrtp bench`; the README gives the last quiet run. The QNX futex's
 * wait is far more expensive (a channel and connection per wait, a pulse
 * per wake), so a mutex over it may want a larger budget: see
 * wrt_mutex_set_spin. Override the default at build time with
 * -DWRT_MUTEX_SPIN_PAUSES=n. */
#ifndef WRT_MUTEX_SPIN_PAUSES
#define WRT_MUTEX_SPIN_PAUSES 128u
#endif

typedef struct wrt_mutex {
  wrt_futex_t *futex; /* the word lives in the futex; NULL: not initialised */
  uint32_t spin;      /* spin budget, see WRT_MUTEX_SPIN_PAUSES */
} wrt_mutex_t;

/* Binds m to futex and sets the word to 0 (unlocked), with the default spin
 * budget WRT_MUTEX_SPIN_PAUSES. No thread may use the futex for anything
 * else while the mutex lives. INVALID_ARG on NULL or a futex without ops. */
wrt_status wrt_mutex_init(wrt_mutex_t *m, wrt_futex_t *futex);

/* Sets the spin budget (units as WRT_MUTEX_SPIN_PAUSES; 0: sleep at once)
 * of an initialised mutex that no thread is using. Worth raising where a
 * futex wait costs much more than on the Linux futex (the QNX one), or on
 * many cores where threads never outnumber them. INVALID_ARG if m is not
 * initialised. */
wrt_status wrt_mutex_set_spin(wrt_mutex_t *m, uint32_t pauses);

/* true when m is bound to a futex that still has its ops (initialised and
 * not destroyed since: the futex backends clear the ops on destroy); false
 * for NULL. What every call below checks first. */
bool wrt_mutex_is_initialised(const wrt_mutex_t *m);

/* Blocks until m is held. INVALID_ARG on NULL or an uninitialised mutex;
 * another status only if the futex backend fails (its status is returned and
 * the mutex is not held; the word may be left at 2, which costs one spare
 * wake later and nothing else). */
wrt_status wrt_mutex_lock(wrt_mutex_t *m);

/* Takes m if it is free now: WRT_OK, else WRT_E_AGAIN. Never blocks. */
wrt_status wrt_mutex_trylock(wrt_mutex_t *m);

/* As wrt_mutex_lock but gives up with WRT_E_TIMEOUT once timeout_ns
 * (relative, monotonic) has passed in total, however many times the wait is
 * retried. 0: a trylock that reports WRT_E_TIMEOUT; WRT_WAIT_FOREVER: lock. */
wrt_status wrt_mutex_lock_timeout(wrt_mutex_t *m, uint64_t timeout_ns);

/* Releases m; wakes one waiter when the word said contended. WRT_E_STATE if
 * m is not locked (the word is left at 0). If the backend's wake fails (on
 * QNX: MsgSendPulse out of pulse objects, EAGAIN -> WRT_E_NO_MEMORY), m is
 * released but the sleeping waiters were not woken: they wake at their
 * timeout, or when a later unlock finds the word contended. Untimed waiters
 * may stay asleep; treat the status as a fault of the system, not a retry. */
wrt_status wrt_mutex_unlock(wrt_mutex_t *m);

#ifdef __cplusplus
}
#endif
#endif
