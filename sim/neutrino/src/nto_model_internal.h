/*
 * nto_model_internal.h - Neutrino host model: the kernel's state shared by
 * the model's own files (nto_model_state.c: processes, threads, ids, pulse
 * pool, lookups; nto_model.c: the kernel calls; nto_sim_controls.c: the
 * test controls). Not installed, not included by tests or src/qnx.
 * Every "locked" function runs with nto_state.lock held.
 * Includes the model's <sys/neutrino.h>, <nto_sim.h> and pthreads.
 */
#ifndef NTO_MODEL_INTERNAL_H
#define NTO_MODEL_INTERNAL_H

#include <sys/neutrino.h>

#include <pthread.h>
#include <stdbool.h>

#include "nto_sim.h"

/* _NTO_SIDE_CHANNEL as the int the model stores ids in: the header's
 * constant is unsigned in profiles 640 and 800, an int in 710. */
#define NTO_SIM_SIDE_BIT ((int)0x40000000)

/* QNX priorities: 1..255 for threads (0 is the idle thread; K/nano_pulse.c:95
 * rejects 0 and > NUM_PRI-1); 10 is the default priority of a process's
 * first thread. */
#define NTO_PRIO_MIN 1
#define NTO_PRIO_MAX 255
#define NTO_PRIO_DEFAULT 10

/* Per-process id vector ("chancons", K/ker_channel.c:82, K/ker_connect.c:88,
 * :158, :181): channel ids, side-channel connection ids and the server's
 * scoids share it, and each new object takes the LOWEST free index
 * (K/nano_vector.c vector_add). Index 0 is the process manager's connection
 * (SYSMGR_COID = _NTO_SIDE_CHANNEL). */
#define NTO_SIM_MAX_IDS 4096u


/* A thread known to the model (QNX keeps this in the kernel's THREAD). */
typedef struct {
  bool live;
  int proc;      /* index in nto_state.procs of the process it acts as */
  int priority;  /* the priority it runs at (pulses and boosts change it) */
  int base;      /* the priority it set itself (nto_sim_set_thread_priority) */
  int last_chid; /* K/ker_fastmsg.c:832, -1 at creation (K/nano_thread.c:151) */
  long host_tid;
  unsigned exit_rounds; /* destructor rounds seen at thread exit */
} nto_thread;

/* A modelled process: ours (index 0, pid getpid()) or a foreign one that a
 * test creates to connect and send "from another process". */
typedef struct {
  bool live;
  bool dying;   /* _NTO_PF_TERMING | _ZOMBIE | _COREDUMP */
  pid_t pid;
  unsigned nofile;    /* RLIMIT_NOFILE soft limit, 0 = not enforced */
  unsigned other_fds; /* descriptors held outside the model (files ...) */
  unsigned nfds;      /* connections counted in nfds (K/ker_connect.c:233) */
  unsigned char ids[NTO_SIM_MAX_IDS / 8u]; /* chancons bitmap */
} nto_process;

/* A thread blocked in MsgReceivePulse(); lives on that thread's stack. */
typedef struct nto_waiter {
  struct nto_waiter *next;
  pthread_cond_t cond;
  nto_thread *thread;
  int thread_priority; /* for NTO_SIM_RECV_PRIORITY */
  bool done;           /* set (under the lock) by a sender or ChannelDestroy */
  int result;          /* 0 or an errno */
  struct _pulse pulse; /* the handed-over pulse when result == 0 */
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
  int proc; /* owner */
  int chid;
  unsigned flags;
  nto_queued *queue; /* highest priority first, FIFO within a priority */
  unsigned queued;   /* receives the queue can satisfy (merged counted) */
  nto_waiter *receivers;
  unsigned blocked;
} nto_channel;

typedef struct {
  bool live;
  int proc; /* owner (the client) */
  int coid;
  int channel; /* slot in model.channels, -1 once destroyed: "marked invalid" */
  int scoid;   /* index in the server's id vector (shared between a
                * process's connections to one channel, K/ker_connect.c:94-130) */
} nto_connection;

typedef struct {
  unsigned remaining; /* 0 = not armed */
  int err;
} nto_fault;

/* The kernel's state: process-wide, hence global (the model stands for one
 * process's view of the kernel). Every field is guarded by lock. */
typedef struct {
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
  nto_sim_boost boost;
  nto_sim_sched_get sched_get;
  nto_fault faults[NTO_SIM_CALL_COUNT];
  unsigned calls[NTO_SIM_CALL_COUNT];
  nto_process procs[NTO_SIM_MAX_PROCESSES];
  nto_thread threads[NTO_SIM_MAX_THREADS];
  bool gate_closed; /* nto_sim_set_receive_gate() */
  unsigned gated;
  pthread_cond_t gate_cond;
} nto_model_state;

extern nto_model_state nto_state;

void nto_lock(void);
void nto_unlock(void);
int nto_plain_result(int r);
int nto_locked_take_fault(nto_sim_call call);
void nto_clear_timeout(void); /* the calling thread's armed TimerTimeout */

void nto_locked_proc_init(nto_process *p, pid_t pid);
nto_process *nto_locked_own_proc(void);
int nto_locked_proc_index(pid_t pid);
int nto_locked_id_alloc(nto_process *p, unsigned from);
void nto_locked_id_free(nto_process *p, int id);
nto_thread *nto_locked_self(void);
nto_process *nto_locked_self_proc(void);

void nto_locked_pool_init(void);
nto_queued *nto_locked_pulse_alloc(void);
void nto_locked_pulse_free(nto_queued *q);

int nto_locked_channel_slot(int proc, int chid);
nto_channel *nto_locked_channel(int proc, int chid);
nto_connection *nto_locked_connection(int proc, int coid);
void nto_locked_destroy_channel(int slot);

#endif
