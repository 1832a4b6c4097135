/*
 * nto_sim_controls.c - Neutrino host model: the test controls of
 * <nto_sim.h> (reset, priorities, processes, limits, faults, counters,
 * the receive gate). May include: standard C, POSIX, the model's headers.
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
#include <string.h>
#include <unistd.h>

void nto_sim_reset(void) {
  nto_lock();
  for (int i = 0; i < (int)NTO_SIM_MAX_CHANNELS; i++) {
    if (nto_state.channels[i].live) {
      nto_locked_destroy_channel(i);
    }
  }
  memset(nto_state.connections, 0, sizeof nto_state.connections);
  nto_state.live_connections = 0;
  memset(nto_state.procs, 0, sizeof nto_state.procs);
  (void)nto_locked_own_proc();
  /* a fresh kernel: every thread belongs to our process again and has not
   * received on any channel */
  for (size_t i = 0; i < NTO_SIM_MAX_THREADS; i++) {
    nto_state.threads[i].proc = 0;
    nto_state.threads[i].last_chid = -1;
  }
  nto_state.pool_ready = false;
  nto_locked_pool_init();
  nto_state.pulse_limit = 0;
  nto_state.order = NTO_SIM_RECV_LIFO;
  nto_state.boost = NTO_SIM_BOOST_ALL;
  nto_state.gate_closed = false;
  (void)pthread_cond_broadcast(&nto_state.gate_cond);
  memset(nto_state.faults, 0, sizeof nto_state.faults);
  memset(nto_state.calls, 0, sizeof nto_state.calls);
  nto_locked_self()->priority = NTO_PRIO_DEFAULT;
  nto_locked_self()->base = NTO_PRIO_DEFAULT;
  nto_state.sched_get = NTO_SIM_SCHED_GET_RUNNING;
  nto_unlock();
  nto_clear_timeout();
}

void nto_sim_set_server_boost(nto_sim_boost boost) {
  nto_lock();
  nto_state.boost = boost;
  nto_unlock();
}

void nto_sim_set_sched_get_reports(nto_sim_sched_get what) {
  nto_lock();
  nto_state.sched_get = what;
  nto_unlock();
}

void nto_sim_set_receiver_order(nto_sim_receiver_order order) {
  nto_lock();
  nto_state.order = order;
  nto_unlock();
}

int nto_sim_set_thread_priority(int priority) {
  if (priority < NTO_PRIO_MIN || priority > NTO_PRIO_MAX) {
    return -1;
  }
  nto_lock();
  nto_locked_self()->priority = priority;
  nto_locked_self()->base = priority;
  nto_unlock();
  return 0;
}

int nto_sim_get_thread_priority(void) {
  nto_lock();
  int p = nto_locked_self()->priority;
  nto_unlock();
  return p;
}

int nto_sim_get_last_chid(void) {
  nto_lock();
  int c = nto_locked_self()->last_chid;
  nto_unlock();
  return c;
}

int nto_sim_process_create(void) {
  nto_lock();
  (void)nto_locked_own_proc();
  int pid = -1;
  for (int i = 1; i < (int)NTO_SIM_MAX_PROCESSES; i++) {
    if (!nto_state.procs[i].live) {
      /* a pid no host process of ours has: above the Linux pid_max */
      pid = NTO_SIM_FOREIGN_PID_BASE + i;
      nto_locked_proc_init(&nto_state.procs[i], (pid_t)pid);
      break;
    }
  }
  nto_unlock();
  return pid;
}

int nto_sim_set_thread_process(int pid) {
  nto_lock();
  int proc = pid == 0 ? 0 : nto_locked_proc_index((pid_t)pid);
  if (proc >= 0) {
    nto_locked_self()->proc = proc;
  }
  nto_unlock();
  return proc >= 0 ? 0 : -1;
}

int nto_sim_set_process_dying(int pid, bool dying) {
  nto_lock();
  int proc = pid == 0 ? 0 : nto_locked_proc_index((pid_t)pid);
  if (proc >= 0) {
    nto_state.procs[proc].dying = dying;
  }
  nto_unlock();
  return proc >= 0 ? 0 : -1;
}

void nto_sim_set_rlimit_nofile(unsigned soft_limit, unsigned other_fds) {
  nto_lock();
  nto_process *p = nto_locked_self_proc();
  p->nofile = soft_limit;
  p->other_fds = other_fds;
  nto_unlock();
}

unsigned nto_sim_process_connections(void) {
  nto_lock();
  unsigned n = nto_locked_self_proc()->nfds;
  nto_unlock();
  return n;
}

void nto_sim_fail_nth(nto_sim_call call, unsigned nth, int err) {
  if ((unsigned)call >= (unsigned)NTO_SIM_CALL_COUNT) {
    return;
  }
  nto_lock();
  nto_state.faults[call].remaining = nth;
  nto_state.faults[call].err = err < 0 ? -err : err;
  nto_unlock();
}

void nto_sim_clear_faults(void) {
  nto_lock();
  memset(nto_state.faults, 0, sizeof nto_state.faults);
  nto_unlock();
}

unsigned nto_sim_calls(nto_sim_call call) {
  if ((unsigned)call >= (unsigned)NTO_SIM_CALL_COUNT) {
    return 0;
  }
  nto_lock();
  unsigned n = nto_state.calls[call];
  nto_unlock();
  return n;
}

unsigned nto_sim_live_channels(void) {
  nto_lock();
  unsigned n = nto_state.live_channels;
  nto_unlock();
  return n;
}

unsigned nto_sim_live_connections(void) {
  nto_lock();
  unsigned n = nto_state.live_connections;
  nto_unlock();
  return n;
}

/* Counters look chid up in the calling thread's process. */
unsigned nto_sim_queued_pulses(int chid) {
  nto_lock();
  nto_channel *ch = nto_locked_channel(nto_locked_self()->proc, chid);
  unsigned n = ch != NULL ? ch->queued : 0;
  nto_unlock();
  return n;
}

unsigned nto_sim_blocked_receivers(int chid) {
  nto_lock();
  nto_channel *ch = nto_locked_channel(nto_locked_self()->proc, chid);
  unsigned n = ch != NULL ? ch->blocked : 0;
  nto_unlock();
  return n;
}

unsigned nto_sim_blocked_receivers_total(void) {
  nto_lock();
  unsigned n = 0;
  for (size_t i = 0; i < NTO_SIM_MAX_CHANNELS; i++) {
    if (nto_state.channels[i].live) {
      n += nto_state.channels[i].blocked;
    }
  }
  nto_unlock();
  return n;
}

void nto_sim_set_pulse_pool(unsigned max_queued) {
  nto_lock();
  nto_state.pulse_limit = max_queued > NTO_SIM_MAX_PULSES ? NTO_SIM_MAX_PULSES : max_queued;
  nto_unlock();
}

unsigned nto_sim_pulse_objects_in_use(void) {
  nto_lock();
  unsigned n = nto_state.pulses_in_use;
  nto_unlock();
  return n;
}

int nto_sim_profile(void) { return _NTO_VERSION; }

unsigned nto_sim_live_chids(int pid, int *out, unsigned max) {
  nto_lock();
  int proc = pid == 0 ? 0 : nto_locked_proc_index((pid_t)pid);
  unsigned n = 0;
  for (int chid = 1; proc >= 0 && chid < (int)NTO_SIM_MAX_IDS; chid++) {
    if (nto_locked_channel(proc, chid) != NULL) {
      if (out != NULL && n < max) {
        out[n] = chid;
      }
      n++;
    }
  }
  nto_unlock();
  return n;
}

int nto_sim_send_pulse_as(int pid, int target_pid, int chid, int priority, int code, long value) {
  nto_lock();
  nto_thread *self = nto_locked_self();
  int saved = self->proc;
  int proc = pid == 0 ? 0 : nto_locked_proc_index((pid_t)pid);
  if (proc >= 0) {
    self->proc = proc;
  }
  nto_unlock();
  if (proc < 0) {
    return -ESRCH;
  }
  int r = ConnectAttach_r(0, (pid_t)target_pid, chid, _NTO_SIDE_CHANNEL, 0);
  if (r >= 0) {
    int coid = r;
    r = MsgSendPulse_r(coid, priority, code, (NTO_SIM_PULSE_VALUE_T)value);
    (void)ConnectDetach_r(coid); /* a queued pulse stays (K/nano_connect.c ~21-53) */
  }
  nto_lock();
  self->proc = saved;
  nto_unlock();
  return r;
}

void nto_sim_set_receive_gate(bool closed) {
  nto_lock();
  nto_state.gate_closed = closed;
  if (!closed) {
    (void)pthread_cond_broadcast(&nto_state.gate_cond);
  }
  nto_unlock();
}

unsigned nto_sim_gated_receivers(void) {
  nto_lock();
  unsigned n = nto_state.gated;
  nto_unlock();
  return n;
}
