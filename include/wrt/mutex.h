/*
 * wrt/mutex.h - a mutex over any wrt_futex_t.
 *
 * One concept: wrt_mutex_t, the three-state futex mutex of U. Drepper,
 * "Futexes Are Tricky" (mutex 3), with a handoff request. The word's low
 * two bits are 0 unlocked, 1 locked with no waiter, 2 locked and maybe
 * contended; bits 2-6 count passes, bit 7 marks a thread parked on the free
 * word, bits 8-31 count the waiters that asked (see "The bound"). An
 * uncontended lock and unlock are one atomic each and never enter the futex
 * backend; unlock calls the backend's wake only when the word said 2. A
 * contended lock spins first, reading only and ever more sparsely (each
 * read costs the holder a cache miss). A waiter that has spun ~1 us of x86
 * pauses on the development host while another thread held the lock, or
 * that was woken from the futex, asks for the lock: it registers in the
 * word until it takes the lock or gives up, and a freed lock then goes to a
 * thread that asked, not to the holder coming back; so a holder keeps the
 * lock (and its cache line) for a bounded run. A thread that finds the lock
 * free but asked for (typically the displaced holder) starts its wait at
 * the sparsest polling, to leave the new holder its line, and after that
 * first step (~2.5 us) may take the lock past the askers, at most
 * WRT_MUTEX_BYPASS_MAX times in a row (for when the askers are asleep and
 * slow to run); then it waits for them, and after ~5 us parks in the futex
 * (the asker that takes the lock then takes it as 2, so its unlock wakes
 * the parked). After the spin budget (wrt_mutex_set_spin,
 * WRT_MUTEX_SPIN_PAUSES) a waiter marks the word 2 and sleeps; woken, it
 * spins again. Includes only sync.h, status.h and the C library.
 *
 * The bound (what a caller may rely on): once a waiter in lock or
 * lock_timeout has asked (as above: ~1 us spent while another thread
 * held the lock, or woken from the futex once), at most
 * WRT_MUTEX_BYPASS_MAX acquisitions in a row (by lock, lock_timeout or
 * trylock) go to threads that have not asked; the next goes to a thread
 * that has. So the lock goes to an asking waiter within
 * WRT_MUTEX_BYPASS_MAX + 1 releases after the request, whether the askers
 * spin or sleep, and however fast a releasing thread comes back. The bound
 * counts releases, not time: how long those critical sections last is the
 * holders' business, and how soon a woken asker runs is the scheduler's
 * (with pulses at a priority, QNX's: see below). An asker that gives up
 * (timeout, backend error) leaves the count of askers; the others stay.
 * Model-checked (verify/mutex.pml, with a mutant that breaks it); the
 * requirement is MTX-009.
 *
 * What it gives: mutual exclusion between threads of one process, with
 * acquire/release ordering (seq_cst atomics on the futex word); timed lock
 * bounded by one deadline over all retries; no allocation; caller-allocated.
 *
 * What it does not give:
 *  - no bounded wait for a given thread, no FIFO: the bound above is on
 *    the threads that have not asked; the waiters that asked race among
 *    themselves for a handed-off lock (with N of them, one may lose to the
 *    other N-1 each time), and a thread arriving while the lock is free
 *    and nobody asked may take it before a woken waiter (which then asks).
 *    `wrtp bench` measures the worst thread's share and the p99.99 wait,
 *    it does not promise them.
 *  - no owner: the mutex does not know which thread holds it, so it is not
 *    recursive, unlock from another thread is not detected (it unlocks),
 *    and relocking from the holder deadlocks (or times out).
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
 * pause hints on x86 (~19 ns a pause on the development host, 2 vCPUs of an
 * AMD EPYC VM, so ~20 us), and in units of 20 ns of the generic timer on
 * aarch64 Linux (where `yield` is nearly a no-op and a count of them would
 * mean little). On aarch64 QNX it is a count of `isb` pauses until EL0
 * access to the timer there is shown (open; -DWRT_MUTEX_SPIN_COUNT_PAUSES
 * forces the count on Linux too). Why this size: it must outlast the ~1 us
 * after which a waiter asks for the lock, plus the handoff; a sleep costs a
 * futex wait and, for the holder, a wake system call per unlock until the
 * sleeper is back, which under contention costs more than the spin (with
 * 128, waiters slept a few times per 1000 locks and contended throughput
 * fell below pthread's). It should not much outlast a sleep and wake
 * either: with more threads than CPUs a spinning waiter may be keeping a
 * preempted holder off its CPU, and the p99.99 wait followed the budget
 * (4 threads on 2 vCPUs: ~82 us with 4096, ~340 us with 16384, 45-61 us
 * with 1024, pthread's 53-70 us; scratch runs, same bench). A thread that
 * holds the lock for longer than the budget lets its waiters sleep. The
 * figures (contended throughput vs pthread_mutex at 2/4/8 threads, futex
 * calls per 1000 locks, p99.99 wait, fairness) are printed by `wrtp bench`;
 * the README gives the last quiet run. Set per mutex with
 * wrt_mutex_set_spin, or at build time with -DWRT_MUTEX_SPIN_PAUSES=n. */
#ifndef WRT_MUTEX_SPIN_PAUSES
#define WRT_MUTEX_SPIN_PAUSES 1024u
#endif

/* The bound above: how many acquisitions in a row may pass the waiters that
 * asked for the lock (0..31; 0: none, a strict handoff, which makes a
 * releasing thread wait for a woken asker to run each time the askers
 * sleep). Why 4: passing lets the lock work on while a woken asker is
 * still on its way to a CPU (a futex wake and a reschedule, tens of us on
 * the development host, a timeslice when threads outnumber CPUs); more
 * passes buy little once an asker spins, and each one is a release more
 * that the askers wait. Set at build time with -DWRT_MUTEX_BYPASS_MAX=n
 * (the same value for the library and its callers). */
#ifndef WRT_MUTEX_BYPASS_MAX
#define WRT_MUTEX_BYPASS_MAX 4u
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
 * wake later and nothing else; this thread's request, if it asked, is
 * withdrawn). */
wrt_status wrt_mutex_lock(wrt_mutex_t *m);

/* Takes m if no thread holds it now: WRT_OK, else WRT_E_AGAIN. Never
 * blocks. When waiters have asked for the lock, it counts as a pass of
 * them (the bound above): it takes a free lock while fewer than
 * WRT_MUTEX_BYPASS_MAX takes in a row have passed them, and reports
 * WRT_E_AGAIN on a free lock once that many have, until an asker took it. */
wrt_status wrt_mutex_trylock(wrt_mutex_t *m);

/* As wrt_mutex_lock but gives up with WRT_E_TIMEOUT once timeout_ns
 * (relative, monotonic) has passed in total, however many times the wait is
 * retried (a spinning waiter looks at the clock between reads, so the
 * overrun is a few microseconds, plus the backend's wake-up latency when it
 * slept). 0: a trylock that reports WRT_E_TIMEOUT; WRT_WAIT_FOREVER: lock. */
wrt_status wrt_mutex_lock_timeout(wrt_mutex_t *m, uint64_t timeout_ns);

/* Releases m (the waiters' requests stay); wakes one waiter when
 * the word said contended. WRT_E_STATE if m is not locked (the word is left
 * as it was). If the backend's wake fails (on
 * QNX: MsgSendPulse out of pulse objects, EAGAIN -> WRT_E_NO_MEMORY), m is
 * released but the sleeping waiters were not woken: they wake at their
 * timeout, or when a later unlock finds the word contended. Untimed waiters
 * may stay asleep; treat the status as a fault of the system, not a retry. */
wrt_status wrt_mutex_unlock(wrt_mutex_t *m);

#ifdef __cplusplus
}
#endif
#endif
