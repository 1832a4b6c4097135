/*
 * wrt/cpu_partition.h - CPU partitions: a guaranteed share of the CPU for a
 * Wasm instance's threads (QNX adaptive partitioning; Linux cgroups).
 *
 * One concept: wrt_cpu_partition_t, caller-owned storage naming one OS
 * partition, and the calls that create it, join threads to it, query it and
 * let it go. Each backend has its own prefix (wrt_linux_..., wrt_qnx_...),
 * with the same signatures and meaning, as the page allocators do; only the
 * backend built in (or src/qnx on the Neutrino host model) defines them.
 * Includes only status.h and the C library.
 *
 * Semantics (both backends): a GUARANTEED MINIMUM that may borrow idle time,
 * as QNX APS budgets are ("guarantees its minimum share of the CPU", QNX 7.1
 * System Architecture, "Why adaptive?"). A partition with budget b% gets at
 * least b% of a CPU its threads compete for, and all of the CPU when nothing
 * else wants it. A hard cap (Linux cpu.max / cpu.cfs_quota_us, APS
 * max_budget_percent with SCHED_APS_SCHEDPOL_LIMIT_CPU_USAGE) is NOT used:
 * a cap wastes idle time and is not what APS does by default. Built for
 * SDP 6.6 or later, partitions are created with max_budget_percent 100, so
 * they stay uncapped where the integrator turned LIMIT_CPU_USAGE on.
 *
 * QNX (src/qnx/qnx_cpu_partition.c), SDP 7.1: SchedCtl() with
 * SCHED_APS_CREATE_PARTITION / _LOOKUP / _JOIN_PARTITION / _QUERY_PARTITION /
 * _QUERY_PARMS / _PARTITION_STATS (<sys/sched_aps.h>). Rules the OS imposes:
 *  - APS must be in the image ([module=aps]); else ENOSYS: WRT_E_UNSUPPORTED.
 *  - the budget comes out of the creating thread's partition: EDQUOT when
 *    it has not enough (WRT_E_LIMIT); at most 32 partitions (ENOSPC,
 *    WRT_E_LIMIT); names are 1..15 characters, not starting with a digit,
 *    no '/', unique (EEXIST: WRT_E_STATE).
 *  - security options (SCHED_APS_ADD_SECURITY) may demand
 *    PROCMGR_AID_APS_ROOT (procmgr_ability) or running in the System
 *    partition: EACCES, WRT_E_PERMISSION.
 *  - APS HAS NO COMMAND THAT DELETES A PARTITION (sys/sched_aps.h lists
 *    none): a partition lives until reboot. destroy only releases the
 *    handle; wrt_qnx_cpu_partition_open() finds it again by name.
 * SDP 8.0: its headers have no <sys/sched_aps.h> (<sched.h> keeps only
 * SCHED_EXT_APS and SCHED_EXT_APS_CMD_BASE); with no command values or
 * structure layouts to compile against, every call is WRT_E_UNSUPPORTED.
 *
 * Linux (src/linux/linux_cpu_partition.c): a cgroup child of the calling
 * process's cgroup in the hierarchy with the cpu controller. cgroup v1:
 * cpu.shares = budget * 1024 (a weight, so idle time is borrowed); v2:
 * cpu.weight = budget * 100 (1..10000) and cpu.max "max" (no cap); joining
 * writes the thread id to tasks (v1) / cgroup.threads (v2, which needs the
 * group "threaded", the kernel's rule for thread granularity). Rules:
 *  - creating a group needs write access to the parent (root, or a
 *    delegated subtree): EACCES/EPERM/EROFS give WRT_E_PERMISSION, never a
 *    silent no-op; no cpu controller mounted gives WRT_E_UNSUPPORTED.
 *  - the weight is relative: b% is guaranteed against peers in the same
 *    parent group; tasks of the parent itself count with weight 1024 (v1)
 *    / 100 (v2) each, so the big weights keep them small. No critical
 *    budget (WRT_E_UNSUPPORTED when one is asked for).
 *  - destroy removes the group, and fails (WRT_E_STATE, EBUSY) while a
 *    thread is still in it: leave first. A thread that exits leaves. A
 *    process that dies before destroy leaves its (then empty) group behind:
 *    the kernel does not remove it; the next create of that name gives
 *    WRT_E_STATE until someone removes it (rmdir).
 *
 * Threads: create/destroy from one owner thread; join/leave/query from any
 * thread once created, but not at the same time on one object: join and
 * leave record a failure's errno in p->os_error, so concurrent calls on
 * one p are a data race unless the caller serialises them (the OS
 * serialises the moves themselves; query only reads p and may run beside
 * another query).
 */
#ifndef WRT_CPU_PARTITION_H
#define WRT_CPU_PARTITION_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest name, without the terminating NUL (APS_PARTITION_NAME_LENGTH). */
#define WRT_CPU_PARTITION_NAME_MAX 15u
/* Longest cgroup directory path the Linux backend keeps. */
#define WRT_CPU_PARTITION_PATH_MAX 256u

/* A plain value, copied by create. */
typedef struct wrt_cpu_partition_config {
  /* 1..15 characters of [A-Za-z0-9_-], not starting with a digit. */
  const char *name;
  /* The guaranteed share, 1..100 percent of one CPU. */
  uint32_t budget_percent;
  /* QNX only: APS critical budget in ms (critical-priority threads may run
   * over the budget for this long per window); 0: none. Linux has no such
   * thing: non-zero gives WRT_E_UNSUPPORTED there. */
  uint32_t critical_budget_ms;
  /* Linux only: the cgroup mount to use, NULL to find the cpu controller
   * in /proc/self/mounts (tests point it at a prepared tree). */
  const char *cgroup_mount;
} wrt_cpu_partition_config_t;

typedef struct wrt_cpu_partition_info {
  uint32_t budget_percent;
  uint32_t critical_budget_ms;
  /* CPU time the partition's threads used: on QNX in the last averaging
   * window (usage_window_ns long); on Linux since creation (usage_window_ns
   * is then the time since creation). usage_known false when the OS does not
   * account it where we can read it (Linux v1 without cpuacct beside cpu). */
  bool usage_known;
  uint64_t usage_ns;
  uint64_t usage_window_ns;
} wrt_cpu_partition_info_t;

/* Caller-allocated; fields are private. Must not be copied while live. */
typedef struct wrt_cpu_partition {
  bool live;
  uint8_t kind; /* backend's own: cgroup version, or APS */
  uint32_t budget_percent;
  uint32_t critical_budget_ms;
  int32_t id;        /* APS partition id */
  int32_t parent_id; /* APS partition the budget came from */
  int os_error;      /* errno of the last failed OS call, 0 if none */
  uint64_t created_ns;
  char name[WRT_CPU_PARTITION_NAME_MAX + 1u];
  char path[WRT_CPU_PARTITION_PATH_MAX]; /* Linux: the group's directory */
} wrt_cpu_partition_t;

/* The errno of the last failed OS call on p (0 if none): kept for
 * diagnostics when a call returns WRT_E_OS / _PERMISSION / _LIMIT. */
int wrt_cpu_partition_os_error(const wrt_cpu_partition_t *p);

/* Each backend: create (p must not be live; on error p stays not live and
 * nothing is left in the OS), join / leave a thread (tid 0: the calling
 * thread; otherwise the OS thread id: gettid() on Linux, the QNX tid
 * (pthread_self()) on QNX), query, destroy. join / leave: INVALID_ARG for
 * NULL, a negative tid or no such thread (ESRCH); PERMISSION when the OS
 * refuses the move (EACCES / EPERM, e.g. an APS security option); STATE
 * when p is not live; the OS's errno is kept (os_error). */
wrt_status wrt_linux_cpu_partition_create(wrt_cpu_partition_t *p,
                                          const wrt_cpu_partition_config_t *cfg);
wrt_status wrt_linux_cpu_partition_join(wrt_cpu_partition_t *p, int32_t tid);
/* Moves the thread back to the group the partition was created under. */
wrt_status wrt_linux_cpu_partition_leave(wrt_cpu_partition_t *p, int32_t tid);
wrt_status wrt_linux_cpu_partition_query(const wrt_cpu_partition_t *p,
                                         wrt_cpu_partition_info_t *out);
wrt_status wrt_linux_cpu_partition_destroy(wrt_cpu_partition_t *p);

wrt_status wrt_qnx_cpu_partition_create(wrt_cpu_partition_t *p,
                                        const wrt_cpu_partition_config_t *cfg);
/* Adopts the existing partition called name (SCHED_APS_LOOKUP), e.g. one a
 * previous run created (APS partitions outlive processes). */
wrt_status wrt_qnx_cpu_partition_open(wrt_cpu_partition_t *p, const char *name);
wrt_status wrt_qnx_cpu_partition_join(wrt_cpu_partition_t *p, int32_t tid);
/* Joins the thread to the partition p's budget came from. */
wrt_status wrt_qnx_cpu_partition_leave(wrt_cpu_partition_t *p, int32_t tid);
wrt_status wrt_qnx_cpu_partition_query(const wrt_cpu_partition_t *p,
                                       wrt_cpu_partition_info_t *out);
/* Releases the handle; the APS partition itself stays (see above). */
wrt_status wrt_qnx_cpu_partition_destroy(wrt_cpu_partition_t *p);

#ifdef __cplusplus
}
#endif
#endif
