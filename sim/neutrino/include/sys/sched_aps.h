/*
 * sys/sched_aps.h - Neutrino host model: the adaptive partitioning (APS)
 * interface of SchedCtl(), with the command values, structure members and
 * member types of the QNX SDP 7.1 header (Spitzbube/qnx-sdp @ 8d745006,
 * target/qnx7/usr/include/sys/sched_aps.h and sched.h). Written from those
 * facts, not copied; only what the model implements and src/qnx uses, plus
 * the security flags. Implemented by sim/neutrino/src/sched_aps.c; test
 * controls in <nto_sim_aps.h>.
 *
 * Profile 640 (SDP 6.4/6.6): the structures of QNX 6.4's header instead
 * (vocho/openqnx, trunk/services/system/public/sys/sched_aps.h; line
 * numbers at each structure): the same commands 200..214 (an enum there,
 * :99-115) and no critical_priority, max_budget_percent,
 * budget_percent_scale, aid or dynamic_windowsize_cycles; 6.4 gives the
 * averaging window as windowsize_cycles in sched_aps_info. SDP 6.6's header
 * has the same window and statistics members and no critical_priority, but
 * adds max_budget_percent (create, :213) and aid (join, :302), which the
 * 640 profile, being 6.4's, leaves out (unclassified-org/QNX-SDP,
 * trunk/opt/qnx660/target/qnx6/usr/include/sys/sched_aps.h).
 *
 * SDP 8.0 ships no <sys/sched_aps.h> (gaurav-kumar-ltts/QNX8_Bazel_App
 * @ dc03d2aa, target/qnx/usr/include/sys/ has none; its sched.h keeps
 * SCHED_EXT_APS 1 and SCHED_EXT_APS_CMD_BASE 200 only), so the 800 profile
 * fails the include, as an 8.0 build would.
 *
 * Deviation: on QNX the SCHED_EXT_* values come from <sched.h>; the model
 * declares them here so that its APS part is one unit (src/qnx includes
 * both headers anyway). SchedCtl() is declared in the model's
 * <sys/neutrino.h>, as on QNX (6.4, 7.1 and 8.0), and again here.
 */
#ifndef NTO_SIM_SYS_SCHED_APS_H
#define NTO_SIM_SYS_SCHED_APS_H

#include <nto_sim_platform.h>

#if NTO_SIM_PROFILE >= 800
#error "<sys/sched_aps.h>: QNX SDP 8.0 has no adaptive partitioning header"
#endif
#if !defined(__EXT_QNX)
#error "<sys/sched_aps.h> needs the QNX extensions: define _QNX_SOURCE"
#else

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h> /* APS_INIT_DATA uses memset, as on QNX */

#ifdef __cplusplus
extern "C" {
#endif

/* <sched.h> (7.1 and 8.0). */
#ifndef SCHED_EXT_APS_CMD_BASE
#define SCHED_EXT_NONE 0
#define SCHED_EXT_APS 1
#define SCHED_EXT_CMD_BASE 0
#define SCHED_EXT_APS_CMD_BASE 200
#define SCHED_QUERY_SCHED_EXT SCHED_EXT_CMD_BASE
struct sched_query {
  uint32_t extsched;
  uint32_t reserved;
};
#endif

/* <sys/neutrino.h>: SchedCtl(int, void *, size_t) (qnx-facts.md, 7.1/8.0
 * prototypes). SchedCtl returns -1 with errno; SchedCtl_r EOK or -errno
 * (QNX C Library Reference, SchedCtl(), SchedCtl_r()). */
int SchedCtl(int cmd, void *data, size_t length);
int SchedCtl_r(int cmd, void *data, size_t length);

#define APS_INIT_DATA(parm_ptr) (memset((parm_ptr), 0, sizeof(*(parm_ptr))))

/* Commands: consecutive from SCHED_EXT_APS_CMD_BASE (200 .. 214). */
#define SCHED_APS_QUERY_PARMS (SCHED_EXT_APS_CMD_BASE + 0)
#define SCHED_APS_SET_PARMS (SCHED_EXT_APS_CMD_BASE + 1)
#define SCHED_APS_CREATE_PARTITION (SCHED_EXT_APS_CMD_BASE + 2)
#define SCHED_APS_LOOKUP (SCHED_EXT_APS_CMD_BASE + 3)
#define SCHED_APS_QUERY_PARTITION (SCHED_EXT_APS_CMD_BASE + 4)
#define SCHED_APS_JOIN_PARTITION (SCHED_EXT_APS_CMD_BASE + 5)
#define SCHED_APS_MODIFY_PARTITION (SCHED_EXT_APS_CMD_BASE + 6)
#define SCHED_APS_PARTITION_STATS (SCHED_EXT_APS_CMD_BASE + 7)
#define SCHED_APS_OVERALL_STATS (SCHED_EXT_APS_CMD_BASE + 8)
#define SCHED_APS_QUERY_THREAD (SCHED_EXT_APS_CMD_BASE + 12)
#define SCHED_APS_ADD_SECURITY (SCHED_EXT_APS_CMD_BASE + 13)
#define SCHED_APS_QUERY_PROCESS (SCHED_EXT_APS_CMD_BASE + 14)

#define APS_SYSTEM_PARTITION_ID 0
#define APS_PARTITION_NAME_LENGTH 15
#define APS_SYSTEM_PARTITION_NAME "System"
#define APS_CREATE_FLAGS_USE_PARENT_ID 0x01

#if NTO_SIM_PROFILE >= 710
typedef struct {
  uint64_t cycles_per_ms;
  uint64_t reserved1;
  uint64_t reserved2;
  uint64_t reserved3;
  uint32_t scheduling_policy_flags;
  uint32_t sec_flags;
  uint32_t bankruptcy_policy;
  uint16_t num_partitions;
  uint16_t max_partitions;
  uint16_t windowsize_ms;
  uint16_t reserved4;
  uint32_t reserved5;
  uint64_t reserved6;
#else /* 6.4 sched_aps.h:125-138 */
typedef struct {
  uint64_t cycles_per_ms;
  uint64_t windowsize_cycles;
  uint64_t windowsize2_cycles;
  uint64_t windowsize3_cycles;
  uint32_t scheduling_policy_flags;
  uint32_t sec_flags;
  uint32_t bankruptcy_policy;
  uint16_t num_partitions;
  uint16_t max_partitions;
  uint64_t reserved1;
  uint64_t reserved2;
#endif
} sched_aps_info;

typedef struct {
  char *name;
  uint16_t budget_percent;
  int16_t critical_budget_ms;
  uint8_t aps_create_flags;
  int8_t parent_id;
#if NTO_SIM_PROFILE >= 710
  uint16_t max_budget_percent;
  int16_t critical_priority;
  uint16_t budget_percent_scale;
  uint64_t reserved1;
  uint32_t reserved2;
#else /* 6.4 sched_aps.h:206-218 */
  int16_t reserved1;
  uint64_t reserved2;
#endif
  int16_t id; /* out */
  int16_t reserved3;
} sched_aps_create_parms;

#if NTO_SIM_PROFILE >= 710
typedef struct {
  int64_t reserved1;
  uint64_t critical_budget_cycles;
  char name[APS_PARTITION_NAME_LENGTH + 1];
  int16_t parent_id;
  uint16_t budget_percent;
  int32_t reserved2;
  int64_t reserved3;
  int32_t pid_at_last_bankruptcy;
  int32_t tid_at_last_bankruptcy;
  uint16_t max_budget_percent;
  uint16_t critical_priority;
  uint16_t budget_percent_scale;
  int16_t reserved4;
  int64_t reserved5;
  int16_t id; /* in */
#else /* 6.4 sched_aps.h:229-245 */
typedef struct {
  uint64_t budget_cycles;
  uint64_t critical_budget_cycles;
  char name[APS_PARTITION_NAME_LENGTH + 1];
  int16_t parent_id;
  uint16_t budget_percent;
  int32_t notify_pid;
  int32_t notify_tid;
  uint32_t pinfo_flags;
  int32_t pid_at_last_bankruptcy;
  int32_t tid_at_last_bankruptcy;
  int64_t reserved1;
  int64_t reserved2;
  int16_t id; /* in */
#endif
} sched_aps_partition_info;

typedef struct {
  char *name;
  int16_t reserved1;
  int16_t id; /* out */
} sched_aps_lookup_parms;

typedef struct {
  int16_t id;
  int16_t reserved1;
  int32_t pid; /* 0: self */
#if NTO_SIM_PROFILE >= 710
  int32_t tid; /* 0: self; -1: the process; -2: all its threads */
  int32_t aid;
#else /* 6.4 sched_aps.h:292-298 */
  int32_t tid; /* 0: self; -1: the process */
  int32_t reserved2;
#endif
} sched_aps_join_parms;

#if NTO_SIM_PROFILE >= 710
typedef struct {
  uint64_t run_time_cycles;
  uint64_t critical_time_cycles;
  uint64_t reserved1;
  uint64_t reserved2;
  uint64_t reserved3;
  uint64_t reserved4;
  uint32_t stats_flags;
  uint32_t reserved5;
  uint64_t dynamic_windowsize_cycles;
  uint64_t reserved6;
  int16_t id; /* in and out */
#else /* 6.4 sched_aps.h:366-380 */
typedef struct {
  uint64_t run_time_cycles;
  uint64_t critical_time_cycles;
  uint64_t run_time_cycles_w2;
  uint64_t critical_time_cycles_w2;
  uint64_t run_time_cycles_w3;
  uint64_t critical_time_cycles_w3;
  uint32_t stats_flags;
  uint32_t reserved1;
  uint64_t reserved2;
  uint64_t reserved3;
  int16_t id; /* in and out */
#endif
} sched_aps_partition_stats;

typedef struct {
  int32_t pid;
  int32_t tid;
  int16_t id;           /* out: partition joined */
  int16_t inherited_id; /* out: current, may be inherited */
  uint32_t crit_state_flags;
  int32_t reserved1;
  int32_t reserved2;
} sched_aps_query_thread_parms;

typedef struct {
  uint32_t sec_flags;
  uint32_t reserved1;
  uint32_t reserved2;
} sched_aps_security_parms;

#define SCHED_APS_SEC_ROOT0_OVERALL 0x00000001
#define SCHED_APS_SEC_ROOT_MAKES_PARTITIONS 0x00000002
#define SCHED_APS_SEC_SYS_MAKES_PARTITIONS 0x00000004
#define SCHED_APS_SEC_PARENT_MODIFIES 0x00000008
#define SCHED_APS_SEC_NONZERO_BUDGETS 0x00000010
#define SCHED_APS_SEC_ROOT_MAKES_CRITICAL 0x00000020
#define SCHED_APS_SEC_SYS_MAKES_CRITICAL 0x00000040
#define SCHED_APS_SEC_ROOT_JOINS 0x00000080
#define SCHED_APS_SEC_SYS_JOINS 0x00000100
#define SCHED_APS_SEC_PARENT_JOINS 0x00000200
#define SCHED_APS_SEC_JOIN_SELF_ONLY 0x00000400
#define SCHED_APS_SEC_PARTITIONS_LOCKED 0x00000800
#define SCHED_APS_SEC_OFF 0x00000000

#ifdef __cplusplus
}
#endif
#endif /* __EXT_QNX */
#endif
