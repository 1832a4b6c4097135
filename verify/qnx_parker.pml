/*
 * qnx_parker.pml - Promela model of the QNX futex on per-thread parkers
 * (src/qnx/qnx_sync.c + src/qnx/qnx_parker.c): one channel per THREAD for
 * its lifetime, a fresh park token per wait, wake pulses carrying the token,
 * pulses other than WAKE(current token) dropped, and the return value
 * decided by the node state read under the futex lock - never by a pulse.
 * A forger sends arbitrary pulses (any code, any token) to any channel.
 * Labels [W1]..[W6], [K1] name the steps of the C file. Checked by
 * scripts/checks/20-spin.sh; see verify/README.md.
 *
 * Scenario (N = 2 waiter threads, each waiting TWICE on the same channel,
 * one waker, one forger):
 *   wait A: for word == 0, with or without a timeout (nondeterministic);
 *   wait B: for word == 1, timed (only its timeout may end it: the word is
 *     never changed back); a stale pulse of wait A (a wake that selected A
 *     as it timed out) is still queued on the thread's channel when B parks;
 *   the waker: wake(1) with the word unchanged, word = 1, wake_all;
 *   the forger: up to FORGED pulses, each with a nondeterministic target
 *     thread, code (ours or another) and token (any value a park can have).
 * Kernel semantics modelled: a pulse to a channel is queued, FIFO (one
 * receiver per channel: the kernel's receiver order cannot matter); a
 * receive takes the head pulse; a timeout may fire only while the queue is
 * empty (the queue is scanned first, 6.4 K/ker_fastmsg.c ~924 vs ~1120) and
 * also after a dropped pulse (the parker looks at the clock); EINTR may end
 * a receive (at most FAULTS times). The futex lock: one atomic step per
 * critical section (the C code does not block while holding it).
 * Checked (safety, exhaustive):
 *   - no lost wake-up: no invalid end state;
 *   - exact wake_all: a wait in the list at wake_all's call returns OK;
 *   - no return without state: a wait returns OK only if a wake selected
 *     THIS wait (ghost selected[]), and never with its node linked;
 *   - a wake is sent only to a live channel (no reused id), and a channel's
 *     queue never overflows its bound (stale pulses bounded).
 * Not checked here (time is abstract): that a timed wait leaves by its
 * deadline under a flood; the model only allows the timeout exits the code
 * has (incl. [W5]'s clock check after a right-token pulse); the flood is
 * tested on the Neutrino host model (tests/review/test_qnx_futex_flood.c).
 * Mutants (20-spin.sh runs them):
 *   MUTANT_TRUST_PULSE: return OK on WAKE(right token) without reading the
 *     node state: a forged pulse returns with the node still linked - MUST
 *     be caught (FORGED >= 1);
 *   MUTANT_TRUST_PULSE + MUTANT_NO_TOKEN, FORGED = 0: trust any WAKE pulse
 *     (the code before the parker): with a channel per thread, a stale
 *     pulse of wait A ends wait B - MUST be caught, with no forger at all;
 *   MUTANT_TRUST_PULSE alone with FORGED = 0 is NOT an error: the token
 *     alone filters stale pulses; the state check is what defeats forgery.
 * FAULTS (EINTR) defaults to 0: an EINTR makes park return early, exactly
 * like a forged pulse with the right token, which the forger covers.
 */

#define N 2
#define NONE 255
#define QCAP 4
#define CODE_WAKE 1
#define CODE_OTHER 2

#ifndef FAULTS
#define FAULTS 0
#endif
#ifndef FORGED
#define FORGED 1
#endif

#define R_NONE 0
#define R_OK 1
#define R_AGAIN 2
#define R_TIMEOUT 3

#define S_OFF 0
#define S_WAITING 1
#define S_WOKEN 2

byte word = 0;
byte wl[N];                 /* wait list: thread ids, next to wake first */
byte qlen = 0;
byte node_state[N];         /* the current wait's node of each thread */
byte node_token[N];         /* its park token */
byte tok[N];                /* each thread's last token (prepare) */
bool chan_alive[N];
chan q[N] = [QCAP] of { byte, byte };  /* (code, token) queued on thread i's channel */
bool selected[N];           /* ghost: a wake selected thread i's current wait */
bool present_at_wake_all[N];
byte faults_left = FAULTS;

inline list_insert(i) {
  k = qlen;
  do
  :: k > 0 -> wl[k] = wl[k - 1]; k--
  :: true -> break
  od;
  wl[k] = i;
  qlen++
}

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

inline is_linked(i, r) {
  r = false;
  k = 0;
  do
  :: k < qlen -> if :: wl[k] == i -> r = true :: else -> skip fi; k++
  :: else -> break
  od
}

/* [K1] under the lock: pop the head, mark it WOKEN, unpark it */
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
  selected[w] = true;
  assert(chan_alive[w]);
  assert(nfull(q[w]));
  q[w] ! CODE_WAKE, node_token[w]
}

/* one futex wait of thread id; res: its result */
inline futex_wait(expected, timed, res) {
  res = R_NONE;
  selected[id] = false;
  present_at_wake_all[id] = false;
  /* [W1] */
  if
  :: word != expected -> res = R_AGAIN
  :: else ->
     /* [W3] under the lock: fresh token, insert, re-check */
     atomic {
       tok[id]++;
       node_token[id] = tok[id];
       node_state[id] = S_WAITING;
       list_insert(id);
       if
       :: word != expected ->
          list_remove(id);
          node_state[id] = S_OFF;
          res = R_AGAIN
       :: else -> skip
       fi
     };
     do
     :: res != R_NONE -> break
     :: else ->
        /* [W4] park: only WAKE(token) ends it early; timeout when due */
        parked = R_NONE;
        do
        :: atomic { faults_left > 0 -> faults_left-- }; parked = R_OK; break /* EINTR: spurious */
        :: atomic {
             q[id] ? code, val ->
             if
#ifdef MUTANT_NO_TOKEN
             :: code == CODE_WAKE -> parked = R_OK
#else
             :: code == CODE_WAKE && val == node_token[id] -> parked = R_OK
#endif
             :: else ->
                if
                :: timed -> parked = R_TIMEOUT  /* the clock, after a dropped pulse */
                :: true -> skip                  /* dropped; park on */
                fi
             fi
           };
           if
           :: parked != R_NONE -> break
           :: else -> skip
           fi
        :: atomic { timed && empty(q[id]) -> parked = R_TIMEOUT }; break
        od;
#ifdef MUTANT_TRUST_PULSE
        if
        :: parked == R_OK -> res = R_OK; node_state[id] = S_OFF
        :: else -> skip
        fi;
#endif
        /* [W5]/[W6] under the lock: the node state decides */
        atomic {
          if
          :: res != R_NONE -> skip
          :: node_state[id] == S_WOKEN -> res = R_OK; node_state[id] = S_OFF
          :: node_state[id] == S_WAITING && parked == R_TIMEOUT ->
             list_remove(id);
             node_state[id] = S_OFF;
             res = R_TIMEOUT
          :: node_state[id] == S_WAITING && parked == R_OK -> skip /* forged: park again */
          :: node_state[id] == S_WAITING && parked == R_OK && timed ->
             /* forged, and the deadline has passed (the clock check of
              * [W5]: a right-token flood cannot hold a timed wait) */
             list_remove(id);
             node_state[id] = S_OFF;
             res = R_TIMEOUT
          fi
        }
     od
  fi;
  /* checks at return */
  atomic {
    is_linked(id, linked);
    assert(!linked);
    assert(res != R_OK || selected[id]);
    assert(!present_at_wake_all[id] || res == R_OK)
  }
}

proctype waiter(byte id) {
  byte k, code, val, res, parked;
  bool timed, linked;
  chan_alive[id] = true;
  if
  :: timed = true
  :: timed = false
  fi;
  futex_wait(0, timed, res);    /* wait A */
  futex_wait(1, true, res);     /* wait B: only its timeout ends it */
  /* thread exit: the key destructor releases the channel (queue freed) */
  atomic {
    chan_alive[id] = false;
    do
    :: nempty(q[id]) -> q[id] ? code, val
    :: empty(q[id]) -> break
    od
  }
}

proctype waker() {
  byte w, k;
  atomic {
    if
    :: qlen > 0 -> wake_head()
    :: else -> skip
    fi
  }
  word = 1;
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
}

/* Another process, or stray code of ours: any code, any token, any thread. */
proctype forger() {
  byte n = 0;
  do
  :: n < FORGED ->
     atomic {
       /* target thread t; code and token: a perfect forgery (our code, the
        * target's current token), a stale one (its previous token), or a
        * foreign code. A send to a channel that is gone or full fails. */
       if
       :: chan_alive[0] && nfull(q[0]) -> q[0] ! CODE_WAKE, node_token[0]
       :: chan_alive[0] && nfull(q[0]) -> q[0] ! CODE_WAKE, node_token[0] - 1
       :: chan_alive[0] && nfull(q[0]) -> q[0] ! CODE_OTHER, node_token[0]
       :: chan_alive[1] && nfull(q[1]) -> q[1] ! CODE_WAKE, node_token[1]
       :: chan_alive[1] && nfull(q[1]) -> q[1] ! CODE_WAKE, node_token[1] - 1
       :: chan_alive[1] && nfull(q[1]) -> q[1] ! CODE_OTHER, node_token[1]
       :: true -> skip
       fi;
       n++
     }
  :: n >= FORGED -> break
  od
}

init {
  byte i;
  atomic {
    i = 0;
    do
    :: i < N -> wl[i] = NONE; i++
    :: else -> break
    od;
    run waiter(0);
    run waiter(1);
    run waker();
    run forger()
  }
}
