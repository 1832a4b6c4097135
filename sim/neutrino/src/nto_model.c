/*
 * nto_model.c - Neutrino host model: the kernel calls of <sys/neutrino.h>
 * (channels, connections, pulses, kernel timeouts, SchedGet) on a Linux host
 * with pthreads; the state is in nto_model_state.c, the test controls of
 * <nto_sim.h> in nto_sim_controls.c.
 *
 * One model-wide mutex (nto_state.lock) guards every table. A receive-blocked thread waits
 * on its own condition variable in its channel's receiver list; a send hands
 * the pulse straight to the receiver the configured order picks, or queues
 * it. Tables have fixed capacities: no heap. Each semantic cites the QNX
 * document or the QNX 6.4 kernel source line it follows: K/ is
 * trunk/services/system/ker/ of the public 6.4 tree (github vocho/openqnx);
 * facts only, no code taken (see also sim/neutrino/README.md).
 *
 * May include: standard C, POSIX/pthreads, the model's own headers, and
 * the host's syscall(SYS_gettid) (the calling thread's id for SchedGet).
 */
/* The model's own build: QNX extensions visible (as qcc's default), and
 * syscall(), which glibc shows with _DEFAULT_SOURCE. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif
#include "nto_model_internal.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>


/* Per-thread kernel state the thread alone touches: its armed kernel
 * timeout (the thread's entry in nto_state.threads holds the rest). */
typedef struct {
  int flags; /* armed state bits, 0 = none */
  bool immediate;
  clockid_t clock;
  struct timespec deadline; /* absolute, on clock */
} nto_timeout;

static _Thread_local nto_timeout thread_timeout;

/* "It is cleared upon return from any kernel call" (Getting Started,
 * "Kernel timeouts"): every call but TimerTimeout() ends with this. */
void nto_clear_timeout(void) { thread_timeout.flags = 0; }

/* ------------------------------------------------------------------------ */
/* Receiver list: which blocked receiver gets a pulse is not documented by
 * QNX (the 6.x kernel serves the most recent first); the order is a model
 * setting. The head is always the next receiver served. */

static void locked_add_receiver(nto_channel *ch, nto_waiter *w) {
  nto_waiter **at = &ch->receivers;
  switch (nto_state.order) {
  case NTO_SIM_RECV_FIFO:
    while (*at != NULL) {
      at = &(*at)->next;
    }
    break;
  case NTO_SIM_RECV_PRIORITY:
    while (*at != NULL && (*at)->thread_priority >= w->thread_priority) {
      at = &(*at)->next;
    }
    break;
  case NTO_SIM_RECV_LIFO:
  default:
    break;
  }
  w->next = *at;
  *at = w;
  ch->blocked++;
}

static void locked_remove_receiver(nto_channel *ch, nto_waiter *w) {
  for (nto_waiter **at = &ch->receivers; *at != NULL; at = &(*at)->next) {
    if (*at == w) {
      *at = w->next;
      ch->blocked--;
      return;
    }
  }
}

/* ------------------------------------------------------------------------ */
/* Pulse queue. "If multiple pulses are sent to a channel without a thread
 * waiting to receive them, the pulses are queued in priority order"
 * (MsgReceivePulse); FIFO within a priority ("What about priorities?",
 * Getting Started). A pulse identical (code, value, scoid) to the TAIL of
 * its priority's run is merged into it with a count (K/nano_pulse.c:37-45:
 * pril_find_insertion returns the tail of the same-priority run,
 * K/nano_misc.c:322-346); an identical pulse further up the run is not
 * merged with: the new one is appended. */

static bool same_pulse(const nto_queued *q, int priority, const struct _pulse *p) {
  return q->priority == priority && q->pulse.code == p->code &&
         q->pulse.value.sival_ptr == p->value.sival_ptr && q->pulse.scoid == p->scoid;
}

/* The tail of the run of priority `priority`, or NULL if none. */
static nto_queued *locked_run_tail(nto_channel *ch, int priority) {
  nto_queued *tail = NULL;
  for (nto_queued *q = ch->queue; q != NULL && q->priority >= priority; q = q->next) {
    if (q->priority == priority) {
      tail = q;
    }
  }
  return tail;
}

/* Returns 0 or EAGAIN (pool used up: K/nano_pulse.c:184). */
static int locked_enqueue(nto_channel *ch, int priority, const struct _pulse *p) {
  nto_queued *tail = locked_run_tail(ch, priority);
  /* _PULSE_COUNT_MAX bounds the count in the kernel; UINT_MAX here. */
  if (tail != NULL && same_pulse(tail, priority, p) && tail->count < UINT_MAX) {
    tail->count++;
    ch->queued++;
    return 0;
  }
  nto_queued *q = nto_locked_pulse_alloc();
  if (q == NULL) {
    return EAGAIN;
  }
  q->priority = priority;
  q->count = 1;
  q->pulse = *p;
  nto_queued **at = &ch->queue;
  while (*at != NULL && (*at)->priority >= priority) {
    at = &(*at)->next;
  }
  q->next = *at;
  *at = q;
  ch->queued++;
  return 0;
}

/* Takes one receive's worth from the head of a non-empty queue. */
static void locked_dequeue(nto_channel *ch, struct _pulse *out, int *priority) {
  nto_queued *q = ch->queue;
  *out = q->pulse;
  *priority = q->priority;
  ch->queued--;
  if (--q->count == 0) {
    ch->queue = q->next;
    nto_locked_pulse_free(q);
  }
}

static void locked_free_queue(nto_channel *ch) {
  while (ch->queue != NULL) {
    nto_queued *q = ch->queue;
    ch->queue = q->next;
    nto_locked_pulse_free(q);
  }
  ch->queued = 0;
}

/* ------------------------------------------------------------------------ */
/* Time                                                                      */

static const long NSEC_PER_SEC = 1000000000L;

static struct timespec ns_to_timespec(uint64_t ns) {
  struct timespec t;
  uint64_t sec = ns / (uint64_t)NSEC_PER_SEC;
  t.tv_sec = sec > (uint64_t)INT64_MAX ? (time_t)INT64_MAX : (time_t)sec;
  t.tv_nsec = (long)(ns % (uint64_t)NSEC_PER_SEC);
  return t;
}

static struct timespec timespec_add(struct timespec a, struct timespec b) {
  struct timespec r;
  if (a.tv_sec > (time_t)INT64_MAX - b.tv_sec - 1) {
    r.tv_sec = (time_t)INT64_MAX; /* saturate: "forever" */
    r.tv_nsec = 0;
    return r;
  }
  r.tv_sec = a.tv_sec + b.tv_sec;
  r.tv_nsec = a.tv_nsec + b.tv_nsec;
  if (r.tv_nsec >= NSEC_PER_SEC) {
    r.tv_sec++;
    r.tv_nsec -= NSEC_PER_SEC;
  }
  return r;
}

static bool timespec_reached(struct timespec now, struct timespec deadline) {
  return now.tv_sec > deadline.tv_sec ||
         (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

/* ------------------------------------------------------------------------ */
/* ChannelCreate / ChannelDestroy                                            */

int ChannelCreate_r(unsigned flags) {
  nto_lock();
  int r = nto_locked_take_fault(NTO_SIM_CALL_CHANNEL_CREATE);
  if (r == 0) {
    r = EAGAIN; /* "All kernel channel objects are in use" */
    nto_thread *self = nto_locked_self();
    for (int i = 0; i < (int)NTO_SIM_MAX_CHANNELS; i++) {
      nto_channel *ch = &nto_state.channels[i];
      if (!ch->live) {
        /* the lowest free index of the process's vector (K/ker_channel.c:82) */
        int chid = nto_locked_id_alloc(&nto_state.procs[self->proc], 1u);
        if (chid < 0) {
          break;
        }
        memset(ch, 0, sizeof *ch);
        ch->live = true;
        ch->proc = self->proc;
        ch->chid = chid;
        ch->flags = flags;
        nto_state.live_channels++;
        nto_unlock();
        nto_clear_timeout();
        return chid;
      }
    }
  }
  nto_unlock();
  nto_clear_timeout();
  return -r;
}

int ChannelCreate(unsigned flags) { return nto_plain_result(ChannelCreate_r(flags)); }

/* Fails every receive-blocked thread with ESRCH ("Any threads that are
 * blocked on the channel ... will be unblocked and return with an error",
 * ChannelDestroy; ESRCH: K/ker_channel.c ~274). */
static void locked_fail_receivers(nto_channel *ch, int err) {
  while (ch->receivers != NULL) {
    nto_waiter *w = ch->receivers;
    ch->receivers = w->next;
    w->result = err;
    w->done = true;
    (void)pthread_cond_signal(&w->cond);
  }
  ch->blocked = 0;
}

/* "The client connection IDs (coids) are also marked invalid but remain in
 * existence until the client removes them by calling ConnectDetach()". */
static void locked_invalidate_connections(int slot) {
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    if (nto_state.connections[i].live && nto_state.connections[i].channel == slot) {
      nto_state.connections[i].channel = -1;
    }
  }
}

void nto_locked_destroy_channel(int slot) {
  nto_channel *ch = &nto_state.channels[slot];
  locked_fail_receivers(ch, ESRCH);
  locked_free_queue(ch); /* K/ker_channel.c ~241 */
  locked_invalidate_connections(slot);
  nto_locked_id_free(&nto_state.procs[ch->proc], ch->chid);
  ch->live = false;
  nto_state.live_channels--;
}

int ChannelDestroy_r(int chid) {
  nto_lock();
  int r = nto_locked_take_fault(NTO_SIM_CALL_CHANNEL_DESTROY);
  if (r == 0) {
    int slot = nto_locked_channel_slot(nto_locked_self()->proc, chid);
    if (slot < 0) {
      r = EINVAL; /* "The channel specified by chid doesn't exist" */
    } else {
      nto_locked_destroy_channel(slot);
    }
  }
  nto_unlock();
  nto_clear_timeout();
  return -r;
}

int ChannelDestroy(int chid) { return nto_plain_result(ChannelDestroy_r(chid)); }

/* ------------------------------------------------------------------------ */
/* ConnectAttach / ConnectDetach                                             */

static bool locked_fd_coid_in_use(int proc, int coid) {
  return nto_locked_connection(proc, coid) != NULL;
}

/* Without _NTO_SIDE_CHANNEL the id is "a file descriptor greater than or
 * equal to" index (ConnectAttach); the model keeps such ids in its own table
 * below _NTO_SIDE_CHANNEL. A side-channel id is the lowest free index of
 * the process's vector with _NTO_SIDE_CHANNEL set ("They always get first
 * avail", K/ker_connect.c:41-43). Returns -1 when none is free. */
static int locked_pick_coid(int proc, unsigned index) {
  if ((index & (unsigned)NTO_SIM_SIDE_BIT) != 0) {
    int id = nto_locked_id_alloc(&nto_state.procs[proc], 1u);
    return id < 0 ? -1 : (NTO_SIM_SIDE_BIT | id);
  }
  for (unsigned c = index; c < (unsigned)NTO_SIM_SIDE_BIT; c++) {
    if (!locked_fd_coid_in_use(proc, (int)c)) {
      return (int)c;
    }
  }
  return -1;
}

/* _NTO_CHF_PRIVATE (7.1+ profiles): "only the process that created the
 * channel can connect to it". The errno of the refusal is not in any
 * source the model was written from: NTO_SIM_PRIVATE_REFUSAL (EPERM) is a
 * model choice; code must treat any ConnectAttach failure as refusal. */
static bool locked_private_refuses(const nto_channel *ch, int client_proc) {
#ifdef _NTO_CHF_PRIVATE
  return (ch->flags & _NTO_CHF_PRIVATE) != 0 && ch->proc != client_proc;
#else
  (void)ch;
  (void)client_proc;
  return false; /* 6.4: the flag does not exist and the kernel ignores 0x1000 */
#endif
}

/* The order of the checks is the kernel's (K/ker_connect.c:21-86). */
static int locked_attach(uint32_t nd, pid_t pid, int chid, unsigned index) {
  nto_thread *self = nto_locked_self();
  nto_process *client = &nto_state.procs[self->proc];
  if ((index & (unsigned)NTO_SIM_SIDE_BIT) == 0 && client->nofile != 0 &&
      index >= client->nofile) {
    return -EINVAL; /* K/ker_connect.c:45-46 */
  }
  /* nfds counts the process manager's connection too, hence '>'
   * (K/ker_connect.c:48-55): a process gets RLIMIT_NOFILE connections. */
  if (client->nofile != 0 && 1u + client->other_fds + client->nfds > client->nofile) {
    return -EMFILE;
  }
  int server = pid == 0 ? self->proc : nto_locked_proc_index(pid);
  if (nd != 0 || server < 0) {
    return -ESRCH; /* remote nodes are not modelled; no such process (:66) */
  }
  int slot = nto_locked_channel_slot(server, chid);
  if (slot < 0) {
    return -ESRCH; /* :79 */
  }
  if (nto_state.procs[server].dying) {
    return -ENXIO; /* :84 */
  }
  if (locked_private_refuses(&nto_state.channels[slot], self->proc)) {
    return -NTO_SIM_PRIVATE_REFUSAL;
  }
  /* A process's second connection to the same channel shares the server
   * connection (scoid) of the first (K/ker_connect.c:91-130). */
  int scoid = -1;
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    nto_connection *c = &nto_state.connections[i];
    if (c->live && c->proc == self->proc && c->channel == slot) {
      scoid = c->scoid;
      break;
    }
  }
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    nto_connection *c = &nto_state.connections[i];
    if (c->live) {
      continue;
    }
    int coid = locked_pick_coid(self->proc, index);
    if (coid < 0) {
      return -EAGAIN;
    }
    if ((coid & NTO_SIM_SIDE_BIT) == 0 && client->nofile != 0 && (unsigned)coid >= client->nofile) {
      return -EMFILE; /* an fd-space id beyond the limit (K/ker_connect.c:163-168) */
    }
    if (scoid < 0) {
      scoid = nto_locked_id_alloc(&nto_state.procs[server], 1u); /* K/ker_connect.c:181 */
      if (scoid < 0) {
        if ((coid & NTO_SIM_SIDE_BIT) != 0) {
          nto_locked_id_free(client, coid & ~NTO_SIM_SIDE_BIT);
        }
        return -EAGAIN;
      }
    }
    c->live = true;
    c->proc = self->proc;
    c->coid = coid;
    c->channel = slot;
    c->scoid = scoid;
    client->nfds++; /* K/ker_connect.c:233 */
    nto_state.live_connections++;
    return coid;
  }
  return -EAGAIN; /* all kernel connection objects are in use */
}

int ConnectAttach_r(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) {
  (void)flags; /* _NTO_COF_CLOEXEC: the model never execs */
  nto_lock();
  int fault = nto_locked_take_fault(NTO_SIM_CALL_CONNECT_ATTACH);
  int r = fault != 0 ? -fault : locked_attach(nd, pid, chid, index);
  nto_unlock();
  nto_clear_timeout();
  return r;
}

int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) {
  return nto_plain_result(ConnectAttach_r(nd, pid, chid, index, flags));
}

/* Releases c; the server's scoid goes with the last connection sharing it. */
static void locked_detach(nto_connection *c) {
  nto_process *client = &nto_state.procs[c->proc];
  c->live = false;
  if ((c->coid & NTO_SIM_SIDE_BIT) != 0) {
    nto_locked_id_free(client, c->coid & ~NTO_SIM_SIDE_BIT);
  }
  client->nfds--;
  nto_state.live_connections--;
  if (c->channel < 0) {
    return;
  }
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    const nto_connection *o = &nto_state.connections[i];
    if (o->live && o->channel == c->channel && o->scoid == c->scoid) {
      return;
    }
  }
  nto_locked_id_free(&nto_state.procs[nto_state.channels[c->channel].proc], c->scoid);
}

int ConnectDetach_r(int coid) {
  nto_lock();
  int r = nto_locked_take_fault(NTO_SIM_CALL_CONNECT_DETACH);
  if (r == 0) {
    nto_connection *c = nto_locked_connection(nto_locked_self()->proc, coid);
    if (c == NULL) {
      r = EINVAL; /* "The connection specified by coid doesn't exist" */
    } else {
      /* ConnectDetach keeps pulses already queued (K/nano_connect.c ~21-53) */
      locked_detach(c);
    }
  }
  nto_unlock();
  nto_clear_timeout();
  return -r;
}

int ConnectDetach(int coid) { return nto_plain_result(ConnectDetach_r(coid)); }

/* ------------------------------------------------------------------------ */
/* MsgSendPulse                                                              */

/* -1: "use the priority of the calling thread" (MsgSendPulse). 0: EINVAL in
 * the 6.4 kernel (K/nano_pulse.c:95, the 640 profile); "A priority of 0
 * (which is reserved for the idle thread) is changed to 1" in the 7.1
 * reference (the 710 and 800 profiles; 8.0: the 7.1 text, unconfirmed).
 * Anything else outside 1..255: EINVAL. Returns 0 if bad. */
static int locked_effective_priority(int priority) {
  if (priority == -1) {
    return nto_locked_self()->priority;
  }
  if (priority == 0) {
#if _NTO_VERSION >= 710
    return NTO_PRIO_MIN;
#else
    return 0;
#endif
  }
  if (priority < NTO_PRIO_MIN || priority > NTO_PRIO_MAX) {
    return 0;
  }
  return priority;
}

static struct _pulse make_pulse(int code, NTO_SIM_PULSE_VALUE_T value, int scoid) {
  struct _pulse p;
  memset(&p, 0, sizeof p);
  p.type = _PULSE_TYPE;
  p.subtype = _PULSE_SUBTYPE;
  p.code = (int8_t)(code & 0xff); /* "The 8-bit pulse code" */
#if _NTO_VERSION >= 800
  p.value.sival_long = value; /* 8.0: a long (union sigval's sival_long); sival_int = low half */
#else
  p.value.sival_int = value;
#endif
  /* the server connection id with _NTO_SIDE_CHANNEL (K/ker_fastmsg.c:811) */
  p.scoid = (int32_t)(scoid | NTO_SIM_SIDE_BIT);
  return p;
}

/* The receiver runs at the pulse's priority: its real priority is SET to
 * it, raised or lowered, and it stays (K/nano_pulse.c:135-138 for a blocked
 * receiver, K/ker_fastmsg.c:945-949 for a queued pulse), unless the channel
 * has _NTO_CHF_FIXED_PRIORITY. */
static void locked_take_priority(const nto_channel *ch, nto_thread *t, int prio) {
  if ((ch->flags & _NTO_CHF_FIXED_PRIORITY) == 0) {
    t->priority = prio;
  }
}

/* Nobody receive-blocked and the pulse queued: "To prevent priority
 * inversion, boost all threads in the server" - every thread of the
 * channel's process whose priority is lower and whose last_chid is this
 * chid, unless _NTO_CHF_FIXED_PRIORITY (K/nano_pulse.c:168-179). The boost
 * sets the real priority: it stays until something else changes it. */
static void locked_server_boost(const nto_channel *ch, int prio) {
  if ((ch->flags & _NTO_CHF_FIXED_PRIORITY) != 0) {
    return;
  }
  if (nto_state.boost == NTO_SIM_BOOST_NONE) {
    return;
  }
  for (size_t i = 0; i < NTO_SIM_MAX_THREADS; i++) {
    nto_thread *t = &nto_state.threads[i];
    if (t->live && t->proc == ch->proc && t->priority < prio && t->last_chid == ch->chid) {
      t->priority = prio;
      if (nto_state.boost == NTO_SIM_BOOST_ONE) {
        return;
      }
    }
  }
}

static int locked_send(int coid, int priority, int code, NTO_SIM_PULSE_VALUE_T value) {
  nto_connection *c = nto_locked_connection(nto_locked_self()->proc, coid);
  if (c == NULL || c->channel < 0) {
    return EBADF; /* no such connection, or its channel was destroyed */
  }
  int prio = locked_effective_priority(priority);
  if (prio == 0) {
    return EINVAL; /* K/nano_pulse.c:95-97 */
  }
  nto_channel *ch = &nto_state.channels[c->channel];
  struct _pulse p = make_pulse(code, value, c->scoid);
  if (ch->receivers == NULL) {
    /* "Fail any pulse delivery attempt to a dying process" - only when
     * nobody is receive-blocked (K/nano_pulse.c:156-159). */
    if (nto_state.procs[ch->proc].dying) {
      return ENXIO;
    }
    /* "pulses are queued if no thread is receive-blocked" (Getting Started) */
    int r = locked_enqueue(ch, prio, &p);
    if (r == 0) {
      locked_server_boost(ch, prio);
    }
    return r;
  }
  nto_waiter *w = ch->receivers;
  ch->receivers = w->next;
  ch->blocked--;
  w->pulse = p;
  locked_take_priority(ch, w->thread, prio);
  w->result = 0;
  w->done = true;
  (void)pthread_cond_signal(&w->cond);
  return 0;
}

int MsgSendPulse_r(int coid, int priority, int code, NTO_SIM_PULSE_VALUE_T value) {
  nto_lock();
  int r = nto_locked_take_fault(NTO_SIM_CALL_MSG_SEND_PULSE);
  if (r == 0) {
    r = locked_send(coid, priority, code, value);
  }
  nto_unlock();
  nto_clear_timeout();
  return -r;
}

int MsgSendPulse(int coid, int priority, int code, NTO_SIM_PULSE_VALUE_T value) {
  return nto_plain_result(MsgSendPulse_r(coid, priority, code, value));
}

/* ------------------------------------------------------------------------ */
/* MsgReceivePulse                                                           */

/* Blocks w on ch until a sender or ChannelDestroy completes it, or the armed
 * receive timeout expires (then ETIMEDOUT: "A kernel timeout unblocked the
 * call"). Returns with the lock held. */
static void locked_block(nto_channel *ch, nto_waiter *w, bool timed) {
  pthread_condattr_t attr;
  (void)pthread_condattr_init(&attr);
  (void)pthread_condattr_setclock(&attr, timed ? thread_timeout.clock : CLOCK_MONOTONIC);
  (void)pthread_cond_init(&w->cond, &attr);
  (void)pthread_condattr_destroy(&attr);
  w->thread = nto_locked_self();
  w->thread_priority = w->thread->priority;
  locked_add_receiver(ch, w);
  while (!w->done) {
    if (!timed) {
      (void)pthread_cond_wait(&w->cond, &nto_state.lock);
      continue;
    }
    struct timespec now;
    (void)clock_gettime(thread_timeout.clock, &now);
    if (timespec_reached(now, thread_timeout.deadline)) {
      locked_remove_receiver(ch, w);
      w->result = ETIMEDOUT;
      w->done = true;
      break;
    }
    (void)pthread_cond_timedwait(&w->cond, &nto_state.lock, &thread_timeout.deadline);
  }
  (void)pthread_cond_destroy(&w->cond);
}

static int locked_receive(int chid, struct _pulse *out) {
  nto_thread *self = nto_locked_self();
  nto_channel *ch = nto_locked_channel(self->proc, chid);
  if (ch == NULL) {
    return ESRCH; /* "The channel indicated by chid doesn't exist" (:842) */
  }
  if (ch->queue != NULL) {
    /* "If a pulse is waiting on the channel when you call
     * MsgReceivePulse(), the calling thread doesn't block"; the queue is
     * scanned before any timeout (K/ker_fastmsg.c:924). */
    int prio;
    locked_dequeue(ch, out, &prio);
    locked_take_priority(ch, self, prio);
    return 0;
  }
  bool timed = (thread_timeout.flags & (int)_NTO_TIMEOUT_RECEIVE) != 0;
  if (timed && thread_timeout.immediate) {
    return ETIMEDOUT; /* "If this argument [ntime] is NULL, the timeout occurs immediately" */
  }
  nto_waiter w;
  memset(&w, 0, sizeof w);
  locked_block(ch, &w, timed);
  if (w.result == 0) {
    *out = w.pulse;
  }
  return w.result;
}

int MsgReceivePulse_r(int chid, void *pulse, NTO_SIM_PULSE_BYTES_T bytes, struct _msg_info *info) {
  (void)info; /* "The function doesn't update this structure" */
  struct _pulse got;
  nto_lock();
  /* Test control: hold the thread just before it enters the kernel, as a
   * preemption there would (nto_sim_set_receive_gate). */
  nto_state.gated++;
  while (nto_state.gate_closed) {
    (void)pthread_cond_wait(&nto_state.gate_cond, &nto_state.lock);
  }
  nto_state.gated--;
  int r = nto_locked_take_fault(NTO_SIM_CALL_MSG_RECEIVE_PULSE);
  if (r == 0) {
    /* "chid = act->last_chid = kap->chid; // Used for priority boost": set
     * on every receive, before the channel is even looked up, and never
     * cleared (K/ker_fastmsg.c:832). */
    nto_locked_self()->last_chid = chid;
  }
#if _NTO_VERSION == 640
  /* 6.4's size is an int: a negative one is as short as 0. */
  const bool short_buf = bytes < 0 || (size_t)bytes < sizeof(struct _pulse);
#else
  const bool short_buf = bytes < sizeof(struct _pulse);
#endif
  if (r == 0 && (pulse == NULL || short_buf)) {
    r = EFAULT; /* "If this buffer isn't big enough ... you'll get an EFAULT" */
  }
  if (r == 0) {
    r = locked_receive(chid, &got);
  }
  nto_unlock();
  if (r == 0) {
    memcpy(pulse, &got, sizeof got);
  }
  nto_clear_timeout();
  return -r;
}

int MsgReceivePulse(int chid, void *pulse, NTO_SIM_PULSE_BYTES_T bytes, struct _msg_info *info) {
  return nto_plain_result(MsgReceivePulse_r(chid, pulse, bytes, info));
}

/* ------------------------------------------------------------------------ */
/* TimerTimeout                                                              */

static int arm_timeout(clockid_t id, unsigned flags, const struct sigevent *notify,
                       const uint64_t *ntime) {
  if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
    return -EINVAL;
  }
  if ((flags & (unsigned)_NTO_TIMEOUT_NANOSLEEP) != 0) {
    return -EINVAL; /* not modelled */
  }
  if (notify != NULL && notify->sigev_notify != SIGEV_UNBLOCK) {
    return -EINVAL; /* only the unblock event is modelled */
  }
  int previous = thread_timeout.flags;
  unsigned states = flags & ~(unsigned)TIMER_ABSTIME;
  nto_timeout t = {.flags = (int)states, .immediate = ntime == NULL, .clock = id};
  if (states != 0 && ntime != NULL) {
    if ((flags & (unsigned)TIMER_ABSTIME) != 0) {
      t.deadline = ns_to_timespec(*ntime);
    } else {
      /* "the time is relative to the time at which you called TimerTimeout()" */
      struct timespec now;
      (void)clock_gettime(id, &now);
      t.deadline = timespec_add(now, ns_to_timespec(*ntime));
    }
  }
  thread_timeout = t;
  return previous;
}

/* Arms a one-shot timeout for the calling thread's next call that would
 * block in one of the states in flags, and returns the previously armed
 * flags ("Returns: The previous timeout flags"). The kernel call itself can
 * fail with EAGAIN when no timer object is left (K/ker_timer.c ~409): the
 * model does that only by injection (nto_sim_fail_nth(..TIMER_TIMEOUT..,
 * EAGAIN)); the failed call arms nothing and clears what was armed. */
int TimerTimeout_r(clockid_t id, NTO_SIM_TIMEOUT_FLAGS_T flags, const struct sigevent *notify,
                   const uint64_t *ntime, uint64_t *otime) {
  (void)otime; /* only written for _NTO_TIMEOUT_NANOSLEEP, not modelled */
  nto_lock();
  int fault = nto_locked_take_fault(NTO_SIM_CALL_TIMER_TIMEOUT);
  nto_unlock();
  if (fault != 0) {
    nto_clear_timeout(); /* a failed kernel call returns too */
    return -fault;
  }
  int r = arm_timeout(id, (unsigned)flags, notify, ntime);
  if (r < 0) {
    nto_clear_timeout();
  }
  return r;
}

int TimerTimeout(clockid_t id, NTO_SIM_TIMEOUT_FLAGS_T flags, const struct sigevent *notify,
                 const uint64_t *ntime, uint64_t *otime) {
  return nto_plain_result(TimerTimeout_r(id, flags, notify, ntime, otime));
}

/* ------------------------------------------------------------------------ */
/* SchedGet                                                                  */

/* "If pid is zero, the current process is used to look up a nonzero tid. If
 * pid and tid are zero, then the calling thread is used" (SchedGet). Only
 * the caller can be found, by tid 0 or its own id (the host thread id stands
 * for the QNX tid). What SchedGet reports is the thread's real priority, the
 * one a received pulse or a server boost sets (K/nano_pulse.c:137, :176).
 * QNX 8.0 splits real and effective priority; which one 8.0's SchedGet
 * reports after a pulse is unconfirmed (README, "Open"). */
static bool is_calling_thread(pid_t pid, int tid) {
  if (pid != 0 && pid != getpid()) {
    return false;
  }
  return tid == 0 || (long)tid == syscall(SYS_gettid);
}

int SchedGet_r(pid_t pid, int tid, struct sched_param *param) {
  nto_lock();
  int fault = nto_locked_take_fault(NTO_SIM_CALL_SCHED_GET);
  const nto_thread *me = nto_locked_self();
  int priority = nto_state.sched_get == NTO_SIM_SCHED_GET_BASE ? me->base : me->priority;
  nto_unlock();
  int r;
  if (fault != 0) {
    r = -fault;
  } else if (!is_calling_thread(pid, tid)) {
    r = -ESRCH; /* "The process indicated by pid or thread indicated by tid doesn't exist" */
  } else {
    /* param: "NULL, or a pointer to a sched_param structure where the
     * function can store the scheduling parameters" (SchedGet, 7.0). */
    if (param != NULL) {
      memset(param, 0, sizeof *param);
      param->sched_priority = priority;
      /* QNX's sched_param also has the priority the thread runs at; the
       * model has no temporary boosts, so the two are equal here. */
      param->sched_curpriority = priority;
    }
    r = SCHED_RR; /* "The scheduling policy is returned on success" */
  }
  nto_clear_timeout(); /* a kernel call: clears the armed timeout */
  return r;
}

int SchedGet(pid_t pid, int tid, struct sched_param *param) {
  return nto_plain_result(SchedGet_r(pid, tid, param));
}
