/*
 * nto_model_state.c - Neutrino host model: the kernel's state (one lock),
 * processes and their id vectors, the threads known to the model, the
 * process-wide pulse pool, and id lookups. Facts from the public QNX 6.4
 * kernel source (K/ = trunk/services/system/ker/, github vocho/openqnx).
 * May include: standard C, POSIX/pthreads, the host's syscall(SYS_gettid),
 * the model's own headers.
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

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The kernel's state: process-wide, hence global (the model stands for the
 * kernel of one machine). Every field is guarded by lock. */
nto_model_state nto_state = {.lock = PTHREAD_MUTEX_INITIALIZER,
                             .gate_cond = PTHREAD_COND_INITIALIZER};

/* The calling thread's entry in nto_state.threads (registered at its first
 * model call, released by a pthread key destructor at thread exit, in the
 * last round of destructors: see thread_exit_destructor). */
static _Thread_local nto_thread *thread_self;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;

/* ------------------------------------------------------------------------ */
/* Small helpers (all "locked_" ones run with nto_state.lock held)              */

void nto_lock(void) { (void)pthread_mutex_lock(&nto_state.lock); }
void nto_unlock(void) { (void)pthread_mutex_unlock(&nto_state.lock); }


/* Plain variant from the _r variant: -1 + errno instead of -errno. */
int nto_plain_result(int r) {
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return r;
}

/* Counts the call and returns the errno an armed fault injects, or 0. */
int nto_locked_take_fault(nto_sim_call call) {
  nto_state.calls[call]++;
  nto_fault *f = &nto_state.faults[call];
  if (f->remaining == 0) {
    return 0;
  }
  f->remaining--;
  return f->remaining == 0 ? f->err : 0;
}

/* --- processes and their id vectors --- */

void nto_locked_proc_init(nto_process *p, pid_t pid) {
  memset(p, 0, sizeof *p);
  p->live = true;
  p->pid = pid;
  p->ids[0] = 1u; /* index 0: the process manager's connection */
}

nto_process *nto_locked_own_proc(void) {
  if (!nto_state.procs[0].live) {
    nto_locked_proc_init(&nto_state.procs[0], getpid());
  }
  return &nto_state.procs[0];
}

/* pid 0 means "this process" at the call sites that allow it. */
int nto_locked_proc_index(pid_t pid) {
  (void)nto_locked_own_proc();
  for (int i = 0; i < (int)NTO_SIM_MAX_PROCESSES; i++) {
    if (nto_state.procs[i].live && nto_state.procs[i].pid == pid) {
      return i;
    }
  }
  return -1;
}

int nto_locked_id_alloc(nto_process *p, unsigned from) {
  for (unsigned i = from; i < NTO_SIM_MAX_IDS; i++) {
    if ((p->ids[i / 8u] & (1u << (i % 8u))) == 0) {
      p->ids[i / 8u] = (unsigned char)(p->ids[i / 8u] | (1u << (i % 8u)));
      return (int)i;
    }
  }
  return -1;
}

void nto_locked_id_free(nto_process *p, int id) {
  if (id > 0 && (unsigned)id < NTO_SIM_MAX_IDS) {
    p->ids[(unsigned)id / 8u] = (unsigned char)(p->ids[(unsigned)id / 8u] & ~(1u << ((unsigned)id % 8u)));
  }
}

/* --- threads --- */

/* POSIX runs an exiting thread's key destructors in rounds (at most
 * PTHREAD_DESTRUCTOR_ITERATIONS; a round again while some value was set
 * anew), and glibc, in each round, in the order the keys were made. The
 * model's key is made at the process's first model call, so the
 * destructors of later keys, the QNX parker's among them (ConnectDetach,
 * ChannelDestroy), run after this one in the same round. On QNX a thread is
 * the kernel's until it is gone, its last destructors included: so this
 * destructor sets its value again until the round before the last and
 * only then frees the entry (the last round is left to runtimes that end
 * the thread there: ThreadSanitizer's destructor re-arms itself to the
 * last round and finalises the thread, after which a lock here fails its
 * interceptor's check). (Freed in the first round, the entry was taken over by
 * a thread starting meanwhile, and the exiting thread's ChannelDestroy ran
 * as that thread, of another process: EINVAL, a channel leaked;
 * tests/qnx_sync/test_qnx_parker_exit.c.) The exiting thread then forgets
 * the entry, so a model call after the last round registers anew instead
 * of using an entry that may be another thread's. */
#ifndef PTHREAD_DESTRUCTOR_ITERATIONS
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#endif
static void thread_exit_destructor(void *arg) {
  nto_thread *t = arg;
  nto_lock();
  if (t->exit_rounds + 2u < (unsigned)PTHREAD_DESTRUCTOR_ITERATIONS) {
    t->exit_rounds++;
    nto_unlock();
    (void)pthread_setspecific(thread_key, t);
    return;
  }
  t->live = false;
  nto_unlock();
  thread_self = NULL;
}

static void thread_key_create(void) {
  if (pthread_key_create(&thread_key, thread_exit_destructor) != 0) {
    abort();
  }
}

/* The calling thread's entry, made at its first model call. The model is
 * test equipment: more live threads than the table holds is a test bug. */
nto_thread *nto_locked_self(void) {
  if (thread_self != NULL) {
    return thread_self;
  }
  (void)nto_locked_own_proc();
  for (size_t i = 0; i < NTO_SIM_MAX_THREADS; i++) {
    nto_thread *t = &nto_state.threads[i];
    if (!t->live) {
      t->live = true;
      t->proc = 0;
      t->priority = NTO_PRIO_DEFAULT;
      t->base = NTO_PRIO_DEFAULT;
      t->last_chid = -1;
      t->exit_rounds = 0u;
      t->host_tid = syscall(SYS_gettid);
      thread_self = t;
      (void)pthread_once(&thread_key_once, thread_key_create);
      (void)pthread_setspecific(thread_key, t);
      return t;
    }
  }
  (void)fputs("nto_model: more than NTO_SIM_MAX_THREADS live threads\n", stderr);
  abort();
}

nto_process *nto_locked_self_proc(void) { return &nto_state.procs[nto_locked_self()->proc]; }

/* --- pulse pool --- */

void nto_locked_pool_init(void) {
  if (nto_state.pool_ready) {
    return;
  }
  nto_state.free_pulses = NULL;
  for (size_t i = NTO_SIM_MAX_PULSES; i > 0; i--) {
    nto_state.pulses[i - 1].next = nto_state.free_pulses;
    nto_state.free_pulses = &nto_state.pulses[i - 1];
  }
  nto_state.pulses_in_use = 0;
  nto_state.pool_ready = true;
}

nto_queued *nto_locked_pulse_alloc(void) {
  nto_locked_pool_init();
  unsigned limit = nto_state.pulse_limit == 0 ? NTO_SIM_MAX_PULSES : nto_state.pulse_limit;
  if (nto_state.pulses_in_use >= limit || nto_state.free_pulses == NULL) {
    return NULL;
  }
  nto_queued *q = nto_state.free_pulses;
  nto_state.free_pulses = q->next;
  nto_state.pulses_in_use++;
  memset(q, 0, sizeof *q);
  return q;
}

void nto_locked_pulse_free(nto_queued *q) {
  q->next = nto_state.free_pulses;
  nto_state.free_pulses = q;
  nto_state.pulses_in_use--;
}

/* --- lookups: channel ids and connection ids are per process --- */

int nto_locked_channel_slot(int proc, int chid) {
  for (int i = 0; i < (int)NTO_SIM_MAX_CHANNELS; i++) {
    nto_channel *ch = &nto_state.channels[i];
    if (ch->live && ch->proc == proc && ch->chid == chid) {
      return i;
    }
  }
  return -1;
}

nto_channel *nto_locked_channel(int proc, int chid) {
  int slot = nto_locked_channel_slot(proc, chid);
  return slot < 0 ? NULL : &nto_state.channels[slot];
}

nto_connection *nto_locked_connection(int proc, int coid) {
  for (size_t i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    nto_connection *c = &nto_state.connections[i];
    if (c->live && c->proc == proc && c->coid == coid) {
      return c;
    }
  }
  return NULL;
}
