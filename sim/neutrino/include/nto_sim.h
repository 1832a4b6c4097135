/*
 * nto_sim.h - test controls of the Neutrino host model (sim/neutrino).
 *
 * The model implements, on a Linux host, the QNX kernel calls src/qnx uses
 * (ChannelCreate, ConnectAttach, MsgSendPulse, MsgReceivePulse, TimerTimeout,
 * ... with the signatures of <sys/neutrino.h>). This header is NOT a QNX
 * header: only tests and the selftest include it, to set what QNX leaves
 * undocumented, to give threads QNX priorities, to inject failures and to
 * count kernel objects. Production code (src/) never includes it.
 */
#ifndef NTO_SIM_H
#define NTO_SIM_H

#include <errno.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which receive-blocked thread a pulse goes to is not documented by QNX (the
 * 6.x kernel serves the most recently blocked receiver first: LIFO). */
typedef enum {
  NTO_SIM_RECV_LIFO = 0, /* default: what the 6.x kernel does */
  NTO_SIM_RECV_FIFO,
  NTO_SIM_RECV_PRIORITY /* highest thread priority first, FIFO within one */
} nto_sim_receiver_order;

typedef enum {
  NTO_SIM_CALL_CHANNEL_CREATE = 0,
  NTO_SIM_CALL_CHANNEL_DESTROY,
  NTO_SIM_CALL_CONNECT_ATTACH,
  NTO_SIM_CALL_CONNECT_DETACH,
  NTO_SIM_CALL_MSG_SEND_PULSE,
  NTO_SIM_CALL_MSG_RECEIVE_PULSE,
  NTO_SIM_CALL_TIMER_TIMEOUT,
  NTO_SIM_CALL_SCHED_GET, /* added later: appended so the values above stay */
  NTO_SIM_CALL_COUNT
} nto_sim_call;

/* Back to the initial state: all channels and connections destroyed, faults
 * cleared, counters zeroed, order LIFO, pool unlimited. No thread may be
 * blocked in the model when this is called. */
void nto_sim_reset(void);

void nto_sim_set_receiver_order(nto_sim_receiver_order order);

/* The calling thread's QNX priority, 1..255 (default 10, QNX's default for
 * a process's first thread). Returns 0, or -1 for an out-of-range value.
 * SchedGet(0, 0, &p) reports the same value in p.sched_priority. */
int nto_sim_set_thread_priority(int priority);
int nto_sim_get_thread_priority(void);

/* Make the nth (1-based, counted from now) call of kind fail with err, as the
 * real call reports it (-1 + errno, or -err for the _r variant). The failed
 * call has no other effect. One armed fault per kind. */
void nto_sim_fail_nth(nto_sim_call call, unsigned nth, int err);
void nto_sim_clear_faults(void);
/* Calls of this kind since the last reset (failed ones included). */
unsigned nto_sim_calls(nto_sim_call call);

/* Live kernel objects, to prove that nothing leaks. */
unsigned nto_sim_live_channels(void);
unsigned nto_sim_live_connections(void);
/* Pulses queued on chid (merged pulses counted once per receive they give),
 * and threads receive-blocked on it; 0 for an unknown chid. Tests poll these
 * instead of sleeping. */
unsigned nto_sim_queued_pulses(int chid);
unsigned nto_sim_blocked_receivers(int chid);
/* Total receive-blocked threads on all channels. */
unsigned nto_sim_blocked_receivers_total(void);

/* Size of the process-wide pulse pool (queued pulse objects); a send that
 * needs a new object when the pool is used up fails with EAGAIN. 0 means
 * unlimited (the default). */
void nto_sim_set_pulse_pool(unsigned max_queued);

/* --- Extensions (added after the first version; nothing above changed) --- */

/* Capacities of the model's fixed tables (no heap). A full table fails the
 * call with the errno the QNX reference gives: ChannelCreate and
 * ConnectAttach EAGAIN, MsgSendPulse EAGAIN when no pulse object is left. */
#define NTO_SIM_MAX_CHANNELS 256u
#define NTO_SIM_MAX_CONNECTIONS 1024u
#define NTO_SIM_MAX_PULSES 4096u

/* Queued pulse objects in use in the process-wide pool (merged identical
 * pulses share one object), to test pool accounting and prove no leak. */
unsigned nto_sim_pulse_objects_in_use(void);


/* --- Kernel priority rules, processes, descriptor limit (issue 10/16) --- */

/* Capacities: threads known to the model at once (a thread is registered at
 * its first model call and released at its exit), modelled processes (ours
 * and foreign ones). */
#define NTO_SIM_MAX_THREADS 512u
#define NTO_SIM_MAX_PROCESSES 8u
/* Foreign pids are NTO_SIM_FOREIGN_PID_BASE + n: above Linux's pid_max
 * (4194304), so no host process has one. */
#define NTO_SIM_FOREIGN_PID_BASE 0x40000000
/* The errno ConnectAttach gives when _NTO_CHF_PRIVATE refuses another
 * process. No source at hand names it (unconfirmed): a model choice. */
#define NTO_SIM_PRIVATE_REFUSAL EPERM

/* The calling thread's last_chid: the chid of its last MsgReceive*, -1 if
 * none since the thread (or the last reset) began (K/ker_fastmsg.c:832). */
int nto_sim_get_last_chid(void);

/* A new foreign process: returns its pid (> 0), or -1 when the table is
 * full. It lives until nto_sim_reset(). */
int nto_sim_process_create(void);
/* The calling thread acts as a thread of process pid from now on (0 or
 * getpid(): our own process): its ChannelCreate makes channels of that
 * process, its ConnectAttach(.., pid 0 ..) means that process, its
 * connection ids are that process's. Returns 0, or -1 for an unknown pid. */
int nto_sim_set_thread_process(int pid);
/* Marks process pid (0: ours) as dying (_NTO_PF_TERMING): a pulse that
 * would be queued on its channels fails with ENXIO (K/nano_pulse.c:156-159)
 * and ConnectAttach to it fails with ENXIO (K/ker_connect.c:84). */
int nto_sim_set_process_dying(int pid, bool dying);
/* The calling thread's process: RLIMIT_NOFILE soft limit (0 = not
 * enforced, the default) and the descriptors it holds outside the model.
 * ConnectAttach fails with EMFILE when 1 (the process manager's
 * connection) + other_fds + the process's connections > soft_limit
 * (K/ker_connect.c:48-55). */
void nto_sim_set_rlimit_nofile(unsigned soft_limit, unsigned other_fds);
/* The calling thread's process's live connections (its nfds share). */
unsigned nto_sim_process_connections(void);
/* The server boost of a queued pulse differs between versions and is not
 * fully documented: the 6.4 kernel raises EVERY matching thread for good
 * (K/nano_pulse.c:168-179: the default); the 8.0 docs speak of one thread
 * (qnx-facts.md); the model can also do none. Code must be correct under
 * each (the 6.6 docs' "reverted at the next receive" is not modelled). */
typedef enum {
  NTO_SIM_BOOST_ALL = 0, /* default: 6.4 */
  NTO_SIM_BOOST_ONE,     /* the first matching thread of the model's table */
  NTO_SIM_BOOST_NONE
} nto_sim_boost;
void nto_sim_set_server_boost(nto_sim_boost boost);

/* What SchedGet reports after a pulse or boost changed the priority. 6.4:
 * the priority the thread runs at (pulse and boost set the REAL priority,
 * K/nano_pulse.c:137, :176): the default. 8.0 splits real and effective
 * priority and which one SchedGet reports after a receive is unconfirmed:
 * BASE reports the priority the thread last set itself, as if pulses
 * changed only the effective one. nto_sim_get_thread_priority() always
 * reports the running priority. Reset: RUNNING. */
typedef enum {
  NTO_SIM_SCHED_GET_RUNNING = 0,
  NTO_SIM_SCHED_GET_BASE
} nto_sim_sched_get;
void nto_sim_set_sched_get_reports(nto_sim_sched_get what);

/* The live channel ids of process pid (0: ours), lowest first: up to max
 * are stored in out (may be NULL); returns how many there are. For tests
 * that forge pulses to a waiter's channel (issue 16) without guessing. */
unsigned nto_sim_live_chids(int pid, int *out, unsigned max);
/* Forges a pulse as process pid (0: ours; else from nto_sim_process_create)
 * to channel chid of process target_pid (0: pid's own): ConnectAttach (side
 * channel), MsgSendPulse, ConnectDetach, made by the calling thread acting
 * as pid for the moment - so they count in nto_sim_calls() and clear the
 * thread's armed TimerTimeout like any kernel call. Returns 0, or the
 * -errno of the failing call (e.g. -NTO_SIM_PRIVATE_REFUSAL for a
 * _NTO_CHF_PRIVATE channel of another process, -ESRCH for an unknown pid).
 * value: the low 32 bits are sent in the 640/710 profiles (int value). */
int nto_sim_send_pulse_as(int pid, int target_pid, int chid, int priority, int code, long value);
/* Interleaving control: while the gate is closed, every MsgReceivePulse
 * call waits at its entry, before the kernel sees it (as if the thread were
 * preempted just before the call), so that a test can send while a waiter
 * is published but not yet receive-blocked: the pulse is then QUEUED (and
 * may boost, K/nano_pulse.c:165-179). Opening releases them; reset opens. */
void nto_sim_set_receive_gate(bool closed);
unsigned nto_sim_gated_receivers(void);
/* The API profile the model was built in: 640, 710 or 800 (_NTO_VERSION). */
int nto_sim_profile(void);

/* Notes on the controls above, as implemented:
 * - nto_sim_reset() also sets the CALLING thread's priority back to 10 and
 *   clears its armed TimerTimeout (other threads' per-thread state is theirs).
 * - err for nto_sim_fail_nth() is a positive errno (a negative one is
 *   taken as its absolute value); nth == 0 disarms the kind.
 * - An injected failure, like any kernel call's return, clears the calling
 *   thread's armed TimerTimeout; it has no other effect.
 * - Thread priorities are model-level labels: they order pulse delivery,
 *   PRIORITY receiver order and what nto_sim_get_thread_priority() reports;
 *   the host scheduler does not honour them. */

#ifdef __cplusplus
}
#endif
#endif
