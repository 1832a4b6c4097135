/*
 * wait_backend.h - the OS side of the wait table (internal; interface A).
 *
 * One concept: what src/core/wait_table.c needs from an OS - a blocking lock
 * per bucket and one parker per thread - as a table of functions, so that
 * core includes no OS header. Backends: src/linux/linux_wait_backend.c
 * (+ linux_parker.c) and src/qnx/qnx_wait_backend.c (+ qnx_parker.c).
 * Includes only wrt/wait_table.h, status.h and the C library.
 *
 * The protocol every backend relies on (and wait_table.c keeps):
 *  - A waiter's node lives on its stack and is linked in a bucket under the
 *    bucket lock. prepare() is called under that lock each time the waiter
 *    is (re)published and gives a fresh token; the node records it.
 *  - A notifier, under the bucket lock, unlinks the node, marks it SENDING
 *    and calls unpark() with the node's token; after a successful unpark it
 *    marks it CHOSEN and touches neither the node nor the parker again. If
 *    unpark fails it marks it WAITING and relinks it.
 *  - A backend whose wake is a system call on an address (Linux: FUTEX_WAKE)
 *    splits it off as kick(): unpark() then only marks the parker (it can
 *    end a park that has not yet slept), and the notifier kicks the parker
 *    after marking the node CHOSEN, when the waiter may have returned. So
 *    the woken thread does not wait for its waker to leave the system call
 *    (issue 11: it runs on another CPU while FUTEX_WAKE is still returning,
 *    or preempts its waker on the same CPU).
 *  - The waiter leaves only after it has seen its node CHOSEN (after its
 *    park ended, no lock needed) or, under the bucket lock, seen it chosen
 *    or unlinked it itself. So while a notifier is inside unpark() the
 *    waiter and its parker exist, whatever ended the park (a forged or
 *    early wake included). A wake of an old token can only find a park
 *    that has a newer token: backends must ignore it.
 */
#ifndef WRT_CORE_WAIT_BACKEND_H
#define WRT_CORE_WAIT_BACKEND_H

#include <stdint.h>

#include "wrt/status.h"
#include "wrt/wait_table.h"

typedef struct wrt_parker wrt_parker_t; /* backend-defined, one per thread */

struct wrt_wait_backend {
  /* Makes a lock in l (unlocked). On failure l holds no resource. */
  wrt_status (*lock_init)(wrt_wait_lock_t *l);
  /* Releases l's resources; l is unlocked and no thread uses it. */
  void (*lock_destroy)(wrt_wait_lock_t *l);
  /* Blocks until l is held. On failure l is not held. */
  wrt_status (*lock)(wrt_wait_lock_t *l);
  /* Releases l. Must release it even when it reports a failure (e.g. the
   * wake of a thread queued on the lock failed); the table passes the
   * status on. */
  wrt_status (*unlock)(wrt_wait_lock_t *l);
  /* The calling thread's parker, made at its first call (QNX: a private
   * channel and side-channel connection, released at thread exit by a
   * pthread key destructor). *os_error: errno of a failed OS call, else
   * left alone. */
  wrt_status (*self)(wrt_parker_t **out, int *os_error);
  /* Owner thread only, under the bucket lock: opens a new park and returns
   * its token (never 0). Any earlier token of p becomes stale. */
  uint32_t (*prepare)(wrt_parker_t *p);
  /* Owner thread only: sleeps until unpark(p, token) of THIS token, or the
   * absolute CLOCK_MONOTONIC deadline in ns (UINT64_MAX: none). WRT_OK
   * when a wake of this token arrived (QNX: a pulse, which may be forged;
   * the table does not trust it, see above); an early return for any
   * other reason is WRT_E_AGAIN (the
   * caller re-checks its node under the bucket lock and parks again with a
   * fresh token). WRT_E_TIMEOUT once the deadline has passed. Stale or
   * forged wakes are ignored. */
  wrt_status (*park)(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns, int *os_error);
  /* Any thread, under the bucket lock that links the waiter: wakes the park
   * that has this token (where the backend has a kick: ends it if it has
   * not slept yet, and kick wakes it if it has); a stale token is harmless
   * (WRT_OK, nothing done).
   * Must not touch p after the point where the park can end. On failure
   * the park may or may not have ended (the table settles that with the
   * node's state), and a later unpark of the same token must still wake a
   * park that did not end (the table relinks the waiter and retries on the
   * next notify). */
  wrt_status (*unpark)(wrt_parker_t *p, uint32_t token, int *os_error);
  /* Optional (NULL: unpark wakes the thread itself). Any thread, after a
   * successful unpark(p, token) and the node's CHOSEN, with or without the
   * bucket lock: wakes p's thread if it sleeps in the park that unpark
   * ended. p's thread may have returned by now, and p may be freed or
   * reused: kick must not read or write *p, only name its address to the
   * OS, and a wake it gives to whatever sleeps there later must be one
   * that sleeper tolerates as spurious (park does: it re-checks). Cannot
   * fail for a parker that self() returned; a failure (*os_error set) is
   * reported by notify, and the waiter, already counted, then wakes only
   * by its deadline. */
  wrt_status (*kick)(wrt_parker_t *p, int *os_error);
  /* CLOCK_MONOTONIC in ns; saturates instead of wrapping. */
  uint64_t (*now_ns)(void);
};

#endif
