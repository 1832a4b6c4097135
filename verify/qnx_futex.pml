/*
 * qnx_futex.pml - Promela model of the QNX futex protocol of
 * src/qnx/qnx_sync.c (per-wait private channels + a wait list under a
 * lock; a new waiter is inserted at any position, which covers the C code's
 * priority order and its FIFO option). Labels [W1]..[W7], [K1] name the
 * same steps as the comments in the C file. Checked by
 * scripts/checks/20-spin.sh; see verify/README.md.
 *
 * Scenario (N = 3 waiters, one waker):
 *   waiters 0 and 1 wait for word == 0, each with or without a timeout
 *   (chosen nondeterministically); waiter 2 waits for word == 1 with a
 *   timeout (it arrives "after" the change, like a thread of the next round);
 *   the waker does wake(1) with the word unchanged, then word = 1, then
 *   wake_all.
 * Kernel semantics modelled:
 *   - a pulse sent to a channel with no receive-blocked thread is queued
 *     (Getting Started, "Pulses"); a receive with a queued pulse returns it at
 *     once; a blocked receive takes the next pulse. Every channel here has one
 *     receiver, so the kernel's (undocumented) receiver order cannot matter.
 *   - a timeout may fire at any moment while no pulse is queued
 *     (TimerTimeout); EINTR and other kernel errors may end any receive
 *     (nondeterministic).
 *   - ChannelDestroy frees the queued pulses of the channel; a send to a
 *     destroyed channel's connection would be a bug (a reused coid): asserted
 *     never to happen.
 *   - the list lock: each critical section is one atomic step (the C code
 *     does no blocking call while holding it; MsgSendPulse does not block).
 *   - kernel-call failures (W2, W3's SchedGet, W4) are injected at most
 *     FAULTS times a run.
 * Checked:
 *   - no lost wake-up: no invalid end state (a waiter left blocked forever);
 *   - wake_all wakes every waiter in the list at its call: such a waiter
 *     returns OK (assert at the waiter's end);
 *   - stale pulses bounded: at most one queued pulse per channel and at most
 *     N in all (asserted at every send); none survives its wait;
 *   - no pulse is ever sent to a channel that is gone.
 */

#define N 3
#define NONE 255

/* MUTANT_NO_RECHECK (20-spin.sh builds it to prove the check can fail):
 * drop the re-check of [W3], leaving only [W1]: a lost wake-up. */
/* MUTANT_SEND_OUTSIDE_LOCK: the waker sends after releasing the lock; a
 * waiter that timed out may already have destroyed its channel ([W7]). */
#ifdef MUTANT_NO_RECHECK
#define RECHECK(c) false
#else
#define RECHECK(c) (c)
#endif

/* results */
#define R_NONE 0
#define R_OK 1
#define R_AGAIN 2
#define R_TIMEOUT 3
#define R_OS 4

/* waiter node states (WAITER_* in the C file) */
#define S_OFF 0
#define S_WAITING 1
#define S_WOKEN 2

byte word = 0;
byte wl[N];           /* wait list: ids, next to wake first */
byte qlen = 0;
byte node_state[N];
bool chan_alive[N];
byte pulses[N];         /* pulses queued on waiter i's channel */
byte total_queued = 0;
bool present_at_wake_all[N];
byte result[N];
bool to_send[N];        /* MUTANT_SEND_OUTSIDE_LOCK only */
/* Kernel-call failures (EINTR, other errors of the receive) the checker may
 * inject in one run: bounded, so that a waiter that really blocks can only
 * be ended by a pulse or its timeout (what makes a lost wake-up an invalid
 * end state). */
#ifndef FAULTS
#define FAULTS 2
#endif
byte faults_left = FAULTS;

/* [W3] insert i at ANY position (nondeterministic): the C code inserts by
 * priority (highest first, FIFO among equals) or at the tail (FIFO option);
 * every such position is one of these, so what is checked here holds for
 * every wake order. Which order wake picks is tested on the host model. */
inline list_insert(i) {
  k = qlen;
  do
  :: k > 0 -> wl[k] = wl[k - 1]; k--
  :: true -> break
  od;
  wl[k] = i;
  qlen++
}

/* unlink i wherever it is (keeps FIFO order of the others) */
inline list_remove(i) {
  k = 0;
  do
  :: k < qlen && wl[k] != i -> k++
  :: k < qlen && wl[k] == i ->
     do
     :: k + 1 < qlen -> wl[k] = wl[k + 1]; k++
     :: else -> break
     od;
     qlen--;
     wl[qlen] = NONE;
     break
  :: k >= qlen -> break
  od
}

/* [K1] MsgSendPulse to the waiter's own channel: queued (one receiver) */
inline send_pulse(i) {
  assert(chan_alive[i]);          /* never to a destroyed channel / reused coid */
  assert(pulses[i] == 0);         /* at most one pulse per wait */
  pulses[i]++;
  total_queued++;
  assert(total_queued <= N)
}

/* [K1] pop the head of the list (the next in wake order), mark it WOKEN,
 * send its pulse */
inline wake_head() {
  w = wl[0];
  k = 0;
  do
  :: k + 1 < qlen -> wl[k] = wl[k + 1]; k++
  :: else -> break
  od;
  qlen--;
  wl[qlen] = NONE;
  node_state[w] = S_WOKEN;
#ifdef MUTANT_SEND_OUTSIDE_LOCK
  to_send[w] = true
#else
  send_pulse(w)
#endif
}

/* MUTANT_SEND_OUTSIDE_LOCK only: the sends done after the lock is released */
inline send_pending() {
  k = 0;
  do
  :: k < N -> if
              :: to_send[k] -> atomic { to_send[k] = false; send_pulse(k) }
              :: else -> skip
              fi;
              k++
  :: else -> break
  od
}

/* mode: 0 no timeout, 1 with or without (nondeterministic), 2 with */
proctype waiter(byte id; byte expected; byte mode) {
  byte k;
  bool timed;
  if
  :: mode == 2 -> timed = true
  :: mode == 1 -> timed = true
  :: mode == 1 -> timed = false
  :: mode == 0 -> timed = false
  fi;

  /* [W1] word != expected -> AGAIN without any kernel call */
  if
  :: word != expected -> result[id] = R_AGAIN; goto done
  :: else -> skip
  fi;

  /* [W2] ChannelCreate + ConnectAttach (may fail: nothing else held) */
  if
  :: true -> chan_alive[id] = true
  :: atomic { faults_left > 0 -> faults_left-- }; result[id] = R_OS; goto done
  fi;

  /* [W3] SchedGet (priority order only) may fail: the wait fails and
   * releases its channel, before anything is linked */
  if
  :: true -> skip
  :: atomic { faults_left > 0 -> faults_left-- }; result[id] = R_OS; goto release
  fi;
  /* [W3] under the lock: insert in wake order, THEN re-check the word */
  atomic {
    node_state[id] = S_WAITING;
    list_insert(id);
    if
    :: RECHECK(word != expected) ->
       list_remove(id);
       node_state[id] = S_OFF;
       result[id] = R_AGAIN
    :: else -> skip
    fi
  }
  if
  :: result[id] == R_AGAIN -> goto release
  :: else -> skip
  fi;

  /* [W4] TimerTimeout + MsgReceivePulse on our own channel */
receive:
  if
  :: atomic { faults_left > 0 -> faults_left-- };
     if
     :: goto receive                              /* EINTR: same deadline */
     :: result[id] = R_OS; goto leave             /* any other kernel error */
     fi
  :: true ->
     /* really blocked: only a pulse or the timeout ends it */
     if
     :: atomic { pulses[id] > 0 -> pulses[id]--; total_queued-- };
        result[id] = R_OK;       /* [W5] the waker unlinked us */
        goto release
     :: timed && pulses[id] == 0 -> result[id] = R_TIMEOUT; goto leave
     fi
  fi;

  /* [W6] under the lock: still linked -> unlink; else the pulse is sent */
leave:
  atomic {
    if
    :: node_state[id] == S_WAITING -> list_remove(id)
    :: node_state[id] == S_WOKEN -> result[id] = R_OK
    fi;
    node_state[id] = S_OFF
  }

  /* [W7] ConnectDetach + ChannelDestroy: a queued pulse is freed with it */
release:
  atomic {
    chan_alive[id] = false;
    total_queued = total_queued - pulses[id];
    pulses[id] = 0
  }

done:
  /* wake_all woke every waiter that was in the list at its call */
  assert(!present_at_wake_all[id] || result[id] == R_OK);
  assert(result[id] != R_NONE)
}

proctype waker() {
  byte w, k;
  /* wake(1) with the word unchanged: wakes the head waiter, if any */
  atomic {
    if
    :: qlen > 0 -> wake_head()
    :: else -> skip
    fi
  }
#ifdef MUTANT_SEND_OUTSIDE_LOCK
  send_pending();
#endif
  word = 1;
  /* wake_all: every waiter in the list now */
  atomic {
    k = 0;
    do
    :: k < qlen -> present_at_wake_all[wl[k]] = true; k++
    :: else -> break
    od;
    do
    :: qlen > 0 -> wake_head()
    :: else -> break
    od
  }
#ifdef MUTANT_SEND_OUTSIDE_LOCK
  send_pending()
#endif
}

init {
  byte i;
  atomic {
    i = 0;
    do
    :: i < N -> wl[i] = NONE; i++
    :: else -> break
    od;
    run waiter(0, 0, 1);
    run waiter(1, 0, 1);
    run waiter(2, 1, 2);  /* the next round's waiter: only a timeout ends it */
    run waker()
  }
}
