/*
 * sys/neutrino.h - Neutrino host model: the QNX kernel calls src/qnx uses
 * (channels, connections, pulses, kernel timeouts, SchedGet), with the signatures,
 * structure layouts and constant values of the QNX 7.x headers, implemented
 * on a Linux host with pthreads (sim/neutrino/src/nto_model.c).
 *
 * Sources: the QNX C Library Reference pages of each call (cited below), the
 * Rust libc crate's src/unix/nto/neutrino.rs (generated from the 7.0/7.1/8.0
 * SDP headers) and shared/reference/qnx-facts.md. What is and is not modelled
 * is listed in sim/neutrino/README.md; the test controls are in <nto_sim.h>.
 *
 * Includes only standard C and POSIX headers, as the real header does.
 */
#ifndef NTO_SIM_SYS_NEUTRINO_H
#define NTO_SIM_SYS_NEUTRINO_H

/* The QNX feature-test gating (__EXT_QNX, __EXT_POSIX1_200112, ...) as the
 * SDP's <sys/platform.h> computes it, and the API profile. */
#include <nto_sim_platform.h>

/* Strict -std=c11 with no feature macro: the SDP 6.6, 7.1 and 8.0 headers
 * compile (__ITIMER, struct _itimer, comes from <sys/platform.h> ungated;
 * qnx-facts.md "Findings from the real SDP 7.1 and 8.0 headers"); the 6.4
 * header does not (checked by scripts/qnx-sdp-check.sh on the 6.4 tree of
 * vocho/openqnx: ChannelCreate in a strict file fails without _QNX_SOURCE).
 * The model refuses the 640 build the same way, with a message instead of
 * QNX's diagnostics. */
#if NTO_SIM_PROFILE == 640 && !defined(__EXT_QNX)
#error "<sys/neutrino.h> (QNX 6.4) needs the QNX extensions: define _QNX_SOURCE before any include"
#else /* the rest only where the header compiles: one diagnostic, not a cascade */

#include <stddef.h>    /* size_t */
#include <stdint.h>    /* uint16_t, uint32_t, uint64_t, int8_t, int32_t */
#include <sys/types.h> /* pid_t */
#include <time.h>      /* clockid_t (the model's <time.h>: TIMER_ABSTIME) */
#include <signal.h>    /* union sigval, struct sigevent */
#include <nto_sim_types.h> /* _Uint32t, _Uint64t, _Sizet (QNX <sys/platform.h>) */
/* A strict host build hides clockid_t (glibc: a POSIX 199309 name), which
 * QNX's <sys/neutrino.h> brings in any mode: take glibc's own type header.
 * union sigval, struct sigevent and struct sched_param are QNX's, in every
 * mode, as on QNX (<nto_sim_layouts.h>). */
#include <bits/types/clockid_t.h>
#include <nto_sim_layouts.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The kernel's version * 100, as <sys/neutrino.h> defines it (SDP 6.6
 * sys/neutrino.h:84 has 660); here the model's API profile. */
#define _NTO_VERSION NTO_SIM_PROFILE

/* Types that differ between the profiles' prototypes (not QNX names):
 * MsgSendPulse's value is an int up to 7.1 and a long in 8.0; TimerTimeout's
 * flags an int up to 7.1 and a _Uint32t in 8.0 (qnx-facts.md, 8.0 SDP). */
#if _NTO_VERSION >= 800
#define NTO_SIM_PULSE_VALUE_T long
#define NTO_SIM_TIMEOUT_FLAGS_T _Uint32t
#else
#define NTO_SIM_PULSE_VALUE_T int
#define NTO_SIM_TIMEOUT_FLAGS_T int
#endif
/* MsgReceivePulse's buffer size: an int in 6.4 (vocho/openqnx @ cc95df3,
 * trunk/services/system/public/sys/neutrino.h:478), a _Sizet in 7.1 and 8.0
 * (SDP sys/neutrino.h, read for issue 24). */
#if _NTO_VERSION == 640
#define NTO_SIM_PULSE_BYTES_T int
#else
#define NTO_SIM_PULSE_BYTES_T _Sizet
#endif

/* QNX <errno.h> defines EOK (0) as the success value of the _r calls. */
#ifndef EOK
#define EOK 0
#endif

/* --- ChannelCreate() flags (values from the SDP headers, libc neutrino.rs) */
/* 6.4: int constants (vocho/openqnx trunk/services/system/public/
 * sys/neutrino.h); 6.6, 7.1 and 8.0: unsigned (0x0001u ...). */
#if _NTO_VERSION == 640
#define NTO_SIM_CHF(v) v
#else
#define NTO_SIM_CHF(v) v##u
#endif
#define _NTO_CHF_FIXED_PRIORITY NTO_SIM_CHF(0x0001) /* receiver keeps its own priority */
#define _NTO_CHF_UNBLOCK NTO_SIM_CHF(0x0002)
#define _NTO_CHF_THREAD_DEATH NTO_SIM_CHF(0x0004)
#define _NTO_CHF_DISCONNECT NTO_SIM_CHF(0x0008)
#define _NTO_CHF_NET_MSG NTO_SIM_CHF(0x0010)
#define _NTO_CHF_SENDER_LEN NTO_SIM_CHF(0x0020)
#define _NTO_CHF_COID_DISCONNECT NTO_SIM_CHF(0x0040)
#define _NTO_CHF_REPLY_LEN NTO_SIM_CHF(0x0080)
/* 8.0 only: 7.1 marks 0x100 "available" (qnx-facts.md, 7.1/8.0 headers). */
#if _NTO_VERSION >= 800
#define _NTO_CHF_PULSE_POOL 0x0100u /* 6.x: _NTO_CHF_STICKY */
#endif
/* "No other process may connect". Absent from the 6.4 public header (6.4
 * trunk/services/system/public/sys/neutrino.h:337-348 end at
 * _NTO_CHF_GLOBAL 0x0800) and never tested by the 6.4 kernel; PRESENT in the
 * SDP 6.6 header (sys/neutrino.h:402, 0x1000u), whose kernel source is not
 * public, so whether 6.6/7.0 honour it is unconfirmed. The 640 profile
 * stands for "flag absent" (compile with flags 0). */
#if _NTO_VERSION >= 710
#define _NTO_CHF_PRIVATE 0x1000u
#endif

/* --- ConnectAttach() index and flags */
/* "If _NTO_SIDE_CHANNEL is set, the connection is created as a side channel,
 * meaning the ID returned is from a different space than file descriptors"
 * (ConnectAttach, 7.1). */
/* Unsigned in 6.4/6.6 (((~0u ^ (~0u >> 1)) >> 1)) and 8.0 (0x40000000u),
 * an int in 7.1 (qnx-facts.md). */
#if _NTO_VERSION == 710
#define _NTO_SIDE_CHANNEL 0x40000000
#else
#define _NTO_SIDE_CHANNEL 0x40000000u
#endif
/* _NTO_COF_CLOEXEC is 1 in every profile (unsigned in 8.0); 8.0 renumbered
 * or removed several other _NTO_COF_* flags (qnx-facts.md), which the model
 * therefore does not define: code must use none of them. */
#if _NTO_VERSION >= 800
#define _NTO_COF_CLOEXEC 0x0001u
#else
#define _NTO_COF_CLOEXEC 0x0001
#endif
/* 8.0 defines ND_LOCAL_NODE (0, "obsolete") here too (qnx-facts.md). */
#if _NTO_VERSION >= 800 && !defined(ND_LOCAL_NODE)
#define ND_LOCAL_NODE 0
#endif

/* --- TimerTimeout() states: _NTO_TIMEOUT_x = 1 << STATE_x (libc neutrino.rs);
 * 6.4 and 7.1: int (an enum in 7.1), 8.0: unsigned (qnx-facts.md). */
#if _NTO_VERSION >= 800
#define NTO_SIM_ST(v) v##u
#else
#define NTO_SIM_ST(v) v
#endif
#define STATE_SEND NTO_SIM_ST(0x04)
#define STATE_RECEIVE NTO_SIM_ST(0x05)
#define STATE_REPLY NTO_SIM_ST(0x06)
#define STATE_SIGSUSPEND NTO_SIM_ST(0x0a)
#define STATE_SIGWAITINFO NTO_SIM_ST(0x0b)
#define STATE_NANOSLEEP NTO_SIM_ST(0x0c)
#define STATE_MUTEX NTO_SIM_ST(0x0d)
#define STATE_CONDVAR NTO_SIM_ST(0x0e)
#define STATE_JOIN NTO_SIM_ST(0x0f)
#define STATE_INTR NTO_SIM_ST(0x10)
#define STATE_SEM NTO_SIM_ST(0x11)
#define _NTO_TIMEOUT_SEND (NTO_SIM_ST(1) << STATE_SEND)               /* 0x10 */
#define _NTO_TIMEOUT_RECEIVE (NTO_SIM_ST(1) << STATE_RECEIVE)         /* 0x20 */
#define _NTO_TIMEOUT_REPLY (NTO_SIM_ST(1) << STATE_REPLY)             /* 0x40 */
#define _NTO_TIMEOUT_SIGSUSPEND (NTO_SIM_ST(1) << STATE_SIGSUSPEND)   /* 0x400 */
#define _NTO_TIMEOUT_SIGWAITINFO (NTO_SIM_ST(1) << STATE_SIGWAITINFO) /* 0x800 */
#define _NTO_TIMEOUT_NANOSLEEP (NTO_SIM_ST(1) << STATE_NANOSLEEP)     /* 0x1000 */
#define _NTO_TIMEOUT_MUTEX (NTO_SIM_ST(1) << STATE_MUTEX)             /* 0x2000 */
#define _NTO_TIMEOUT_CONDVAR (NTO_SIM_ST(1) << STATE_CONDVAR)         /* 0x4000 */
#define _NTO_TIMEOUT_JOIN (NTO_SIM_ST(1) << STATE_JOIN)               /* 0x8000 */
#define _NTO_TIMEOUT_INTR (NTO_SIM_ST(1) << STATE_INTR)               /* 0x10000 */
#define _NTO_TIMEOUT_SEM (NTO_SIM_ST(1) << STATE_SEM)                 /* 0x20000 */
/* TIMER_ABSTIME comes from <time.h>, ungated and 0x80000000 on QNX (6.4
 * time.h:123, SDP 6.6 time.h:116 0x80000000u; 7.1/8.0 0x80000000u): the
 * model's <time.h> gives QNX's value and translates it for the host's
 * clock_nanosleep and timer_settime. */

/* The kernel-timeout event: QNX code passes NULL or a SIGEV_UNBLOCK event
 * ("The notify should always be a notification event of type
 * SIGEV_UNBLOCK", Getting Started, "Kernel timeouts"). The host has no
 * SIGEV_UNBLOCK; the model takes each profile's value: 5 in 6.4
 * (lib/c/public/sys/siginfo.h:84) and 8.0, 0x85 on 64-bit 7.x (qnx-facts.md:
 * SIGEV_* differ between 7.x and 8.0 - use the names, never numbers). */
#ifndef SIGEV_UNBLOCK
#if _NTO_VERSION == 710
#define SIGEV_UNBLOCK 0x85
#else
#define SIGEV_UNBLOCK 5
#endif
#endif
#ifndef SIGEV_UNBLOCK_INIT
#define SIGEV_UNBLOCK_INIT(__e) ((__e)->sigev_notify = SIGEV_UNBLOCK)
#endif

/* --- Pulses */
#define _PULSE_TYPE 0
#define _PULSE_SUBTYPE 0
#define _PULSE_CODE_UNBLOCK (-32)
#define _PULSE_CODE_DISCONNECT (-33)
#define _PULSE_CODE_THREADDEATH (-34)
#define _PULSE_CODE_COIDDEATH (-35)
#define _PULSE_CODE_UNBLOCK_TIMER (-42)
#define _PULSE_CODE_MINAVAIL 0
#define _PULSE_CODE_MAXAVAIL 127

/* struct _pulse as on 64-bit QNX 7.x: 24 bytes (qnx-facts.md, "Corrections
 * ... from the real SDP headers"). Read value.sival_int on the receiving
 * side (the value is an int on 7.x, a long on 8.0). */
struct _pulse {
  uint16_t type;    /* _PULSE_TYPE */
  uint16_t subtype; /* _PULSE_SUBTYPE */
  int8_t code;
  uint8_t zero[3];
  union sigval value;
  int32_t scoid;
};
_Static_assert(sizeof(union sigval) == 8, "the model needs a 64-bit host");
_Static_assert(sizeof(struct _pulse) == 24, "struct _pulse is 24 bytes on 64-bit QNX");
_Static_assert(offsetof(struct _pulse, code) == 4, "_pulse.code at 4");
_Static_assert(offsetof(struct _pulse, value) == 8, "_pulse.value at 8");
_Static_assert(offsetof(struct _pulse, scoid) == 16, "_pulse.scoid at 16");

/* struct _msg_info (the 64-bit _msg_info64 layout). "The function doesn't
 * update this structure, so you typically pass NULL" (MsgReceivePulse). */
struct _msg_info {
  uint32_t nd;
  uint32_t srcnd;
  pid_t pid;
  int32_t tid;
  int32_t chid;
  int32_t scoid;
  int32_t coid;
  int16_t priority;
  int16_t flags;
  ptrdiff_t msglen;
  ptrdiff_t srcmsglen;
  ptrdiff_t dstmsglen;
  uint32_t type_id;
  uint32_t reserved;
};

/* The scheduling parameters SchedGet() fills and SchedSet() takes: QNX's
 * struct sched_param (sched_priority, sched_curpriority, the sporadic
 * server's members), from <nto_sim_layouts.h>. */

/* --- Kernel calls. The plain call returns -1 and sets errno on failure;
 * the _r call returns the negative errno and leaves errno alone ("This
 * function does NOT set errno", each call's Returns section). */

/* ChannelCreate(): "EAGAIN All kernel channel objects are in use". */
int ChannelCreate(unsigned flags);
int ChannelCreate_r(unsigned flags);

/* ChannelDestroy(): "EINVAL The channel specified by chid doesn't exist". */
int ChannelDestroy(int chid);
int ChannelDestroy_r(int chid);

/* ConnectAttach(): nd must be ND_LOCAL_NODE (<sys/netmgr.h>) and pid 0 or
 * getpid(); otherwise, or for an unknown chid, ESRCH. EAGAIN when the
 * connection table is full. */
#if _NTO_VERSION >= 800
/* 8.0: the first argument is "reserved" (no remote nodes); pass 0. */
int ConnectAttach(_Uint32t reserved, pid_t pid, int chid, unsigned index, int flags);
#else
int ConnectAttach(_Uint32t nd, pid_t pid, int chid, unsigned index, int flags);
#endif
int ConnectAttach_r(_Uint32t nd, pid_t pid, int chid, unsigned index, int flags);

/* ConnectDetach(): "EINVAL The connection specified by coid doesn't exist". */
int ConnectDetach(int coid);
int ConnectDetach_r(int coid);

/* MsgSendPulse(): EBADF for an unknown coid or one whose channel was
 * destroyed, EINVAL for a priority outside -1 and 0..255, EAGAIN when no
 * pulse object is left to queue the pulse. */
int MsgSendPulse(int coid, int priority, int code, NTO_SIM_PULSE_VALUE_T value);
int MsgSendPulse_r(int coid, int priority, int code, NTO_SIM_PULSE_VALUE_T value);

/* MsgReceivePulse(): returns 0 on a pulse. ESRCH for an unknown chid or when
 * the channel is destroyed while the thread is blocked, EFAULT for a NULL or
 * too small buffer, ETIMEDOUT when a kernel timeout armed for
 * _NTO_TIMEOUT_RECEIVE expires. */
int MsgReceivePulse(int chid, void *pulse, NTO_SIM_PULSE_BYTES_T bytes, struct _msg_info *info);
int MsgReceivePulse_r(int chid, void *pulse, NTO_SIM_PULSE_BYTES_T bytes, struct _msg_info *info);

/* TimerTimeout(): returns the previous timeout flags. id: CLOCK_MONOTONIC or
 * CLOCK_REALTIME; ntime NULL = immediate timeout; TIMER_ABSTIME in flags =
 * absolute ntime. otime is never written (the model does not model
 * _NTO_TIMEOUT_NANOSLEEP, which is rejected with EINVAL). */
int TimerTimeout(clockid_t id, NTO_SIM_TIMEOUT_FLAGS_T flags, const struct sigevent *notify,
                 const _Uint64t *ntime, _Uint64t *otime);
int TimerTimeout_r(clockid_t id, NTO_SIM_TIMEOUT_FLAGS_T flags, const struct sigevent *notify,
                   const _Uint64t *ntime, _Uint64t *otime);

/* SchedGet(): "return the current scheduling policy and parameters for the
 * thread specified by tid in the process specified by pid ... If pid and tid
 * are zero, then the calling thread is used"; param may be NULL (7.0+).
 * Returns the policy. The model knows only the calling thread: pid 0 or
 * getpid(), tid 0 or the caller's own id (the host's gettid() stands for
 * the QNX tid); any other thread: ESRCH ("The process indicated by pid or
 * thread indicated by tid doesn't exist"). param->sched_priority is the
 * thread's model priority (nto_sim_get_thread_priority()); the policy is
 * always SCHED_RR (the model has no SchedSet). Never blocks. */
int SchedGet(pid_t pid, int tid, struct sched_param *param);
int SchedGet_r(pid_t pid, int tid, struct sched_param *param);

/* SchedCtl(): declared here as on every SDP (6.4 sys/neutrino.h:561-562;
 * 7.1, 8.0). Modelled for the SCHED_APS_* commands only (profiles 640 and
 * 710: src/sched_aps.c, <sys/sched_aps.h>). */
int SchedCtl(int cmd, void *data, size_t length);
int SchedCtl_r(int cmd, void *data, size_t length);

/* Declared with the SDP's prototypes (6.4 sys/neutrino.h:537-538, :555-556,
 * :605-606; 7.1 and 8.0 the same, read for issue 24) and NOT modelled: no
 * src/qnx file or test calls them, and a program that does fails to link
 * against the model instead of running on an invented behaviour. */
int SchedSet(pid_t pid, int tid, int algorithm, const struct sched_param *param);
int SchedSet_r(pid_t pid, int tid, int algorithm, const struct sched_param *param);
int ThreadCtl(int cmd, void *data);
int ThreadCtl_r(int cmd, void *data);
int ClockTime(clockid_t id, const _Uint64t *new_time, _Uint64t *old_time);
int ClockTime_r(clockid_t id, const _Uint64t *new_time, _Uint64t *old_time);

#ifdef __cplusplus
}
#endif
#endif /* 640 without __EXT_QNX */
#endif /* NTO_SIM_SYS_NEUTRINO_H */
