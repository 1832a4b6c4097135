/*
 * test_nto_model.c - single-threaded fidelity tests of the Neutrino host
 * model (sim/neutrino): layout and constants, pulse queueing, priority
 * order and merging, send priorities, errors and their two reporting
 * conventions, ChannelDestroy, kernel timeouts, pool and table limits, and
 * fault injection, SchedGet. Each test quotes the QNX document (or qnx-facts.md
 * finding) it checks. Threaded behaviour: test_nto_model_threads.c.
 */
#define _GNU_SOURCE /* syscall(SYS_gettid): the host id that stands for the QNX tid */
#include "nto_test_util.h"

#include <sys/syscall.h>
#include <unistd.h>

/* ------------------------------------------------------------------------ */
/* Layout and constants                                                      */

/* qnx-facts.md (from the 7.x SDP headers): "struct _pulse on 64-bit is 24
 * bytes: uint16_t type; uint16_t subtype; int8_t code; uint8_t zero[3];
 * union sigval value /+ 8 bytes +/; int32_t scoid;" */
static void test_pulse_layout_is_qnx_64bit(void **state) {
  (void)state;
  assert_int_equal(sizeof(struct _pulse), 24);
  assert_int_equal(offsetof(struct _pulse, type), 0);
  assert_int_equal(offsetof(struct _pulse, subtype), 2);
  assert_int_equal(offsetof(struct _pulse, code), 4);
  assert_int_equal(offsetof(struct _pulse, zero), 5);
  assert_int_equal(offsetof(struct _pulse, value), 8);
  assert_int_equal(offsetof(struct _pulse, scoid), 16);
}

/* qnx-facts.md / libc nto neutrino.rs: "_NTO_TIMEOUT_RECEIVE 0x20, _SEND
 * 0x10, _REPLY 0x40, _MUTEX 0x2000, _CONDVAR 0x4000, _SEM 0x20000";
 * "_NTO_CHF_FIXED_PRIORITY 0x1, _NTO_CHF_UNBLOCK 0x2, _NTO_CHF_DISCONNECT
 * 0x8, _NTO_CHF_PRIVATE 0x1000"; "index = _NTO_SIDE_CHANNEL (0x40000000)";
 * "flags = _NTO_COF_CLOEXEC (1)"; "_PULSE_CODE_MINAVAIL 0 ...
 * _PULSE_CODE_MAXAVAIL 127"; "nd = 0 (ND_LOCAL_NODE)". */
static void test_constants_have_qnx_values(void **state) {
  (void)state;
  assert_int_equal(_NTO_TIMEOUT_RECEIVE, 0x20);
  assert_int_equal(_NTO_TIMEOUT_SEND, 0x10);
  assert_int_equal(_NTO_TIMEOUT_REPLY, 0x40);
  assert_int_equal(_NTO_TIMEOUT_MUTEX, 0x2000);
  assert_int_equal(_NTO_TIMEOUT_CONDVAR, 0x4000);
  assert_int_equal(_NTO_TIMEOUT_SEM, 0x20000);
  assert_int_equal(_NTO_CHF_FIXED_PRIORITY, 0x1);
  assert_int_equal(_NTO_CHF_UNBLOCK, 0x2);
  assert_int_equal(_NTO_CHF_DISCONNECT, 0x8);
  /* Every constant per profile, with its SDP source: the table test
   * (nto_profile_table.sh, tests/nto_model/nto_profile_constants.txt). */
#if _NTO_VERSION >= 800
  assert_int_equal(_NTO_CHF_PULSE_POOL, 0x100); /* 8.0 only */
#endif
#if _NTO_VERSION >= 710
  assert_int_equal(_NTO_CHF_PRIVATE, 0x1000);
  assert_int_equal(SIGEV_UNBLOCK, _NTO_VERSION >= 800 ? 5 : 0x85);
#else
  assert_int_equal(SIGEV_UNBLOCK, 5); /* 6.4 lib/c/public/sys/siginfo.h:84 */
#endif
  assert_int_equal(_NTO_SIDE_CHANNEL, 0x40000000);
  assert_int_equal(_NTO_COF_CLOEXEC, 1);
  assert_int_equal(_PULSE_CODE_MINAVAIL, 0);
  assert_int_equal(_PULSE_CODE_MAXAVAIL, 127);
  assert_int_equal(_PULSE_TYPE, 0);
  assert_int_equal(ND_LOCAL_NODE, 0);
  /* TIMER_ABSTIME is QNX's 0x80000000 (not the host's 1) and collides
   * with no timeout state bit. */
  assert_int_equal(TIMER_ABSTIME, 0x80000000u);
  assert_int_equal(TIMER_ABSTIME & (unsigned)_NTO_TIMEOUT_RECEIVE, 0);
}

/* ------------------------------------------------------------------------ */
/* Queueing, order, merging                                                  */

/* Getting Started, "Pulses": a pulse is queued if no thread is
 * receive-blocked; MsgReceivePulse: "If a pulse is waiting on the channel
 * when you call MsgReceivePulse(), the calling thread doesn't block, and
 * the pulse is immediately copied." Returns 0 on a pulse. */
static void test_pulse_queues_without_receiver(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 5, 1234), 0);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 1);
  struct _pulse p;
  memset(&p, 0xa5, sizeof p);
  assert_int_equal(MsgReceivePulse(f.chid, &p, sizeof p, NULL), 0);
  assert_int_equal(p.type, _PULSE_TYPE);
  assert_int_equal(p.subtype, _PULSE_SUBTYPE);
  assert_int_equal(p.code, 5);
  assert_int_equal(p.value.sival_int, 1234);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  nto_close(f);
}

/* MsgReceivePulse: "If multiple pulses are sent to a channel without a
 * thread waiting to receive them, the pulses are queued in priority order."
 * Getting Started, "What about priorities?": delivered in priority order,
 * time order within a priority. */
static void test_queue_is_priority_then_fifo(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  const int prio[] = {10, 20, 10, 15, 20};
  for (int i = 0; i < 5; i++) {
    assert_int_equal(MsgSendPulse(f.coid, prio[i], i + 1, 0), 0);
  }
  const int expect_code[] = {2, 5, 4, 1, 3};
  for (int i = 0; i < 5; i++) {
    struct _pulse p;
    assert_int_equal(nto_poll(f.chid, &p), 0);
    assert_int_equal(p.code, expect_code[i]);
  }
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), -ETIMEDOUT);
  nto_close(f);
}

/* K/nano_pulse.c:37-45 (pulse_add) with K/nano_misc.c:322-346
 * (pril_find_insertion): a new pulse is compared with the TAIL of the run of
 * its priority only; if code, value and id match, the tail's count goes up
 * ("We can compress this pulse"), otherwise a new object is appended. Each
 * receive takes one. So an identical pulse merges only when nothing else of
 * that priority was queued after its twin. */
static void test_identical_pulses_merge_only_with_the_tail_of_their_run(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 7), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 7), 0); /* tail identical: merged */
  assert_int_equal(MsgSendPulse(f.coid, 10, 2, 7), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 7), 0); /* twin not at the tail: new object */
  assert_int_equal(MsgSendPulse(f.coid, 20, 1, 7), 0); /* other priority: own run */
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 7), 0); /* tail of the 10-run: merged */
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 8), 0); /* different value */
  assert_int_equal(nto_sim_queued_pulses(f.chid), 7);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 5);
  const int expect_code[] = {1, 1, 1, 2, 1, 1, 1};
  const int expect_value[] = {7, 7, 7, 7, 7, 7, 8};
  for (int i = 0; i < 7; i++) {
    struct _pulse p;
    assert_int_equal(nto_poll(f.chid, &p), 0);
    assert_int_equal(p.code, expect_code[i]);
    assert_int_equal(p.value.sival_int, expect_value[i]);
  }
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* Send priority and the receiver's priority                                 */

/* MsgSendPulse (7.1): priority is "The priority to use for the pulse, or -1
 * to use the priority of the calling thread." */
static void test_priority_minus_one_is_senders_priority(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(nto_sim_set_thread_priority(30), 0);
  assert_int_equal(MsgSendPulse(f.coid, 20, 1, 0), 0);
  assert_int_equal(MsgSendPulse(f.coid, -1, 2, 0), 0); /* at 30: goes first */
  assert_int_equal(nto_sim_set_thread_priority(10), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(p.code, 2);
  assert_int_equal(nto_sim_get_thread_priority(), 30);
  nto_close(f);
}

/* MsgSendPulse (7.1): "A priority of 0 (which is reserved for the idle
 * thread) is changed to 1." ChannelCreate: the receiving thread takes the
 * pulse's priority (qnx-facts.md). */
static void test_priority_zero_becomes_one(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
#if _NTO_VERSION >= 710
  /* 7.1 reference: "A priority of 0 ... is changed to 1" (8.0: same text
   * assumed, unconfirmed). */
  assert_int_equal(MsgSendPulse(f.coid, 0, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(nto_sim_get_thread_priority(), 1);
#else
  /* 6.4 kernel: "if((prio == 0) || (((unsigned) prio) > NUM_PRI-1)) return
   * EINVAL;" (K/nano_pulse.c:95-97). */
  assert_int_equal(MsgSendPulse_r(f.coid, 0, 1, 0), -EINVAL);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
#endif
  nto_close(f);
}

/* MsgSendPulse: "The priority must be within the range of valid priorities,
 * which you can determine by calling sched_get_priority_min() and
 * sched_get_priority_max()" (1..255 on QNX; out of range: EINVAL). */
static void test_priority_out_of_range_is_einval(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  errno = 0;
  assert_int_equal(MsgSendPulse(f.coid, 256, 1, 0), -1);
  assert_int_equal(errno, EINVAL);
  assert_int_equal(MsgSendPulse_r(f.coid, -2, 1, 0), -EINVAL);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  assert_int_equal(MsgSendPulse(f.coid, 255, 1, 0), 0);
  nto_close(f);
}

/* qnx-facts.md: "The receiving thread takes the pulse's priority unless the
 * channel has _NTO_CHF_FIXED_PRIORITY". */
static void test_receiver_takes_pulse_priority(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(nto_sim_get_thread_priority(), 10);
  assert_int_equal(MsgSendPulse(f.coid, 42, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(nto_sim_get_thread_priority(), 42);
  nto_close(f);
}

static void test_fixed_priority_channel_keeps_receiver_priority(void **state) {
  (void)state;
  nto_fixture f = nto_open(_NTO_CHF_FIXED_PRIORITY);
  assert_int_equal(MsgSendPulse(f.coid, 42, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(nto_sim_get_thread_priority(), 10);
  nto_close(f);
}

/* The model's priority control accepts QNX thread priorities 1..255
 * (sched_get_priority_min/max on QNX) and nothing else; default 10. */
static void test_thread_priority_control(void **state) {
  (void)state;
  assert_int_equal(nto_sim_get_thread_priority(), 10);
  assert_int_equal(nto_sim_set_thread_priority(0), -1);
  assert_int_equal(nto_sim_set_thread_priority(256), -1);
  assert_int_equal(nto_sim_get_thread_priority(), 10);
  assert_int_equal(nto_sim_set_thread_priority(255), 0);
  assert_int_equal(nto_sim_get_thread_priority(), 255);
  assert_int_equal(nto_sim_set_thread_priority(1), 0);
  assert_int_equal(nto_sim_get_thread_priority(), 1);
}

/* ------------------------------------------------------------------------ */
/* Errors: -1 + errno versus the _r variants                                 */

/* Each call's Returns section: the plain call "returns -1 and sets errno";
 * the _r call "does NOT set errno. If an error occurs, the function may
 * return any value in the Errors section" (as a negative value). */
static void test_plain_sets_errno_r_returns_negative_errno(void **state) {
  (void)state;
  const int bad = 200; /* no such chid / coid */
  errno = 0;
  assert_int_equal(MsgSendPulse(bad, 10, 1, 0), -1);
  assert_int_equal(errno, EBADF);
  errno = 12345;
  assert_int_equal(MsgSendPulse_r(bad, 10, 1, 0), -EBADF);
  assert_int_equal(errno, 12345);

  struct _pulse p;
  errno = 0;
  assert_int_equal(MsgReceivePulse(bad, &p, sizeof p, NULL), -1);
  assert_int_equal(errno, ESRCH);
  errno = 12345;
  assert_int_equal(MsgReceivePulse_r(bad, &p, sizeof p, NULL), -ESRCH);
  assert_int_equal(errno, 12345);

  /* ChannelDestroy: "EINVAL The channel specified by chid doesn't exist." */
  errno = 0;
  assert_int_equal(ChannelDestroy(bad), -1);
  assert_int_equal(errno, EINVAL);
  errno = 12345;
  assert_int_equal(ChannelDestroy_r(bad), -EINVAL);
  assert_int_equal(errno, 12345);

  /* ConnectDetach: "EINVAL The connection specified by coid doesn't exist." */
  errno = 0;
  assert_int_equal(ConnectDetach(bad), -1);
  assert_int_equal(errno, EINVAL);
  errno = 12345;
  assert_int_equal(ConnectDetach_r(bad), -EINVAL);
  assert_int_equal(errno, 12345);

  /* ConnectAttach: ESRCH when the node, process or channel doesn't exist. */
  errno = 0;
  assert_int_equal(ConnectAttach(ND_LOCAL_NODE, 0, bad, _NTO_SIDE_CHANNEL, 0), -1);
  assert_int_equal(errno, ESRCH);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, bad, _NTO_SIDE_CHANNEL, 0), -ESRCH);

  /* TimerTimeout with an unknown clock: EINVAL. */
  errno = 12345;
  assert_int_equal(TimerTimeout_r((clockid_t)9999, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL),
                   -EINVAL);
  assert_int_equal(errno, 12345);
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
}

/* ChannelCreate_r: "EOK is returned on success" - for ChannelCreate_r that
 * is the chid; ChannelDestroy_r / ConnectDetach_r / MsgSendPulse_r return EOK. */
static void test_r_variants_succeed_with_eok(void **state) {
  (void)state;
  int chid = ChannelCreate_r(0);
  assert_true(chid > 0);
  int coid = ConnectAttach_r(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid > 0);
  assert_int_equal(MsgSendPulse_r(coid, 10, 1, 0), EOK);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(chid, &p, sizeof p, NULL), EOK);
  assert_int_equal(ConnectDetach_r(coid), EOK);
  assert_int_equal(ChannelDestroy_r(chid), EOK);
}

/* MsgReceivePulse (7.0): "If this buffer isn't big enough to contain a
 * struct _pulse structure, you'll get an EFAULT." Nothing is consumed. */
static void test_small_buffer_is_efault(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(f.chid, &p, sizeof p - 1, NULL), -EFAULT);
  assert_int_equal(MsgReceivePulse_r(f.chid, NULL, sizeof p, NULL), -EFAULT);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 1);
  nto_close(f);
}

/* ConnectAttach (7.1): with _NTO_SIDE_CHANNEL "the ID returned is from a
 * different space than file descriptors"; without it, index is "the lowest
 * acceptable connection ID". */
static void test_connect_attach_id_spaces(void **state) {
  (void)state;
  int chid = ChannelCreate(0);
  int side = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(side > (int)_NTO_SIDE_CHANNEL);
  int fd_like = ConnectAttach(ND_LOCAL_NODE, 0, chid, 100, 0);
  assert_true(fd_like >= 100 && fd_like < (int)_NTO_SIDE_CHANNEL);
  assert_int_equal(MsgSendPulse(fd_like, 10, 1, 0), 0);
  assert_int_equal(MsgSendPulse(side, 10, 2, 0), 0);
  assert_int_equal(nto_sim_queued_pulses(chid), 2);
  assert_int_equal(ConnectAttach_r(1, 0, chid, _NTO_SIDE_CHANNEL, 0), -ESRCH); /* other node */
  assert_int_equal(ConnectDetach(side), 0);
  assert_int_equal(ConnectDetach(fd_like), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
}

/* ------------------------------------------------------------------------ */
/* ChannelDestroy                                                            */

/* ChannelDestroy: "The client connection IDs (coids) are also marked invalid
 * but remain in existence until the client removes them by calling
 * ConnectDetach(). An attempt by the client to use one of these invalid
 * connections using ... MsgSendPulse() will return with an error" (EBADF,
 * qnx-facts.md); queued pulses are freed (qnx-facts.md). */
static void test_destroy_frees_queue_and_invalidates_connections(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  assert_int_equal(MsgSendPulse(f.coid, 11, 2, 0), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 2);
  assert_int_equal(ChannelDestroy(f.chid), 0);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
  assert_int_equal(nto_sim_live_channels(), 0);
  assert_int_equal(nto_sim_live_connections(), 1);
  errno = 0;
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), -1);
  assert_int_equal(errno, EBADF);
  /* "Once destroyed, any attempt to receive ... pulses on the channel will fail" */
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(f.chid, &p, sizeof p, NULL), -ESRCH);
  /* A new channel reusing the id does not revive the old connection. */
  int again = ChannelCreate(0);
  assert_int_equal(again, f.chid);
  assert_int_equal(MsgSendPulse_r(f.coid, 10, 1, 0), -EBADF);
  assert_int_equal(ConnectDetach(f.coid), 0);
  assert_int_equal(nto_sim_live_connections(), 0);
  assert_int_equal(ChannelDestroy(again), 0);
}

/* ------------------------------------------------------------------------ */
/* TimerTimeout                                                              */

/* TimerTimeout (6.5): "NULL, or a pointer to the timeout (in nanoseconds).
 * If this argument is NULL, the timeout occurs immediately." ETIMEDOUT. */
static void test_null_ntime_times_out_immediately(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), 0);
  struct _pulse p;
  errno = 0;
  assert_int_equal(MsgReceivePulse(f.chid, &p, sizeof p, NULL), -1);
  assert_int_equal(errno, ETIMEDOUT);
  assert_int_equal(nto_sim_blocked_receivers(f.chid), 0);
  nto_close(f);
}

/* A receive that finds a queued pulse does not block, so a receive timeout
 * (which applies on entry to the blocking state) does not fire:
 * "the timeout is armed by TimerTimeout(), and activated on entry into one
 * of the kernel states specified by flags" (Getting Started). */
static void test_queued_pulse_beats_armed_timeout(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 9, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(p.code, 9);
  nto_close(f);
}

/* qnx-facts.md: TimerTimeout "returns the previous timeout flags (not 0) on
 * success"; Getting Started: "It is cleared upon return from any kernel
 * call." */
static void test_timer_timeout_returns_previous_flags_and_is_cleared(void **state) {
  (void)state;
  uint64_t ns = 1000000;
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL), 0);
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY,
                                NULL, &ns, NULL),
                   _NTO_TIMEOUT_RECEIVE);
  assert_int_equal(TimerTimeout_r(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL),
                   _NTO_TIMEOUT_SEND | _NTO_TIMEOUT_REPLY);
  /* Any other kernel call - even a failing one - clears it. */
  assert_int_equal(ConnectDetach_r(777), -EINVAL);
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &ns, NULL), 0);
  int chid = ChannelCreate(0);
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, 0, NULL, NULL, NULL), 0);
  /* Flags 0 arms nothing. */
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, 0, NULL, NULL, NULL), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
}

static void expect_timeout_after(int chid, clockid_t clock, unsigned flags, uint64_t ntime,
                                 uint64_t min_elapsed_ns) {
  struct sigevent ev;
  memset(&ev, 0, sizeof ev);
  SIGEV_UNBLOCK_INIT(&ev);
  uint64_t start = nto_now_ns(clock);
  assert_true(TimerTimeout(clock, (NTO_SIM_TIMEOUT_FLAGS_T)flags, &ev, &ntime, NULL) >= 0);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(chid, &p, sizeof p, NULL), -ETIMEDOUT);
  assert_true(nto_now_ns(clock) - start >= min_elapsed_ns);
}

/* TimerTimeout (6.5): "You can also OR in TIMER_ABSTIME to set an absolute
 * expiration time; otherwise the time is relative to the time at which you
 * called TimerTimeout()". When it fires the call fails with ETIMEDOUT
 * (qnx-facts.md). The wait is at least as long as asked (a timeout is the
 * thing tested here, so the test measures time). */
static void test_relative_and_absolute_timeouts_expire(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  const uint64_t ms20 = 20000000u;
  expect_timeout_after(f.chid, CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, ms20, ms20);
  expect_timeout_after(f.chid, CLOCK_REALTIME, _NTO_TIMEOUT_RECEIVE, ms20, ms20);
  uint64_t deadline = nto_now_ns(CLOCK_MONOTONIC) + ms20;
  uint64_t start = nto_now_ns(CLOCK_MONOTONIC);
  expect_timeout_after(f.chid, CLOCK_MONOTONIC, (unsigned)_NTO_TIMEOUT_RECEIVE | TIMER_ABSTIME,
                       deadline, 0);
  assert_true(nto_now_ns(CLOCK_MONOTONIC) >= deadline);
  assert_true(nto_now_ns(CLOCK_MONOTONIC) - start >= ms20 - 1000000u);
  deadline = nto_now_ns(CLOCK_REALTIME) + ms20;
  expect_timeout_after(f.chid, CLOCK_REALTIME, (unsigned)_NTO_TIMEOUT_RECEIVE | TIMER_ABSTIME,
                       deadline, 0);
  assert_true(nto_now_ns(CLOCK_REALTIME) >= deadline);
  /* An absolute deadline already past fails at once. */
  expect_timeout_after(f.chid, CLOCK_MONOTONIC, (unsigned)_NTO_TIMEOUT_RECEIVE | TIMER_ABSTIME, 1,
                       0);
  assert_int_equal(nto_sim_blocked_receivers(f.chid), 0);
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* Limits                                                                    */

/* MsgSendPulse: "Pulses are queued for the receiving process in the system,
 * using a dynamic pool of memory objects"; exhaustion is EAGAIN (6.x source,
 * qnx-facts.md). A merged identical pulse needs no new object. */
static void test_pulse_pool_exhaustion_is_eagain(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  nto_sim_set_pulse_pool(2);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 2, 0), 0);
  errno = 0;
  assert_int_equal(MsgSendPulse(f.coid, 10, 3, 0), -1);
  assert_int_equal(errno, EAGAIN);
  assert_int_equal(MsgSendPulse_r(f.coid, 11, 1, 0), -EAGAIN); /* other priority: not identical */
  assert_int_equal(MsgSendPulse(f.coid, 10, 2, 0), 0);         /* merged with the tail */
  assert_int_equal(nto_sim_queued_pulses(f.chid), 3);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 2);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0); /* code 1: its object is freed */
  assert_int_equal(p.code, 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 3, 0), 0);
  assert_int_equal(MsgSendPulse_r(f.coid, 10, 4, 0), -EAGAIN);
  assert_int_equal(nto_poll(f.chid, &p), 0); /* code 2, count 2 -> 1: object kept */
  assert_int_equal(p.code, 2);
  assert_int_equal(MsgSendPulse_r(f.coid, 10, 4, 0), -EAGAIN);
  assert_int_equal(nto_poll(f.chid, &p), 0); /* code 2 again: object freed */
  assert_int_equal(p.code, 2);
  assert_int_equal(MsgSendPulse(f.coid, 10, 4, 0), 0);
  nto_close(f);
  assert_int_equal(nto_sim_pulse_objects_in_use(), 0);
}

/* ChannelCreate: "EAGAIN All kernel channel objects are in use";
 * ConnectAttach: EAGAIN when all kernel connection objects are in use. */
static void test_full_tables_are_eagain(void **state) {
  (void)state;
  int first = ChannelCreate(0);
  for (unsigned i = 1; i < NTO_SIM_MAX_CHANNELS; i++) {
    assert_true(ChannelCreate(0) > 0);
  }
  errno = 0;
  assert_int_equal(ChannelCreate(0), -1);
  assert_int_equal(errno, EAGAIN);
  assert_int_equal(ChannelCreate_r(0), -EAGAIN);
  assert_int_equal(nto_sim_live_channels(), NTO_SIM_MAX_CHANNELS);
  for (unsigned i = 0; i < NTO_SIM_MAX_CONNECTIONS; i++) {
    assert_true(ConnectAttach(ND_LOCAL_NODE, 0, first, _NTO_SIDE_CHANNEL, 0) > 0);
  }
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, first, _NTO_SIDE_CHANNEL, 0), -EAGAIN);
  assert_int_equal(nto_sim_live_connections(), NTO_SIM_MAX_CONNECTIONS);
  /* reset (teardown) releases everything */
}

/* ------------------------------------------------------------------------ */
/* Fault injection: the failed call reports as the real call would and has
 * no other effect. */

static void test_fault_injection_channel_and_connection_calls(void **state) {
  (void)state;
  nto_sim_fail_nth(NTO_SIM_CALL_CHANNEL_CREATE, 2, EAGAIN);
  int chid = ChannelCreate(0);
  assert_true(chid > 0);
  errno = 0;
  assert_int_equal(ChannelCreate(0), -1);
  assert_int_equal(errno, EAGAIN);
  assert_int_equal(nto_sim_live_channels(), 1);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_CHANNEL_CREATE), 2);

  nto_sim_fail_nth(NTO_SIM_CALL_CONNECT_ATTACH, 1, EAGAIN);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0), -EAGAIN);
  assert_int_equal(nto_sim_live_connections(), 0);
  int coid = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid > 0);

  nto_sim_fail_nth(NTO_SIM_CALL_CONNECT_DETACH, 1, EINTR);
  errno = 0;
  assert_int_equal(ConnectDetach(coid), -1);
  assert_int_equal(errno, EINTR);
  assert_int_equal(nto_sim_live_connections(), 1);
  assert_int_equal(MsgSendPulse(coid, 10, 1, 0), 0); /* still usable */

  nto_sim_fail_nth(NTO_SIM_CALL_CHANNEL_DESTROY, 1, EINTR);
  assert_int_equal(ChannelDestroy_r(chid), -EINTR);
  assert_int_equal(nto_sim_live_channels(), 1);
  assert_int_equal(nto_sim_queued_pulses(chid), 1);

  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
}

static void test_fault_injection_pulse_and_timer_calls(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  nto_sim_fail_nth(NTO_SIM_CALL_MSG_SEND_PULSE, 1, EAGAIN);
  errno = 0;
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), -1);
  assert_int_equal(errno, EAGAIN);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);

  nto_sim_fail_nth(NTO_SIM_CALL_MSG_RECEIVE_PULSE, 1, EINTR);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(f.chid, &p, sizeof p, NULL), -EINTR);
  assert_int_equal(nto_sim_queued_pulses(f.chid), 1); /* not consumed */
  assert_int_equal(MsgReceivePulse(f.chid, &p, sizeof p, NULL), 0);

  /* A failed TimerTimeout arms nothing: the next one reports no previous flags. */
  nto_sim_fail_nth(NTO_SIM_CALL_TIMER_TIMEOUT, 1, EINVAL);
  errno = 0;
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), -1);
  assert_int_equal(errno, EINVAL);
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), 0);
  assert_int_equal(MsgReceivePulse_r(f.chid, &p, sizeof p, NULL), -ETIMEDOUT);

  /* Clearing faults disarms them; nth counts from the arming. */
  nto_sim_fail_nth(NTO_SIM_CALL_MSG_SEND_PULSE, 1, EAGAIN);
  nto_sim_clear_faults();
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  assert_int_equal(nto_poll(f.chid, &p), 0);
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* SchedGet                                                                  */

/* SchedGet (QNX 7.0 library reference): "return the current scheduling
 * policy and parameters for the thread specified by tid in the process
 * specified by pid. If pid is zero, the current process is used to look up a
 * nonzero tid. If pid and tid are zero, then the calling thread is used."
 * "The scheduling policy is returned on success"; param is "NULL, or a
 * pointer to a sched_param structure". The model's sched_priority is the
 * thread's model priority, which a received pulse changes. */
static void test_sched_get_reports_the_calling_threads_priority(void **state) {
  (void)state;
  struct sched_param sp;
  memset(&sp, 0xA5, sizeof sp);
  assert_int_equal(SchedGet(0, 0, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 10); /* default */
  assert_int_equal(nto_sim_set_thread_priority(37), 0);
  assert_int_equal(SchedGet_r(0, 0, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 37);
  /* QNX's sched_param also has sched_curpriority, the priority the thread
   * runs at (SDP 7.1 sys/target_nto.h __SCHED_PARAM_DEF): with no boost
   * in the model, the same value. */
  assert_int_equal(sp.sched_curpriority, 37);
  /* the caller by its own ids: this process, this thread */
  int me = (int)syscall(SYS_gettid);
  sp.sched_priority = 0;
  assert_int_equal(SchedGet(getpid(), me, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 37);
  sp.sched_priority = 0;
  assert_int_equal(SchedGet(0, me, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 37);
  assert_int_equal(SchedGet(0, 0, NULL), SCHED_RR); /* 7.0+: param may be NULL */
  /* "the kernel adjusting the thread's priority as it receives a message"
   * (System Architecture, "Manipulating priority"): a received pulse's
   * priority is what SchedGet reports next. */
  nto_fixture f = nto_open(0);
  assert_int_equal(MsgSendPulse(f.coid, 52, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(SchedGet(0, 0, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 52);
  assert_int_equal(sp.sched_priority, nto_sim_get_thread_priority());
  nto_close(f);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_SCHED_GET), 6);
}

/* SchedGet errors: "ESRCH The process indicated by pid or thread indicated
 * by tid doesn't exist"; the plain call sets errno, the _r call returns the
 * negative errno. The model knows only the calling thread (no thread table):
 * any other pid or tid is ESRCH; param is left alone. */
static void test_sched_get_unknown_thread_is_esrch(void **state) {
  (void)state;
  int me = (int)syscall(SYS_gettid);
  struct sched_param sp;
  sp.sched_priority = 99;
  errno = 0;
  assert_int_equal(SchedGet(0, me + 1, &sp), -1);
  assert_int_equal(errno, ESRCH);
  assert_int_equal(SchedGet_r(getpid() + 1, 0, &sp), -ESRCH);
  assert_int_equal(SchedGet_r(0, -1, &sp), -ESRCH);
  assert_int_equal(sp.sched_priority, 99);
}

/* Fault injection for SchedGet, like every model call: the nth call fails
 * with the given errno and has no other effect; a kernel call clears an
 * armed TimerTimeout ("It is cleared upon return from any kernel call",
 * Getting Started, "Kernel timeouts"). */
static void test_fault_injection_sched_get(void **state) {
  (void)state;
  struct sched_param sp;
  sp.sched_priority = 99;
  nto_sim_fail_nth(NTO_SIM_CALL_SCHED_GET, 2, EPERM);
  assert_int_equal(SchedGet(0, 0, &sp), SCHED_RR);
  sp.sched_priority = 99;
  errno = 0;
  assert_int_equal(SchedGet(0, 0, &sp), -1);
  assert_int_equal(errno, EPERM);
  assert_int_equal(sp.sched_priority, 99);
  nto_sim_fail_nth(NTO_SIM_CALL_SCHED_GET, 1, EFAULT);
  assert_int_equal(SchedGet_r(0, 0, &sp), -EFAULT);
  assert_int_equal(SchedGet_r(0, 0, &sp), SCHED_RR);
  assert_int_equal(sp.sched_priority, 10);
  assert_int_equal(nto_sim_calls(NTO_SIM_CALL_SCHED_GET), 4);

  nto_fixture f = nto_open(0);
  uint64_t long_ns = 60ull * 1000000000ull;
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, &long_ns, NULL), 0);
  assert_int_equal(SchedGet(0, 0, &sp), SCHED_RR);
  /* cleared: the next TimerTimeout reports no previous flags */
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), 0);
  struct _pulse p;
  assert_int_equal(MsgReceivePulse_r(f.chid, &p, sizeof p, NULL), -ETIMEDOUT);
  nto_close(f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pulse_layout_is_qnx_64bit),
      cmocka_unit_test(test_constants_have_qnx_values),
#define T(f) cmocka_unit_test_setup_teardown(f, nto_reset_setup, nto_reset_teardown)
      T(test_pulse_queues_without_receiver),
      T(test_queue_is_priority_then_fifo),
      T(test_identical_pulses_merge_only_with_the_tail_of_their_run),
      T(test_priority_minus_one_is_senders_priority),
      T(test_priority_zero_becomes_one),
      T(test_priority_out_of_range_is_einval),
      T(test_receiver_takes_pulse_priority),
      T(test_fixed_priority_channel_keeps_receiver_priority),
      T(test_thread_priority_control),
      T(test_plain_sets_errno_r_returns_negative_errno),
      T(test_r_variants_succeed_with_eok),
      T(test_small_buffer_is_efault),
      T(test_connect_attach_id_spaces),
      T(test_destroy_frees_queue_and_invalidates_connections),
      T(test_null_ntime_times_out_immediately),
      T(test_queued_pulse_beats_armed_timeout),
      T(test_timer_timeout_returns_previous_flags_and_is_cleared),
      T(test_relative_and_absolute_timeouts_expire),
      T(test_pulse_pool_exhaustion_is_eagain),
      T(test_full_tables_are_eagain),
      T(test_fault_injection_channel_and_connection_calls),
      T(test_fault_injection_pulse_and_timer_calls),
      T(test_sched_get_reports_the_calling_threads_priority),
      T(test_sched_get_unknown_thread_is_esrch),
      T(test_fault_injection_sched_get),
#undef T
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
