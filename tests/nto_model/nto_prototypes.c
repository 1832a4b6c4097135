/*
 * nto_prototypes.c - compile-time test: every QNX kernel call and QNX-only
 * libc function that src/qnx, tools/wrtp or the tests call has, in the
 * Neutrino host model's headers, the prototype of the SDP its profile
 * stands for. Each function's address initialises a pointer of the SDP's
 * exact type, so a wrong parameter or return type, or a lost const, is a
 * constraint violation (an error with -pedantic-errors) and the file does
 * not compile. Compiled, never run, by nto_prototypes.sh for the profile
 * given with -DNTO_SIM_PROFILE. Includes only the model's QNX headers.
 *
 * Sources (prototypes read for issue 24; facts only):
 *   640: vocho/openqnx @ cc95df3, trunk/services/system/public/
 *        sys/neutrino.h:439-606, trunk/lib/c/public/sys/mman.h:205, :315.
 *   710: SDP 7.1, Spitzbube/qnx-sdp @ 8d745006d9fe7b6b27dcf9ad8bae7d93b9590adb,
 *        target/qnx7/usr/include/sys/neutrino.h (prototype section).
 *   800: SDP 8.0, gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aab961730ac76a811d10a182d1e47f4af4,
 *        target/qnx/usr/include/sys/neutrino.h (prototype section).
 *        Compiled against that tree by scripts/qnx-sdp-check.sh (x86_64,
 *        aarch64): every 800 statement holds (sys/neutrino.h's prototype
 *        section, sys/mman.h's shm_ctl and posix_typed_mem_open).
 * Differences between the profiles: MsgReceivePulse's size is an int in
 * 6.4 and a _Sizet later; MsgSendPulse's value an int up to 7.1 and a long
 * in 8.0; TimerTimeout's flags an int up to 7.1 and a _Uint32t in 8.0.
 */
#define _QNX_SOURCE 1
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/neutrino.h>

/* _NTO_VERSION: the model's profile, or the SDP's own (6.4.1: 641) when
 * scripts/qnx-sdp-check.sh compiles this file against a real SDP. */
#if _NTO_VERSION < 700
typedef int pulse_bytes_t;
#else
typedef _Sizet pulse_bytes_t;
#endif
#if _NTO_VERSION >= 800
typedef long pulse_value_t;
typedef _Uint32t timeout_flags_t;
#else
typedef int pulse_value_t;
typedef int timeout_flags_t;
#endif

/* Both the plain call and its _r form (same parameters in every SDP). */
#define NTO_PROTO(name, ret, params)                                                       \
  ret(*const nto_p_##name) params = name;                                                  \
  ret(*const nto_p_##name##_r) params = name##_r

NTO_PROTO(ChannelCreate, int, (unsigned));
NTO_PROTO(ChannelDestroy, int, (int));
NTO_PROTO(ConnectAttach, int, (_Uint32t, pid_t, int, unsigned, int));
NTO_PROTO(ConnectDetach, int, (int));
NTO_PROTO(MsgSendPulse, int, (int, int, int, pulse_value_t));
NTO_PROTO(MsgReceivePulse, int, (int, void *, pulse_bytes_t, struct _msg_info *));
NTO_PROTO(TimerTimeout, int,
          (clockid_t, timeout_flags_t, const struct sigevent *, const _Uint64t *, _Uint64t *));
NTO_PROTO(SchedGet, int, (pid_t, int, struct sched_param *));
NTO_PROTO(SchedSet, int, (pid_t, int, int, const struct sched_param *));
NTO_PROTO(SchedCtl, int, (int, void *, size_t));
NTO_PROTO(ThreadCtl, int, (int, void *));
NTO_PROTO(ClockTime, int, (clockid_t, const _Uint64t *, _Uint64t *));

/* 6.4 sys/mman.h:205 (const char *, int, int); SDP 6.6 and later the same. */
int (*const nto_p_posix_typed_mem_open)(const char *, int, int) = posix_typed_mem_open;

/* shm_ctl(int, int, _Uint64t, _Uint64t) (6.4 sys/mman.h:315; 7.1/8.0 per
 * qnx-facts.md). The model's shm_ctl is a function-like macro over
 * nto_sim_shm_ctl (sim/neutrino/include/nto_sim_shm_api.h), so its
 * address cannot be taken: the function behind it is checked instead. */
#ifdef shm_ctl
int (*const nto_p_shm_ctl)(int, int, _Uint64t, _Uint64t) = nto_sim_shm_ctl;
#else
int (*const nto_p_shm_ctl)(int, int, _Uint64t, _Uint64t) = shm_ctl;
#endif

/* A uint64_t is a _Uint64t on QNX (SDP 7.1 stdint.h), so code that passes
 * uint64_t pointers to TimerTimeout compiles there and must here. */
_Static_assert(_Generic((uint64_t *)0, _Uint64t *: 1, default: 0), "uint64_t is _Uint64t");
_Static_assert(_Generic((uint32_t *)0, _Uint32t *: 1, default: 0), "uint32_t is _Uint32t");
