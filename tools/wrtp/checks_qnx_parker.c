/*
 * checks_qnx_parker.c - the selftest's checks of the QNX per-thread parker
 * (QNX-SYNC-*): forged pulses never end a wait, the steady-state kernel
 * calls of a blocking wait, EMFILE at a thread's first wait, init on a live
 * futex. Forging and counting need the Neutrino host model's controls
 * (nto_sim.h); on a real QNX kernel those checks are skipped with the
 * reason. Compiled empty where the QNX futex is not built. May include: the
 * public headers, POSIX threads, <sys/neutrino.h>, and nto_sim.h on the
 * host model only.
 */
#if defined(__QNX__) || defined(__QNXNTO__)
/* qcc in strict -std=c11 hides POSIX and QNX names unless asked (QNX 7.1
 * Programmer's Guide, "Conforming to standards"): _QNX_SOURCE shows all. */
#ifndef _QNX_SOURCE
#define _QNX_SOURCE 1
#endif
#endif
#include <string.h>

#include "selftest.h"

#if (defined(__QNX__) || defined(__QNXNTO__) || defined(WRTP_HAVE_QNX_MODEL)) && defined(__has_include)
#if __has_include("wrt/qnx_sync.h")
#define HAVE_QNX_PARKER_CHECKS 1
#endif
#endif

#if defined(HAVE_QNX_PARKER_CHECKS)
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>

#include "wrt/qnx_sync.h"
#if !(defined(__QNX__) || defined(__QNXNTO__))
#include <sys/neutrino.h>

#include "nto_sim.h"
#endif

typedef struct {
  wrt_futex_t *f;
  uint64_t timeout;
  _Atomic int done;
  wrt_status st;
  _Atomic int tid; /* st_thread_id(), published once started */
} pk_waiter_t;

static void *pk_wait_main(void *arg) {
  pk_waiter_t *w = arg;
  atomic_store(&w->tid, st_thread_id());
  w->st = wrt_futex_wait(w->f, 0, w->timeout);
  atomic_store(&w->done, 1);
  return NULL;
}

/* Until w's thread is blocked in its wait: the model counts receive-blocked
 * threads; on QNX a started thread is given time (blocked.c). */
static void until_blocked(pk_waiter_t *w) {
  int tid;
  while ((tid = atomic_load(&w->tid)) == 0)
    st_sleep_ns(100000);
  ST_AWAIT_BLOCKED(st_qnx_blocked, &tid, 1, 1);
}

/* QNX-SYNC-004: init on a live futex (with a waiter blocked in it) is STATE
 * and changes nothing. */
static void init_on_live_is_state(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  pk_waiter_t w = {wrt_qnx_futex_base(&f), 5000000000ull, 0, WRT_E_OS, 0};
  pthread_t t;
  ST_REQUIRE(pthread_create(&t, NULL, pk_wait_main, &w) == 0);
  until_blocked(&w);
  c.initial_value = 7;
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_E_STATE);
  ST_REQUIRE(wrt_futex_load(wrt_qnx_futex_base(&f)) == 0u);
  wrt_futex_set(wrt_qnx_futex_base(&f), 1);
  ST_REQUIRE_ST(wrt_futex_wake_all(wrt_qnx_futex_base(&f)), WRT_OK);
  pthread_join(t, NULL);
  ST_REQUIRE(w.st == WRT_OK || w.st == WRT_E_AGAIN);
  wrt_qnx_futex_destroy(&f);
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  wrt_qnx_futex_destroy(&f);
}

#if defined(__QNX__) || defined(__QNXNTO__)
static void forged_pulses_ignored(const void *bk) {
  (void)bk;
  st_skip("finding a waiter's channel and counting needs the Neutrino host model");
}
static void steady_state_calls(const void *bk) {
  (void)bk;
  st_skip("per-call kernel counters exist only in the Neutrino host model");
}
static void emfile_is_limit(const void *bk) {
  (void)bk;
  st_skip("EMFILE injection needs the Neutrino host model");
}
#else
/* QNX-SYNC-001: pulses forged by this process onto a blocked waiter's own
 * channel - our wake code with tokens 1..64 (the waiter's among them), a
 * foreign code - are dropped: the waiter stays blocked until a real wake. */
static void forged_pulses_ignored(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  wrt_qnx_thread_release();
  int before[8];
  unsigned nb = nto_sim_live_chids(0, before, 8);
  pk_waiter_t w = {wrt_qnx_futex_base(&f), WRT_WAIT_FOREVER, 0, WRT_E_OS, 0};
  pthread_t t;
  ST_REQUIRE(pthread_create(&t, NULL, pk_wait_main, &w) == 0);
  until_blocked(&w);
  int now[8];
  unsigned nn = nto_sim_live_chids(0, now, 8);
  ST_REQUIRE(nn == nb + 1u);
  int chid = -1;
  for (unsigned i = 0; i < nn && chid == -1; i++) {
    int fresh = 1;
    for (unsigned j = 0; j < nb; j++)
      fresh = fresh && now[i] != before[j];
    if (fresh)
      chid = now[i];
  }
  ST_REQUIRE(chid != -1);
  int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
  ST_REQUIRE(coid != -1);
  for (int v = 0; v <= 64; v++) {
    ST_REQUIRE(MsgSendPulse(coid, 10, _PULSE_CODE_MINAVAIL + 1, v) == 0);
    ST_REQUIRE(MsgSendPulse(coid, 10, _PULSE_CODE_MINAVAIL + 2, v) == 0);
  }
  ST_REQUIRE(MsgSendPulse(coid, 10, 99, 0) == 0);
  for (int i = 0; i < 100000 && nto_sim_queued_pulses(chid) > 0u; i++)
    st_sleep_ns(100000);
  st_sleep_ns(20000000);
  if (atomic_load(&w.done))
    st_fail(__FILE__, __LINE__, "a forged pulse ended the wait with %s", wrt_status_str(w.st));
  (void)ConnectDetach(coid);
  ST_REQUIRE_ST(wrt_futex_wake_one(wrt_qnx_futex_base(&f)), WRT_OK);
  pthread_join(t, NULL);
  ST_REQUIRE_ST(w.st, WRT_OK);
  wrt_qnx_futex_destroy(&f);
}

typedef struct {
  wrt_futex_t *f;
  _Atomic int phase;
  wrt_status st;
} pk_steady_t;

static void *pk_steady_main(void *arg) {
  pk_steady_t *s = arg;
  (void)wrt_futex_wait(s->f, 0, 1000000); /* makes the parker */
  atomic_store(&s->phase, 1);
  while (atomic_load(&s->phase) != 2)
    st_sleep_ns(100000);
  s->st = wrt_futex_wait(s->f, 0, 60000000000ull);
  atomic_store(&s->phase, 3);
  while (atomic_load(&s->phase) != 4)
    st_sleep_ns(100000);
  return NULL;
}

/* QNX-SYNC-002: a timed blocking wait of a thread that has its parker makes
 * at most 3 kernel calls (SchedGet, TimerTimeout, MsgReceivePulse) in
 * priority order, and its wake one MsgSendPulse. */
static void steady_state_calls(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  pk_steady_t s = {wrt_qnx_futex_base(&f), 0, WRT_E_OS};
  pthread_t t;
  ST_REQUIRE(pthread_create(&t, NULL, pk_steady_main, &s) == 0);
  while (atomic_load(&s.phase) != 1)
    st_sleep_ns(100000);
  unsigned before[NTO_SIM_CALL_COUNT];
  for (int k = 0; k < NTO_SIM_CALL_COUNT; k++)
    before[k] = nto_sim_calls((nto_sim_call)k);
  atomic_store(&s.phase, 2);
  int any = 0; /* the model counts receive-blocked threads, not by id */
  ST_AWAIT_BLOCKED(st_qnx_blocked, &any, 1, 1);
  ST_REQUIRE_ST(wrt_futex_wake_one(wrt_qnx_futex_base(&f)), WRT_OK);
  while (atomic_load(&s.phase) != 3)
    st_sleep_ns(100000);
  unsigned waiter = 0, sends = 0;
  for (int k = 0; k < NTO_SIM_CALL_COUNT; k++) {
    unsigned d = nto_sim_calls((nto_sim_call)k) - before[k];
    if (k == NTO_SIM_CALL_MSG_SEND_PULSE)
      sends = d;
    else
      waiter += d;
  }
  atomic_store(&s.phase, 4);
  pthread_join(t, NULL);
  ST_REQUIRE_ST(s.st, WRT_OK);
  wrt_qnx_futex_destroy(&f);
  if (waiter > 3u || sends != 1u)
    st_fail(__FILE__, __LINE__, "blocking wait: %u kernel calls (want <= 3), wake: %u sends",
            waiter, sends);
}

/* QNX-SYNC-003: EMFILE from ConnectAttach at a thread's first blocking wait
 * is WRT_E_LIMIT with EMFILE in last_os_error, holds nothing, and the next
 * wait works. */
static void emfile_is_limit(const void *bk) {
  (void)bk;
  static wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  ST_REQUIRE_ST(wrt_qnx_futex_init(&f, &c), WRT_OK);
  wrt_qnx_thread_release();
  unsigned ch = nto_sim_live_channels();
  nto_sim_fail_nth(NTO_SIM_CALL_CONNECT_ATTACH, 1, EMFILE);
  ST_REQUIRE_ST(wrt_futex_wait(wrt_qnx_futex_base(&f), 0, 1000000), WRT_E_LIMIT);
  ST_REQUIRE(wrt_qnx_futex_last_os_error(&f) == EMFILE);
  ST_REQUIRE(nto_sim_live_channels() == ch);
  ST_REQUIRE_ST(wrt_futex_wait(wrt_qnx_futex_base(&f), 0, 1000000), WRT_E_TIMEOUT);
  wrt_qnx_futex_destroy(&f);
}
#endif

const st_check st_qnx_parker_checks[] = {
    {"QNX-SYNC-001", "forged pulses on a waiter's channel never end its wait",
     ST_ON_QNX_MEMORY, forged_pulses_ignored},
    {"QNX-SYNC-002", "steady-state blocking wait: <= 3 kernel calls, 1 send",
     ST_ON_QNX_MEMORY, steady_state_calls},
    {"QNX-SYNC-003", "EMFILE at a thread's first wait -> LIMIT, errno kept",
     ST_ON_QNX_MEMORY, emfile_is_limit},
    {"QNX-SYNC-004", "init on a live QNX futex -> STATE, nothing changed",
     ST_ON_QNX_MEMORY, init_on_live_is_state},
};
const size_t st_qnx_parker_check_count =
    sizeof st_qnx_parker_checks / sizeof st_qnx_parker_checks[0];

#else
const st_check st_qnx_parker_checks[] = {{"QNX-SYNC-000", "", ST_ON_QNX_MEMORY, NULL}};
const size_t st_qnx_parker_check_count = 0;
#endif
