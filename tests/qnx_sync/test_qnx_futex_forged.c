/*
 * test_qnx_futex_forged.c - issue 16 on the Neutrino host model: no pulse
 * from anyone makes a QNX futex wait return early or leave its node linked.
 *
 * A forger attaches to a waiter's own parker channel, as this process and as
 * another (model) process - refused with the model's EPERM where the profile
 * honours _NTO_CHF_PRIVATE (710, 800), accepted in the 640 profile - and
 * sends pulses: our wake code with the waiter's CURRENT token (a perfect
 * forgery; a waiter's token does not change while it waits), with an old token, with 0; the old DESTROYED code; a foreign
 * user code. While the waiter is blocked (it must stay blocked), while it is
 * timing out (it must time out on time, unlinked) and while a real wake
 * races the forgery (the woken waiter returns OK, the other stays linked).
 * After each case the wait list is checked under the futex lock and every
 * wait result is one the futex state allows. White box: includes the
 * parker's internal header to learn a waiter's channel and token.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/neutrino.h>
#include <unistd.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "qnx_futex_test_util.h"
#include "qnx_parker.h"
#include "wrt/qnx_sync.h"

#define MS 1000000ull
#define FORGE_PRIORITY 10
#define OLD_DESTROYED_CODE (_PULSE_CODE_MINAVAIL + 2) /* the code before the parker */
#define FOREIGN_CODE 77

#define POLL_UNTIL(cond)                                                              \
  do {                                                                                \
    uint64_t t0_ = qt_now_ns();                                                       \
    while (!(cond)) {                                                                 \
      if (qt_now_ns() - t0_ > 10000000000ull)                                         \
        fail_msg("hang waiting for: %s", #cond);                                      \
      sched_yield();                                                                  \
    }                                                                                 \
  } while (0)

typedef struct {
  wrt_qnx_futex_t *f;
  uint64_t timeout;
  int priority;
  _Atomic int chid; /* the waiter's parker channel, once made */
  wrt_parker_t *parker;
  _Atomic int finished;
  wrt_status status;
  uint64_t elapsed;
  pthread_t thread;
} waiter_t;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  if (w->priority != 0)
    (void)nto_sim_set_thread_priority(w->priority);
  int err = 0;
  assert_int_equal(wrt_qnx_parker_self(&w->parker, &err), WRT_OK);
  atomic_store(&w->chid, w->parker->chid);
  uint64_t t0 = qt_now_ns();
  w->status = wrt_futex_wait(&w->f->base, 0, w->timeout);
  w->elapsed = qt_now_ns() - t0;
  atomic_store(&w->finished, 1);
  return NULL;
}

static void start(waiter_t *w, wrt_qnx_futex_t *f, uint64_t timeout, int priority) {
  memset(w, 0, sizeof *w);
  atomic_store(&w->chid, -1);
  w->f = f;
  w->timeout = timeout;
  w->priority = priority;
  assert_int_equal(pthread_create(&w->thread, NULL, waiter_main, w), 0);
  POLL_UNTIL(atomic_load(&w->chid) != -1);
}

static void join(waiter_t *w) { assert_int_equal(pthread_join(w->thread, NULL), 0); }

/* The token of w's current park, read under the futex lock (where the
 * waiter writes it). */
static uint32_t current_token(waiter_t *w) {
  assert_int_equal(pthread_mutex_lock(&w->f->lock), 0);
  uint32_t t = w->parker->token;
  assert_int_equal(pthread_mutex_unlock(&w->f->lock), 0);
  return t;
}

/* Waiters linked in f, counted under its lock. White box: a node's first
 * member is its next pointer (struct wrt_qnx_futex_waiter, qnx_sync.c). */
static unsigned linked(wrt_qnx_futex_t *f) {
  assert_int_equal(pthread_mutex_lock(&f->lock), 0);
  unsigned n = 0;
  for (const wrt_qnx_futex_waiter_t *it = f->head; it != NULL;
       it = *(wrt_qnx_futex_waiter_t *const *)(const void *)it)
    n++;
  assert_int_equal(pthread_mutex_unlock(&f->lock), 0);
  return n;
}

/* Who forges: this process, or another one (a model process). */
typedef enum { FORGER_SELF = 0, FORGER_OTHER } forger_kind;

static int g_other_pid; /* the foreign process of the current test */

/* The calling thread acts as the forger (nto_sim_set_thread_process: its
 * connections are then that process's) or as itself again. */
static void act_as(forger_kind who) {
  assert_int_equal(nto_sim_set_thread_process(who == FORGER_SELF ? 0 : g_other_pid), 0);
}

/* A connection to our process's channel chid, made by the forger (the
 * calling thread acts as it), or -1 (errno set) when the kernel refuses. */
static int attach_as(forger_kind who, int chid) {
  pid_t pid = who == FORGER_SELF ? 0 : getpid();
  return ConnectAttach(0, pid, chid, _NTO_SIDE_CHANNEL, 0);
}

/* Whether this forger can reach our channels: another process cannot where
 * the kernel honours _NTO_CHF_PRIVATE (model profiles 710 and 800; the 640
 * profile, like the 6.4 kernel, has no such flag). */
static int can_attach(forger_kind who) {
  return who == FORGER_SELF || nto_sim_profile() < 710;
}

typedef struct {
  int code;
  int value_kind; /* 0: current token, 1: current - 1, 2: zero, 3: -1 */
} forgery_t;

static const forgery_t k_forgeries[] = {
    {_PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE, 0},
    {_PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE, 1},
    {_PULSE_CODE_MINAVAIL + WRT_QNX_PARKER_PULSE_WAKE, 2},
    {OLD_DESTROYED_CODE, 0},
    {OLD_DESTROYED_CODE, 3},
    {FOREIGN_CODE, 0},
    {_PULSE_CODE_MAXAVAIL, 3},
};
#define N_FORGERIES (sizeof k_forgeries / sizeof k_forgeries[0])

static int forged_value(const forgery_t *fg, uint32_t token) {
  switch (fg->value_kind) {
  case 0: return (int)token;
  case 1: return (int)(token - 1u);
  case 2: return 0;
  default: return -1;
  }
}

static int setup(void **state) {
  (void)state;
  wrt_qnx_thread_release();
  nto_sim_reset();
  g_other_pid = nto_sim_process_create();
  assert_true(g_other_pid > 0);
  return 0;
}

/* --- while the waiter is blocked ----------------------------------------- */

static void forged_pulses_do_not_end_a_blocked_wait(void **state) {
  (void)state;
  for (int who = FORGER_SELF; who <= FORGER_OTHER; who++) {
    wrt_qnx_futex_t f;
    memset(&f, 0, sizeof f);
    wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
    assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK);
    waiter_t w;
    start(&w, &f, WRT_WAIT_FOREVER, 0);
    int chid = atomic_load(&w.chid);
    POLL_UNTIL(nto_sim_blocked_receivers(chid) == 1u);
    act_as((forger_kind)who);
    int coid = attach_as((forger_kind)who, chid);
    int attach_errno = errno;
    act_as(FORGER_SELF);
    if (!can_attach((forger_kind)who)) {
      /* the private channel refuses the other process */
      assert_int_equal(coid, -1);
      assert_int_equal(attach_errno, NTO_SIM_PRIVATE_REFUSAL);
    } else {
      assert_true(coid != -1);
      for (size_t i = 0; i < N_FORGERIES; i++) {
        uint32_t token = current_token(&w);
        act_as((forger_kind)who);
        int sent = MsgSendPulse(coid, FORGE_PRIORITY, k_forgeries[i].code,
                                forged_value(&k_forgeries[i], token));
        act_as(FORGER_SELF);
        assert_int_equal(sent, 0);
        /* taken and dropped: the waiter is receive-blocked again, still linked */
        POLL_UNTIL(nto_sim_queued_pulses(chid) == 0u && nto_sim_blocked_receivers(chid) == 1u);
        assert_false(atomic_load(&w.finished));
        assert_int_equal(linked(&f), 1u);
      }
      act_as((forger_kind)who);
      assert_int_equal(ConnectDetach(coid), 0);
      act_as(FORGER_SELF);
    }
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w);
    assert_int_equal(w.status, WRT_OK);
    assert_int_equal(linked(&f), 0u);
    wrt_qnx_futex_destroy(&f);
  }
  assert_int_equal(nto_sim_live_channels(), 0);
}

/* --- while the waiter is timing out -------------------------------------- */

typedef struct {
  _Atomic int stop;
  forger_kind who;
  waiter_t *targets[2];
  uint32_t tokens[2]; /* each target's current token, read before the flood */
  unsigned ntargets;
  _Atomic unsigned sent;
} flood_t;

/* Sends every forgery, round and round, to every target until stopped. */
static void *flood_main(void *arg) {
  flood_t *fl = arg;
  act_as(fl->who); /* this thread is the forger's */
  int coid[2];
  for (unsigned t = 0; t < fl->ntargets; t++)
    coid[t] = attach_as(fl->who, atomic_load(&fl->targets[t]->chid));
  while (!atomic_load(&fl->stop)) {
    for (unsigned t = 0; t < fl->ntargets; t++) {
      if (coid[t] == -1)
        continue;
      for (size_t i = 0; i < N_FORGERIES; i++) {
        uint32_t token = fl->tokens[t];
        if (MsgSendPulse(coid[t], FORGE_PRIORITY, k_forgeries[i].code,
                         forged_value(&k_forgeries[i], token)) == 0)
          atomic_fetch_add(&fl->sent, 1u);
      }
    }
    sched_yield();
  }
  for (unsigned t = 0; t < fl->ntargets; t++)
    if (coid[t] != -1)
      (void)ConnectDetach(coid[t]);
  return NULL;
}

static void forged_pulses_do_not_stop_a_wait_timing_out(void **state) {
  (void)state;
  for (int who = FORGER_SELF; who <= FORGER_OTHER; who++) {
    wrt_qnx_futex_t f;
    memset(&f, 0, sizeof f);
    wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
    assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK);
    waiter_t w;
    start(&w, &f, 50 * MS, 0);
    flood_t fl;
    memset(&fl, 0, sizeof fl);
    fl.who = (forger_kind)who;
    fl.targets[0] = &w;
    fl.ntargets = 1;
    pthread_t ft;
    POLL_UNTIL(linked(&f) == 1u || atomic_load(&w.finished));
    fl.tokens[0] = current_token(&w);
    assert_int_equal(pthread_create(&ft, NULL, flood_main, &fl), 0);
    join(&w);
    atomic_store(&fl.stop, 1);
    assert_int_equal(pthread_join(ft, NULL), 0);
    assert_int_equal(w.status, WRT_E_TIMEOUT);
    assert_true(w.elapsed >= 50 * MS);
    assert_true(w.elapsed < 5000 * MS); /* the flood did not hold it */
    assert_int_equal(linked(&f), 0u);
    if (can_attach((forger_kind)who))
      assert_true(atomic_load(&fl.sent) > 0u); /* the flood did reach the waiter */
    else
      assert_int_equal(atomic_load(&fl.sent), 0u);
    wrt_qnx_futex_destroy(&f);
  }
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
}

/* --- while a real wake races the forgery --------------------------------- */

static void forged_pulses_racing_a_real_wake(void **state) {
  (void)state;
  for (int who = FORGER_SELF; who <= FORGER_OTHER; who++) {
    for (int round = 0; round < 20; round++) {
      wrt_qnx_futex_t f;
      memset(&f, 0, sizeof f);
      wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
      assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK);
      waiter_t hi, lo;
      start(&hi, &f, 10000 * MS, 20);
      start(&lo, &f, WRT_WAIT_FOREVER, 10);
      POLL_UNTIL(linked(&f) == 2u);
      flood_t fl;
      memset(&fl, 0, sizeof fl);
      fl.who = (forger_kind)who;
      fl.targets[0] = &hi;
      fl.targets[1] = &lo;
      fl.ntargets = 2;
      fl.tokens[0] = current_token(&hi);
      fl.tokens[1] = current_token(&lo);
      pthread_t ft;
      assert_int_equal(pthread_create(&ft, NULL, flood_main, &fl), 0);
      for (int spin = 0; spin < round * 10; spin++)
        sched_yield();
      assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK); /* selects hi */
      join(&hi);
      assert_int_equal(hi.status, WRT_OK);
      /* lo was not selected: whatever the flood sent, it is still waiting */
      assert_false(atomic_load(&lo.finished));
      assert_int_equal(linked(&f), 1u);
      atomic_store(&fl.stop, 1);
      assert_int_equal(pthread_join(ft, NULL), 0);
      assert_false(atomic_load(&lo.finished));
      assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
      join(&lo);
      assert_int_equal(lo.status, WRT_OK);
      assert_int_equal(linked(&f), 0u);
      wrt_qnx_futex_destroy(&f);
    }
  }
  assert_int_equal(nto_sim_live_channels(), 0);
}

/* Destroy racing a flood: every waiter returns STATE, none earlier. */
static void forged_pulses_racing_destroy(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK);
  waiter_t a, b;
  start(&a, &f, WRT_WAIT_FOREVER, 0);
  start(&b, &f, 10000 * MS, 0);
  POLL_UNTIL(linked(&f) == 2u);
  flood_t fl;
  memset(&fl, 0, sizeof fl);
  fl.who = FORGER_SELF;
  fl.targets[0] = &a;
  fl.targets[1] = &b;
  fl.ntargets = 2;
  fl.tokens[0] = current_token(&a);
  fl.tokens[1] = current_token(&b);
  pthread_t ft;
  assert_int_equal(pthread_create(&ft, NULL, flood_main, &fl), 0);
  POLL_UNTIL(atomic_load(&fl.sent) > 100u);
  assert_false(atomic_load(&a.finished));
  assert_false(atomic_load(&b.finished));
  wrt_qnx_futex_destroy(&f);
  join(&a);
  join(&b);
  atomic_store(&fl.stop, 1);
  assert_int_equal(pthread_join(ft, NULL), 0);
  assert_int_equal(a.status, WRT_E_STATE);
  assert_int_equal(b.status, WRT_E_STATE);
  assert_int_equal(nto_sim_live_channels(), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(forged_pulses_do_not_end_a_blocked_wait, setup),
      cmocka_unit_test_setup(forged_pulses_do_not_stop_a_wait_timing_out, setup),
      cmocka_unit_test_setup(forged_pulses_racing_a_real_wake, setup),
      cmocka_unit_test_setup(forged_pulses_racing_destroy, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
