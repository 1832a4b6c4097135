/*
 * nto_sim_aps.h - test controls of the Neutrino host model's adaptive
 * partitioning (sim/neutrino/src/sched_aps.c). NOT a QNX header: tests, the
 * selftest and benchmarks include it; src/ never does.
 *
 * The model's APS, what it does and does not do:
 *  - SchedCtl(SCHED_APS_*): QUERY_PARMS, CREATE_PARTITION, LOOKUP,
 *    QUERY_PARTITION, JOIN_PARTITION (pid 0 / ours, tid 0 or a live thread
 *    of this process: its Linux tid stands for the QNX tid), PARTITION_STATS,
 *    QUERY_THREAD, ADD_SECURITY, with the errors sys/sched_aps.h documents:
 *    ENOSYS (module not loaded: the default, as an image without
 *    [module=aps]), EINVAL (length, name not found, budget > 100, bad name,
 *    unknown partition), ENAMETOOLONG, EEXIST, ENOSPC (32 partitions),
 *    EDQUOT (parent's budget too small), EACCES (a security flag not met:
 *    ROOT_MAKES_PARTITIONS / ROOT_JOINS / ROOT_MAKES_CRITICAL without
 *    PROCMGR_AID_APS_ROOT, SYS_MAKES_PARTITIONS / SYS_JOINS outside System,
 *    NONZERO_BUDGETS, PARTITIONS_LOCKED; ADD_SECURITY always needs the
 *    ability), EDOM (a reserved field not zero), ESRCH (no such thread).
 *    Other commands fail with EINVAL (not modelled). Partitions are never
 *    deleted (APS has no such command): only nto_sim_aps_reset() clears them.
 *  - A scheduler for ONE CPU in 1 ms ticks over a sliding averaging window
 *    (100 ticks): each partition is runnable or not at a priority the test
 *    sets (the model does not run real threads). Each tick goes to the
 *    runnable partition with budget left in the window (highest priority
 *    first, then the lowest used/budget ratio, then the lowest id); when no
 *    runnable partition has budget left, the tick is free time and goes the
 *    same way among all runnable ones (APS's default free-time policy,
 *    "hands out free time to the partition with the highest-priority
 *    running thread"). Not modelled: critical time and bankruptcy, several
 *    CPUs, FREETIME_BY_RATIO, PARTITION_LOCAL_PRIORITIES, partition
 *    inheritance through messages, window size changes.
 *  - LIMIT_CPU_USAGE (SDP 6.6's policy, sys/sched_aps.h:819-826; set by
 *    nto_sim_aps_set_limit_cpu_usage(), as an integrator would with
 *    SCHED_APS_SET_PARMS): a partition takes free time only while under the
 *    max_budget_percent it was created with (profile 710; 640 is 6.4's
 *    header, without the member: no limit), and QUERY_PARTITION reports
 *    that value (100 while the policy is off).
 */
#ifndef NTO_SIM_APS_H
#define NTO_SIM_APS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* "You can have a maximum of 32 partitions" (QNX 7.0/7.1 System
 * Architecture, "Why adaptive?"; the 6.6 page says 8). */
#define NTO_SIM_APS_MAX_PARTITIONS 32u
#define NTO_SIM_APS_WINDOW_TICKS 100u
/* The model's machine: 1 tick = 1 ms = this many cycles. */
#define NTO_SIM_APS_CYCLES_PER_MS 1000000u

/* Not loaded, only System (id 0, 100 %), security off, the caller
 * privileged, no fault armed, every thread in System, clock at 0. */
void nto_sim_aps_reset(void);
void nto_sim_aps_set_loaded(bool loaded);
/* Whether the calling process has PROCMGR_AID_APS_ROOT (default true). */
void nto_sim_aps_set_privileged(bool privileged);
/* SCHED_APS_SCHEDPOL_LIMIT_CPU_USAGE on or off (default off). */
void nto_sim_aps_set_limit_cpu_usage(bool on);
/* The nth (1-based, from now) APS SchedCtl call fails with err and has no
 * other effect. */
void nto_sim_aps_fail_nth(unsigned nth, int err);
/* APS SchedCtl calls since the reset (failed ones included). */
unsigned nto_sim_aps_calls(void);
/* Live partitions, System included. */
unsigned nto_sim_aps_partitions(void);
/* System's budget left (percent): what the partitions took comes out of it. */
unsigned nto_sim_aps_free_budget(void);
/* The partition thread tid (host tid; 0: the caller) belongs to. */
int nto_sim_aps_thread_partition(int tid);

/* The scheduler: partition id has a runnable thread at priority (1..255)
 * or not. Returns 0, or -1 for an unknown id / bad priority. */
int nto_sim_aps_set_load(int id, bool runnable, int priority);
/* Runs ticks ticks of the one-CPU scheduler. */
void nto_sim_aps_advance(unsigned ticks);
/* Ticks partition id ran in the current window / since the reset. */
unsigned nto_sim_aps_window_ticks(int id);
uint64_t nto_sim_aps_total_ticks(int id);

#ifdef __cplusplus
}
#endif
#endif
