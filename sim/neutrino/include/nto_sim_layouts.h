/*
 * nto_sim_layouts.h - Neutrino host model: QNX's union sigval, struct
 * sigevent and struct sched_param, with the SDP's members and layout, in
 * place of glibc's. NOT a QNX header (on QNX they come from
 * <sys/siginfo.h> and <sys/target_nto.h> through <signal.h>, <sched.h>,
 * <sys/neutrino.h>); the model's <signal.h>, <sched.h>, <pthread.h>,
 * <time.h> and <sys/neutrino.h> include it. Includes glibc's type headers
 * and <nto_sim_platform.h>.
 *
 * How: the model's <features.h>, reached before any glibc header, renames
 * glibc's tags (sigval -> nto_sim_host_sigval, sigevent ->
 * nto_sim_host_sigevent, sched_param -> nto_sim_host_sched_param); this
 * header pulls glibc's definitions in under those names, then points the
 * QNX names at the model's types (union nto_sim_sigval, struct
 * nto_sim_sigevent, struct nto_sim_sched_param), so every translation unit
 * built against the model, host code included, sees one QNX type per name.
 * Host code that must hand a glibc struct to glibc uses the host names.
 * glibc functions that take these types (sigqueue, timer_create,
 * pthread_getschedparam, ...) keep glibc's prototypes: code built against
 * the model cannot call them with the QNX types (none does).
 *
 * Facts (layouts checked by tests/nto_model/nto_layout_table.sh):
 *   union sigval: int sival_int; void *sival_ptr; 8.0 adds, under
 *     __EXT_QNX, long sival_long and unsigned long sival_ulong (8.0
 *     sys/siginfo.h; 6.4 lib/c/public/sys/siginfo.h:90-93 and 7.1 have the
 *     first two only).
 *   struct sigevent: int sigev_notify; a union of the int signo/coid/id,
 *     the notify function pointer, (7.1/8.0) the address and the unsigned
 *     handle; union sigval sigev_value; a union of {short code, short
 *     priority}, the pthread_attr_t pointer and (7.1/8.0) the int memop;
 *     the public names are macros into the unions (6.4 siginfo.h:95-135,
 *     7.1 and 8.0 sys/siginfo.h). LP64: 32 bytes, value at 16.
 *   struct sched_param: _INT32 sched_priority, _INT32 sched_curpriority,
 *     then, with __EXT_QNX or __EXT_POSIX1_200112, a union of _INT32
 *     __reserved[8] and the sporadic-server struct {low priority, max
 *     replenishments, two struct timespec}; otherwise _INT32 __spare[8]
 *     (6.4 lib/c/public/sys/target_nto.h:218-250, 7.1 sys/target_nto.h
 *     __SCHED_PARAM_DEF; 8.0 per qnx-facts.md: 48 bytes). LP64: 48 bytes
 *     (40 without the extensions).
 * Sources: vocho/openqnx @ cc95df3 (6.4); Spitzbube/qnx-sdp @
 * 8d745006d9fe7b6b27dcf9ad8bae7d93b9590adb, target/qnx7/usr/include (7.1);
 * gaurav-kumar-ltts/QNX8_Bazel_App @ dc03d2aab961730ac76a811d10a182d1e47f4af4,
 * target/qnx/usr/include (8.0). The model needs an LP64 host, so 6.4's
 * ILP32 sizes are recorded in the table, not reproduced.
 */
#ifndef NTO_SIM_LAYOUTS_H
#define NTO_SIM_LAYOUTS_H
#pragma GCC system_header

#include <nto_sim_platform.h>
#include <stdint.h>
/* glibc's own definitions, under the host names (see <features.h>). */
#include <bits/types/__sigval_t.h>
#include <bits/types/sigevent_t.h>
#include <bits/types/struct_sched_param.h>
#include <bits/types/struct_timespec.h>
#include <bits/pthreadtypes.h>

#undef sigval
#undef sigevent
#undef sched_param
#define sigval nto_sim_sigval
#define sigevent nto_sim_sigevent
#define sched_param nto_sim_sched_param
/* glibc's member macros for its own struct sigevent. */
#undef sigev_notify_function
#undef sigev_notify_attributes

#ifdef __cplusplus
extern "C" {
#endif

union nto_sim_sigval {
  int sival_int;
  void *sival_ptr;
#if NTO_SIM_PROFILE >= 800 && defined(__EXT_QNX)
  long sival_long;
  unsigned long sival_ulong;
#endif
};

struct nto_sim_sigevent {
  int sigev_notify;
  union {
    int __sigev_signo;
    int __sigev_coid;
    int __sigev_id;
    void (*__sigev_notify_function)(union nto_sim_sigval);
#if NTO_SIM_PROFILE >= 710
    volatile unsigned *__sigev_addr;
    unsigned __sigev_handle;
#endif
  } __sigev_un1;
  union nto_sim_sigval sigev_value;
  union {
    struct {
      short __sigev_code;
      short __sigev_priority;
    } __st;
    pthread_attr_t *__sigev_notify_attributes;
#if NTO_SIM_PROFILE >= 710
    int __sigev_memop;
#endif
  } __sigev_un2;
};
#define sigev_signo __sigev_un1.__sigev_signo
#define sigev_coid __sigev_un1.__sigev_coid
#define sigev_id __sigev_un1.__sigev_id
#define sigev_notify_function __sigev_un1.__sigev_notify_function
#define sigev_notify_attributes __sigev_un2.__sigev_notify_attributes
#define sigev_code __sigev_un2.__st.__sigev_code
#define sigev_priority __sigev_un2.__st.__sigev_priority
#if NTO_SIM_PROFILE >= 710
#define sigev_addr __sigev_un1.__sigev_addr
#define sigev_handle __sigev_un1.__sigev_handle
#define sigev_memop __sigev_un2.__sigev_memop
#endif

struct nto_sim_sched_param {
  int32_t sched_priority;
  int32_t sched_curpriority;
#if defined(__EXT_QNX) || defined(__EXT_POSIX1_200112)
  union {
    int32_t __reserved[8];
    struct {
      int32_t __ss_low_priority;
      int32_t __ss_max_repl;
      struct timespec __ss_repl_period;
      struct timespec __ss_init_budget;
    } __ss;
  } __ss_un;
#else
  int32_t __spare[8];
#endif
};
#if defined(__EXT_QNX) || defined(__EXT_POSIX1_200112)
#define sched_ss_low_priority __ss_un.__ss.__ss_low_priority
#define sched_ss_max_repl __ss_un.__ss.__ss_max_repl
#define sched_ss_repl_period __ss_un.__ss.__ss_repl_period
#define sched_ss_init_budget __ss_un.__ss.__ss_init_budget
#endif

#ifdef __cplusplus
}
#endif
#endif
