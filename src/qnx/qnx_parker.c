/*
 * src/qnx/qnx_parker.c - the QNX per-thread parker (see qnx_parker.h).
 *
 * Real QNX code: includes only QNX and POSIX headers (<sys/neutrino.h>,
 * <pthread.h>, <process.h>, <errno.h>, <time.h>) and compiles unchanged on a Linux host
 * against sim/neutrino/include (the Neutrino host model).
 *
 * Why one channel per thread, not per wait: a channel per wait cost four
 * extra kernel calls per blocking wait, made ConnectAttach (which counts
 * against RLIMIT_NOFILE, 6.4 K/ker_connect.c:53) able to fail any wait, and
 * reused channel ids lowest-free (6.4 K/ker_channel.c:82), which, with the
 * server boost of K/nano_pulse.c:169-177, raised unrelated threads.
 *
 * Channel flags (ChannelCreate):
 *   _NTO_CHF_FIXED_PRIORITY - "Suppress priority inheritance when receiving
 *     messages": the receiver keeps its priority. Without it a received
 *     pulse SETS the receiver's priority to the pulse's (raised or lowered,
 *     for good: 6.4 K/nano_pulse.c:136-138 for a blocked receiver,
 *     K/ker_fastmsg.c:947-950 for a queued pulse), and a queued pulse boosts
 *     every lower-priority thread of the process whose last receive was on a
 *     channel with this id (K/nano_pulse.c:169-177; last_chid is set at
 *     every receive, K/ker_fastmsg.c:832, and never cleared). Both are
 *     skipped for a FIXED_PRIORITY channel (the same tests guard them), so
 *     a wait never changes its thread's priority and a wake never changes
 *     any other thread's.
 *   _NTO_CHF_PRIVATE, where the headers define it (SDP 6.6
 *     <sys/neutrino.h>:402 has it; the 6.4 kernel's header does not) - "no
 *     other process can connect to it" (ChannelCreate, 7.1/8.0). Where it
 *     is absent or not honoured another process that guesses our pid and
 *     chid can connect and send pulses; the token check below and the
 *     callers' state check make such pulses harmless.
 *
 * Justified global state: one pthread key (made once, pthread_once) whose
 * destructor releases an exiting thread's channel and connection, and one
 * fork-child handler registered with it; the parker itself is
 * _Thread_local (no heap).
 */
/* Strict -std=c11 hides clock_gettime, nanosleep, CLOCK_MONOTONIC and
 * <sys/neutrino.h>; _QNX_SOURCE shows them ("Conforming to standards", QNX
 * 7.1 Programmer's Guide). Must precede every include. */
#define _QNX_SOURCE 1
#include "qnx_parker.h"

#include <errno.h>
/* pthread_atfork: declared in <process.h> on QNX 6.4 and 6.6 (6.4
 * lib/c/public/process.h:68, SDP 6.6 process.h:68), in <pthread.h> on 7.1
 * and 8.0; <process.h> exists on all four, so it is included everywhere. */
#include <process.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/neutrino.h>
#include <time.h>

#include "wrt/sync.h"

/* ConnectAttach: nd 0 is ND_LOCAL_NODE (<sys/netmgr.h>), pid 0 this process. */
#define PARKER_LOCAL_NODE 0u

/* The pulse code on the wire: a user code (MsgSendPulse: "code ... in the
 * range _PULSE_CODE_MINAVAIL to _PULSE_CODE_MAXAVAIL"). */
#define PARKER_CODE (_PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE)

static _Thread_local wrt_parker_t tls_parker = {-1, -1, 0u, 0};

/* Justified global state: the key whose destructor releases a thread's
 * parker at exit, created once (pthread_once) and never deleted.
 * QNX 6.4's PTHREAD_ONCE_INIT stores _NTO_SYNC_NONRECURSIVE (0x80000000, an
 * unsigned int) in the int __count of its sync_t (6.4 lib/c/public/
 * pthread.h:129, :302, :424; sys/target_nto.h:186-190, :330-335), which
 * -Wsign-conversion reports in the header's own initialiser; it is the
 * value the 6.4 library expects, so the diagnostic is silenced for this
 * one definition only (6.6, 7.1 and 8.0 do not trigger it). */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wconversion"
#endif
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
static pthread_key_t key;
static int key_error; /* pthread_key_create's result, written once */

/* ConnectDetach then ChannelDestroy (QNX reference). ChannelDestroy frees
 * the pulses still queued on the channel (6.4 K/ker_channel.c:241), so no
 * stale pulse outlives the thread. Errors (an id that does not exist) leave
 * nothing to do. */
static void release(wrt_parker_t *p) {
  if (p->ready != 0) {
    (void)ConnectDetach(p->coid);
    (void)ChannelDestroy(p->chid);
  }
  p->ready = 0;
  p->chid = -1;
  p->coid = -1;
}

/* pthread_key_create: the destructor runs at thread exit for a non-NULL
 * value, before the thread's storage goes. */
static void on_thread_exit(void *value) { release((wrt_parker_t *)value); }

/* pthread_atfork child handler. A fork child has only the forking thread;
 * its parker's ids name the PARENT's channel and connection (channels and
 * side-channel connections are kernel objects of a process; our reading is
 * that fork does not copy them - not confirmed from a source at hand), so
 * the child forgets them without a kernel call and makes its own at its
 * first wait. Should pthread_atfork fail, a child's waits fail visibly
 * (WRT_E_OS from MsgReceivePulse on an unknown chid), never silently. */
static void forget_in_child(void) {
  tls_parker.ready = 0;
  tls_parker.chid = -1;
  tls_parker.coid = -1;
}

static void make_key(void) {
  key_error = pthread_key_create(&key, on_thread_exit);
  if (key_error == 0) {
    (void)pthread_atfork(NULL, NULL, forget_in_child);
  }
}

static wrt_status status_of(int err) {
  if (err == EAGAIN || err == ENOMEM) {
    return WRT_E_NO_MEMORY;
  }
  if (err == EMFILE) {
    return WRT_E_LIMIT;
  }
  return WRT_E_OS;
}

wrt_status wrt_qnx_parker_self(wrt_parker_t **out, int *os_error) {
  wrt_parker_t *p = &tls_parker;
  if (p->ready != 0) {
    *out = p;
    return WRT_OK;
  }
  int err = pthread_once(&key_once, make_key);
  if (err == 0) {
    err = key_error;
  }
  if (err != 0) {
    *os_error = err;
    return status_of(err);
  }
  unsigned flags = (unsigned)_NTO_CHF_FIXED_PRIORITY;
#ifdef _NTO_CHF_PRIVATE
  flags |= (unsigned)_NTO_CHF_PRIVATE;
#endif
  int chid = ChannelCreate(flags);
  if (chid == -1) {
    *os_error = errno;
    return status_of(*os_error);
  }
  /* ConnectAttach (QNX reference): _NTO_SIDE_CHANNEL keeps the coid out of
   * the descriptor space (but it still counts in nfds: EMFILE, 6.4
   * K/ker_connect.c:53); _NTO_COF_CLOEXEC closes it on exec. */
  int coid = ConnectAttach(PARKER_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, _NTO_COF_CLOEXEC);
  if (coid == -1) {
    *os_error = errno;
    (void)ChannelDestroy(chid);
    return status_of(*os_error);
  }
  err = pthread_setspecific(key, p);
  if (err != 0) {
    (void)ConnectDetach(coid);
    (void)ChannelDestroy(chid);
    *os_error = err;
    return status_of(err);
  }
  p->chid = chid;
  p->coid = coid;
  p->ready = 1;
  *out = p;
  return WRT_OK;
}

uint32_t wrt_qnx_parker_prepare(wrt_parker_t *p) {
  uint32_t t = 1u;
  if (p->token < WRT_QNX_PARKER_TOKEN_MAX) {
    t = p->token + 1u;
  }
  p->token = t;
  return t;
}

uint64_t wrt_qnx_parker_now_ns(void) {
  struct timespec ts;
  /* CLOCK_MONOTONIC cannot fail on QNX or Linux for a valid timespec. */
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t wrt_qnx_parker_deadline(uint64_t timeout_ns) {
  if (timeout_ns == WRT_WAIT_FOREVER) {
    return WRT_QNX_PARKER_FOREVER;
  }
  uint64_t now = wrt_qnx_parker_now_ns();
  if (timeout_ns >= WRT_QNX_PARKER_FOREVER - now) {
    return WRT_QNX_PARKER_FOREVER;
  }
  return now + timeout_ns;
}

/* TimerTimeout (QNX reference): arms a timeout for the NEXT kernel call that
 * blocks in the given state and is cleared on return from any kernel call,
 * so it is re-armed before every receive. TIMER_ABSTIME (0x80000000 on QNX:
 * combined as unsigned) makes ntime an absolute CLOCK_MONOTONIC time, so
 * every re-arm keeps the original deadline; a deadline already past times
 * out at once (6.4 K/ker_timer.c ~395). */
static int arm_timeout(uint64_t deadline_ns) {
  /* The flags parameter is an int up to 7.1 and a _Uint32t in 8.0
   * (TimerTimeout, each version's reference). */
#if defined(_NTO_VERSION) && _NTO_VERSION >= 800
  const uint32_t flags = (uint32_t)_NTO_TIMEOUT_RECEIVE | (uint32_t)TIMER_ABSTIME;
#else
  const unsigned uflags = (unsigned)_NTO_TIMEOUT_RECEIVE | (unsigned)TIMER_ABSTIME;
  const int flags = (int)uflags;
#endif
  uint64_t ntime = deadline_ns;
  return TimerTimeout(CLOCK_MONOTONIC, flags, NULL, &ntime, NULL);
}

wrt_status wrt_qnx_parker_park(wrt_parker_t *p, uint32_t token, uint64_t deadline_ns,
                               int *os_error) {
  const bool timed = deadline_ns != WRT_QNX_PARKER_FOREVER;
  for (;;) {
    if (timed && arm_timeout(deadline_ns) == -1) {
      int err = errno;
      if (err == EINTR) {
        continue;
      }
      *os_error = err;
      return status_of(err);
    }
    struct _pulse pulse;
    /* MsgReceivePulse (QNX reference): 0 on a pulse; -1 with ETIMEDOUT when
     * the armed timeout expired, EINTR on a signal. The queue is scanned
     * before the timeout (6.4 K/ker_fastmsg.c ~924 vs ~1120): a queued pulse
     * is received even past the deadline. */
    if (MsgReceivePulse(p->chid, &pulse, sizeof pulse, NULL) != -1) {
      /* The value is an int on 7.x, a long on 8.0 (union sigval on both;
       * sival_int is its low half on the little-endian 8.0 targets, x86_64
       * and aarch64le); tokens fit in 31 bits, so sival_int carries them. */
      if (pulse.code == PARKER_CODE && (uint32_t)pulse.value.sival_int == token) {
        return WRT_OK;
      }
      /* Stale (an earlier park's token), forged or foreign: drop it. A
       * flood of such pulses must not keep a timed park past its deadline
       * (queued pulses win over the timeout), so look at the clock. */
      if (timed && wrt_qnx_parker_now_ns() >= deadline_ns) {
        return WRT_E_TIMEOUT;
      }
      continue;
    }
    int err = errno;
    if (err == EINTR) {
      continue;
    }
    if (err == ETIMEDOUT) {
      return WRT_E_TIMEOUT;
    }
    *os_error = err;
    return status_of(err);
  }
}

wrt_status wrt_qnx_parker_unpark(wrt_parker_t *p, uint32_t token, int prio, int *os_error) {
  /* MsgSendPulse (QNX reference): non-blocking; priority 1..255 or -1 for
   * the caller's; on a FIXED_PRIORITY channel it only orders the pulses
   * queued on that channel. EINTR cannot come from a call that does not
   * block, but is retried all the same. */
  for (;;) {
    if (MsgSendPulse(p->coid, prio, PARKER_CODE, (int)token) != -1) {
      return WRT_OK;
    }
    int err = errno;
    if (err != EINTR) {
      *os_error = err;
      return status_of(err);
    }
  }
}

void wrt_qnx_parker_release_self(void) {
  wrt_parker_t *p = &tls_parker;
  if (p->ready == 0) {
    return;
  }
  /* The key exists: it was set when the parker was made. */
  (void)pthread_setspecific(key, NULL);
  release(p);
}
