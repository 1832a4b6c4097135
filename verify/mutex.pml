/*
 * mutex.pml - the protocol of src/core/mutex.c (wrt_mutex over any futex),
 * checked with spin: mutual exclusion, no lost wake-up (a thread asleep
 * in the futex with nobody left to wake it shows as an invalid end state),
 * and the bound of wrt/mutex.h (at most BYPASS_MAX acquisitions in a row
 * pass the waiters that asked).
 *
 * The word: st (its low two bits: 0 unlocked, 1 locked, 2 locked and maybe
 * contended), req (bits 8-31: how many waiters asked) and bypass (bits 2-7:
 * acquisitions by threads that had not asked since an asker last took it).
 *   lock:   CAS 0->1 (only a word nobody asked on), else the slow path:
 *     loop: read the word; free -> an asker takes it as `take` (req - 1,
 *             bypass = 0); a thread that has not asked takes it if req is
 *             0, or if bypass < BYPASS_MAX (bypass + 1); else waits;
 *           held -> this thread has seen it held (may now ask);
 *           free, asked for, bypass == BYPASS_MAX, this thread has not
 *             asked, its budget spent -> park: set parked, futex wait(word
 *             == that value); woken -> as below; timed out or AGAIN -> look
 *             again, unasked; an asker takes a parked word as 2 (parked
 *             cleared), so that its unlock wakes; the last asker to give
 *             up clears parked and wakes all;
 *           held and the budget spent -> mark: CAS (st 1 -> 2) keeping
 *             req and bypass; futex wait(word == the marked value): sleeps
 *             until a wake, or returns at once (word changed), at its
 *             timeout, or with an injected backend error (then
 *             pass_on_wake, withdraw its request, give up); woken: take =
 *             2, asks (if it had not);
 *           timed and the deadline passed (at any look) -> give up: pass
 *             the wake on if this thread was woken (take == 2), withdraw
 *             its request if it asked (the last one out clears bypass);
 *             TIMEOUT.
 *           Asking comes after a bounded spin with the lock seen held: any
 *           look after one that saw it held may be the one after which the
 *           thread asks. A thread that has not asked may pass at any look
 *           (the code: after its first step; the model allows more).
 *   unlock: st = 0, req and bypass kept; the old st == 2 -> wake one.
 *   pass_on_wake: st 1 -> 2 (req, bypass kept), else if st == 0, wake one.
 * trylock is the pass rule without the wait (take_if_free); not modelled
 * apart from lock's use of it.
 *
 * The bound, with ghosts that do not read the protocol's own count: a
 * thread has `waited` in this lock call once it has seen the lock held (by
 * another thread: it does not hold it while it looks) or been woken; at
 * each acquisition, `passes` counts the acquisitions in a row by threads
 * that had not waited while another thread had asked, and is reset by one
 * that had waited. assert(passes <= BYPASS_MAX). It does not rest on req:
 * a protocol in which a thread waiting on a free word asks (the old rule,
 * mutant MUTANT_ASK_ON_FREE) or passes uncounted fails it.
 * The futex: wait checks the whole word and joins the sleepers atomically
 * (the kernel's futex_wait under the hash-bucket lock); wake(1) releases any
 * one sleeper (the order is not the protocol's business).
 *
 * N threads lock (timed or not, chosen nondeterministically), count
 * themselves in and out of the critical section, and unlock; thread 0 does
 * it ROUNDS0 times, so that a thread can take a freed lock before a woken
 * one (which the timeout mutant needs). LOOKS bounds the looks before the
 * budget is spent. N=3, ROUNDS0=2, LOOKS=2: ~40 million states, ~150 s
 * with -DCOLLAPSE on a loaded 2-CPU host. The bound's runs: N=2,
 * ROUNDS0=4 (thread 0 comes back past the cap), safety and a non-progress
 * search under weak fairness (progress_cs), each ~1 s.
 *
 * Mutants (scripts/checks/21-spin-mutex.sh runs them; spin must find each):
 *   MUTANT_ASK_ON_FREE: a thread asks after a spin whether or not it saw
 *     the lock held (the rule before the bound: a holder coming back to a
 *     free word its woken waiter had not yet taken asked, took it, and the
 *     waiter lost the lock again and again); caught by the bound;
 *   MUTANT_PASS_UNCOUNTED: a thread that has not asked takes a free word
 *     without counting the pass; caught by the bound;
 *   MUTANT_NO_WITHDRAW: an asker that gives up stays registered, so the
 *     others wait for it forever on a free word; caught by the
 *     non-progress search (pan -l -f);
 *   MUTANT_PARKED_TAKEN_LOCKED: an asker takes a word a thread is parked
 *     on as 1, so its unlock wakes nobody: an invalid end state;
 *   MUTANT_NO_WAKE_PARKED_ON_WITHDRAW: the last asker to give up does not
 *     wake the parked: an invalid end state;
 *   MUTANT_TAKE_LOCKED_AFTER_WAKE: a woken thread takes the lock as 1, so
 *     the sleeper whose wake it consumed is never woken;
 *   MUTANT_NO_PASS_ON: a thread that leaves on a backend error does not pass
 *     on the wake it may have consumed;
 *   MUTANT_NO_PASS_ON_TIMEOUT: a woken thread that times out before it
 *     takes the lock does not pass the wake on.
 */
#ifndef N
#define N 3
#endif
#ifndef ROUNDS0
#define ROUNDS0 2
#endif
#ifndef LOOKS
#define LOOKS 2
#endif
#ifndef BYPASS_MAX
#define BYPASS_MAX 1
#endif
#define UNLOCKED 0
#define LOCKED 1
#define CONTENDED 2

byte st = UNLOCKED;
byte req = 0;
byte bypass = 0;
bool parked = false;
bool sleeping[N];
/* ghosts of the bound (see the header comment) */
bool asking[N];
byte n_asking = 0;
byte passes = 0;
byte in_cs = 0;
byte errors_left = 1; /* backend errors to inject, in all */

inline wake_one() {
  atomic {
    if
    :: sleeping[0] -> sleeping[0] = false
    :: sleeping[1] -> sleeping[1] = false
#if N > 2
    :: sleeping[2] -> sleeping[2] = false
#endif
#if N > 3
    :: sleeping[3] -> sleeping[3] = false
#endif
    :: else -> skip
    fi
  }
}

inline wake_all() {
  atomic {
    sleeping[0] = false;
    sleeping[1] = false;
#if N > 2
    sleeping[2] = false;
#endif
#if N > 3
    sleeping[3] = false;
#endif
  }
}

inline pass_on_wake() {
  atomic {
    if
    :: st == LOCKED -> st = CONTENDED
    :: st == UNLOCKED -> wake_one()
    :: else -> skip
    fi
  }
}

/* The ghost count at an acquisition by me (waited: me had waited). */
inline count_pass() {
  if
  :: waited -> passes = 0
  :: else ->
    if
    :: n_asking > 0 -> passes++ /* others: me is not asking as it takes */
    :: else -> passes = 0
    fi
  fi;
  assert(passes <= BYPASS_MAX)
}

/* Withdraws this thread's request (give up); the last one out clears the
 * pass count. */
inline withdraw() {
  atomic {
    if
#ifndef MUTANT_NO_WITHDRAW
    :: has_asked ->
      req--;
      asking[me] = false;
      n_asking--;
      if
      :: req == 0 ->
        bypass = 0;
        if
#ifndef MUTANT_NO_WAKE_PARKED_ON_WITHDRAW
        :: parked -> parked = false; wake_all()
#endif
        :: else -> parked = false
        fi
      :: else -> skip
      fi
#endif
    :: else -> skip
    fi
  }
}

proctype thread(byte me; byte rounds) {
  byte take, old, looks, mark_st, mark_req, mark_bypass;
  bool timed, has_asked, saw_held, waited, held, mark_parked, parking, slept, woken;
again:
  take = LOCKED;
  has_asked = false;
  saw_held = false;
  waited = false;
  held = false;
  if
  :: timed = true
  :: timed = false
  fi;
  /* fast path: only the word 0 */
  atomic {
    if
    :: st == UNLOCKED && req == 0 -> st = LOCKED; held = true; count_pass()
    :: else -> skip
    fi
  };
  looks = 0;
  do
  :: held -> break
  :: !held ->
    /* one look at the word */
    atomic {
      if
      :: st == UNLOCKED && has_asked ->
#ifndef MUTANT_PARKED_TAKEN_LOCKED
        st = (parked -> CONTENDED : take);
#else
        st = take;
#endif
        parked = false;
        req--; bypass = 0; asking[me] = false; n_asking--;
        held = true;
        count_pass()
      :: st == UNLOCKED && !has_asked && req == 0 ->
        st = take; held = true; count_pass()
      :: st == UNLOCKED && !has_asked && req > 0 && bypass < BYPASS_MAX ->
#ifndef MUTANT_PASS_UNCOUNTED
        bypass++;
#endif
        st = LOCKED; held = true; count_pass()
      :: st != UNLOCKED -> saw_held = true; waited = true
      :: else -> skip /* free, but the askers' turn */
      fi
    };
    if
    :: held -> break
    :: else -> skip
    fi;
    looks++;
#ifdef MUTANT_ASK_ON_FREE
    saw_held = true;
#endif
    if
    :: !has_asked && saw_held ->
      atomic { req++; has_asked = true; asking[me] = true; n_asking++ } /* spun WANT_UNITS */
    :: true -> skip
    fi;
    /* the deadline may pass at any look */
    if
    :: timed ->
#ifndef MUTANT_NO_PASS_ON_TIMEOUT
      if
      :: take == CONTENDED -> pass_on_wake()
      :: else -> skip
      fi;
#endif
      withdraw();
      goto gave_up
    :: true -> skip
    fi;
    /* the budget is spent (after any number of looks, at most LOOKS) */
    if
    :: looks >= LOOKS -> skip
    :: looks < LOOKS -> goto next_look
    :: true -> skip
    fi;
    looks = 0;
    /* mark: a held word contended (keeping req, bypass, parked), or a free
     * word this thread may not pass PARKED; else look again */
    atomic {
      if
      :: st == LOCKED -> st = CONTENDED; parking = false
      :: st == CONTENDED -> parking = false
      :: st == UNLOCKED && !has_asked && req > 0 && bypass >= BYPASS_MAX ->
        parked = true; parking = true
      :: else -> goto next_look_atomic /* changed: look again */
      fi;
      mark_st = st; mark_req = req; mark_bypass = bypass; mark_parked = parked
    };
    /* futex wait(word == the marked value) */
    atomic {
      if
      :: st == mark_st && req == mark_req && bypass == mark_bypass &&
         parked == mark_parked -> sleeping[me] = true; slept = true
      :: else -> slept = false /* AGAIN */
      fi
    };
    woken = slept;
    if
    :: atomic { !sleeping[me] -> skip } /* woken (or never slept) */
    /* A timed wait may return at its timeout. Spurious returns of untimed
     * waits are allowed by the futex API but not modelled: they would let
     * every sleeper escape and hide the lost wake-ups this model looks for
     * (a spurious return only retries, which the timed case covers). */
    :: atomic { timed && sleeping[me] -> sleeping[me] = false; woken = false }
    /* The backend fails after the thread was woken (so it may have consumed
     * a wake meant for nobody else) or without sleeping; not while asleep,
     * which would let a forgotten sleeper escape. */
    :: atomic { errors_left > 0 && !sleeping[me] -> errors_left-- } ->
#ifndef MUTANT_NO_PASS_ON
      pass_on_wake();
#endif
      withdraw();
      goto gave_up
    fi;
    /* a parking that timed out or never slept looks again, unasked */
    if
    :: parking && !woken -> goto next_look
    :: else -> skip
    fi;
#ifndef MUTANT_TAKE_LOCKED_AFTER_WAKE
    take = CONTENDED;
#endif
    waited = true;
    atomic {
      if
      :: !has_asked -> req++; has_asked = true; asking[me] = true; n_asking++
      :: else -> skip
      fi
    };
    goto next_look;
next_look_atomic:
    skip;
next_look:
    skip
  od;
  /* critical section (a progress label for the non-progress search) */
progress_cs:
  in_cs++;
  assert(in_cs == 1);
  in_cs--;
  /* unlock: the held state cleared, req and bypass kept */
  atomic { old = st; st = UNLOCKED };
  assert(old != UNLOCKED);
  if
  :: old == CONTENDED -> wake_one()
  :: else -> skip
  fi;
  goto done;
gave_up:
  skip;
done:
  if
  :: rounds > 1 -> rounds--; goto again
  :: else -> skip
  fi
}

init {
  atomic {
    byte i = 0;
    do
    :: i < N -> run thread(i, (i == 0 -> ROUNDS0 : 1)); i++
    :: else -> break
    od
  }
}
