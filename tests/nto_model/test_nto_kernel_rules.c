/*
 * test_nto_kernel_rules.c - the Neutrino host model follows the QNX 6.4
 * kernel's rules that src/qnx depends on (issue 10 items 3, 4, 8; issue 16):
 * a received pulse SETS the receiver's priority, a queued pulse boosts every
 * lower-priority thread of the process whose last_chid is the channel's id,
 * ids are reused lowest-free, _NTO_CHF_FIXED_PRIORITY stops both, side
 * channels count against RLIMIT_NOFILE, other processes can connect unless
 * _NTO_CHF_PRIVATE (7.1+ profiles), a dying process refuses pulses (ENXIO),
 * TimerTimeout can fail with EAGAIN. Each test cites its source: K/ is
 * trunk/services/system/ker/ of the public QNX 6.4 source (vocho/openqnx).
 * Results are on the Neutrino host model, not on QNX.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "nto_test_util.h"

static int sched_priority_now(void) {
  struct sched_param sp;
  assert_int_equal(SchedGet(0, 0, &sp), SCHED_RR);
  return sp.sched_priority;
}

/* A helper thread that receives once (from `chid`, blocking until a pulse)
 * or only polls it (sets last_chid), then waits for `go` and reports the
 * priority it runs at. */
typedef struct {
  pthread_t thread;
  int chid;
  int start_priority;
  bool block; /* true: wait for a pulse; false: poll once (ETIMEDOUT) */
  atomic_int stage; /* 1: received/polled, 2: go, 3: reported */
  int rc;
  int priority_after_receive;
  int priority_at_end;
} helper;

static void *helper_main(void *arg) {
  helper *h = arg;
  (void)nto_sim_set_thread_priority(h->start_priority);
  struct _pulse p;
  if (h->block) {
    h->rc = MsgReceivePulse_r(h->chid, &p, sizeof p, NULL);
  } else {
    h->rc = nto_poll(h->chid, &p);
  }
  h->priority_after_receive = sched_priority_now();
  atomic_store(&h->stage, 1);
  while (atomic_load(&h->stage) != 2) {
    sched_yield();
  }
  h->priority_at_end = sched_priority_now();
  atomic_store(&h->stage, 3);
  return NULL;
}

static void helper_start(helper *h, int chid, int priority, bool block) {
  memset(h, 0, sizeof *h);
  h->chid = chid;
  h->start_priority = priority;
  h->block = block;
  assert_int_equal(pthread_create(&h->thread, NULL, helper_main, h), 0);
}

static void helper_wait_stage(helper *h, int stage) {
  uint64_t give_up = nto_now_ns(CLOCK_MONOTONIC) + 10000000000u;
  while (atomic_load(&h->stage) != stage) {
    assert_true(nto_now_ns(CLOCK_MONOTONIC) < give_up);
    sched_yield();
  }
}

static void helper_finish(helper *h) {
  atomic_store(&h->stage, 2);
  helper_wait_stage(h, 3);
  assert_int_equal(pthread_join(h->thread, NULL), 0);
}

/* ------------------------------------------------------------------------ */
/* Receive priority                                                          */

/* K/nano_pulse.c:135-138: "By default the receiver runs with message driven
 * priority. if(thp->priority != prio && (chp->flags &
 * _NTO_CHF_FIXED_PRIORITY) == 0) thp->real_priority = thp->priority = prio;"
 * - the priority is SET: a priority-50 thread that receives a priority-10
 * pulse runs at 10 from then on, and SchedGet reports 10. */
static void test_received_pulse_lowers_priority_for_good(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  helper h;
  helper_start(&h, f.chid, 50, true);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  helper_wait_stage(&h, 1);
  assert_int_equal(h.rc, 0);
  assert_int_equal(h.priority_after_receive, 10);
  helper_finish(&h);
  assert_int_equal(h.priority_at_end, 10); /* it stays */
  nto_close(f);
}

/* K/ker_fastmsg.c:945-949: a QUEUED pulse taken by MsgReceive sets the
 * receiver's priority the same way (adjust_priority + real_priority). */
static void test_queued_pulse_sets_priority_at_receive(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(nto_sim_set_thread_priority(50), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(sched_priority_now(), 10);
  assert_int_equal(MsgSendPulse(f.coid, 33, 1, 0), 0);
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(sched_priority_now(), 33); /* raised as well */
  nto_close(f);
}

/* Same lines: _NTO_CHF_FIXED_PRIORITY keeps the receiver's priority, for a
 * handed-over and for a queued pulse. */
static void test_fixed_priority_channel_keeps_priority(void **state) {
  (void)state;
  nto_fixture f = nto_open(_NTO_CHF_FIXED_PRIORITY);
  helper h;
  helper_start(&h, f.chid, 50, true);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  helper_wait_stage(&h, 1);
  assert_int_equal(h.priority_after_receive, 50);
  helper_finish(&h);
  assert_int_equal(nto_sim_set_thread_priority(50), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(sched_priority_now(), 50);
  nto_close(f);
}

/* 8.0's real/effective split leaves open what SchedGet reports after a
 * pulse (nto_sim.h): with BASE it reports the priority the thread set
 * itself while the thread still runs at the pulse's. */
static void test_sched_get_report_setting(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  assert_int_equal(nto_sim_set_thread_priority(50), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(sched_priority_now(), 10); /* default: 6.4 */
  nto_sim_set_sched_get_reports(NTO_SIM_SCHED_GET_BASE);
  assert_int_equal(sched_priority_now(), 50);
  assert_int_equal(nto_sim_get_thread_priority(), 10); /* runs at 10 */
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* last_chid, id reuse and the server boost                                  */

/* K/ker_fastmsg.c:832 "chid = act->last_chid = kap->chid; // Used for
 * priority boost" runs first in every MsgReceive, before the chid is looked
 * up: a failed receive (ESRCH, ETIMEDOUT) sets it too; nothing clears it;
 * a new thread starts with -1 (K/nano_thread.c:151). */
static void test_last_chid_set_by_every_receive(void **state) {
  (void)state;
  assert_int_equal(nto_sim_get_last_chid(), -1);
  nto_fixture f = nto_open(0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), -ETIMEDOUT);
  assert_int_equal(nto_sim_get_last_chid(), f.chid);
  assert_int_equal(MsgReceivePulse_r(77, &p, sizeof p, NULL), -ESRCH);
  assert_int_equal(nto_sim_get_last_chid(), 77);
  nto_close(f);
  assert_int_equal(nto_sim_get_last_chid(), 77); /* never cleared */
}

/* Channels, side-channel connections and the server's scoids share the
 * process's "chancons" vector, each taking the lowest free index
 * (K/ker_channel.c:82 vector_add(chvec, chp, 1); K/ker_connect.c:41-43 "They
 * always get first avail", :158, :181); index 0 is the process manager's
 * connection (SYSMGR_COID). So a channel created per wait gets the same id
 * again and again. */
static void test_ids_are_reused_lowest_free(void **state) {
  (void)state;
  int a = ChannelCreate(0);
  assert_int_equal(a, 1);
  int coid = ConnectAttach(ND_LOCAL_NODE, 0, a, _NTO_SIDE_CHANNEL, 0);
  assert_int_equal(coid, _NTO_SIDE_CHANNEL | 2); /* its scoid takes 3 */
  int b = ChannelCreate(0);
  assert_int_equal(b, 4);
  assert_int_equal(MsgSendPulse(coid, 10, 1, 0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(a, &p), 0);
  assert_int_equal(p.scoid, _NTO_SIDE_CHANNEL | 3);
  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(ChannelDestroy(a), 0);
  assert_int_equal(ChannelCreate(0), 1); /* reused */
  int live[4];
  assert_int_equal(nto_sim_live_chids(0, live, 4), 2);
  assert_int_equal(live[0], 1);
  assert_int_equal(live[1], b);
  assert_int_equal(ChannelDestroy(1), 0);
  assert_int_equal(ChannelDestroy(b), 0);
}

/* K/nano_pulse.c:165-179: nobody receive-blocked, the pulse is queued, and
 * "To prevent priority inversion, boost all threads in the server": every
 * thread of the channel's process with priority < the pulse's and
 * last_chid == chid gets the pulse's priority (real priority: it stays).
 * Here a thread that once polled an OLD channel with the same id is
 * boosted by a pulse to a NEW channel it never touched. */
static void test_queued_pulse_boosts_unrelated_thread_with_same_last_chid(void **state) {
  (void)state;
  int old_chid = ChannelCreate(0);
  helper h;
  helper_start(&h, old_chid, 10, false);
  helper_wait_stage(&h, 1);
  assert_int_equal(h.rc, -ETIMEDOUT);
  assert_int_equal(ChannelDestroy(old_chid), 0);

  assert_int_equal(nto_sim_set_thread_priority(40), 0);
  nto_fixture f = nto_open(0);
  assert_int_equal(f.chid, old_chid); /* the id is reused */
  assert_int_equal(MsgSendPulse(f.coid, 30, 1, 0), 0); /* queued: nobody blocked */
  helper_finish(&h);
  assert_int_equal(h.priority_at_end, 30); /* boosted: 10 -> 30 */
  assert_int_equal(sched_priority_now(), 40); /* higher: not lowered */
  nto_close(f);
}

/* Same lines: only threads whose last_chid is this chid, only upwards, and
 * not at all on a _NTO_CHF_FIXED_PRIORITY channel. The sender itself is a
 * thread of the process: if its last_chid matches, it is boosted too. */
static void test_boost_needs_same_last_chid_and_no_fixed_priority(void **state) {
  (void)state;
  nto_fixture fixed = nto_open(_NTO_CHF_FIXED_PRIORITY);
  nto_fixture plain = nto_open(0);
  struct _pulse p;
  assert_int_equal(nto_poll(fixed.chid, &p), -ETIMEDOUT); /* last_chid = fixed */
  assert_int_equal(MsgSendPulse(fixed.coid, 60, 1, 0), 0);
  assert_int_equal(sched_priority_now(), 10); /* fixed: no boost */
  assert_int_equal(MsgSendPulse(plain.coid, 60, 1, 0), 0);
  assert_int_equal(sched_priority_now(), 10); /* other chid: no boost */
  assert_int_equal(nto_poll(plain.chid, &p), 0); /* takes 60 */
  assert_int_equal(sched_priority_now(), 60);
  assert_int_equal(nto_sim_set_thread_priority(10), 0);
  assert_int_equal(MsgSendPulse(plain.coid, 20, 1, 0), 0); /* last_chid = plain */
  assert_int_equal(sched_priority_now(), 20);            /* the sender boosted itself */
  nto_close(plain);
  nto_close(fixed);
}

/* The boost is a model setting where versions differ (nto_sim.h): ONE
 * raises only the first matching thread, NONE none; the default is 6.4's. */
static void test_server_boost_policy_setting(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), -ETIMEDOUT); /* last_chid = chid */
  helper h;
  helper_start(&h, f.chid, 10, false); /* polls too: same last_chid */
  helper_wait_stage(&h, 1);
  nto_sim_set_server_boost(NTO_SIM_BOOST_NONE);
  assert_int_equal(MsgSendPulse(f.coid, 30, 1, 0), 0);
  assert_int_equal(sched_priority_now(), 10);
  nto_sim_set_server_boost(NTO_SIM_BOOST_ONE);
  assert_int_equal(MsgSendPulse(f.coid, 30, 2, 0), 0);
  helper_finish(&h);
  /* exactly one of the two matching threads was raised */
  assert_true((sched_priority_now() == 30) != (h.priority_at_end == 30));
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* RLIMIT_NOFILE                                                             */

/* K/ker_connect.c:48-55: "Make sure they are allowed more connections ...
 * use '>' instead of '>=' to take into account the proc channel ... This
 * allows a process to open RLIMIT_NOFILE connections": EMFILE once nfds
 * (every descriptor and connection, side channels included: :233) exceeds
 * the soft limit. */
static void test_side_channels_count_against_rlimit_nofile(void **state) {
  (void)state;
  int chid = ChannelCreate(0);
  nto_sim_set_rlimit_nofile(3, 0);
  int c[3];
  for (int i = 0; i < 3; i++) {
    c[i] = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
    assert_true(c[i] > (int)_NTO_SIDE_CHANNEL);
  }
  errno = 0;
  assert_int_equal(ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0), -1);
  assert_int_equal(errno, EMFILE);
  assert_int_equal(ConnectDetach(c[2]), 0);
  c[2] = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(c[2] > (int)_NTO_SIDE_CHANNEL);
  /* an fd-space id (no _NTO_SIDE_CHANNEL) must be below the limit:
   * index >= limit EINVAL (:45-46), a picked id >= limit EMFILE (:163-168) */
  assert_int_equal(ConnectDetach(c[2]), 0);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, chid, 3, 0), -EINVAL);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, chid, 0, 0), 0); /* fd 0 */
  assert_int_equal(ConnectDetach(0), 0);
  c[2] = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  /* a process near its limit because of its other descriptors */
  nto_sim_set_rlimit_nofile(4, 1);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0), -EMFILE);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(ConnectDetach(c[i]), 0);
  }
  assert_int_equal(nto_sim_process_connections(), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
}

/* ------------------------------------------------------------------------ */
/* Other processes, _NTO_CHF_PRIVATE, dying processes                        */

/* ConnectAttach: "pid: The process ID of the owner of the channel. If pid is
 * zero, the calling process is assumed" (7.1); K/ker_connect.c:31, :66-81.
 * A thread acting as another process connects to OUR channel with our pid
 * and sends a pulse; it arrives with that connection's scoid. */
static void test_foreign_process_can_send_to_our_channel(void **state) {
  (void)state;
  int chid = ChannelCreate(0);
  int other = nto_sim_process_create();
  assert_true(other > 0);
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  int coid = ConnectAttach(ND_LOCAL_NODE, getpid(), chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid > (int)_NTO_SIDE_CHANNEL);
  assert_int_equal(MsgSendPulse(coid, 10, 1, 0x5eed), 0);
  assert_int_equal(nto_sim_set_thread_process(0), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(chid, &p), 0);
  assert_int_equal(p.code, 1);
  assert_int_equal(p.value.sival_int, 0x5eed);
  /* an unknown pid: ESRCH (K/ker_connect.c:66-68) */
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, other + 1, chid, _NTO_SIDE_CHANNEL, 0), -ESRCH);
  assert_int_equal(ChannelDestroy(chid), 0);
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  assert_int_equal(MsgSendPulse_r(coid, 10, 1, 0), -EBADF); /* channel gone */
  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(nto_sim_set_thread_process(0), 0);
}

/* The forging control does the same in one call, from any thread: another
 * process's pulse to our channel arrives; to a private channel it is
 * refused in the profiles that have the flag; our own process's stray pulse
 * is never refused. */
static void test_send_pulse_as_forges_from_any_process(void **state) {
  (void)state;
  int other = nto_sim_process_create();
  int chid = ChannelCreate(0);
  assert_int_equal(nto_sim_send_pulse_as(other, getpid(), chid, 10, 1, 99), 0);
  assert_int_equal(nto_sim_send_pulse_as(0, 0, chid, 10, 2, 98), 0); /* our own process */
  struct _pulse p;
  assert_int_equal(nto_poll(chid, &p), 0);
  assert_int_equal(p.value.sival_int, 99);
  assert_int_equal(nto_poll(chid, &p), 0);
  assert_int_equal(p.value.sival_int, 98);
#ifdef _NTO_CHF_PRIVATE
  int priv = ChannelCreate(_NTO_CHF_PRIVATE);
  assert_int_equal(nto_sim_send_pulse_as(other, getpid(), priv, 10, 1, 0), -NTO_SIM_PRIVATE_REFUSAL);
  assert_int_equal(nto_sim_send_pulse_as(0, 0, priv, 10, 1, 0), 0);
  assert_int_equal(nto_sim_queued_pulses(priv), 1);
  assert_int_equal(ChannelDestroy(priv), 0);
#endif
  assert_int_equal(nto_sim_send_pulse_as(other + 7, getpid(), chid, 10, 1, 0), -ESRCH);
  assert_int_equal(nto_sim_live_connections(), 0);
  assert_int_equal(ChannelDestroy(chid), 0);
}

/* _NTO_CHF_PRIVATE: only the creating process may connect (7.1 and 8.0
 * profiles; the errno of the refusal is a model choice, see nto_sim.h).
 * The 640 profile has no such flag (6.4 public neutrino.h:337-348; the 6.4
 * kernel never tests 0x1000): any process that knows pid and chid can
 * connect - what issue 16 is about. */
static void test_private_channel_refuses_other_processes(void **state) {
  (void)state;
  int other = nto_sim_process_create();
#ifdef _NTO_CHF_PRIVATE
  int chid = ChannelCreate(_NTO_CHF_PRIVATE);
  int own = ConnectAttach(ND_LOCAL_NODE, 0, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(own > (int)_NTO_SIDE_CHANNEL); /* the owner may */
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, getpid(), chid, _NTO_SIDE_CHANNEL, 0),
                   -NTO_SIM_PRIVATE_REFUSAL);
  assert_int_equal(nto_sim_set_thread_process(0), 0);
  assert_int_equal(ConnectDetach(own), 0);
#else
  assert_int_equal(nto_sim_profile(), 640);
  int chid = ChannelCreate(0x1000u); /* 6.6+'s value: meaningless to 6.4 */
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  int coid = ConnectAttach(ND_LOCAL_NODE, getpid(), chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid > (int)_NTO_SIDE_CHANNEL);
  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(nto_sim_set_thread_process(0), 0);
#endif
  assert_int_equal(ChannelDestroy(chid), 0);
}

/* K/nano_pulse.c:156-159 "Fail any pulse delivery attempt to a dying
 * process": ENXIO when the pulse would be queued on a channel of a process
 * that is terminating; K/ker_connect.c:84-86: ConnectAttach to it, ENXIO.
 * We attach to ANOTHER process's channel (pid != ours). */
static void test_send_to_dying_process_is_enxio(void **state) {
  (void)state;
  int other = nto_sim_process_create();
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  int chid = ChannelCreate(0);
  assert_int_equal(chid, 1); /* the other process has its own id space */
  assert_int_equal(nto_sim_set_thread_process(0), 0);
  int coid = ConnectAttach(ND_LOCAL_NODE, other, chid, _NTO_SIDE_CHANNEL, 0);
  assert_true(coid > (int)_NTO_SIDE_CHANNEL);
  assert_int_equal(MsgSendPulse(coid, 10, 1, 0), 0);
  assert_int_equal(nto_sim_set_process_dying(other, true), 0);
  errno = 0;
  assert_int_equal(MsgSendPulse(coid, 10, 2, 0), -1);
  assert_int_equal(errno, ENXIO);
  assert_int_equal(ConnectAttach_r(ND_LOCAL_NODE, other, chid, _NTO_SIDE_CHANNEL, 0), -ENXIO);
  assert_int_equal(ConnectDetach(coid), 0);
  assert_int_equal(nto_sim_set_process_dying(other, false), 0);
  assert_int_equal(nto_sim_set_thread_process(other), 0);
  assert_int_equal(nto_sim_queued_pulses(chid), 1); /* only the first */
  assert_int_equal(ChannelDestroy(chid), 0);
  assert_int_equal(nto_sim_set_thread_process(0), 0);
}

/* The ENXIO check comes AFTER the hand-over to a receive-blocked thread
 * (K/nano_pulse.c:99-154 before :156): a dying process's thread that is
 * already receive-blocked still gets the pulse. */
static void test_dying_process_blocked_receiver_still_gets_pulse(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  helper h;
  helper_start(&h, f.chid, 10, true);
  nto_wait_blocked(f.chid, 1);
  assert_int_equal(nto_sim_set_process_dying(0, true), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0), 0); /* handed over */
  helper_wait_stage(&h, 1);
  assert_int_equal(h.rc, 0);
  assert_int_equal(MsgSendPulse_r(f.coid, 10, 1, 0), -ENXIO); /* would queue */
  helper_finish(&h);
  assert_int_equal(nto_sim_set_process_dying(0, false), 0);
  nto_close(f);
}

/* 8.0: MsgSendPulse's value is a long (qnx-facts.md, 8.0 SDP header); the
 * receiver reads value.sival_int (the low half on a little-endian 64-bit
 * target) or the whole union. Identical means the whole long: two values
 * with the same low half do not merge. 7.1/6.4: the value is an int. */
static void test_pulse_value_type_per_profile(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
#if _NTO_VERSION >= 800
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 0x100000005L), 0);
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, 5L), 0); /* same low half: not identical */
  assert_int_equal(nto_sim_pulse_objects_in_use(), 2);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(p.value.sival_int, 5);
  assert_int_equal((long)(intptr_t)p.value.sival_ptr, 0x100000005L);
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal((long)(intptr_t)p.value.sival_ptr, 5L);
#else
  assert_int_equal(MsgSendPulse(f.coid, 10, 1, -7), 0);
  struct _pulse p;
  assert_int_equal(nto_poll(f.chid, &p), 0);
  assert_int_equal(p.value.sival_int, -7);
#endif
  nto_close(f);
}

/* ------------------------------------------------------------------------ */
/* TimerTimeout EAGAIN                                                       */

/* TimerTimeout can fail with EAGAIN when the kernel has no timer object
 * left (K/ker_timer.c ~409; qnx-facts.md). Injected: the call arms nothing,
 * so the next receive blocks without a timeout - code must check it. */
static void test_timer_timeout_eagain_arms_nothing(void **state) {
  (void)state;
  nto_fixture f = nto_open(0);
  nto_sim_fail_nth(NTO_SIM_CALL_TIMER_TIMEOUT, 1, EAGAIN);
  errno = 0;
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), -1);
  assert_int_equal(errno, EAGAIN);
  /* nothing armed: a second TimerTimeout reports 0 previous flags */
  assert_int_equal(TimerTimeout(CLOCK_MONOTONIC, _NTO_TIMEOUT_RECEIVE, NULL, NULL, NULL), 0);
  nto_close(f);
}

int main(void) {
#define T(f) cmocka_unit_test_setup_teardown(f, nto_reset_setup, nto_reset_teardown)
  const struct CMUnitTest tests[] = {
      T(test_received_pulse_lowers_priority_for_good),
      T(test_queued_pulse_sets_priority_at_receive),
      T(test_fixed_priority_channel_keeps_priority),
      T(test_sched_get_report_setting),
      T(test_last_chid_set_by_every_receive),
      T(test_ids_are_reused_lowest_free),
      T(test_queued_pulse_boosts_unrelated_thread_with_same_last_chid),
      T(test_boost_needs_same_last_chid_and_no_fixed_priority),
      T(test_server_boost_policy_setting),
      T(test_side_channels_count_against_rlimit_nofile),
      T(test_foreign_process_can_send_to_our_channel),
      T(test_private_channel_refuses_other_processes),
      T(test_send_pulse_as_forges_from_any_process),
      T(test_send_to_dying_process_is_enxio),
      T(test_dying_process_blocked_receiver_still_gets_pulse),
      T(test_pulse_value_type_per_profile),
      T(test_timer_timeout_eagain_arms_nothing),
  };
#undef T
  return cmocka_run_group_tests(tests, NULL, NULL);
}
