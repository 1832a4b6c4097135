/*
 * src/qnx/qnx_sync.c - the QNX Neutrino futex: wait/wake on channels and pulses.
 *
 * Real QNX code: includes only QNX and POSIX headers (<sys/neutrino.h>,
 * <pthread.h>, <sched.h>, <errno.h>, <time.h>, <stdatomic.h>) and compiles
 * unchanged on a Linux host against sim/neutrino/include (the Neutrino host model).
 *
 * Protocol (each step is labelled [Wn]/[Kn]/[Dn]; verify/qnx_futex.pml has
 * the same labels on the matching Promela statements):
 *   wait:  [W1] word != expected -> AGAIN, no kernel call
 *          [W2] create a private channel + side-channel connection
 *          [W3] (priority order only) sample our priority with SchedGet
 *               (a failure -> OS, via [W7]: never queued at a guess);
 *               then under the lock: insert our stack node in wake order -
 *               priority: after every node of higher or equal priority
 *               (highest first, FIFO among equals); FIFO: at the tail - THEN
 *               re-check the word (a wake after this point finds the node)
 *          [W4] arm TimerTimeout (absolute deadline) and MsgReceivePulse on
 *               our own channel; EINTR -> [W4] again with the same deadline
 *          [W5] a pulse: the waker unlinked us -> OK (or STATE on destroy)
 *          [W6] timeout/error: under the lock, if still linked unlink and
 *               report it; if already unlinked, the waker has ALREADY sent
 *               our pulse (sends happen under the lock) -> OK / STATE
 *          [W7] ConnectDetach + ChannelDestroy (frees a queued pulse)
 *   wake:  [K1] under the lock, for up to n nodes from the head: unlink,
 *               mark WOKEN, MsgSendPulse to the node's own connection
 *               (never touch the node after a successful send: its thread
 *               may have returned); a failed send re-links the node at the
 *               head and stops.
 *   destroy: [D1] under the lock: set destroying, unlink every node and send
 *               it a DESTROYED pulse; [D2] wait until no thread is inside
 *               wait/wake; [D3] destroy the lock, clear the object.
 * Why the lock covers the sends: a waiter that times out [W6] must know
 * whether its pulse is sent before it destroys its channel [W7]; otherwise a
 * late send could hit a connection id that the process has since reused.
 * Wake ORDER is a property of where [W3] inserts; verify/qnx_futex.pml
 * inserts at a nondeterministic position, so what it proves (no lost
 * wake-up, wake_all, bounded pulses, no send to a dead channel) holds for
 * priority and FIFO order alike. The order itself is tested on the Neutrino
 * host model (tests/qnx_sync/test_qnx_futex.c).
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

/* User pulse codes (ChannelCreate / MsgSendPulse: user codes are
 * _PULSE_CODE_MINAVAIL..._PULSE_CODE_MAXAVAIL; negative codes are the
 * kernel's). */
#define WRT_QNX_PULSE_WAKE (_PULSE_CODE_MINAVAIL + 1)
#define WRT_QNX_PULSE_DESTROYED (_PULSE_CODE_MINAVAIL + 2)

/* ConnectAttach: nd 0 is ND_LOCAL_NODE (<sys/netmgr.h>), pid 0 this process. */
#define WRT_QNX_LOCAL_NODE 0u

/* The pause between retries of destroy and of an (impossible) lock failure. */
#define WRT_QNX_RETRY_PAUSE_NS 1000000L

enum { WAITER_WAITING = 0, WAITER_WOKEN, WAITER_DESTROYED };

struct wrt_qnx_futex_waiter {
  struct wrt_qnx_futex_waiter *next;
  int coid;     /* side-channel connection to this waiter's own channel */
  int state;    /* WAITER_*, written under the futex lock */
  int priority; /* sampled at [W3] (priority order; 0 in FIFO order) */
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

/* EAGAIN from ChannelCreate/ConnectAttach/MsgSendPulse means the kernel is
 * out of the objects it needs (their QNX reference pages); the rest is OS. */
static wrt_status os_status(int err) {
  return err == EAGAIN ? WRT_E_NO_MEMORY : WRT_E_OS;
}

_Static_assert(offsetof(wrt_qnx_futex_t, base) == (size_t)0, "from_base() needs base first");

static wrt_qnx_futex_t *from_base(wrt_futex_t *self) {
  return (wrt_qnx_futex_t *)(void *)self;
}

static uint64_t monotonic_ns(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC cannot fail on QNX or Linux for a valid timespec. */
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void list_append(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  n->next = NULL;
  if (f->tail != NULL)
    f->tail->next = n;
  else
    f->head = n;
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
  if (prev != NULL)
    prev->next = n;
  else
    f->head = n;
  if (it == NULL)
    f->tail = n;
}

static void list_push_front(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  n->next = f->head;
  f->head = n;
  if (f->tail == NULL)
    f->tail = n;
}

static wrt_qnx_futex_waiter_t *list_pop_front(wrt_qnx_futex_t *f) {
  wrt_qnx_futex_waiter_t *n = f->head;
  if (n != NULL) {
    f->head = n->next;
    if (f->head == NULL)
      f->tail = NULL;
    n->next = NULL;
  }
  return n;
}

static void list_remove(wrt_qnx_futex_t *f, wrt_qnx_futex_waiter_t *n) {
  wrt_qnx_futex_waiter_t *prev = NULL;
  for (wrt_qnx_futex_waiter_t *it = f->head; it != NULL; prev = it, it = it->next) {
    if (it == n) {
      if (prev != NULL)
        prev->next = n->next;
      else
        f->head = n->next;
      if (f->tail == n)
        f->tail = prev;
      n->next = NULL;
      return;
    }
  }
}

/* MsgSendPulse (QNX library reference): non-blocking; "priority: the priority
 * of the pulse, or -1 for the priority of the calling thread". EINTR cannot
 * come from a call that does not block, but is retried all the same. */
static int send_pulse(int coid, int priority, int code) {
  for (;;) {
    if (MsgSendPulse(coid, priority, code, 0) != -1)
      return 0;
    if (errno != EINTR)
      return errno;
  }
}

/* [W7] Releases the waiter's connection then its channel. ChannelDestroy
 * (QNX reference) frees any pulse still queued on it, so no stale pulse
 * outlives the wait. Returns the first errno, 0 if both succeeded. */
static int release_channel(int chid, int coid) {
  int err = 0;
  if (ConnectDetach(coid) == -1)
    err = errno;
  if (ChannelDestroy(chid) == -1 && err == 0)
    err = errno;
  return err;
}

static wrt_status wait_blocking(wrt_qnx_futex_t *f, uint32_t expected, uint64_t timeout_ns);

static wrt_status qnx_wait(wrt_futex_t *self, uint32_t expected, uint64_t timeout_ns) {
  wrt_qnx_futex_t *f = from_base(self);
  if (atomic_load(&f->initialised) != 1u)
    return WRT_E_STATE;
  /* [W1] */
  if (atomic_load(&f->base.value) != expected)
    return WRT_E_AGAIN;
  if (timeout_ns == 0u)
    return WRT_E_TIMEOUT;
  /* The wait node lives on this thread's stack and is linked into the
   * futex while the thread blocks in MsgReceivePulse, a cancellation point
   * (pthread_cancel; MsgReceive*). Cancelling there would unwind the frame
   * with the node still linked and the channel leaked, so cancellation is
   * held off for the wait and acted on at the caller's next cancellation
   * point (pthread_setcancelstate, POSIX). */
  int cancel_state;
  (void)pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  wrt_status st = wait_blocking(f, expected, timeout_ns);
  (void)pthread_setcancelstate(cancel_state, &cancel_state);
  return st;
}

/* [W2]..[W7]: the part of a wait that blocks. */
static wrt_status wait_blocking(wrt_qnx_futex_t *f, uint32_t expected, uint64_t timeout_ns) {

  /* Absolute monotonic deadline taken before any work, so a timed-out wait
   * lasts at least timeout_ns. Saturation means "no deadline". */
  bool timed = timeout_ns != WRT_WAIT_FOREVER;
  uint64_t deadline = 0u;
  if (timed) {
    uint64_t now = monotonic_ns();
    if (timeout_ns > UINT64_MAX - now)
      timed = false;
    else
      deadline = now + timeout_ns;
  }

  atomic_fetch_add(&f->inside, 1u);
  wrt_status result;

  /* [W2] ChannelCreate (QNX reference): _NTO_CHF_PRIVATE (7.1+) keeps other
   * processes from connecting; without _NTO_CHF_FIXED_PRIORITY the receiver
   * takes the pulse's priority, which is what the config's priority sets. */
  unsigned chflags = 0u;
#ifdef _NTO_CHF_PRIVATE
  chflags |= (unsigned)_NTO_CHF_PRIVATE;
#endif
  int chid = ChannelCreate(chflags);
  if (chid == -1) {
    int err = errno;
    set_os_error(f, err);
    atomic_fetch_sub(&f->inside, 1u);
    return os_status(err);
  }
  /* ConnectAttach (QNX reference): _NTO_SIDE_CHANNEL keeps the coid out of
   * the file-descriptor space; _NTO_COF_CLOEXEC closes it on exec. */
  int coid = ConnectAttach(WRT_QNX_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, _NTO_COF_CLOEXEC);
  if (coid == -1) {
    int err = errno;
    set_os_error(f, err);
    (void)ChannelDestroy(chid);
    atomic_fetch_sub(&f->inside, 1u);
    return os_status(err);
  }

  wrt_qnx_futex_waiter_t node;
  node.next = NULL;
  node.coid = coid;
  node.state = WAITER_WAITING;
  node.priority = 0;

  /* [W3] SchedGet (QNX library reference): "If pid and tid are zero, then
   * the calling thread is used"; it returns the policy, -1 + errno on error,
   * and fills param. sched_priority is the thread's assigned priority
   * (sched_param: not "temporary adjustments due to priority inheritance");
   * that it includes the priority a received pulse gave the thread holds on
   * the host model; the QNX docs do not say.
   * Sampled once: a later change does not re-sort the list. A failure fails
   * the wait rather than queue the thread at a guessed priority. */
  bool by_priority = f->config.wake_order == WRT_QNX_WAKE_PRIORITY;
  if (by_priority) {
    struct sched_param sp;
    if (SchedGet(0, 0, &sp) == -1) {
      set_os_error(f, errno);
      result = WRT_E_OS;
      goto release;
    }
    node.priority = sp.sched_priority;
  }
  int perr = pthread_mutex_lock(&f->lock);
  if (perr != 0) {
    set_os_error(f, perr);
    result = WRT_E_OS;
    goto release;
  }
  if (f->destroying) {
    (void)pthread_mutex_unlock(&f->lock);
    result = WRT_E_STATE;
    goto release;
  }
  if (by_priority)
    list_insert_by_priority(f, &node);
  else
    list_append(f, &node);
  if (atomic_load(&f->base.value) != expected) {
    list_remove(f, &node);
    (void)pthread_mutex_unlock(&f->lock);
    result = WRT_E_AGAIN;
    goto release;
  }
  (void)pthread_mutex_unlock(&f->lock);

  /* [W4] TIMER_ABSTIME is 0x80000000 on QNX: combine as unsigned. The flags
   * parameter is an int up to 7.1 and a _Uint32t in 8.0 (TimerTimeout). */
#if _NTO_VERSION >= 800
  const uint32_t timeout_flags = (uint32_t)_NTO_TIMEOUT_RECEIVE | (uint32_t)TIMER_ABSTIME;
#else
  const int timeout_flags = (int)((unsigned)_NTO_TIMEOUT_RECEIVE | (unsigned)TIMER_ABSTIME);
#endif
  int os_err = 0;
  for (;;) {
    /* TimerTimeout (QNX reference): arms a timeout for the NEXT kernel call
     * that blocks in the given state, and is cleared on return from any
     * kernel call - so it is re-armed before every receive. TIMER_ABSTIME
     * makes ntime an absolute CLOCK_MONOTONIC time: retries after EINTR keep
     * the original deadline instead of drifting. */
    if (timed) {
      uint64_t ntime = deadline;
      if (TimerTimeout(CLOCK_MONOTONIC, timeout_flags, NULL, &ntime, NULL) == -1) {
        os_err = errno;
        if (os_err == EINTR)
          continue;
        result = WRT_E_OS;
        break;
      }
    }
    struct _pulse pulse;
    /* MsgReceivePulse (QNX reference): returns 0 when a pulse is received;
     * -1 with ETIMEDOUT when the armed timeout expired, EINTR on a signal.
     * The channel is ours alone, so every pulse on it was sent for us. */
    if (MsgReceivePulse(chid, &pulse, sizeof pulse, NULL) != -1) {
      if (pulse.code == WRT_QNX_PULSE_WAKE) {
        result = WRT_OK; /* [W5] */
        goto release;
      }
      if (pulse.code == WRT_QNX_PULSE_DESTROYED) {
        result = WRT_E_STATE; /* [W5] */
        goto release;
      }
      continue; /* no other pulse is sent to a private channel; ignore */
    }
    os_err = errno;
    if (os_err == EINTR)
      continue;
    result = os_err == ETIMEDOUT ? WRT_E_TIMEOUT : WRT_E_OS;
    break;
  }

  /* [W6] Our node may still be linked: this frame must not return before it
   * is unlinked, so a failing lock (impossible for a valid default mutex) is
   * retried rather than reported. */
  while ((perr = pthread_mutex_lock(&f->lock)) != 0) {
    set_os_error(f, perr);
    struct timespec pause = {0, WRT_QNX_RETRY_PAUSE_NS};
    (void)nanosleep(&pause, NULL);
  }
  if (node.state == WAITER_WAITING) {
    list_remove(f, &node);
    if (result == WRT_E_OS)
      set_os_error(f, os_err);
  } else {
    /* Already unlinked: its pulse was sent under the lock we now hold. */
    result = node.state == WAITER_WOKEN ? WRT_OK : WRT_E_STATE;
  }
  (void)pthread_mutex_unlock(&f->lock);

release: {
  /* [W7] */
  int rerr = release_channel(chid, coid);
  if (rerr != 0) {
    set_os_error(f, rerr);
    /* A wake already given to this waiter must not turn into an error: a
     * mutex above would give up without retaking the lock and strand the
     * other waiters. The errno is kept; the object stays usable. */
    if (result != WRT_OK && result != WRT_E_STATE)
      result = WRT_E_OS;
  }
}
  /* The last access to *f: destroy may free it once inside reaches 0. */
  atomic_fetch_sub(&f->inside, 1u);
  return result;
}

static wrt_status qnx_wake(wrt_futex_t *self, uint32_t count) {
  wrt_qnx_futex_t *f = from_base(self);
  if (count == 0u)
    return WRT_E_INVALID_ARG;
  if (atomic_load(&f->initialised) != 1u)
    return WRT_E_STATE;
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
      wrt_qnx_futex_waiter_t *n = list_pop_front(f);
      int coid = n->coid;
      n->state = WAITER_WOKEN;
      int err = send_pulse(coid, f->pulse_priority, WRT_QNX_PULSE_WAKE);
      if (err != 0) {
        /* Not sent: the waiter is still blocked (or waits for this lock in
         * [W6]); put it back where it was: the head, in either order, as
         * nothing else touched the list while we hold the lock. */
        n->state = WAITER_WAITING;
        list_push_front(f, n);
        set_os_error(f, err);
        result = os_status(err);
        break;
      }
      /* n may be gone now: its thread can return as soon as the pulse lands. */
    }
  }
  (void)pthread_mutex_unlock(&f->lock);
  atomic_fetch_sub(&f->inside, 1u);
  return result;
}

static const wrt_futex_ops_t qnx_futex_ops = {qnx_wait, qnx_wake};

wrt_status wrt_qnx_futex_init(wrt_qnx_futex_t *f, const wrt_qnx_futex_config_t *cfg) {
  if (f == NULL || cfg == NULL)
    return WRT_E_INVALID_ARG;
  int prio = wrt_qnx_sync_pulse_priority(cfg->priority);
  if (prio == 0)
    return WRT_E_INVALID_ARG;
  if (cfg->wake_order != WRT_QNX_WAKE_PRIORITY && cfg->wake_order != WRT_QNX_WAKE_FIFO)
    return WRT_E_INVALID_ARG;
  /* The only thing init acquires; channels are per wait. */
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
  if (b == NULL || out == NULL)
    return WRT_E_INVALID_ARG;
  return wrt_qnx_futex_init(out, &b->config);
}

void wrt_qnx_futex_destroy(wrt_qnx_futex_t *f) {
  if (f == NULL || atomic_load(&f->initialised) != 1u)
    return;
  struct timespec poll = {0, WRT_QNX_RETRY_PAUSE_NS};
  /* [D1] */
  for (;;) {
    if (pthread_mutex_lock(&f->lock) != 0) {
      (void)nanosleep(&poll, NULL);
      continue;
    }
    f->destroying = true;
    int err = 0;
    wrt_qnx_futex_waiter_t *n;
    while ((n = list_pop_front(f)) != NULL) {
      int coid = n->coid;
      n->state = WAITER_DESTROYED;
      err = send_pulse(coid, f->pulse_priority, WRT_QNX_PULSE_DESTROYED);
      if (err != 0) {
        n->state = WAITER_WAITING;
        list_push_front(f, n);
        set_os_error(f, err);
        break;
      }
    }
    (void)pthread_mutex_unlock(&f->lock);
    if (err == 0)
      break;
    /* A send fails only while the pulse pool is exhausted (MsgSendPulse,
     * EAGAIN): a waiter must not be left blocked forever, so retry. */
    (void)nanosleep(&poll, NULL);
  }
  /* [D2] Threads woken in [D1] still touch *f until they leave. */
  while (atomic_load(&f->inside) != 0u)
    (void)nanosleep(&poll, NULL);
  /* [D3] */
  (void)pthread_mutex_destroy(&f->lock);
  f->base.ops = NULL;
  f->head = NULL;
  f->tail = NULL;
  atomic_store(&f->initialised, 0u);
}

wrt_futex_t *wrt_qnx_futex_base(wrt_qnx_futex_t *f) {
  if (f == NULL || atomic_load(&f->initialised) != 1u)
    return NULL;
  return &f->base;
}

int wrt_qnx_futex_last_os_error(const wrt_qnx_futex_t *f) {
  if (f == NULL)
    return 0;
  return atomic_load(&f->last_os_error);
}
