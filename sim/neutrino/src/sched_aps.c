/*
 * sched_aps.c - Neutrino host model: SchedCtl() with the adaptive
 * partitioning commands and a deterministic one-CPU APS-like scheduler;
 * what is modelled and what is not is listed in <nto_sim_aps.h>.
 *
 * Semantics from sys/sched_aps.h of SDP 7.1 (Spitzbube/qnx-sdp @ 8d745006:
 * the comment blocks of SCHED_APS_CREATE_PARTITION, _LOOKUP, _JOIN_PARTITION,
 * _PARTITION_STATS, _QUERY_THREAD, the Security section) and the QNX 7.1
 * System Architecture guide, "Adaptive partitioning". Model choices where
 * those are silent are marked "model:".
 *
 * Its own state and lock (independent of nto_model.c's): global because the
 * model stands for the one kernel the process talks to.
 */
#define _GNU_SOURCE /* gettid, tgkill */

#include <nto_sim_platform.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nto_sim_aps.h"

#if NTO_SIM_PROFILE < 800
#include <sys/sched_aps.h>
#endif

#define MAX_TRACKED_THREADS 512u

typedef struct {
  bool live;
  char name[16];
  unsigned budget;      /* percent */
  unsigned critical_ms; /* stored and reported; critical time not modelled */
  /* max_budget_percent of the create call (SDP 6.6 sys/sched_aps.h:213,
   * 7.1): the most of the window the partition may run, free time
   * included, while LIMIT_CPU_USAGE is on. 100 where the profile's header
   * has no such member (6.4) and for System. */
  unsigned max_budget;
  int parent;
  /* scheduler */
  bool runnable;
  int priority;
  unsigned in_window;
  uint64_t total;
} aps_partition;

typedef struct {
  int tid;
  int id;
} aps_member;

static struct {
  pthread_mutex_t lock;
  bool loaded;
  bool privileged;
  uint32_t sec_flags;
  bool limit_cpu_usage; /* SCHED_APS_SCHEDPOL_LIMIT_CPU_USAGE (6.6 :819-826) */
  unsigned fail_at; /* 0: none */
  int fail_err;
  unsigned calls;
  aps_partition parts[NTO_SIM_APS_MAX_PARTITIONS];
  aps_member members[MAX_TRACKED_THREADS];
  signed char ring[NTO_SIM_APS_WINDOW_TICKS]; /* who ran each tick, -1 idle */
  unsigned pos;
} aps = {.lock = PTHREAD_MUTEX_INITIALIZER, .privileged = true};

static void locked_reset(void) {
  aps.loaded = false;
  aps.privileged = true;
  aps.sec_flags = 0;
  aps.limit_cpu_usage = false;
  aps.fail_at = 0;
  aps.fail_err = 0;
  aps.calls = 0;
  memset(aps.parts, 0, sizeof aps.parts);
  memset(aps.members, 0, sizeof aps.members);
  memset(aps.ring, -1, sizeof aps.ring);
  aps.pos = 0;
  aps.parts[0].live = true;
  strcpy(aps.parts[0].name, "System");
  aps.parts[0].budget = 100u;
  aps.parts[0].max_budget = 100u;
  aps.parts[0].parent = 0;
  aps.parts[0].priority = 10;
}

static bool g_ready; /* guarded by aps.lock */
static void lock(void) {
  (void)pthread_mutex_lock(&aps.lock);
  if (!g_ready) {
    locked_reset();
    g_ready = true;
  }
}
static void unlock(void) { (void)pthread_mutex_unlock(&aps.lock); }

static int self_tid(void) { return (int)gettid(); }

static int locked_partition_of(int tid) {
  for (unsigned i = 0; i < MAX_TRACKED_THREADS; i++) {
    if (aps.members[i].tid == tid) {
      return aps.members[i].id;
    }
  }
  return 0; /* System */
}

static unsigned locked_count(void) {
  unsigned n = 0;
  for (unsigned i = 0; i < NTO_SIM_APS_MAX_PARTITIONS; i++) {
    n += aps.parts[i].live ? 1u : 0u;
  }
  return n;
}

/* --- the scheduler ------------------------------------------------------ */

/* a before b: higher priority, then lower used/budget, then lower id. */
static bool better(int a, int b) {
  const aps_partition *pa = &aps.parts[a];
  const aps_partition *pb = &aps.parts[b];
  if (pa->priority != pb->priority) {
    return pa->priority > pb->priority;
  }
  /* used_a / budget_a < used_b / budget_b, without division; a zero
   * budget counts as always over. */
  uint64_t lhs = (uint64_t)pa->in_window * (pb->budget == 0u ? 1u : pb->budget);
  uint64_t rhs = (uint64_t)pb->in_window * (pa->budget == 0u ? 1u : pa->budget);
  if (pa->budget == 0u || pb->budget == 0u) {
    if ((pa->budget == 0u) != (pb->budget == 0u)) {
      return pb->budget == 0u;
    }
  } else if (lhs != rhs) {
    return lhs < rhs;
  }
  return a < b;
}

static void locked_tick(void) {
  /* The tick leaving the window gives its time back. */
  signed char old = aps.ring[aps.pos];
  if (old >= 0) {
    aps.parts[(int)old].in_window--;
  }
  int pick = -1;
  for (int pass = 0; pass < 2 && pick < 0; pass++) {
    for (int i = 0; i < (int)NTO_SIM_APS_MAX_PARTITIONS; i++) {
      aps_partition *p = &aps.parts[i];
      if (!p->live || !p->runnable) {
        continue;
      }
      /* Pass 0: guaranteed time (used < budget% of the window); pass 1:
       * free time. */
      bool has_budget = (uint64_t)p->in_window * 100u <
                        (uint64_t)p->budget * NTO_SIM_APS_WINDOW_TICKS;
      if (pass == 0 && !has_budget) {
        continue;
      }
      /* LIMIT_CPU_USAGE: free time only below max_budget_percent of the
       * window ("limit the amount a partition can overrun its normal
       * budget", 6.6 sys/sched_aps.h:819-823). model: the budget itself
       * stays guaranteed when max is below it (the header does not say);
       * 0 and 0 never runs, as the header says. */
      bool under_max = (uint64_t)p->in_window * 100u <
                       (uint64_t)p->max_budget * NTO_SIM_APS_WINDOW_TICKS;
      if (pass == 1 && aps.limit_cpu_usage && !under_max) {
        continue;
      }
      if (pick < 0 || better(i, pick)) {
        pick = i;
      }
    }
  }
  aps.ring[aps.pos] = (signed char)pick;
  if (pick >= 0) {
    aps.parts[pick].in_window++;
    aps.parts[pick].total++;
  }
  aps.pos = (aps.pos + 1u) % NTO_SIM_APS_WINDOW_TICKS;
}

/* --- controls ------------------------------------------------------------ */

void nto_sim_aps_reset(void) {
  lock();
  locked_reset();
  unlock();
}
void nto_sim_aps_set_loaded(bool loaded) {
  lock();
  aps.loaded = loaded;
  unlock();
}
void nto_sim_aps_set_limit_cpu_usage(bool on) {
  lock();
  aps.limit_cpu_usage = on;
  unlock();
}
void nto_sim_aps_set_privileged(bool privileged) {
  lock();
  aps.privileged = privileged;
  unlock();
}
void nto_sim_aps_fail_nth(unsigned nth, int err) {
  lock();
  aps.fail_at = nth == 0u ? 0u : aps.calls + nth;
  aps.fail_err = err;
  unlock();
}
unsigned nto_sim_aps_calls(void) {
  lock();
  unsigned n = aps.calls;
  unlock();
  return n;
}
unsigned nto_sim_aps_partitions(void) {
  lock();
  unsigned n = locked_count();
  unlock();
  return n;
}
unsigned nto_sim_aps_free_budget(void) {
  lock();
  unsigned n = aps.parts[0].budget;
  unlock();
  return n;
}
int nto_sim_aps_thread_partition(int tid) {
  lock();
  int id = locked_partition_of(tid == 0 ? self_tid() : tid);
  unlock();
  return id;
}
int nto_sim_aps_set_load(int id, bool runnable, int priority) {
  lock();
  int rc = -1;
  if (id >= 0 && id < (int)NTO_SIM_APS_MAX_PARTITIONS && aps.parts[id].live && priority >= 1 &&
      priority <= 255) {
    aps.parts[id].runnable = runnable;
    aps.parts[id].priority = priority;
    rc = 0;
  }
  unlock();
  return rc;
}
void nto_sim_aps_advance(unsigned ticks) {
  lock();
  for (unsigned t = 0; t < ticks; t++) {
    locked_tick();
  }
  unlock();
}
unsigned nto_sim_aps_window_ticks(int id) {
  lock();
  unsigned n = (id >= 0 && id < (int)NTO_SIM_APS_MAX_PARTITIONS) ? aps.parts[id].in_window : 0u;
  unlock();
  return n;
}
uint64_t nto_sim_aps_total_ticks(int id) {
  lock();
  uint64_t n = (id >= 0 && id < (int)NTO_SIM_APS_MAX_PARTITIONS) ? aps.parts[id].total : 0u;
  unlock();
  return n;
}

#if NTO_SIM_PROFILE < 800
/* --- SchedCtl ------------------------------------------------------------ */

static bool locked_valid_id(int id) {
  return id >= 0 && id < (int)NTO_SIM_APS_MAX_PARTITIONS && aps.parts[id].live;
}

/* "The name may not start with a digit or contain a slash" (CREATE). */
static int locked_check_name(const char *name) {
  size_t len = strnlen(name, APS_PARTITION_NAME_LENGTH + 1u);
  if (len > APS_PARTITION_NAME_LENGTH) {
    return ENAMETOOLONG;
  }
  if (name[0] >= '0' && name[0] <= '9') {
    return EINVAL;
  }
  if (strchr(name, '/') != NULL) {
    return EINVAL;
  }
  for (unsigned i = 0; i < NTO_SIM_APS_MAX_PARTITIONS; i++) {
    if (aps.parts[i].live && strcmp(aps.parts[i].name, name) == 0) {
      return EEXIST;
    }
  }
  return 0;
}

static int do_create(sched_aps_create_parms *c, int caller_part) {
  if (c->reserved1 != 0 || c->reserved2 != 0u) {
    return EDOM;
  }
  uint32_t sec = aps.sec_flags;
  if ((sec & SCHED_APS_SEC_PARTITIONS_LOCKED) != 0u ||
      ((sec & SCHED_APS_SEC_ROOT_MAKES_PARTITIONS) != 0u && !aps.privileged) ||
      ((sec & SCHED_APS_SEC_SYS_MAKES_PARTITIONS) != 0u && caller_part != 0) ||
      ((sec & SCHED_APS_SEC_NONZERO_BUDGETS) != 0u && c->budget_percent == 0u) ||
      (c->critical_budget_ms > 0 && (sec & SCHED_APS_SEC_ROOT_MAKES_CRITICAL) != 0u &&
       !aps.privileged) ||
      (c->critical_budget_ms > 0 && (sec & SCHED_APS_SEC_SYS_MAKES_CRITICAL) != 0u &&
       caller_part != 0)) {
    return EACCES;
  }
#if NTO_SIM_PROFILE >= 710
  if (c->budget_percent > 100u || c->budget_percent_scale != 0u) {
    return EINVAL; /* model: only whole percents */
  }
#else /* 6.4: whole percents only; no scale member */
  if (c->budget_percent > 100u) {
    return EINVAL;
  }
#endif
  int parent = caller_part;
  if ((c->aps_create_flags & APS_CREATE_FLAGS_USE_PARENT_ID) != 0u && c->parent_id != -1) {
    parent = c->parent_id;
  }
  if (!locked_valid_id(parent)) {
    return EINVAL;
  }
  const char *name = c->name != NULL ? c->name : "";
  if (name[0] != '\0') {
    int err = locked_check_name(name);
    if (err != 0) {
      return err;
    }
  }
  int slot = -1;
  for (int i = 1; i < (int)NTO_SIM_APS_MAX_PARTITIONS && slot < 0; i++) {
    if (!aps.parts[i].live) {
      slot = i;
    }
  }
  if (slot < 0) {
    return ENOSPC;
  }
  /* model: the parent may give away all of its budget (the header does not
   * say whether a parent may reach 0). */
  if (c->budget_percent > aps.parts[parent].budget) {
    return EDQUOT;
  }
  aps_partition *p = &aps.parts[slot];
  memset(p, 0, sizeof *p);
  p->live = true;
  if (name[0] != '\0') {
    strcpy(p->name, name);
  } else { /* "the name will be the same as the partition id" */
    unsigned k = 0;
    if (slot >= 10) {
      p->name[k++] = (char)('0' + slot / 10);
    }
    p->name[k] = (char)('0' + slot % 10);
  }
  p->budget = c->budget_percent;
#if NTO_SIM_PROFILE >= 710
  p->max_budget = c->max_budget_percent > 100u ? 100u : c->max_budget_percent;
#else
  p->max_budget = 100u; /* 6.4: no max_budget_percent (sched_aps.h:206-218) */
#endif
  p->critical_ms = c->critical_budget_ms > 0 ? (unsigned)c->critical_budget_ms : 0u;
  p->parent = parent;
  p->priority = 10;
  aps.parts[parent].budget -= c->budget_percent;
  c->id = (int16_t)slot;
  return 0;
}

static int locked_track(int tid, int id) {
  int free_slot = -1;
  for (unsigned i = 0; i < MAX_TRACKED_THREADS; i++) {
    if (aps.members[i].tid == tid) {
      aps.members[i].id = id;
      return 0;
    }
    if (aps.members[i].tid == 0 && free_slot < 0) {
      free_slot = (int)i;
    }
  }
  if (free_slot < 0) {
    return EAGAIN; /* model: its table is full */
  }
  aps.members[free_slot].tid = tid;
  aps.members[free_slot].id = id;
  return 0;
}

static int do_join(const sched_aps_join_parms *j, int caller_part) {
  if (j->reserved1 != 0) {
    return EDOM;
  }
  if (!locked_valid_id(j->id)) {
    return EINVAL;
  }
  if (j->pid != 0 && j->pid != (int32_t)getpid()) {
    return ESRCH; /* model: one process */
  }
#if NTO_SIM_PROFILE >= 710
  if (j->tid < 0 || j->aid != 0) {
#else /* 6.4: no app ids; reserved2 must be zero (APS_INIT_DATA) */
  if (j->reserved2 != 0) {
    return EDOM;
  }
  if (j->tid < 0) {
#endif
    return EINVAL; /* model: process / app joins are not modelled */
  }
  uint32_t sec = aps.sec_flags;
  if (((sec & SCHED_APS_SEC_ROOT_JOINS) != 0u && !aps.privileged) ||
      ((sec & SCHED_APS_SEC_SYS_JOINS) != 0u && caller_part != 0) ||
      ((sec & SCHED_APS_SEC_PARENT_JOINS) != 0u && caller_part != aps.parts[j->id].parent) ||
      ((sec & SCHED_APS_SEC_JOIN_SELF_ONLY) != 0u && (j->pid != 0 || j->tid != 0))) {
    return EACCES;
  }
  int tid = j->tid == 0 ? self_tid() : j->tid;
  if (tid != self_tid() && syscall(SYS_tgkill, getpid(), tid, 0) != 0) {
    return ESRCH;
  }
  return locked_track(tid, j->id);
}

static int do_ctl(int cmd, void *data, size_t length) {
  int caller_part = locked_partition_of(self_tid());
  if (data == NULL && cmd != SCHED_QUERY_SCHED_EXT) {
    return EFAULT;
  }
  switch (cmd) {
  case SCHED_APS_QUERY_PARMS: {
    if (length != sizeof(sched_aps_info)) {
      return EINVAL;
    }
    sched_aps_info *i = data;
    memset(i, 0, sizeof *i);
    i->cycles_per_ms = NTO_SIM_APS_CYCLES_PER_MS;
    i->sec_flags = aps.sec_flags;
    i->num_partitions = (uint16_t)locked_count();
    i->max_partitions = NTO_SIM_APS_MAX_PARTITIONS;
#if NTO_SIM_PROFILE >= 710
    i->windowsize_ms = NTO_SIM_APS_WINDOW_TICKS;
#else /* 6.4 gives the window in cycles (sched_aps.h:128) */
    i->windowsize_cycles = (uint64_t)NTO_SIM_APS_WINDOW_TICKS * NTO_SIM_APS_CYCLES_PER_MS;
#endif
    return 0;
  }
  case SCHED_APS_CREATE_PARTITION:
    if (length != sizeof(sched_aps_create_parms)) {
      return EINVAL;
    }
    return do_create(data, caller_part);
  case SCHED_APS_LOOKUP: {
    if (length != sizeof(sched_aps_lookup_parms)) {
      return EINVAL;
    }
    sched_aps_lookup_parms *l = data;
    if (l->reserved1 != 0) {
      return EDOM;
    }
    for (int i = 0; l->name != NULL && i < (int)NTO_SIM_APS_MAX_PARTITIONS; i++) {
      if (aps.parts[i].live && strcmp(aps.parts[i].name, l->name) == 0) {
        l->id = (int16_t)i;
        return 0;
      }
    }
    return EINVAL; /* "Returns EINVAL if name not found" */
  }
  case SCHED_APS_QUERY_PARTITION: {
    if (length != sizeof(sched_aps_partition_info)) {
      return EINVAL;
    }
    sched_aps_partition_info *q = data;
    int id = q->id;
    if (!locked_valid_id(id)) {
      return EINVAL;
    }
    memset(q, 0, sizeof *q);
    q->id = (int16_t)id;
    const aps_partition *p = &aps.parts[id];
    q->critical_budget_cycles = (uint64_t)p->critical_ms * NTO_SIM_APS_CYCLES_PER_MS;
    strcpy(q->name, p->name);
    q->parent_id = (int16_t)p->parent;
    q->budget_percent = (uint16_t)p->budget;
    q->pid_at_last_bankruptcy = -1;
    q->tid_at_last_bankruptcy = -1;
#if NTO_SIM_PROFILE >= 710
    /* "always reported as 100% if SCHED_APS_SCHEDPOL_LIMIT_CPU is not set"
     * (6.6 sys/sched_aps.h:241) */
    q->max_budget_percent = aps.limit_cpu_usage ? (uint16_t)p->max_budget : 100u;
#else
    q->budget_cycles = (uint64_t)p->budget * NTO_SIM_APS_WINDOW_TICKS *
                       NTO_SIM_APS_CYCLES_PER_MS / 100u;
    q->notify_pid = -1; /* "-1 if unset" (6.4 sched_aps.h:236) */
    q->notify_tid = -1;
#endif
    return 0;
  }
  case SCHED_APS_JOIN_PARTITION:
    if (length != sizeof(sched_aps_join_parms)) {
      return EINVAL;
    }
    return do_join(data, caller_part);
  case SCHED_APS_PARTITION_STATS: {
    if (length == 0u || length % sizeof(sched_aps_partition_stats) != 0u) {
      return EINVAL;
    }
    sched_aps_partition_stats *s = data;
    size_t n = length / sizeof *s;
    int id = s[0].id;
    if (!locked_valid_id(id)) {
      return EINVAL;
    }
    for (size_t k = 0; k < n; k++, id++) {
      memset(&s[k], 0, sizeof s[k]);
      s[k].id = -1;
      if (id < (int)NTO_SIM_APS_MAX_PARTITIONS && aps.parts[id].live) {
        s[k].id = (int16_t)id;
        s[k].run_time_cycles = (uint64_t)aps.parts[id].in_window * NTO_SIM_APS_CYCLES_PER_MS;
#if NTO_SIM_PROFILE >= 710
        s[k].dynamic_windowsize_cycles =
            (uint64_t)NTO_SIM_APS_WINDOW_TICKS * NTO_SIM_APS_CYCLES_PER_MS;
#endif
      }
    }
    return 0;
  }
  case SCHED_APS_QUERY_THREAD: {
    if (length != sizeof(sched_aps_query_thread_parms)) {
      return EINVAL;
    }
    sched_aps_query_thread_parms *t = data;
    if (t->pid != 0 && t->pid != (int32_t)getpid()) {
      return ESRCH;
    }
    int tid = t->tid == 0 ? self_tid() : t->tid;
    if (tid != self_tid() && syscall(SYS_tgkill, getpid(), tid, 0) != 0) {
      return ESRCH;
    }
    t->id = (int16_t)locked_partition_of(tid);
    t->inherited_id = t->id;
    t->crit_state_flags = 0;
    return 0;
  }
  case SCHED_APS_ADD_SECURITY: {
    if (length != sizeof(sched_aps_security_parms)) {
      return EINVAL;
    }
    sched_aps_security_parms *s = data;
    if (s->reserved1 != 0u || s->reserved2 != 0u) {
      return EDOM;
    }
    /* "You must have PROCMGR_AID_APS_ROOT and be in the system partition
     * to call this, even if all security options are off." */
    if (!aps.privileged || caller_part != 0) {
      return EACCES;
    }
    aps.sec_flags |= s->sec_flags;
    s->sec_flags = aps.sec_flags;
    return 0;
  }
  default:
    return EINVAL; /* not modelled */
  }
}

static int sched_ctl(int cmd, void *data, size_t length) {
  lock();
  int err;
  if (cmd == SCHED_QUERY_SCHED_EXT) {
    /* Works without APS: reports which scheduler is loaded. */
    if (data == NULL || length != sizeof(struct sched_query)) {
      err = EINVAL;
    } else {
      struct sched_query *q = data;
      q->extsched = aps.loaded ? SCHED_EXT_APS : SCHED_EXT_NONE;
      q->reserved = 0;
      err = 0;
    }
  } else if (cmd < SCHED_APS_QUERY_PARMS || cmd > SCHED_APS_QUERY_PROCESS) {
    err = EINVAL;
  } else {
    aps.calls++;
    if (aps.fail_at != 0u && aps.calls == aps.fail_at) {
      aps.fail_at = 0;
      err = aps.fail_err;
    } else if (!aps.loaded) {
      err = ENOSYS; /* "APS scheduler not installed" */
    } else {
      err = do_ctl(cmd, data, length);
    }
  }
  unlock();
  return err;
}

int SchedCtl_r(int cmd, void *data, size_t length) { return -sched_ctl(cmd, data, length); }

int SchedCtl(int cmd, void *data, size_t length) {
  int err = sched_ctl(cmd, data, length);
  if (err != 0) {
    errno = err;
    return -1;
  }
  return 0;
}
#endif
