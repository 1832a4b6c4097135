/*
 * test_nto_model_threads.c - threaded fidelity tests of the Neutrino host
 * model: hand-over to a receive-blocked thread, the receiver orders (a model
 * setting: QNX does not document it), ChannelDestroy with blocked receivers,
 * TimerTimeout's one-shot / per-state arming with a blocked thread, the
 * priority a woken thread runs at, and a send/receive/timeout stress that
 * proves no pulse is lost or duplicated. Tests wait for a thread to be
 * receive-blocked by polling the model's counters, never by sleeping.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "nto_test_util.h"

typedef struct {
  pthread_t thread;
  int chid;
  int priority; /* model priority the thread sets before receiving */
  int arm_flags; /* TimerTimeout flags armed before the receive, 0 = none */
  bool arm_then_other_call; /* make another kernel call after arming */
  /* results */
  int rc;
  int got_value;
  int priority_after;
} receiver;

static void *receiver_main(void *arg) {
  receiver *r = arg;
  if (r->priority != 0) {
    (void)nto_sim_set_thread_priority(r->priority);
  }
  if (r->arm_flags != 0) {
    (void)TimerTimeout(CLOCK_MONOTONIC, (NTO_SIM_TIMEOUT_FLAGS_T)r->arm_flags, NULL, NULL, NULL);
  }
  if (r->arm_then_other_call) {
    (void)ConnectDetach_r(-5); /* any kernel call; this one fails */
  }
  struct _pulse p;
  r->rc = MsgReceivePulse_r(r->chid, &p, sizeof p, NULL);
  r->got_value = r->rc == 0 ? p.value.sival_int : -1;
  r->priority_after = nto_sim_get_thread_priority();
  return NULL;
}

static void start_receiver(receiver *r, int chid, int priority) {
  r->chid = chid;
  r->priority = priority;
  assert_int_equal(pthread_create(&r->thread, NULL, receiver_main, r), 0);
}

static void join_receiver(receiver *r) { assert_int_equal(pthread_join(r->thread, NULL), 0); }

/* Starts n receivers one after the other, each receive-blocked before the
 * next starts, so that their blocking order is known. */
static void start_blocked_in_order(receiver *r, int n, int chid, const int *priority) {
  for (int i = 0; i < n; i++) {
    start_receiver(&r[i], chid, priority[i]);
    nto_wait_blocked(chid, (unsigned)(i + 1));
  }
}

/* ------------------------------------------------------------------------ */

/* MsgReceivePulse: "If a pulse isn't waiting, the calling thread enters the
 * RECEIVE-blocked state until a pulse arrives." The pulse goes to the
 * blocked thread; nothing is queued. */
static void test_send_wakes_receive_blocked_thread(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  receiver r = {0};
  start_receiver(&r, f.chid, 0);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(nto_sim_blocked_receivers_total(), 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 3, 77), 0);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  join_receiver(&r);
  assert_int_equal(r.rc, 0);
  assert_int_equal(r.got_value, 77);
  assert_int_equal(nto_sim_blocked_receivers(f.chid), 0);
  nto_close(f);
}

/* Which receive-blocked thread gets a pulse is NOT documented; qnx-facts.md:
 * "The 6.x kernel inserts blocked receivers at the head of the channel's
 * receive queue (LIFO)". The model offers LIFO (default), FIFO and PRIORITY
 * (highest thread priority first, FIFO within one). Threads block in the
 * order 0, 1, 2 at priorities 10, 30, 20; pulses carry values 1, 2, 3. */
static void run_order(nto_sim_receiver_order order, bool set_order, const int expect[3]) {
  nto_sim_reset();
  if (set_order) {
    nto_sim_set_receiver_order(order);
  }
  nto_fixture f = nto_open(_NTO_CHF_FIXED_PRIORITY);
  receiver r[3];
  memset(r, 0, sizeof r);
  const int prio[3] = {10, 30, 20};
  start_blocked_in_order(r, 3, f.chid, prio);
  for (int v = 1; v <= 3; v++) {
    assert_int_equal(MsgSendPulse(f.coid, 10, 1, v), 0);
    assert_int_equal(nto_sim_blocked_receivers(f.chid), (unsigned)(3 - v));
  }
  for (int i = 0; i < 3; i++) {
    join_receiver(&r[i]);
    assert_int_equal(r[i].rc, 0);
    assert_int_equal(r[i].got_value, expect[i]);
  }
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  nto_close(f);
}

static void test_receiver_order_default_is_lifo(void **state) {
  (void)state;
  const int expect[3] = {3, 2, 1};
  run_order(NTO_SIM_RECV_LIFO, false, expect);
}

static void test_receiver_order_fifo(void **state) {
  (void)state;
  const int expect[3] = {1, 2, 3};
  run_order(NTO_SIM_RECV_FIFO, true, expect);
}

static void test_receiver_order_priority(void **state) {
  (void)state;
  const int expect[3] = {3, 1, 2}; /* thread 1 (30) first, then 2 (20), then 0 (10) */
  run_order(NTO_SIM_RECV_PRIORITY, true, expect);
}

/* ChannelDestroy: "Any threads that are blocked on the channel ... will be
 * unblocked and return with an error" - ESRCH (qnx-facts.md). */
static void test_destroy_fails_blocked_receivers_with_esrch(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  receiver r[2];
  memset(r, 0, sizeof r);
  const int prio[2] = {10, 10};
  start_blocked_in_order(r, 2, f.chid, prio);
  assert_int_equal(ChannelDestroy(f.chid), 0);
  for (int i = 0; i < 2; i++) {
    join_receiver(&r[i]);
    assert_int_equal(r[i].rc, -ESRCH);
  }
  assert_int_equal(nto_sim_blocked_receivers_total(), 0);
  assert_int_equal(MsgSendPulse_r(f.coid, 10, 1, 0), -EBADF);
  assert_int_equal(ConnectDetach(f.coid), 0);
}

/* Getting Started, "Kernel timeouts": "It is cleared upon return from any
 * kernel call. This means that you must re-arm the timeout before each and
 * every kernel call that you want to be timeout-aware." An immediate
 * receive timeout armed before another kernel call no longer applies: the
 * receive blocks until a pulse arrives. */
static void test_timeout_cleared_by_intervening_call(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  receiver r = {0};
  r.arm_flags = _NTO_TIMEOUT_RECEIVE;
  r.arm_then_other_call = true;
  start_receiver(&r, f.chid, 0);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 5), 0);
  join_receiver(&r);
  assert_int_equal(r.rc, 0);
  assert_int_equal(r.got_value, 5);
  nto_close(f);
}

/* TimerTimeout: "flags ... specify which states the timeout applies to";
 * MsgReceivePulse blocks in STATE_RECEIVE (_NTO_TIMEOUT_RECEIVE). A timeout
 * armed for SEND and REPLY does not apply to a receive. */
static void test_timeout_only_for_given_states(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  receiver r = {0};
  r.arm_flags = _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY;
  start_receiver(&r, f.chid, 0);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 6), 0);
  join_receiver(&r);
  assert_int_equal(r.rc, 0);
  assert_int_equal(r.got_value, 6);
  nto_close(f);
}

/* The receiving thread takes the pulse's priority, unless the channel has
 * _NTO_CHF_FIXED_PRIORITY (qnx-facts.md; ChannelCreate) - here for a pulse
 * handed to an already blocked thread. */
static void test_woken_thread_runs_at_pulse_priority(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  receiver r = {0};
  start_receiver(&r, f.chid, 10);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 50, 1, 0), 0);
  join_receiver(&r);
  assert_int_equal(r.priority_after, 50);
  nto_close(f);

  f = nto_open(_NTO_CHF_FIXED_PRIORITY);
  memset(&r, 0, sizeof r);
  start_receiver(&r, f.chid, 10);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 50, 1, 0), 0);
  join_receiver(&r);
  assert_int_equal(r.priority_after, 10);
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* Stress: senders and receivers with short receive timeouts race; every
 * pulse sent is received exactly once or still queued. Distinct values make
 * each pulse unique (no merging), so the sum identifies losses. */

enum { STRESS_SENDERS = 2, STRESS_RECEIVERS = 3, STRESS_PER_SENDER = 400 };

typedef struct {
  int chid;
  int coid;
  int sender_index;
  atomic_int *stop;
  atomic_long *received_sum;
  atomic_int *received_count;
  atomic_int *unexpected;
} stress_arg;

static void *stress_sender(void *arg) {
  stress_arg *a = arg;
  for (int i = 0; i < STRESS_PER_SENDER; i++) {
    int value = a->sender_index * STRESS_PER_SENDER + i + 1;
    while (MsgSendPulse_r(a->coid, 1 + (i % 3), 1, value) == -EAGAIN) {
      sched_yield(); /* pool full: the receivers drain it */
    }
  }
  return NULL;
}

static void *stress_receiver(void *arg) {
  stress_arg *a = arg;
  while (atomic_load(a->stop) == 0) {
    uint64_t ns = 200000; /* 0.2 ms */
    (void)TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL);
    struct _pulse p;
    int rc = MsgReceivePulse_r(a->chid, &p, sizeof p, NULL);
    if (rc == 0) {
      atomic_fetch_add(a->received_sum, (long)p.value.sival_int);
      atomic_fetch_add(a->received_count, 1);
    } else if (rc != -ETIMEDOUT) {
      atomic_fetch_add(a->unexpected, 1); /* cmocka asserts only on the main thread */
    }
  }
  return NULL;
}

static void test_stress_no_pulse_lost_or_duplicated(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  nto_sim_set_pulse_pool(16);
  atomic_int stop = 0;
  atomic_long sum = 0;
  atomic_int count = 0;
  atomic_int unexpected = 0;
  stress_arg args[STRESS_SENDERS + STRESS_RECEIVERS];
  pthread_t threads[STRESS_SENDERS + STRESS_RECEIVERS];
  for (int i = 0; i < STRESS_SENDERS + STRESS_RECEIVERS; i++) {
    args[i] = (stress_arg){f.chid, f.coid, i, &stop, &sum, &count, &unexpected};
    void *(*fn)(void *) = i < STRESS_SENDERS ? stress_sender : stress_receiver;
    assert_int_equal(pthread_create(&threads[i], NULL, fn, &args[i]), 0);
  }
  for (int i = 0; i < STRESS_SENDERS; i++) {
    assert_int_equal(pthread_join(threads[i], NULL), 0);
  }
  const int total = STRESS_SENDERS * STRESS_PER_SENDER;
  uint64_t give_up = nto_now_ns(CLOCK_MONOTONIC) + 10000000000u;
  while (atomic_load(&count) < total && nto_now_ns(CLOCK_MONOTONIC) < give_up) {
    sched_yield();
  }
  atomic_store(&stop, 1);
  for (int i = STRESS_SENDERS; i < STRESS_SENDERS + STRESS_RECEIVERS; i++) {
    assert_int_equal(pthread_join(threads[i], NULL), 0);
  }
  assert_int_equal(atomic_load(&unexpected), 0);
  assert_int_equal(atomic_load(&count), total);
  assert_int_equal(atomic_load(&sum), (long)total * (total + 1) / 2);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  assert_int_equal(nto_sim_blocked_receivers_total(), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
  nto_close(f);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, nto_reset_setup, nto_reset_teardown)
  const struct CMUnitTest tests[] = {
      T(test_send_wakes_receive_blocked_thread),
      T(test_receiver_order_default_is_lifo),
      T(test_receiver_order_fifo),
      T(test_receiver_order_priority),
      T(test_destroy_fails_blocked_receivers_with_esrch),
      T(test_timeout_cleared_by_intervening_call),
      T(test_timeout_only_for_given_states),
      T(test_woken_thread_runs_at_pulse_priority),
      T(test_stress_no_pulse_lost_or_duplicated),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
