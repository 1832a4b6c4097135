/*
 * test_qnx_futex_flood.c - a flood of forged WAKE pulses that carry the
 * waiter's own token must not hold a timed QNX futex wait past its deadline
 * (Neutrino host model; nothing here ran on QNX).
 *
 * The parker looks at the clock only after a pulse it drops; a right-token
 * pulse is handed to the futex, which finds its node still WAITING and
 * parks again. MsgReceivePulse takes a queued pulse before it looks at the
 * armed timeout, so while the forger keeps one queued the wait never saw
 * its deadline (for as long as the forger kept pulses coming). White box: reads the waiter's parker (channel, token).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/neutrino.h>
#include <time.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "qnx_parker.h"
#include "wrt/qnx_sync.h"

#define MS 1000000ull
#define FLOOD 20000u

static uint64_t now_ns(void) {
  struct timespec ts;
  (void)clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static wrt_qnx_futex_t g_f;
static _Atomic(wrt_parker_t *) g_parker;
static _Atomic int g_finished;
static _Atomic uint64_t g_wait_start;
#define TIMEOUT (500ull * MS)
static wrt_status g_status;

static void *waiter_main(void *arg) {
  (void)arg;
  wrt_parker_t *p = NULL;
  int err = 0;
  assert_int_equal(wrt_qnx_parker_self(&p, &err), WRT_OK);
  atomic_store(&g_parker, p);
  atomic_store(&g_wait_start, now_ns());
  g_status = wrt_futex_wait(&g_f.base, 0u, TIMEOUT);
  atomic_store(&g_finished, 1);
  wrt_qnx_thread_release();
  return NULL;
}

static int linked(void) {
  assert_int_equal(pthread_mutex_lock(&g_f.lock), 0);
  int r = g_f.head != NULL;
  assert_int_equal(pthread_mutex_unlock(&g_f.lock), 0);
  return r;
}

static void a_right_token_flood_does_not_hold_a_timed_wait(void **state) {
  (void)state;
  nto_sim_reset();
  memset(&g_f, 0, sizeof g_f);
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  assert_int_equal(wrt_qnx_futex_init(&g_f, &cfg), WRT_OK);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, waiter_main, NULL), 0);
  uint64_t t0 = now_ns();
  while (atomic_load(&g_parker) == NULL || !linked()) {
    if (now_ns() - t0 > 10000ull * MS) {
      fail_msg("waiter never linked");
    }
    sched_yield();
  }
  wrt_parker_t *p = atomic_load(&g_parker);
  assert_int_equal(pthread_mutex_lock(&g_f.lock), 0);
  uint32_t token = p->token;
  assert_int_equal(pthread_mutex_unlock(&g_f.lock), 0);
  int coid = ConnectAttach(0, 0, p->chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid != -1);
  const int code = _PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE;
  /* Deterministic flood: hold the waiter at its next receive (the model's
   * gate), queue FLOOD pulses with its token, let its deadline pass, then
   * let it go. It must take at most one of them before it leaves. */
  while (nto_sim_blocked_receivers(p->chid) != 1u) {
    if (now_ns() - t0 > 10000ull * MS) {
      fail_msg("waiter never blocked");
    }
    sched_yield();
  }
  nto_sim_set_receive_gate(true);
  assert_int_equal(MsgSendPulse(coid, 10, code, (int)token), 0); /* ends this receive */
  while (nto_sim_gated_receivers() != 1u) {
    if (now_ns() - t0 > 10000ull * MS) {
      fail_msg("waiter never reached its next receive");
    }
    sched_yield();
  }
  for (unsigned i = 0; i < FLOOD; i++) {
    assert_int_equal(MsgSendPulse(coid, 10, code, (int)token), 0);
  }
  while (now_ns() - atomic_load(&g_wait_start) < TIMEOUT + 100u * MS) {
    sched_yield(); /* past the deadline */
  }
  unsigned r0 = nto_sim_calls(NTO_SIM_CALL_MSG_RECEIVE_PULSE);
  nto_sim_set_receive_gate(false);
  assert_int_equal(pthread_join(t, NULL), 0);
  unsigned taken = nto_sim_calls(NTO_SIM_CALL_MSG_RECEIVE_PULSE) - r0;
  assert_int_equal(ConnectDetach(coid), 0);
  assert_true(taken <= 1u); /* left at its deadline, not after the flood */
  assert_int_equal(g_status, WRT_E_TIMEOUT);
  assert_null(g_f.head);
  wrt_qnx_futex_destroy(&g_f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(a_right_token_flood_does_not_hold_a_timed_wait),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
