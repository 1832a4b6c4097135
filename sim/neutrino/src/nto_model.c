/*
 * nto_model.c - Neutrino host model: channels, connections, pulses and
 * kernel timeouts (<sys/neutrino.h>) plus the test controls (<nto_sim.h>),
 * on a Linux host with pthreads.
 *
 * One model-wide mutex guards every table. A receive-blocked thread waits
 * on its own condition variable in its channel's receiver list; a send hands
 * the pulse straight to the receiver the configured order picks, or queues
 * it. Tables have fixed capacities: no heap. Each semantic cites the QNX
 * document it follows (see also sim/neutrino/README.md).
 *
 * May include: standard C, POSIX/pthreads, the model's own headers.
 */
#include <sys/neutrino.h>

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "nto_sim.h"

/* QNX priorities: 1..255 for threads (0 is the idle thread); 10 is the
 * default priority of a process's first thread. */
#define NTO_PRIO_MIN 1
#define NTO_PRIO_MAX 255
#define NTO_PRIO_DEFAULT 10

/* The single modelled client process: every connection's pulses carry this
 * server connection id (doubtful detail: see README, "scoid"). */
#define NTO_SIM_SCOID 1

/* ------------------------------------------------------------------------ */
/* Model state                                                               */

/* A thread blocked in MsgReceivePulse(); lives on that thread's stack. */
typedef struct nto_waiter {
  struct nto_waiter *next;
  pthread_cond_t cond;
  int thread_priority; /* for NTO_SIM_RECV_PRIORITY */
  bool done;           /* set (under the lock) by a sender or ChannelDestroy */
  int result;          /* 0 or an errno */
  struct _pulse pulse; /* the handed-over pulse when result == 0 */
  int new_priority;    /* priority to run at, 0 = keep (fixed-priority channel) */
} nto_waiter;

/* A queued pulse object from the process-wide pool. */
typedef struct nto_queued {
  struct nto_queued *next;
  int priority;
  unsigned count; /* identical pulses merged into this object */
  struct _pulse pulse;
} nto_queued;

typedef struct {
  bool live;
  unsigned flags;
  nto_queued *queue; /* highest priority first, FIFO within a priority */
  unsigned queued;   /* receives the queue can satisfy (merged counted) */
  nto_waiter *receivers;
  unsigned blocked;
} nto_channel;

typedef struct {
  bool live;
  int coid;
  int chid; /* 0 once the channel is destroyed: "marked invalid" */
} nto_connection;

typedef struct {
  unsigned remaining; /* 0 = not armed */
  int err;
} nto_fault;

/* The kernel's state: process-wide, hence global (the model stands for one
 * process's view of the kernel). Every field is guarded by lock. */
static struct {
  pthread_mutex_t lock;
  bool pool_ready;
  nto_channel channels[NTO_SIM_MAX_CHANNELS];
  nto_connection connections[NTO_SIM_MAX_CONNECTIONS];
  nto_queued pulses[NTO_SIM_MAX_PULSES];
  nto_queued *free_pulses;
  unsigned pulses_in_use;
  unsigned pulse_limit; /* 0 = the table's capacity */
  unsigned live_channels;
  unsigned live_connections;
  nto_sim_receiver_order order;
  nto_fault faults[NTO_SIM_CALL_COUNT];
  unsigned calls[NTO_SIM_CALL_COUNT];
} model = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Per-thread kernel state: the thread's priority and its armed kernel
 * timeout. QNX keeps these in the kernel's thread object; the model has no
 * thread table, so thread-local storage is that per-thread state. */
typedef struct {
  int flags; /* armed state bits, 0 = none */
  bool immediate;
  clockid_t clock;
  struct timespec deadline; /* absolute, on clock */
} nto_timeout;

static _Thread_local int thread_priority = NTO_PRIO_DEFAULT;
static _Thread_local nto_timeout thread_timeout;

/* ------------------------------------------------------------------------ */
/* Small helpers (all "locked_" ones run with model.lock held)              */

static void lock(void) { (void)pthread_mutex_lock(&model.lock); }
static void unlock(void) { (void)pthread_mutex_unlock(&model.lock); }

/* "It is cleared upon return from any kernel call" (Getting Started,
 * "Kernel timeouts"): every call but TimerTimeout() ends with this. */
static void clear_timeout(void) { thread_timeout.flags = 0; }

/* Plain variant from the _r variant: -1 + errno instead of -errno. */
static int plain_result(int r) {
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return r;
}

/* Counts the call and returns the errno an armed fault injects, or 0. */
static int locked_take_fault(nto_sim_call call) {
  model.calls[call]++;
  nto_fault *f = &model.faults[call];
  if (f->remaining == 0) {
    return 0;
  }
  f->remaining--;
  return f->remaining == 0 ? f->err : 0;
}

static void locked_pool_init(void) {
  if (model.pool_ready) {
    return;
  }
  model.free_pulses = NULL;
  for (size_t i = NTO_SIM_MAX_PULSES; i > 0; i--) {
    model.pulses[i - 1].next = model.free_pulses;
    model.free_pulses = &model.pulses[i - 1];
  }
  model.pulses_in_use = 0;
  model.pool_ready = true;
}

static nto_queued *locked_pulse_alloc(void) {
  locked_pool_init();
  unsigned limit = model.pulse_limit == 0 ? NTO_SIM_MAX_PULSES : model.pulse_limit;
  if (model.pulses_in_use >= limit || model.free_pulses == NULL) {
    return NULL;
  }
  nto_queued *q = model.free_pulses;
  model.free_pulses = q->next;
  model.pulses_in_use++;
  memset(q, 0, sizeof *q);
  return q;
}

static void locked_pulse_free(nto_queued *q) {
  q->next = model.free_pulses;
  model.free_pulses = q;
  model.pulses_in_use--;
}

static nto_channel *locked_channel(int chid) {
  if (chid < 1 || chid > (int)NTO_SIM_MAX_CHANNELS) {
    return NULL;
  }
  nto_channel *ch = &model.channels[chid - 1];
  return ch->live ? ch : NULL;
}

static nto_connection *locked_connection(int coid) {
  if (coid > _NTO_SIDE_CHANNEL) {
    long slot = (long)coid - _NTO_SIDE_CHANNEL - 1;
    if (slot >= (long)NTO_SIM_MAX_CONNECTIONS) {
      return NULL;
    }
    nto_connection *c = &model.connections[slot];
    return c->live && c->coid == coid ? c : NULL;
  }
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    nto_connection *c = &model.connections[i];
    if (c->live && c->coid == coid) {
      return c;
    }
  }
  return NULL;
}

/* ------------------------------------------------------------------------ */
/* Receiver list: which blocked receiver gets a pulse is not documented by
 * QNX (the 6.x kernel serves the most recent first); the order is a model
 * setting. The head is always the next receiver served. */

static void locked_add_receiver(nto_channel *ch, nto_waiter *w) {
  nto_waiter **at = &ch->receivers;
  switch (model.order) {
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
 * Getting Started); identical pulses are merged with a count (6.x kernel
 * pulse_add, qnx-facts.md). */

static bool same_pulse(const nto_queued *q, int priority, const struct _pulse *p) {
  return q->priority == priority && q->pulse.code == p->code &&
         q->pulse.value.sival_int == p->value.sival_int && q->pulse.scoid == p->scoid;
}

/* Returns 0 or EAGAIN (pool used up: 6.x kernel, qnx-facts.md). */
static int locked_enqueue(nto_channel *ch, int priority, const struct _pulse *p) {
  for (nto_queued *q = ch->queue; q != NULL; q = q->next) {
    if (same_pulse(q, priority, p) && q->count < UINT_MAX) {
      q->count++;
      ch->queued++;
      return 0;
    }
  }
  nto_queued *q = locked_pulse_alloc();
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
    locked_pulse_free(q);
  }
}

static void locked_free_queue(nto_channel *ch) {
  while (ch->queue != NULL) {
    nto_queued *q = ch->queue;
    ch->queue = q->next;
    locked_pulse_free(q);
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
  lock();
  int r = locked_take_fault(NTO_SIM_CALL_CHANNEL_CREATE);
  if (r == 0) {
    r = EAGAIN; /* "All kernel channel objects are in use" */
    for (int i = 0; i < (int)NTO_SIM_MAX_CHANNELS; i++) {
      nto_channel *ch = &model.channels[i];
      if (!ch->live) {
        memset(ch, 0, sizeof *ch);
        ch->live = true;
        ch->flags = flags;
        model.live_channels++;
        unlock();
        clear_timeout();
        return i + 1;
      }
    }
  }
  unlock();
  clear_timeout();
  return -r;
}

int ChannelCreate(unsigned flags) { return plain_result(ChannelCreate_r(flags)); }

/* Fails every receive-blocked thread with ESRCH ("Any threads that are
 * blocked on the channel ... will be unblocked and return with an error",
 * ChannelDestroy; ESRCH per qnx-facts.md). */
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
static void locked_invalidate_connections(int chid) {
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    if (model.connections[i].live && model.connections[i].chid == chid) {
      model.connections[i].chid = 0;
    }
  }
}

static void locked_destroy_channel(int chid) {
  nto_channel *ch = &model.channels[chid - 1];
  locked_fail_receivers(ch, ESRCH);
  locked_free_queue(ch);
  locked_invalidate_connections(chid);
  ch->live = false;
  model.live_channels--;
}

int ChannelDestroy_r(int chid) {
  lock();
  int r = locked_take_fault(NTO_SIM_CALL_CHANNEL_DESTROY);
  if (r == 0) {
    if (locked_channel(chid) == NULL) {
      r = EINVAL; /* "The channel specified by chid doesn't exist" */
    } else {
      locked_destroy_channel(chid);
    }
  }
  unlock();
  clear_timeout();
  return -r;
}

int ChannelDestroy(int chid) { return plain_result(ChannelDestroy_r(chid)); }

/* ------------------------------------------------------------------------ */
/* ConnectAttach / ConnectDetach                                             */

static bool locked_coid_in_use(int coid) { return locked_connection(coid) != NULL; }

/* Without _NTO_SIDE_CHANNEL the id is "a file descriptor greater than or
 * equal to" index (ConnectAttach); the model keeps such ids in its own table
 * below _NTO_SIDE_CHANNEL. Side-channel ids start above _NTO_SIDE_CHANNEL
 * (which is the process manager's SYSMGR_COID). */
static int locked_pick_coid(size_t slot, unsigned index) {
  if ((index & (unsigned)_NTO_SIDE_CHANNEL) != 0) {
    return _NTO_SIDE_CHANNEL + 1 + (int)slot;
  }
  for (unsigned c = index; c < (unsigned)_NTO_SIDE_CHANNEL; c++) {
    if (!locked_coid_in_use((int)c)) {
      return (int)c;
    }
  }
  return -1;
}

static int locked_attach(uint32_t nd, pid_t pid, int chid, unsigned index) {
  if (nd != 0 || (pid != 0 && pid != getpid()) || locked_channel(chid) == NULL) {
    return -ESRCH; /* node, process or channel doesn't exist */
  }
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    nto_connection *c = &model.connections[i];
    if (!c->live) {
      int coid = locked_pick_coid(i, index);
      if (coid < 0) {
        return -EAGAIN;
      }
      c->live = true;
      c->coid = coid;
      c->chid = chid;
      model.live_connections++;
      return coid;
    }
  }
  return -EAGAIN; /* all kernel connection objects are in use */
}

int ConnectAttach_r(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) {
  (void)flags; /* _NTO_COF_CLOEXEC: the model never execs */
  lock();
  int fault = locked_take_fault(NTO_SIM_CALL_CONNECT_ATTACH);
  int r = fault != 0 ? -fault : locked_attach(nd, pid, chid, index);
  unlock();
  clear_timeout();
  return r;
}

int ConnectAttach(uint32_t nd, pid_t pid, int chid, unsigned index, int flags) {
  return plain_result(ConnectAttach_r(nd, pid, chid, index, flags));
}

int ConnectDetach_r(int coid) {
  lock();
  int r = locked_take_fault(NTO_SIM_CALL_CONNECT_DETACH);
  if (r == 0) {
    nto_connection *c = locked_connection(coid);
    if (c == NULL) {
      r = EINVAL; /* "The connection specified by coid doesn't exist" */
    } else {
      c->live = false;
      model.live_connections--;
    }
  }
  unlock();
  clear_timeout();
  return -r;
}

int ConnectDetach(int coid) { return plain_result(ConnectDetach_r(coid)); }

/* ------------------------------------------------------------------------ */
/* MsgSendPulse                                                              */

/* "-1 to use the priority of the calling thread ... A priority of 0 (which
 * is reserved for the idle thread) is changed to 1" (MsgSendPulse, 7.1);
 * anything else outside the valid priorities: EINVAL. Returns 0 if bad. */
static int effective_priority(int priority) {
  if (priority == -1) {
    return thread_priority;
  }
  if (priority == 0) {
    return NTO_PRIO_MIN;
  }
  if (priority < NTO_PRIO_MIN || priority > NTO_PRIO_MAX) {
    return 0;
  }
  return priority;
}

static struct _pulse make_pulse(int code, int value) {
  struct _pulse p;
  memset(&p, 0, sizeof p);
  p.type = _PULSE_TYPE;
  p.subtype = _PULSE_SUBTYPE;
  p.code = (int8_t)(code & 0xff); /* "The 8-bit pulse code" */
  p.value.sival_int = value;
  p.scoid = NTO_SIM_SCOID;
  return p;
}

static int locked_send(int coid, int priority, int code, int value) {
  nto_connection *c = locked_connection(coid);
  if (c == NULL || c->chid == 0) {
    return EBADF; /* no such connection, or its channel was destroyed */
  }
  int prio = effective_priority(priority);
  if (prio == 0) {
    return EINVAL;
  }
  nto_channel *ch = &model.channels[c->chid - 1];
  struct _pulse p = make_pulse(code, value);
  if (ch->receivers == NULL) {
    /* "pulses are queued if no thread is receive-blocked" (Getting Started) */
    return locked_enqueue(ch, prio, &p);
  }
  nto_waiter *w = ch->receivers;
  ch->receivers = w->next;
  ch->blocked--;
  w->pulse = p;
  w->new_priority = (ch->flags & _NTO_CHF_FIXED_PRIORITY) != 0 ? 0 : prio;
  w->result = 0;
  w->done = true;
  (void)pthread_cond_signal(&w->cond);
  return 0;
}

int MsgSendPulse_r(int coid, int priority, int code, int value) {
  lock();
  int r = locked_take_fault(NTO_SIM_CALL_MSG_SEND_PULSE);
  if (r == 0) {
    r = locked_send(coid, priority, code, value);
  }
  unlock();
  clear_timeout();
  return -r;
}

int MsgSendPulse(int coid, int priority, int code, int value) {
  return plain_result(MsgSendPulse_r(coid, priority, code, value));
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
  w->thread_priority = thread_priority;
  locked_add_receiver(ch, w);
  while (!w->done) {
    if (!timed) {
      (void)pthread_cond_wait(&w->cond, &model.lock);
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
    (void)pthread_cond_timedwait(&w->cond, &model.lock, &thread_timeout.deadline);
  }
  (void)pthread_cond_destroy(&w->cond);
}

/* The receiving thread takes the pulse's priority unless the channel was
 * created with _NTO_CHF_FIXED_PRIORITY (ChannelCreate; qnx-facts.md). */
static int locked_receive(int chid, struct _pulse *out, int *new_priority) {
  nto_channel *ch = locked_channel(chid);
  if (ch == NULL) {
    return ESRCH; /* "The channel indicated by chid doesn't exist" */
  }
  if (ch->queue != NULL) {
    /* "If a pulse is waiting on the channel when you call
     * MsgReceivePulse(), the calling thread doesn't block" */
    int prio;
    locked_dequeue(ch, out, &prio);
    *new_priority = (ch->flags & _NTO_CHF_FIXED_PRIORITY) != 0 ? 0 : prio;
    return 0;
  }
  bool timed = (thread_timeout.flags & _NTO_TIMEOUT_RECEIVE) != 0;
  if (timed && thread_timeout.immediate) {
    return ETIMEDOUT; /* "If this argument [ntime] is NULL, the timeout occurs immediately" */
  }
  nto_waiter w;
  memset(&w, 0, sizeof w);
  locked_block(ch, &w, timed);
  if (w.result == 0) {
    *out = w.pulse;
    *new_priority = w.new_priority;
  }
  return w.result;
}

int MsgReceivePulse_r(int chid, void *pulse, size_t bytes, struct _msg_info *info) {
  (void)info; /* "The function doesn't update this structure" */
  struct _pulse got;
  int new_priority = 0;
  lock();
  int r = locked_take_fault(NTO_SIM_CALL_MSG_RECEIVE_PULSE);
  if (r == 0 && (pulse == NULL || bytes < sizeof(struct _pulse))) {
    r = EFAULT; /* "If this buffer isn't big enough ... you'll get an EFAULT" */
  }
  if (r == 0) {
    r = locked_receive(chid, &got, &new_priority);
  }
  unlock();
  if (r == 0) {
    memcpy(pulse, &got, sizeof got);
    if (new_priority != 0) {
      thread_priority = new_priority;
    }
  }
  clear_timeout();
  return -r;
}

int MsgReceivePulse(int chid, void *pulse, size_t bytes, struct _msg_info *info) {
  return plain_result(MsgReceivePulse_r(chid, pulse, bytes, info));
}

/* ------------------------------------------------------------------------ */
/* TimerTimeout                                                              */

static int arm_timeout(clockid_t id, int flags, const struct sigevent *notify,
                       const uint64_t *ntime) {
  if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
    return -EINVAL;
  }
  if ((flags & _NTO_TIMEOUT_NANOSLEEP) != 0) {
    return -EINVAL; /* not modelled */
  }
  if (notify != NULL && notify->sigev_notify != SIGEV_UNBLOCK) {
    return -EINVAL; /* only the unblock event is modelled */
  }
  int previous = thread_timeout.flags;
  int states = flags & ~(int)TIMER_ABSTIME;
  nto_timeout t = {.flags = states, .immediate = ntime == NULL, .clock = id};
  if (states != 0 && ntime != NULL) {
    if ((flags & (int)TIMER_ABSTIME) != 0) {
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
 * flags ("Returns: The previous timeout flags"). */
int TimerTimeout_r(clockid_t id, int flags, const struct sigevent *notify,
                   const uint64_t *ntime, uint64_t *otime) {
  (void)otime; /* only written for _NTO_TIMEOUT_NANOSLEEP, not modelled */
  lock();
  int fault = locked_take_fault(NTO_SIM_CALL_TIMER_TIMEOUT);
  unlock();
  if (fault != 0) {
    clear_timeout(); /* a failed kernel call returns too */
    return -fault;
  }
  int r = arm_timeout(id, flags, notify, ntime);
  if (r < 0) {
    clear_timeout();
  }
  return r;
}

int TimerTimeout(clockid_t id, int flags, const struct sigevent *notify,
                 const uint64_t *ntime, uint64_t *otime) {
  return plain_result(TimerTimeout_r(id, flags, notify, ntime, otime));
}

/* ------------------------------------------------------------------------ */
/* Test controls (nto_sim.h)                                                 */

void nto_sim_reset(void) {
  lock();
  for (int i = 0; i < (int)NTO_SIM_MAX_CHANNELS; i++) {
    if (model.channels[i].live) {
      locked_destroy_channel(i + 1);
    }
  }
  memset(model.connections, 0, sizeof model.connections);
  model.live_connections = 0;
  model.pool_ready = false;
  locked_pool_init();
  model.pulse_limit = 0;
  model.order = NTO_SIM_RECV_LIFO;
  memset(model.faults, 0, sizeof model.faults);
  memset(model.calls, 0, sizeof model.calls);
  unlock();
  thread_priority = NTO_PRIO_DEFAULT;
  clear_timeout();
}

void nto_sim_set_receiver_order(nto_sim_receiver_order order) {
  lock();
  model.order = order;
  unlock();
}

int nto_sim_set_thread_priority(int priority) {
  if (priority < NTO_PRIO_MIN || priority > NTO_PRIO_MAX) {
    return -1;
  }
  thread_priority = priority;
  return 0;
}

int nto_sim_get_thread_priority(void) { return thread_priority; }

void nto_sim_fail_nth(nto_sim_call call, unsigned nth, int err) {
  if ((unsigned)call >= (unsigned)NTO_SIM_CALL_COUNT) {
    return;
  }
  lock();
  model.faults[call].remaining = nth;
  model.faults[call].err = err < 0 ? -err : err;
  unlock();
}

void nto_sim_clear_faults(void) {
  lock();
  memset(model.faults, 0, sizeof model.faults);
  unlock();
}

unsigned nto_sim_calls(nto_sim_call call) {
  if ((unsigned)call >= (unsigned)NTO_SIM_CALL_COUNT) {
    return 0;
  }
  lock();
  unsigned n = model.calls[call];
  unlock();
  return n;
}

unsigned nto_sim_live_channels(void) {
  lock();
  unsigned n = model.live_channels;
  unlock();
  return n;
}

unsigned nto_sim_live_connections(void) {
  lock();
  unsigned n = model.live_connections;
  unlock();
  return n;
}

unsigned nto_sim_queued_pulses(int chid) {
  lock();
  nto_channel *ch = locked_channel(chid);
  unsigned n = ch != NULL ? ch->queued : 0;
  unlock();
  return n;
}

unsigned nto_sim_blocked_receivers(int chid) {
  lock();
  nto_channel *ch = locked_channel(chid);
  unsigned n = ch != NULL ? ch->blocked : 0;
  unlock();
  return n;
}

unsigned nto_sim_blocked_receivers_total(void) {
  lock();
  unsigned n = 0;
  for (size_t i = 0; i < NTO_SIM_MAX_CHANNELS; i++) {
    if (model.channels[i].live) {
      n += model.channels[i].blocked;
    }
  }
  unlock();
  return n;
}

void nto_sim_set_pulse_pool(unsigned max_queued) {
  lock();
  model.pulse_limit = max_queued > NTO_SIM_MAX_PULSES ? NTO_SIM_MAX_PULSES : max_queued;
  unlock();
}

unsigned nto_sim_pulse_objects_in_use(void) {
  lock();
  unsigned n = model.pulses_in_use;
  unlock();
  return n;
}
