/*
 * src/qnx/qnx_sync.c - the QNX Neutrino futex: wait/wake on channels and pulses.
 *
 * Real QNX code: includes only QNX and POSIX headers (<sys/neutrino.h>,
 * <pthread.h>, <sched.h>, <errno.h>, <time.h>, <stdatomic.h>) and compiles
 * unchanged on a Linux host against sim/neutrino/include (the Neutrino host model).
 *
 * Every waiting thread sleeps on its own per-thread parker (qnx_parker.c: a
 * private, fixed-priority channel and a side-channel connection, made at
 * the thread's first blocking wait and released at thread exit).
 *
 * Protocol (each step is labelled [Wn]/[Kn]/[Dn]; verify/qnx_parker.pml has
 * the same labels on the matching Promela statements):
 *   wait:  [W1] word != expected -> AGAIN, no kernel call
 *          [W2] the thread's parker (kernel calls only at its first wait)
 *          [W3] (priority order only) sample our priority with SchedGet
 *               (a failure -> OS: never queued at a guess); then under the
 *               lock: take a fresh park token, insert our stack node in wake
 *               order - priority: after every node of higher or equal
 *               priority (highest first, FIFO among equals); FIFO: at the
 *               tail - THEN re-check the word (a wake after this point
 *               finds the node)
 *          [W4] park: TimerTimeout (absolute deadline, re-armed before every
 *               receive) + MsgReceivePulse on our channel; pulses other than
 *               WAKE(our token) are dropped and the park goes on
 *          [W5] whatever ended the park, read our node under the lock:
 *               WOKEN -> OK, DESTROYED -> STATE (the waker unlinked us and
 *               sent our pulse under that lock); still WAITING after a
 *               right-token pulse (forged) -> [W4] again, unless the
 *               deadline has passed (then [W6] as a timeout)
 *          [W6] still WAITING after a timeout or error: unlink, report it
 *   wake:  [K1] under the lock, for up to n nodes from the head: unlink,
 *               mark WOKEN, MsgSendPulse WAKE(node's token) to the node's
 *               parker (never touch the node after a successful send: its
 *               thread may return once it holds the lock); a failed send
 *               re-links the node at the head, WAITING, and stops.
 *   destroy: [D1] under the lock: set destroying, unlink every node, mark it
 *               DESTROYED and send it WAKE(token); [D2] wait until no thread
 *               is inside wait/wake; [D3] destroy the lock, clear the object.
 * Security (issue "a QNX wait ends because the futex says so"): a pulse
 * never decides a return value; only the node state does, under the lock.
 * A forged or stale pulse costs the waiter one receive, nothing more, and a
 * timed waiter still leaves by its deadline with its node unlinked.
 * Why the lock covers the sends: a waiter that leaves (and whose thread may
 * then exit and release its parker) must first take the lock, so a send
 * never targets a released connection id that the process has since reused.
 * A wake whose waiter had already timed out leaves at most one stale pulse
 * on that thread's channel; its next park drops it (wrong token).
 * Wake ORDER is a property of where [W3] inserts; verify/qnx_parker.pml
 * inserts at a nondeterministic position, so what it proves (no lost
 * wake-up, exact wake_all, no return without state, no node left linked)
 * holds for priority and FIFO order alike. The order itself is tested on
 * the Neutrino host model (tests/qnx_sync/test_qnx_futex.c).
 */
/* Strict -std=c11 hides clock_gettime, nanosleep, CLOCK_MONOTONIC and
 * <sys/neutrino.h>; _QNX_SOURCE shows them ("Conforming to standards", QNX
 * 7.1 Programmer's Guide). Must precede every include. */
#define _QNX_SOURCE 1
#include "wrt/qnx_sync.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/neutrino.h>
#include <time.h>

#include "qnx_parker.h"

/* The pause between retries of destroy and of an (impossible) lock failure. */
#define WRT_QNX_RETRY_PAUSE_NS 1000000L

enum qnx_waiter_state { WAITER_WAITING = 0, WAITER_WOKEN, WAITER_DESTROYED };

struct wrt_qnx_futex_waiter {
  struct wrt_qnx_futex_waiter *next;
  wrt_parker_t *parker; /* the waiting thread's parker */
  uint32_t token;       /* this wait's park token (wrt_qnx_parker_prepare) */
  enum qnx_waiter_state state; /* read and written under the futex lock only */
  int priority;         /* sampled at [W3] (priority order; 0 in FIFO order) */
};

int wrt_qnx_sync_pulse_priority(wrt_qnx_sync_priority p) {
  switch (p) {
  case WRT_QNX_SYNC_PRIORITY_LOW: return WRT_QNX_PULSE_PRIORITY_LOW;
  case WRT_QNX_SYNC_PRIORITY_NORMAL: return WRT_QNX_PULSE_PRIORITY_NORMAL;
  case WRT_QNX_SYNC_PRIORITY_HIGH: return WRT_QNX_PULSE_PRIORITY_HIGH;
  case WRT_QNX_SYNC_PRIORITY_INHERIT: return WRT_QNX_PULSE_PRIORITY_INHERIT;
  default: return 0;
  }
}

wrt_qnx_futex_config_t wrt_qnx_futex_config_default(void) {
  wrt_qnx_futex_config_t c;
  c.priority = WRT_QNX_SYNC_PRIORITY_NORMAL;
  c.initial_value = 0u;
  c.wake_order = WRT_QNX_WAKE_PRIORITY;
  return c;
}

wrt_qnx_futex_builder_t wrt_qnx_futex_builder_new(void) {
  wrt_qnx_futex_builder_t b;
  b.config = wrt_qnx_futex_config_default();
  return b;
}

wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_priority(wrt_qnx_futex_builder_t b,
                                                            wrt_qnx_sync_priority p) {
  b.config.priority = p; /* validated by build */
  return b;
}

wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_initial_value(wrt_qnx_futex_builder_t b,
                                                                 uint32_t v) {
  b.config.initial_value = v;
  return b;
}

wrt_qnx_futex_builder_t wrt_qnx_futex_builder_with_wake_order(wrt_qnx_futex_builder_t b,
                                                              wrt_qnx_wake_order o) {
  b.config.wake_order = o; /* validated by build */
  return b;
}

static void set_os_error(wrt_qnx_futex_t *f, int err) {
  atomic_store(&f->last_os_error, err);
}

_Static_assert(offsetof(wrt_qnx_futex_t, base) == (size_t)0, "from_base() needs base first");

static wrt_qnx_futex_t *from_base(wrt_futex_t *self) {
  return (wrt_qnx_futex_t *)(void *)self;
}

static void list_append(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  n->next = NULL;
  if (f->tail != NULL) {
    f->tail->next = n;
  } else {
    f->head = n;
  }
  f->tail = n;
}

/* [W3] priority order: behind every node of higher or equal priority, so
 * the highest priority is at the head and equals keep their arrival order. */
static void list_insert_by_priority(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  wrt_qnx_futex_waiter_t *prev = NULL;
  wrt_qnx_futex_waiter_t *it = f->head;
  while (it != NULL && it->priority >= n->priority) {
    prev = it;
    it = it->next;
  }
  n->next = it;
  if (prev != NULL) {
    prev->next = n;
  } else {
    f->head = n;
  }
  if (it == NULL) {
    f->tail = n;
  }
}

static void list_push_front(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  n->next = f->head;
  f->head = n;
  if (f->tail == NULL) {
    f->tail = n;
  }
}

static wrt_qnx_futex_waiter_t *list_pop_front(wrt_qnx_futex_t *f) {
  wrt_qnx_futex_waiter_t *n = f->head;
  if (n != NULL) {
    f->head = n->next;
    if (f->head == NULL) {
      f->tail = NULL;
    }
    n->next = NULL;
  }
  return n;
}

static void list_remove(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  wrt_qnx_futex_waiter_t *prev = NULL;
  for (wrt_qnx_futex_waiter_t *it = f->head; it != NULL; prev = it, it = it->next) {
    if (it == n) {
      if (prev != NULL) {
        prev->next = n->next;
      } else {
        f->head = n->next;
      }
      if (f->tail == n) {
        f->tail = prev;
      }
      n->next = NULL;
      return;
    }
  }
}

/* Takes the futex lock where the caller's node may be linked: this frame
 * must not return before the node is unlinked, so a failing lock
 * (impossible for a valid default mutex) is retried rather than reported. */
static void lock_must(wrt_qnx_futex_t *f) {
  int perr;
  while ((perr = pthread_mutex_lock(&f->lock)) != 0) {
    set_os_error(f, perr);
    struct timespec pause = {0, WRT_QNX_RETRY_PAUSE_NS};
    (void)nanosleep(&pause, NULL);
  }
}

/* Under the lock: wakes node n (already unlinked) by its parker, having
 * marked it with state. On a failed send the node is put back at the head,
 * which is where it was (the list cannot change while the lock is held),
 * and left WAITING: it was not woken. n's fields are read BEFORE the state
 * is set, and n is never touched after a successful send (its thread may
 * return as soon as it holds the lock). */
static wrt_status wake_node(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n,
                            enum qnx_waiter_state state) {
  wrt_parker_t *p = n->parker;
  uint32_t token = n->token;
  n->state = state;
  int err = 0;
  wrt_status st = wrt_qnx_parker_unpark(p, token, f->pulse_priority, &err);
  if (st != WRT_OK) {
    n->state = WAITER_WAITING;
    list_push_front(f, n);
    set_os_error(f, err);
  }
  return st;
}

static wrt_status wait_blocking(wrt_qnx_futex_t *f, uint32_t expected, uint64_t timeout_ns);

static wrt_status qnx_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  wrt_qnx_futex_t *f = from_base(self);
  if (atomic_load(&f->initialised) != 1u) {
    return WRT_E_STATE;
  }
  /* [W1] */
  if (atomic_load(&f->base.value) != expected) {
    return WRT_E_AGAIN;
  }
  if (timeout_ns == 0u) {
    return WRT_E_TIMEOUT;
  }
  /* The wait node lives on this thread's stack and is linked into the
   * futex while the thread blocks in MsgReceivePulse, a cancellation point
   * (pthread_cancel; MsgReceive*). Cancelling there would unwind the frame
   * with the node still linked, so cancellation is held off for the wait
   * and acted on at the caller's next cancellation point
   * (pthread_setcancelstate, POSIX). */
  int cancel_state;
  (void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  atomic_fetch_add(&f->inside, 1u);
  wrt_status st = wait_blocking(f, expected, timeout_ns);
  /* The last access to *f: destroy may free it once inside reaches 0. */
  atomic_fetch_sub(&f->inside, 1u);
  (void)pthread_setcancelstate(cancel_state, &cancel_state);
  return st;
}

/* [W2]..[W6]: the part of a wait that blocks. */
static wrt_status wait_blocking(wrt_qnx_futex_t *f, uint32_t expected, uint64_t timeout_ns) {
  /* Absolute monotonic deadline taken before any work, so a timed-out wait
   * lasts at least timeout_ns. */
  const uint64_t deadline = wrt_qnx_parker_deadline(timeout_ns);

  /* [W2] */
  wrt_parker_t *parker = NULL;
  int err = 0;
  wrt_status st = wrt_qnx_parker_self(&parker, &err);
  if (st != WRT_OK) {
    set_os_error(f, err);
    return st;
  }

  wrt_qnx_futex_waiter_t node;
  node.next = NULL;
  node.parker = parker;
  node.token = 0u;
  node.state = WAITER_WAITING;
  node.priority = 0;

  /* [W3] SchedGet (QNX library reference): "If pid and tid are zero, then
   * the calling thread is used"; -1 + errno on error; fills param.
   * sched_priority is the thread's assigned priority (sched_param: not
   * "temporary adjustments due to priority inheritance"). What QNX 8.0's
   * split of real and effective priority makes SchedGet report while a
   * mutex boosts the thread is not documented: either value orders the
   * list; no guarantee below depends on which (qnx_sync.h). Sampled once:
   * a later change does not re-sort the list. A failure fails the wait
   * rather than queue the thread at a guessed priority. */
  const bool by_priority = f->config.wake_order == WRT_QNX_WAKE_PRIORITY;
  if (by_priority) {
    struct sched_param sp;
    if (SchedGet(0, 0, &sp) == -1) {
      set_os_error(f, errno);
      return WRT_E_OS;
    }
    node.priority = sp.sched_priority;
  }
  int perr = pthread_mutex_lock(&f->lock);
  if (perr != 0) {
    set_os_error(f, perr);
    return WRT_E_OS;
  }
  if (f->destroying) {
    (void)pthread_mutex_unlock(&f->lock);
    return WRT_E_STATE;
  }
  node.token = wrt_qnx_parker_prepare(parker);
  if (by_priority) {
    list_insert_by_priority(f, &node);
  } else {
    list_append(f, &node);
  }
  if (atomic_load(&f->base.value) != expected) {
    list_remove(f, &node);
    (void)pthread_mutex_unlock(&f->lock);
    return WRT_E_AGAIN;
  }
  (void)pthread_mutex_unlock(&f->lock);

  for (;;) {
    /* [W4] Only a WAKE pulse with this wait's token ends a park early;
     * every other pulse is dropped inside the parker. */
    err = 0;
    st = wrt_qnx_parker_park(parker, node.token, deadline, &err);
    /* [W5] The node state, read under the lock, decides - never the pulse:
     * a forged pulse that carries the right token finds us WAITING and we
     * park again with the same token. */
    lock_must(f);
    if (node.state != WAITER_WAITING) {
      /* The waker unlinked us and sent our pulse under this lock. */
      st = node.state == WAITER_WOKEN ? WRT_OK : WRT_E_STATE;
      (void)pthread_mutex_unlock(&f->lock);
      return st;
    }
    if (st == WRT_OK && deadline != WRT_QNX_PARKER_FOREVER &&
        wrt_qnx_parker_now_ns() >= deadline) {
      /* A right-token pulse that no wake sent (forged). MsgReceivePulse
       * takes a queued pulse before it looks at the timeout, so without
       * this clock check a forger keeping one queued would hold a timed
       * wait past its deadline for as long as it kept sending. */
      st = WRT_E_TIMEOUT;
    }
    if (st != WRT_OK) {
      /* [W6] timeout or a failed kernel call: unlink ourselves. */
      list_remove(f, &node);
      if (st != WRT_E_TIMEOUT) {
        set_os_error(f, err);
      }
      (void)pthread_mutex_unlock(&f->lock);
      return st;
    }
    (void)pthread_mutex_unlock(&f->lock);
  }
}

static wrt_status qnx_wake(wrt_futex_t *self, uint32_t count) {
  wrt_qnx_futex_t *f = from_base(self);
  if (count == 0u) {
    return WRT_E_INVALID_ARG;
  }
  if (atomic_load(&f->initialised) != 1u) {
    return WRT_E_STATE;
  }
  atomic_fetch_add(&f->inside, 1u);
  wrt_status result = WRT_OK;
  int perr = pthread_mutex_lock(&f->lock);
  if (perr != 0) {
    set_os_error(f, perr);
    atomic_fetch_sub(&f->inside, 1u);
    return WRT_E_OS;
  }
  if (f->destroying) {
    result = WRT_E_STATE;
  } else {
    /* [K1] */
    for (uint32_t woken = 0u; woken < count && f->head != NULL; ++woken) {
      result = wake_node(f, list_pop_front(f), WAITER_WOKEN);
      if (result != WRT_OK) {
        break;
      }
    }
  }
  (void)pthread_mutex_unlock(&f->lock);
  atomic_fetch_sub(&f->inside, 1u);
  return result;
}

static const wrt_futex_ops_t qnx_futex_ops = {qnx_wait, qnx_wake};

wrt_status wrt_qnx_futex_init(wrt_qnx_futex_t *f, const wrt_qnx_futex_config_t *cfg) {
  if (f == NULL || cfg == NULL) {
    return WRT_E_INVALID_ARG;
  }
  /* A live futex (initialised, not destroyed: threads may wait in it) is
   * refused: re-init would drop its wait list and reset the inside count,
   * stranding the waiters and making a later destroy spin forever. */
  if (f->base.ops == &qnx_futex_ops && atomic_load(&f->initialised) == 1u) {
    return WRT_E_STATE;
  }
  int prio = wrt_qnx_sync_pulse_priority(cfg->priority);
  if (prio == 0) {
    return WRT_E_INVALID_ARG;
  }
  if (cfg->wake_order != WRT_QNX_WAKE_PRIORITY && cfg->wake_order != WRT_QNX_WAKE_FIFO) {
    return WRT_E_INVALID_ARG;
  }
  /* The only thing init acquires; channels are per thread (qnx_parker.c). */
  int perr = pthread_mutex_init(&f->lock, NULL);
  if (perr != 0) {
    set_os_error(f, perr);
    return perr == EAGAIN || perr == ENOMEM ? WRT_E_NO_MEMORY : WRT_E_OS;
  }
  f->head = NULL;
  f->tail = NULL;
  f->pulse_priority = prio;
  f->destroying = false;
  f->config = *cfg;
  atomic_store(&f->last_os_error, 0);
  atomic_store(&f->inside, 0u);
  atomic_store(&f->base.value, cfg->initial_value);
  f->base.ops = &qnx_futex_ops;
  atomic_store(&f->initialised, 1u);
  return WRT_OK;
}

wrt_status wrt_qnx_futex_build(const wrt_qnx_futex_builder_t *b, wrt_qnx_futex_t *out) {
  if (b == NULL || out == NULL) {
    return WRT_E_INVALID_ARG;
  }
  return wrt_qnx_futex_init(out, &b->config);
}

void wrt_qnx_futex_destroy(wrt_qnx_futex_t *f) {
  if (f == NULL || atomic_load(&f->initialised) != 1u) {
    return;
  }
  struct timespec poll = {0, WRT_QNX_RETRY_PAUSE_NS};
  /* [D1] */
  for (;;) {
    lock_must(f);
    f->destroying = true;
    wrt_status st = WRT_OK;
    while (st == WRT_OK && f->head != NULL) {
      st = wake_node(f, list_pop_front(f), WAITER_DESTROYED);
    }
    (void)pthread_mutex_unlock(&f->lock);
    if (st == WRT_OK) {
      break;
    }
    /* A send fails only while the pulse pool is exhausted (MsgSendPulse,
     * EAGAIN): a waiter must not be left blocked forever, so retry. */
    (void)nanosleep(&poll, NULL);
  }
  /* [D2] Threads woken in [D1] still touch *f until they leave. */
  while (atomic_load(&f->inside) != 0u) {
    (void)nanosleep(&poll, NULL);
  }
  /* [D3] */
  (void)pthread_mutex_destroy(&f->lock);
  f->base.ops = NULL;
  f->head = NULL;
  f->tail = NULL;
  atomic_store(&f->initialised, 0u);
}

wrt_futex_t *wrt_qnx_futex_base(wrt_qnx_futex_t *f) {
  if (f == NULL || atomic_load(&f->initialised) != 1u) {
    return NULL;
  }
  return &f->base;
}

int wrt_qnx_futex_last_os_error(const wrt_qnx_futex_t *f) {
  if (f == NULL) {
    return 0;
  }
  return atomic_load(&f->last_os_error);
}

void wrt_qnx_thread_release(void) { wrt_qnx_parker_release_self(); }
