/*
 * test_qnx_futex.c - what the QNX futex promises beyond the shared suite, on
 * the Neutrino host model: config/builder validation; the per-thread parker's
 * life (made at the first blocking wait, released at thread exit) and the
 * kernel calls of a steady-state wait; wake order (priority by default:
 * highest first, FIFO among equals; FIFO as an option) and wake_all
 * semantics under every receiver order; a woken thread keeps its priority
 * whatever the pulse priority (fixed-priority channel); EINTR retries;
 * every injected kernel-call failure reported with its status (EMFILE ->
 * LIMIT) and no kernel object leaked; init on a live futex refused; a
 * timeout racing a wake; destroy with waiters. Waits for blocked threads by
 * polling the model, never by sleeping; sleeps only where a timeout is the
 * thing tested.
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
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "nto_sim.h"
#include "qnx_futex_test_util.h"
#include "wrt/qnx_sync.h"

#define MS 1000000ull

typedef struct {
  wrt_qnx_futex_t *f;
  uint32_t expected;
  uint64_t timeout;
  int set_priority; /* model priority set before waiting; 0: leave */
  _Atomic int tid;
  _Atomic int finished;
  _Atomic int order; /* 1-based finishing position */
  wrt_status status;
  int priority_after;
  pthread_t thread;
} waiter_t;

static _Atomic int g_finish_counter;

static void *waiter_main(void *arg) {
  waiter_t *w = arg;
  atomic_store(&w->tid, wrt_test_thread_id());
  if (w->set_priority != 0)
    (void)nto_sim_set_thread_priority(w->set_priority);
  w->status = wrt_futex_wait(&w->f->base, w->expected, w->timeout);
  w->priority_after = nto_sim_get_thread_priority();
  atomic_store(&w->order, atomic_fetch_add(&g_finish_counter, 1) + 1);
  atomic_store(&w->finished, 1);
  return NULL;
}

static void start(waiter_t *w, wrt_qnx_futex_t *f, uint32_t expected, uint64_t timeout,
                  int prio) {
  memset(w, 0, sizeof *w);
  w->f = f;
  w->expected = expected;
  w->timeout = timeout;
  w->set_priority = prio;
  assert_int_equal(pthread_create(&w->thread, NULL, waiter_main, w), 0);
}

static void join(waiter_t *w) { assert_int_equal(pthread_join(w->thread, NULL), 0); }

#define POLL_UNTIL(cond)                                                              \
  do {                                                                                \
    uint64_t t0_ = qt_now_ns();                                                       \
    while (!(cond)) {                                                                 \
      if (qt_now_ns() - t0_ > 10000000000ull)                                         \
        fail_msg("hang waiting for: %s", #cond);                                      \
      sched_yield();                                                                  \
    }                                                                                 \
  } while (0)

static void init_default(wrt_qnx_futex_t *f, uint32_t v) {
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  cfg.initial_value = v;
  assert_int_equal(wrt_qnx_futex_init(f, &cfg), WRT_OK);
}

static void init_order(wrt_qnx_futex_t *f, uint32_t v, wrt_qnx_wake_order order) {
  wrt_qnx_futex_builder_t b = wrt_qnx_futex_builder_new();
  b = wrt_qnx_futex_builder_with_initial_value(b, v);
  b = wrt_qnx_futex_builder_with_wake_order(b, order);
  assert_int_equal(wrt_qnx_futex_build(&b, f), WRT_OK);
}

/* The model's reset destroys every channel: the main thread's parker (kept
 * in its thread-local storage) is released first. */
static void qt_reset(void) {
  wrt_qnx_thread_release();
  nto_sim_reset();
}

/* Nothing left but what a live thread legitimately holds: the main
 * thread's parker is released first; other threads released theirs when
 * they exited (joined before this is called). */
static void assert_no_kernel_objects(void) {
  wrt_qnx_thread_release();
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
}

static int setup(void **state) {
  (void)state;
  qt_reset();
  atomic_store(&g_finish_counter, 0);
  return 0;
}

/* --- config, builder, lifecycle ------------------------------------------- */

static void config_defaults_and_priority_mapping(void **state) {
  (void)state;
  wrt_qnx_futex_config_t c = wrt_qnx_futex_config_default();
  assert_int_equal(c.priority, WRT_QNX_SYNC_PRIORITY_NORMAL);
  assert_int_equal(c.initial_value, 0);
  assert_int_equal(c.wake_order, WRT_QNX_WAKE_PRIORITY);
  assert_int_equal(wrt_qnx_futex_builder_new().config.wake_order, WRT_QNX_WAKE_PRIORITY);
  assert_int_equal(wrt_qnx_sync_pulse_priority(WRT_QNX_SYNC_PRIORITY_LOW), 5);
  assert_int_equal(wrt_qnx_sync_pulse_priority(WRT_QNX_SYNC_PRIORITY_NORMAL), 10);
  assert_int_equal(wrt_qnx_sync_pulse_priority(WRT_QNX_SYNC_PRIORITY_HIGH), 21);
  assert_int_equal(wrt_qnx_sync_pulse_priority(WRT_QNX_SYNC_PRIORITY_INHERIT), -1);
  assert_int_equal(wrt_qnx_sync_pulse_priority((wrt_qnx_sync_priority)42), 0);
}

static void builder_sets_each_field_and_build_validates(void **state) {
  (void)state;
  wrt_qnx_futex_builder_t b = wrt_qnx_futex_builder_new();
  b = wrt_qnx_futex_builder_with_priority(b, WRT_QNX_SYNC_PRIORITY_HIGH);
  b = wrt_qnx_futex_builder_with_initial_value(b, 77u);
  b = wrt_qnx_futex_builder_with_wake_order(b, WRT_QNX_WAKE_FIFO);
  assert_int_equal(b.config.priority, WRT_QNX_SYNC_PRIORITY_HIGH);
  assert_int_equal(b.config.initial_value, 77u);
  assert_int_equal(b.config.wake_order, WRT_QNX_WAKE_FIFO);
  wrt_qnx_futex_t f;
  assert_int_equal(wrt_qnx_futex_build(&b, &f), WRT_OK);
  assert_int_equal(wrt_futex_load(wrt_qnx_futex_base(&f)), 77u);
  wrt_qnx_futex_destroy(&f);

  assert_int_equal(wrt_qnx_futex_build(NULL, &f), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_futex_build(&b, NULL), WRT_E_INVALID_ARG);
  /* a bad priority is refused and the object is left exactly as it was */
  wrt_qnx_futex_builder_t bad = wrt_qnx_futex_builder_with_priority(b, (wrt_qnx_sync_priority)9);
  memset(&f, 0xA5, sizeof f);
  wrt_qnx_futex_t copy;
  memcpy(&copy, &f, sizeof f);
  assert_int_equal(wrt_qnx_futex_build(&bad, &f), WRT_E_INVALID_ARG);
  assert_memory_equal(&copy, &f, sizeof f);
  /* likewise a wake order outside the enum */
  wrt_qnx_futex_builder_t bad_order =
      wrt_qnx_futex_builder_with_wake_order(b, (wrt_qnx_wake_order)2);
  assert_int_equal(wrt_qnx_futex_build(&bad_order, &f), WRT_E_INVALID_ARG);
  assert_memory_equal(&copy, &f, sizeof f);
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  assert_int_equal(wrt_qnx_futex_init(NULL, &cfg), WRT_E_INVALID_ARG);
  assert_int_equal(wrt_qnx_futex_init(&f, NULL), WRT_E_INVALID_ARG);
  assert_memory_equal(&copy, &f, sizeof f);
}

static void destroy_is_safe_on_zeroed_and_destroyed_objects(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  assert_null(wrt_qnx_futex_base(&f));
  assert_null(wrt_qnx_futex_base(NULL));
  wrt_qnx_futex_destroy(&f);
  wrt_qnx_futex_destroy(NULL);
  init_default(&f, 3);
  assert_non_null(wrt_qnx_futex_base(&f));
  assert_int_equal(wrt_qnx_futex_last_os_error(&f), 0);
  wrt_qnx_futex_destroy(&f);
  assert_null(wrt_qnx_futex_base(&f));
  /* the object's ops are gone: the inline dispatchers refuse it */
  assert_int_equal(wrt_futex_wait(&f.base, 3, 0), WRT_E_INVALID_ARG);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

static void non_blocking_paths_make_no_kernel_call(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 1);
  assert_int_equal(wrt_futex_wait(&f.base, 0, WRT_WAIT_FOREVER), WRT_E_AGAIN);
  assert_int_equal(wrt_futex_wait(&f.base, 1, 0), WRT_E_TIMEOUT);
  assert_int_equal(wrt_futex_wake_all(&f.base), WRT_OK);
  assert_int_equal(wrt_futex_wake(&f.base, 0), WRT_E_INVALID_ARG);
  for (int k = 0; k < NTO_SIM_CALL_COUNT; k++)
    assert_int_equal(nto_sim_calls((nto_sim_call)k), 0);
  wrt_qnx_futex_destroy(&f);
}

/* Issue 11: kernel calls per blocking wait in the steady state (the thread
 * has its parker from an earlier wait), counted by the model: the waiter
 * makes MsgReceivePulse, + TimerTimeout when timed, + SchedGet in priority
 * order, and nothing else; the waker one MsgSendPulse. (The per-wait
 * channel design made 4 more: ChannelCreate, ConnectAttach, ConnectDetach,
 * ChannelDestroy.) Printed, as the README's figures. */
typedef struct {
  wrt_qnx_futex_t *f;
  uint64_t timeout;
  _Atomic int phase; /* 1 parker made, 2 go, 3 waited, 4 may exit */
  wrt_status st;
} steady_t;

static void *steady_main(void *arg) {
  steady_t *s = arg;
  (void)wrt_futex_wait(&s->f->base, 0, 1 * MS); /* makes the parker */
  atomic_store(&s->phase, 1);
  while (atomic_load(&s->phase) != 2)
    sched_yield();
  s->st = wrt_futex_wait(&s->f->base, 0, s->timeout);
  atomic_store(&s->phase, 3);
  while (atomic_load(&s->phase) != 4)
    sched_yield();
  return NULL;
}

static void a_blocking_wait_makes_the_documented_kernel_calls(void **state) {
  (void)state;
  for (int order = 0; order < 2; order++) {
    for (int timed = 0; timed < 2; timed++) {
      qt_reset();
      wrt_qnx_futex_t f;
      init_order(&f, 0, order == 0 ? WRT_QNX_WAKE_PRIORITY : WRT_QNX_WAKE_FIFO);
      steady_t s;
      memset(&s, 0, sizeof s);
      s.f = &f;
      s.timeout = timed ? 60000 * MS : WRT_WAIT_FOREVER;
      pthread_t t;
      assert_int_equal(pthread_create(&t, NULL, steady_main, &s), 0);
      POLL_UNTIL(atomic_load(&s.phase) == 1);
      unsigned before[NTO_SIM_CALL_COUNT];
      for (int k = 0; k < NTO_SIM_CALL_COUNT; k++)
        before[k] = nto_sim_calls((nto_sim_call)k);
      atomic_store(&s.phase, 2);
      assert_int_equal(qt_wait_blocked_total(1), 0);
      assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
      POLL_UNTIL(atomic_load(&s.phase) == 3);
      assert_int_equal(s.st, WRT_OK);
      unsigned d[NTO_SIM_CALL_COUNT];
      unsigned waiter_total = 0;
      for (int k = 0; k < NTO_SIM_CALL_COUNT; k++) {
        d[k] = nto_sim_calls((nto_sim_call)k) - before[k];
        if (k != NTO_SIM_CALL_MSG_SEND_PULSE)
          waiter_total += d[k];
      }
      atomic_store(&s.phase, 4);
      assert_int_equal(pthread_join(t, NULL), 0);
      const unsigned expect[NTO_SIM_CALL_COUNT] = {
          [NTO_SIM_CALL_MSG_SEND_PULSE] = 1, [NTO_SIM_CALL_MSG_RECEIVE_PULSE] = 1,
          [NTO_SIM_CALL_TIMER_TIMEOUT] = timed ? 1u : 0u,
          [NTO_SIM_CALL_SCHED_GET] = order == 0 ? 1u : 0u};
      for (int k = 0; k < NTO_SIM_CALL_COUNT; k++)
        assert_int_equal(d[k], expect[k]);
      print_message("kernel calls per blocking wait (%s order, %s): %u in the waiter, "
                    "%u in the waker (Neutrino host model counters)\n",
                    order == 0 ? "priority" : "FIFO", timed ? "timed" : "untimed",
                    waiter_total, d[NTO_SIM_CALL_MSG_SEND_PULSE]);
      assert_true(waiter_total <= (order == 0 ? 3u : 2u));
      wrt_qnx_futex_destroy(&f);
      assert_no_kernel_objects();
    }
  }
}

/* --- wake order and wake_all, under every receiver order ------------------ */

static const nto_sim_receiver_order k_orders[] = {NTO_SIM_RECV_LIFO, NTO_SIM_RECV_FIFO,
                                                   NTO_SIM_RECV_PRIORITY};

/* WRT_QNX_WAKE_FIFO: oldest first, whatever the waiters' priorities. */
static void fifo_order_wakes_the_oldest_waiter_first(void **state) {
  (void)state;
  for (size_t o = 0; o < 3; o++) {
    qt_reset();
    nto_sim_set_receiver_order(k_orders[o]);
    atomic_store(&g_finish_counter, 0);
    wrt_qnx_futex_t f;
    init_order(&f, 0, WRT_QNX_WAKE_FIFO);
    waiter_t w[3];
    /* increasing model priorities, so PRIORITY order would pick the newest */
    for (unsigned i = 0; i < 3; i++) {
      start(&w[i], &f, 0, WRT_WAIT_FOREVER, 10 + (int)i * 5);
      assert_int_equal(qt_wait_blocked_total(i + 1), 0);
    }
    for (unsigned i = 0; i < 3; i++) {
      assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
      POLL_UNTIL(atomic_load(&w[i].finished));
      assert_int_equal(w[i].status, WRT_OK);
      assert_int_equal(atomic_load(&w[i].order), (int)i + 1);
    }
    for (unsigned i = 0; i < 3; i++)
      join(&w[i]);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/* Default WRT_QNX_WAKE_PRIORITY: waiters arriving at priorities
 * 10 20 30 20 10 30 (a..f) are woken one at a time in the order c f b d a e:
 * highest first, FIFO within a priority; under every receiver order (each
 * waiter is alone on its channel, so the kernel's choice cannot matter). */
static void priority_order_wakes_highest_first_fifo_among_equals(void **state) {
  (void)state;
  enum { NW = 6 };
  static const int prio[NW] = {10, 20, 30, 20, 10, 30};
  static const unsigned expect[NW] = {2, 5, 1, 3, 0, 4};
  for (size_t o = 0; o < 3; o++) {
    qt_reset();
    nto_sim_set_receiver_order(k_orders[o]);
    atomic_store(&g_finish_counter, 0);
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    waiter_t w[NW];
    for (unsigned i = 0; i < NW; i++) {
      start(&w[i], &f, 0, WRT_WAIT_FOREVER, prio[i]);
      assert_int_equal(qt_wait_blocked_total(i + 1), 0); /* arrival order fixed */
    }
    for (unsigned k = 0; k < NW; k++) {
      assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
      waiter_t *x = &w[expect[k]];
      POLL_UNTIL(atomic_load(&x->finished));
      assert_int_equal(x->status, WRT_OK);
      assert_int_equal(atomic_load(&x->order), (int)k + 1);
      assert_int_equal(qt_wait_blocked_total(NW - 1 - k), 0);
      assert_int_equal(nto_sim_blocked_receivers_total(), NW - 1 - k); /* no one else left */
    }
    for (unsigned i = 0; i < NW; i++)
      join(&w[i]);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

static void wake_all_wakes_exactly_the_waiters_present_at_the_call(void **state) {
  (void)state;
  for (size_t o = 0; o < 3; o++) {
    qt_reset();
    nto_sim_set_receiver_order(k_orders[o]);
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    waiter_t w[4];
    for (unsigned i = 0; i < 3; i++)
      start(&w[i], &f, 0, WRT_WAIT_FOREVER, 0);
    assert_int_equal(qt_wait_blocked_total(3), 0);
    assert_int_equal(wrt_futex_wake_all(&f.base), WRT_OK);
    /* a waiter arriving right after the call must not take a pulse sent
     * for the others (the shared-channel design's flaw) */
    start(&w[3], &f, 0, WRT_WAIT_FOREVER, 0);
    for (unsigned i = 0; i < 3; i++) {
      join(&w[i]);
      assert_int_equal(w[i].status, WRT_OK);
    }
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_false(atomic_load(&w[3].finished));
    assert_int_equal(wrt_futex_wake(&f.base, 5), WRT_OK);
    join(&w[3]);
    assert_int_equal(w[3].status, WRT_OK);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/* --- priorities ----------------------------------------------------------- */

/* Issue 10 item 3: a thread runs after its wait at the priority it had when
 * it called wait, whatever the pulse priority of the futex (LOW 5 would have
 * demoted a priority-30 waiter, HIGH 21 and INHERIT 17 would have changed
 * it: the receiver takes a pulse's priority unless the channel is
 * _NTO_CHF_FIXED_PRIORITY, 6.4 K/nano_pulse.c:136, K/ker_fastmsg.c:947).
 * Both for a pulse taken while blocked and for one already queued (a wake
 * that beat the waiter's receive: the waiter's deadline passed first). */
static void woken_thread_keeps_its_priority_under_every_pulse_priority(void **state) {
  (void)state;
  static const wrt_qnx_sync_priority prios[] = {
      WRT_QNX_SYNC_PRIORITY_LOW, WRT_QNX_SYNC_PRIORITY_NORMAL, WRT_QNX_SYNC_PRIORITY_HIGH,
      WRT_QNX_SYNC_PRIORITY_INHERIT};
  for (size_t i = 0; i < 4; i++) {
    wrt_qnx_futex_builder_t b =
        wrt_qnx_futex_builder_with_priority(wrt_qnx_futex_builder_new(), prios[i]);
    wrt_qnx_futex_t f;
    assert_int_equal(wrt_qnx_futex_build(&b, &f), WRT_OK);
    waiter_t w;
    start(&w, &f, 0, WRT_WAIT_FOREVER, 30); /* the waiter starts at 30 */
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_int_equal(nto_sim_set_thread_priority(17), 0); /* the waker runs at 17 */
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w);
    assert_int_equal(w.status, WRT_OK);
    assert_int_equal(w.priority_after, 30);
    (void)nto_sim_set_thread_priority(10);
    wrt_qnx_futex_destroy(&f);
  }
  assert_no_kernel_objects();
}

/* The priority is the one the thread has when its wait starts: a thread at
 * 5 woken by a HIGH (21) futex stays at 5, so its next wait is sorted behind
 * a thread at 15; after it raises itself to 25 its next wait overtakes. */
typedef struct {
  wrt_qnx_futex_t *first, *second;
  int prio_second; /* set before the second wait */
  _Atomic int between; /* 1 after the first wait returned */
  _Atomic int finished;
  wrt_status st1, st2;
  int prio_between;
} twice_t;

static void *wait_twice_main(void *arg) {
  twice_t *t = arg;
  (void)nto_sim_set_thread_priority(5);
  t->st1 = wrt_futex_wait(&t->first->base, 0, WRT_WAIT_FOREVER);
  t->prio_between = nto_sim_get_thread_priority();
  if (t->prio_second != 0)
    (void)nto_sim_set_thread_priority(t->prio_second);
  atomic_store(&t->between, 1);
  t->st2 = wrt_futex_wait(&t->second->base, 0, WRT_WAIT_FOREVER);
  atomic_store(&t->finished, 1);
  return NULL;
}

static void priority_is_sampled_when_the_wait_starts(void **state) {
  (void)state;
  for (int raise = 0; raise < 2; raise++) {
    qt_reset();
    wrt_qnx_futex_t g, h;
    init_default(&g, 0);
    wrt_qnx_futex_builder_t hb = wrt_qnx_futex_builder_with_priority(
        wrt_qnx_futex_builder_new(), WRT_QNX_SYNC_PRIORITY_HIGH);
    assert_int_equal(wrt_qnx_futex_build(&hb, &h), WRT_OK);
    waiter_t b;
    start(&b, &g, 0, WRT_WAIT_FOREVER, 15);
    assert_int_equal(qt_wait_blocked_total(1), 0);
    twice_t c;
    memset(&c, 0, sizeof c);
    c.first = &h;
    c.second = &g;
    c.prio_second = raise ? 25 : 0;
    pthread_t ct;
    assert_int_equal(pthread_create(&ct, NULL, wait_twice_main, &c), 0);
    assert_int_equal(qt_wait_blocked_total(2), 0); /* c blocked on h, at 5 */
    assert_int_equal(wrt_futex_wake_one(&h.base), WRT_OK);
    POLL_UNTIL(atomic_load(&c.between));
    assert_int_equal(c.st1, WRT_OK);
    assert_int_equal(c.prio_between, 5); /* the HIGH pulse changed nothing */
    assert_int_equal(qt_wait_blocked_total(2), 0); /* c blocked on g */
    assert_int_equal(wrt_futex_wake_one(&g.base), WRT_OK);
    if (raise) {
      POLL_UNTIL(atomic_load(&c.finished) || atomic_load(&b.finished));
      assert_true(atomic_load(&c.finished)); /* 25 overtakes 15 */
      assert_false(atomic_load(&b.finished));
    } else {
      join(&b); /* 15 before 5 */
      assert_false(atomic_load(&c.finished));
    }
    assert_int_equal(wrt_futex_wake_one(&g.base), WRT_OK);
    assert_int_equal(pthread_join(ct, NULL), 0);
    if (raise)
      join(&b);
    assert_int_equal(c.st2, WRT_OK);
    assert_int_equal(b.status, WRT_OK);
    wrt_qnx_futex_destroy(&g);
    wrt_qnx_futex_destroy(&h);
    assert_no_kernel_objects();
  }
}

/* Issue 10 item 3, server boost: a queued pulse raises every lower-priority
 * thread whose last receive was on a channel with the same id
 * (K/nano_pulse.c:169-177; ids reused lowest-free, K/ker_channel.c:82),
 * unless the channel is _NTO_CHF_FIXED_PRIORITY. Thread U (priority 5)
 * received on its own channel, since destroyed; W's parker reuses that id;
 * W is held before its receive (the model's gate) so the wake is queued.
 * U must keep 5 under every boost policy of the model. */
typedef struct {
  _Atomic int phase; /* 1: received on chid, channel gone; 2: report */
  _Atomic int chid;
  int priority_at_end;
  int last_chid;
} bystander_t;

static void *bystander_main(void *arg) {
  bystander_t *u = arg;
  (void)nto_sim_set_thread_priority(5);
  int chid = ChannelCreate(0);
  int coid = ConnectAttach(0, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(chid != -1 && coid != -1);
  assert_int_equal(MsgSendPulse(coid, 5, 3, 0), 0);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse(chid, &p, sizeof p, NULL), 0);
  u->last_chid = nto_sim_get_last_chid();
  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
  atomic_store(&u->chid, chid);
  atomic_store(&u->phase, 1);
  while (atomic_load(&u->phase) != 2)
    sched_yield();
  u->priority_at_end = nto_sim_get_thread_priority();
  return NULL;
}

static void a_reused_channel_id_boosts_nobody(void **state) {
  (void)state;
  static const nto_sim_boost policies[] = {NTO_SIM_BOOST_ALL, NTO_SIM_BOOST_ONE,
                                           NTO_SIM_BOOST_NONE};
  for (size_t i = 0; i < 3; i++) {
    qt_reset();
    nto_sim_set_server_boost(policies[i]);
    bystander_t u;
    memset(&u, 0, sizeof u);
    pthread_t ut;
    assert_int_equal(pthread_create(&ut, NULL, bystander_main, &u), 0);
    POLL_UNTIL(atomic_load(&u.phase) == 1);
    assert_int_equal(u.last_chid, atomic_load(&u.chid));
    wrt_qnx_futex_t f;
    init_default(&f, 0); /* NORMAL: pulse priority 10 > 5 */
    nto_sim_set_receive_gate(true);
    waiter_t w;
    start(&w, &f, 0, WRT_WAIT_FOREVER, 50);
    POLL_UNTIL(nto_sim_gated_receivers() == 1u);
    int chids[4];
    assert_int_equal(nto_sim_live_chids(0, chids, 4), 1u);
    assert_int_equal(chids[0], atomic_load(&u.chid)); /* the id was reused */
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK); /* queued: W is gated */
    nto_sim_set_receive_gate(false);
    join(&w);
    assert_int_equal(w.status, WRT_OK);
    assert_int_equal(w.priority_after, 50);
    atomic_store(&u.phase, 2);
    assert_int_equal(pthread_join(ut, NULL), 0);
    assert_int_equal(u.priority_at_end, 5); /* not boosted */
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/* 8.0 splits a thread's real and effective priority and does not say which
 * one SchedGet reports after a receive (qnx_sync.h). Under either answer of
 * the model (RUNNING: 6.4; BASE: what the thread set itself) a HIGH futex
 * wakes 30, 20, 10 in that order, twice in a row (the order stays right
 * after wake-ups), and every waiter keeps its own priority. */
static void priority_order_holds_under_both_sched_get_answers(void **state) {
  (void)state;
  static const nto_sim_sched_get answers[] = {NTO_SIM_SCHED_GET_RUNNING, NTO_SIM_SCHED_GET_BASE};
  static const int prio[3] = {10, 30, 20};
  static const unsigned expect[3] = {1, 2, 0};
  for (size_t a = 0; a < 2; a++) {
    qt_reset();
    nto_sim_set_sched_get_reports(answers[a]);
    wrt_qnx_futex_builder_t b = wrt_qnx_futex_builder_with_priority(
        wrt_qnx_futex_builder_new(), WRT_QNX_SYNC_PRIORITY_HIGH);
    wrt_qnx_futex_t f;
    assert_int_equal(wrt_qnx_futex_build(&b, &f), WRT_OK);
    for (int round = 0; round < 2; round++) {
      atomic_store(&g_finish_counter, 0);
      waiter_t w[3];
      for (unsigned i = 0; i < 3; i++) {
        start(&w[i], &f, 0, WRT_WAIT_FOREVER, prio[i]);
        assert_int_equal(qt_wait_blocked_total(i + 1), 0);
      }
      for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
        POLL_UNTIL(atomic_load(&w[expect[k]].finished));
        assert_int_equal(atomic_load(&w[expect[k]].order), (int)k + 1);
      }
      for (unsigned i = 0; i < 3; i++) {
        join(&w[i]);
        assert_int_equal(w[i].status, WRT_OK);
        assert_int_equal(w[i].priority_after, prio[i]);
      }
    }
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/* --- timeouts and EINTR --------------------------------------------------- */

static void eintr_in_receive_and_timer_retries_with_the_same_deadline(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  for (int kind = 0; kind < 2; kind++) {
    nto_sim_call call = kind == 0 ? NTO_SIM_CALL_MSG_RECEIVE_PULSE : NTO_SIM_CALL_TIMER_TIMEOUT;
    unsigned before = nto_sim_calls(call);
    nto_sim_fail_nth(call, 1, EINTR);
    uint64_t t0 = qt_now_ns();
    assert_int_equal(wrt_futex_wait(&f.base, 0, 20 * MS), WRT_E_TIMEOUT);
    uint64_t elapsed = qt_now_ns() - t0;
    assert_true(elapsed >= 20 * MS);
    assert_true(elapsed < 2000 * MS); /* one deadline, not a fresh 20 ms per retry loop */
    assert_int_equal(nto_sim_calls(call) - before, 2); /* failed once, then retried */
    assert_int_equal(wrt_qnx_futex_last_os_error(&f), 0);
  }
  /* an EINTR'd untimed wait still gets its wake-up */
  nto_sim_fail_nth(NTO_SIM_CALL_MSG_RECEIVE_PULSE, 1, EINTR);
  waiter_t w;
  start(&w, &f, 0, WRT_WAIT_FOREVER, 0);
  assert_int_equal(qt_wait_blocked_total(1), 0);
  assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
  join(&w);
  assert_int_equal(w.status, WRT_OK);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* --- injected kernel-call failures --------------------------------------- */

typedef struct {
  nto_sim_call call;
  int err;
  wrt_status expect;
} fault_case;

static void wait_reports_each_kernel_failure_and_leaks_nothing(void **state) {
  (void)state;
  static const fault_case cases[] = {
      {NTO_SIM_CALL_CHANNEL_CREATE, EAGAIN, WRT_E_NO_MEMORY},
      {NTO_SIM_CALL_CHANNEL_CREATE, EPERM, WRT_E_OS},
      {NTO_SIM_CALL_CONNECT_ATTACH, EAGAIN, WRT_E_NO_MEMORY},
      {NTO_SIM_CALL_CONNECT_ATTACH, ESRCH, WRT_E_OS},
      {NTO_SIM_CALL_TIMER_TIMEOUT, EINVAL, WRT_E_OS},
      /* TimerTimeout can fail with EAGAIN (6.4 K/ker_timer.c ~409) */
      {NTO_SIM_CALL_TIMER_TIMEOUT, EAGAIN, WRT_E_NO_MEMORY},
      {NTO_SIM_CALL_MSG_RECEIVE_PULSE, EFAULT, WRT_E_OS},
      {NTO_SIM_CALL_MSG_RECEIVE_PULSE, ESRCH, WRT_E_OS},
      {NTO_SIM_CALL_CONNECT_ATTACH, EMFILE, WRT_E_LIMIT},
      /* [W3] SchedGet (its documented errors): the wait fails before it
       * blocks; the thread keeps its parker */
      {NTO_SIM_CALL_SCHED_GET, ESRCH, WRT_E_OS},
      {NTO_SIM_CALL_SCHED_GET, EFAULT, WRT_E_OS},
      {NTO_SIM_CALL_SCHED_GET, EPERM, WRT_E_OS},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    qt_reset();
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    nto_sim_fail_nth(cases[i].call, 1, cases[i].err);
    assert_int_equal(wrt_futex_wait(&f.base, 0, 50 * MS), cases[i].expect);
    assert_int_equal(wrt_qnx_futex_last_os_error(&f), cases[i].err);
    if (cases[i].call == NTO_SIM_CALL_SCHED_GET) {
      /* it failed after [W2] and before blocking: parker made, no receive */
      assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE), 1);
      assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_DESTROY), 0);
      assert_int_equal(nto_sim_calls(NTO_SIM_CALL_MSG_RECEIVE_PULSE), 0);
      assert_int_equal(nto_sim_live_channels(), 1);
    }
    assert_no_kernel_objects();
    /* the wait list is consistent: a later waiter is woken normally */
    waiter_t w;
    start(&w, &f, 0, WRT_WAIT_FOREVER, 0);
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w);
    assert_int_equal(w.status, WRT_OK);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/* The parker's life: made at a thread's first blocking wait (ChannelCreate
 * + ConnectAttach, once), kept across waits, released at thread exit by the
 * pthread key destructor and by wrt_qnx_thread_release(); a wait that does
 * not block makes none. */
static void *two_waits_main(void *arg) {
  wrt_qnx_futex_t *f = arg;
  (void)wrt_futex_wait(&f->base, 1, WRT_WAIT_FOREVER); /* AGAIN: no parker */
  assert_int_equal(nto_sim_live_channels(), 0);
  (void)wrt_futex_wait(&f->base, 0, 1 * MS);
  (void)wrt_futex_wait(&f->base, 0, 1 * MS);
  assert_int_equal(nto_sim_live_channels(), 1);
  return NULL;
}

static void the_parker_lives_from_the_first_wait_to_thread_exit(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, two_waits_main, &f), 0);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE), 1);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CONNECT_ATTACH), 1);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CONNECT_DETACH), 1); /* at exit */
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_DESTROY), 1);
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
  /* the main thread: released on request, made again by its next wait */
  assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_TIMEOUT);
  assert_int_equal(nto_sim_live_channels(), 1);
  wrt_qnx_thread_release();
  assert_int_equal(nto_sim_live_channels(), 0);
  wrt_qnx_thread_release(); /* nothing to release: no call */
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_DESTROY), 2);
  assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_TIMEOUT);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE), 3);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* A fork child starts without a parker: it does not use the parent's
 * channel ids (the pthread_atfork child handler forgets them) and makes its
 * own at its first blocking wait. On the model the child's copy of the
 * model still holds the parent's channel, so "new" shows as one more. */
static void a_fork_child_makes_its_own_parker(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_TIMEOUT); /* parent's parker */
  unsigned creates = nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE);
  pid_t pid = fork();
  assert_true(pid != -1);
  if (pid == 0) {
    int ok = wrt_futex_wait(&f.base, 0, 1 * MS) == WRT_E_TIMEOUT &&
             nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE) == creates + 1u;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* Issue 10 item 4: ConnectAttach fails with EMFILE when the process is at
 * RLIMIT_NOFILE (side-channel connections count, 6.4 K/ker_connect.c:53).
 * Only a thread's first blocking wait attaches; its failure is WRT_E_LIMIT
 * with EMFILE in last_os_error, holds nothing (the channel made before it is
 * destroyed) and the next wait tries again. A thread that already has its
 * parker is not affected by the limit at all. */
static void emfile_at_the_first_wait_is_limit_and_later_waits_recover(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  nto_sim_fail_nth(NTO_SIM_CALL_CONNECT_ATTACH, 1, EMFILE);
  assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_LIMIT);
  assert_int_equal(wrt_qnx_futex_last_os_error(&f), EMFILE);
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
  assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_TIMEOUT);
  /* now the process is "at its limit": every ConnectAttach fails, yet this
   * thread's waits still work (no attach per wait any more) */
  for (unsigned i = 1; i <= 3; i++) {
    nto_sim_fail_nth(NTO_SIM_CALL_CONNECT_ATTACH, 1, EMFILE);
    assert_int_equal(wrt_futex_wait(&f.base, 0, 1 * MS), WRT_E_TIMEOUT);
  }
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CONNECT_ATTACH), 2);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* Issue 15 item 2: init on a live futex (initialised, not destroyed;
 * here with a thread waiting in it) is WRT_E_STATE and changes nothing: the
 * waiter still gets set + wake_all and destroy returns. Before, init
 * returned OK and reset the wait list: the waiter slept on and a later
 * destroy never returned. */
static void init_on_a_live_futex_is_state_and_changes_nothing(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  memset(&f, 0, sizeof f);
  init_default(&f, 0);
  wrt_qnx_futex_config_t cfg = wrt_qnx_futex_config_default();
  cfg.initial_value = 9;
  assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_E_STATE); /* no waiter */
  waiter_t w;
  start(&w, &f, 0, 10000 * MS, 0);
  assert_int_equal(qt_wait_blocked_total(1), 0);
  assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_E_STATE);
  assert_int_equal(wrt_futex_load(&f.base), 0u);
  wrt_futex_set(&f.base, 1);
  assert_int_equal(wrt_futex_wake_all(&f.base), WRT_OK);
  join(&w);
  assert_int_equal(w.status, WRT_OK);
  wrt_qnx_futex_destroy(&f);
  assert_int_equal(wrt_qnx_futex_init(&f, &cfg), WRT_OK); /* destroyed: fine */
  assert_int_equal(wrt_futex_load(&f.base), 9u);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

static void wake_send_failure_keeps_the_waiter_and_reports(void **state) {
  (void)state;
  static const fault_case cases[] = {
      {NTO_SIM_CALL_MSG_SEND_PULSE, EAGAIN, WRT_E_NO_MEMORY},
      {NTO_SIM_CALL_MSG_SEND_PULSE, EBADF, WRT_E_OS},
  };
  for (size_t i = 0; i < 2; i++) {
    qt_reset();
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    waiter_t w[2];
    start(&w[0], &f, 0, WRT_WAIT_FOREVER, 0);
    assert_int_equal(qt_wait_blocked_total(1), 0);
    start(&w[1], &f, 0, WRT_WAIT_FOREVER, 0);
    assert_int_equal(qt_wait_blocked_total(2), 0);
    /* wake_all: the first send succeeds, the second fails */
    nto_sim_fail_nth(cases[i].call, 2, cases[i].err);
    assert_int_equal(wrt_futex_wake_all(&f.base), cases[i].expect);
    assert_int_equal(wrt_qnx_futex_last_os_error(&f), cases[i].err);
    join(&w[0]);
    assert_int_equal(w[0].status, WRT_OK);
    /* the second is still waiting and a later wake reaches it */
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_false(atomic_load(&w[1].finished));
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w[1]);
    assert_int_equal(w[1].status, WRT_OK);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
  /* Priority order: a waiter whose send failed goes back to the head, which
   * is where it was - ahead of a lower-priority waiter that arrived first. */
  {
    qt_reset();
    atomic_store(&g_finish_counter, 0);
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    static const int prio[3] = {10, 30, 20};
    waiter_t w[3];
    for (unsigned i = 0; i < 3; i++) {
      start(&w[i], &f, 0, WRT_WAIT_FOREVER, prio[i]);
      assert_int_equal(qt_wait_blocked_total(i + 1), 0);
    }
    nto_sim_fail_nth(NTO_SIM_CALL_MSG_SEND_PULSE, 2, EAGAIN);
    assert_int_equal(wrt_futex_wake(&f.base, 2), WRT_E_NO_MEMORY); /* 30 woken, 20 not */
    join(&w[1]);
    assert_int_equal(w[1].status, WRT_OK);
    assert_int_equal(qt_wait_blocked_total(2), 0);
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w[2]); /* the 20, not the older 10 */
    assert_int_equal(w[2].status, WRT_OK);
    assert_false(atomic_load(&w[0].finished));
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&w[0]);
    assert_int_equal(w[0].status, WRT_OK);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
  /* EINTR on a send is retried */
  qt_reset();
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  waiter_t w;
  start(&w, &f, 0, WRT_WAIT_FOREVER, 0);
  assert_int_equal(qt_wait_blocked_total(1), 0);
  nto_sim_fail_nth(NTO_SIM_CALL_MSG_SEND_PULSE, 1, EINTR);
  assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
  join(&w);
  assert_int_equal(w.status, WRT_OK);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* --- a timeout racing a wake ---------------------------------------------- */

typedef struct {
  wrt_qnx_futex_t *f;
  _Atomic int tid;
  wrt_status status;
  pthread_t thread;
} waker_t;

static void *waker_main(void *arg) {
  waker_t *k = arg;
  atomic_store(&k->tid, wrt_test_thread_id());
  k->status = wrt_futex_wake_one(&k->f->base);
  return NULL;
}

/* Blocked on a Linux futex (the futex's pthread mutex) and not in the model. */
static int blocked_on_lock(_Atomic int *tid) {
  int t = atomic_load(tid);
  return t != 0 && wrt_test_linux_count_futex_blocked(&t, 1) == 1u;
}

/*
 * Waiter A's deadline passes while a wake is selecting it. White box: the
 * test holds the futex's list lock so that A (timed out, in step [W6]) and a
 * waker (step [K1]) queue on it in a chosen order; Linux wakes same-priority
 * mutex waiters in FIFO order. Both orders: the waker first (A was selected:
 * it returns OK and its queued pulse dies with its channel) and A first (A
 * times out, the wake finds nobody). Either way no stale pulse is left and a
 * second waiter B is still woken by the next wake.
 */
static void timeout_racing_a_wake_leaves_no_stale_pulse(void **state) {
  (void)state;
  for (int waker_first = 1; waker_first >= 0; waker_first--) {
    qt_reset();
    wrt_qnx_futex_t f;
    init_default(&f, 0);
    waiter_t a;
    start(&a, &f, 0, 30 * MS, 0);
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_int_equal(pthread_mutex_lock(&f.lock), 0);
    waker_t k;
    memset(&k, 0, sizeof k);
    k.f = &f;
    if (waker_first) {
      assert_int_equal(pthread_create(&k.thread, NULL, waker_main, &k), 0);
      POLL_UNTIL(blocked_on_lock(&k.tid));
    }
    /* A's deadline passes (the thing tested): it leaves the receive */
    POLL_UNTIL(nto_sim_blocked_receivers_total() == 0u && blocked_on_lock(&a.tid));
    if (!waker_first) {
      assert_int_equal(pthread_create(&k.thread, NULL, waker_main, &k), 0);
      POLL_UNTIL(blocked_on_lock(&k.tid));
    }
    assert_int_equal(pthread_mutex_unlock(&f.lock), 0);
    join(&a);
    assert_int_equal(pthread_join(k.thread, NULL), 0);
    assert_int_equal(k.status, WRT_OK);
    assert_int_equal(a.status, waker_first ? WRT_OK : WRT_E_TIMEOUT);
    assert_no_kernel_objects(); /* a pulse sent for A died with A's channel */
    waiter_t b;
    start(&b, &f, 0, WRT_WAIT_FOREVER, 0);
    assert_int_equal(qt_wait_blocked_total(1), 0);
    assert_int_equal(wrt_futex_wake_one(&f.base), WRT_OK);
    join(&b);
    assert_int_equal(b.status, WRT_OK);
    wrt_qnx_futex_destroy(&f);
    assert_no_kernel_objects();
  }
}

/*
 * A wake that comes after the waiter checked the word [W1] but before it is
 * in the wait list [W3] is not lost. White box: the test holds the list lock;
 * a wake_all queues on it first, then the waiter (past [W1], channel made);
 * the word changes; on unlock the wake runs first and finds nobody. The
 * waiter must then see the new word ([W3] re-check) and return AGAIN - not
 * sleep until its timeout.
 */
static void wake_between_word_check_and_registration_is_not_lost(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  assert_int_equal(pthread_mutex_lock(&f.lock), 0);
  waker_t k;
  memset(&k, 0, sizeof k);
  k.f = &f;
  assert_int_equal(pthread_create(&k.thread, NULL, waker_main, &k), 0);
  POLL_UNTIL(blocked_on_lock(&k.tid));
  waiter_t a;
  start(&a, &f, 0, 5000 * MS, 0);
  POLL_UNTIL(blocked_on_lock(&a.tid));
  assert_int_equal(nto_sim_live_channels(), 1); /* a is past [W1] and [W2] */
  wrt_futex_set(&f.base, 1);
  assert_int_equal(pthread_mutex_unlock(&f.lock), 0);
  assert_int_equal(pthread_join(k.thread, NULL), 0);
  assert_int_equal(k.status, WRT_OK);
  join(&a);
  assert_int_equal(a.status, WRT_E_AGAIN);
  wrt_qnx_futex_destroy(&f);
  assert_no_kernel_objects();
}

/* --- destroy with waiters ------------------------------------------------- */

static void destroy_wakes_blocked_waiters_with_state_error(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  waiter_t w[3];
  start(&w[0], &f, 0, WRT_WAIT_FOREVER, 0);
  start(&w[1], &f, 0, WRT_WAIT_FOREVER, 0);
  start(&w[2], &f, 0, 60000 * MS, 0);
  assert_int_equal(qt_wait_blocked_total(3), 0);
  wrt_qnx_futex_destroy(&f);
  for (unsigned i = 0; i < 3; i++) {
    join(&w[i]);
    assert_int_equal(w[i].status, WRT_E_STATE);
  }
  assert_null(wrt_qnx_futex_base(&f));
  assert_no_kernel_objects();
}

/* A destroy whose "destroyed" pulse cannot be sent at once (pulse pool
 * exhausted: MsgSendPulse EAGAIN) retries: the waiter still leaves, with
 * WRT_E_STATE, and the failure is kept in last_os_error until the end. */
static void destroy_retries_a_failed_pulse_send(void **state) {
  (void)state;
  wrt_qnx_futex_t f;
  init_default(&f, 0);
  waiter_t w;
  start(&w, &f, 0, WRT_WAIT_FOREVER, 0);
  assert_int_equal(qt_wait_blocked_total(1), 0);
  unsigned before = nto_sim_calls(NTO_SIM_CALL_MSG_SEND_PULSE);
  nto_sim_fail_nth(NTO_SIM_CALL_MSG_SEND_PULSE, 1, EAGAIN);
  wrt_qnx_futex_destroy(&f);
  join(&w);
  assert_int_equal(w.status, WRT_E_STATE);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_MSG_SEND_PULSE) - before, 2);
  assert_no_kernel_objects();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(config_defaults_and_priority_mapping, setup),
      cmocka_unit_test_setup(builder_sets_each_field_and_build_validates, setup),
      cmocka_unit_test_setup(destroy_is_safe_on_zeroed_and_destroyed_objects, setup),
      cmocka_unit_test_setup(non_blocking_paths_make_no_kernel_call, setup),
      cmocka_unit_test_setup(a_blocking_wait_makes_the_documented_kernel_calls, setup),
      cmocka_unit_test_setup(fifo_order_wakes_the_oldest_waiter_first, setup),
      cmocka_unit_test_setup(priority_order_wakes_highest_first_fifo_among_equals, setup),
      cmocka_unit_test_setup(priority_is_sampled_when_the_wait_starts, setup),
      cmocka_unit_test_setup(wake_all_wakes_exactly_the_waiters_present_at_the_call, setup),
      cmocka_unit_test_setup(woken_thread_keeps_its_priority_under_every_pulse_priority, setup),
      cmocka_unit_test_setup(a_reused_channel_id_boosts_nobody, setup),
      cmocka_unit_test_setup(priority_order_holds_under_both_sched_get_answers, setup),
      cmocka_unit_test_setup(eintr_in_receive_and_timer_retries_with_the_same_deadline, setup),
      cmocka_unit_test_setup(wait_reports_each_kernel_failure_and_leaks_nothing, setup),
      cmocka_unit_test_setup(the_parker_lives_from_the_first_wait_to_thread_exit, setup),
      cmocka_unit_test_setup(a_fork_child_makes_its_own_parker, setup),
      cmocka_unit_test_setup(emfile_at_the_first_wait_is_limit_and_later_waits_recover, setup),
      cmocka_unit_test_setup(init_on_a_live_futex_is_state_and_changes_nothing, setup),
      cmocka_unit_test_setup(wake_send_failure_keeps_the_waiter_and_reports, setup),
      cmocka_unit_test_setup(timeout_racing_a_wake_leaves_no_stale_pulse, setup),
      cmocka_unit_test_setup(wake_between_word_check_and_registration_is_not_lost, setup),
      cmocka_unit_test_setup(destroy_wakes_blocked_waiters_with_state_error, setup),
      cmocka_unit_test_setup(destroy_retries_a_failed_pulse_send, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
