/*
 * mutex.pml - the protocol of src/core/mutex.c (wrt_mutex over any futex),
 * checked with spin: mutual exclusion, and no lost wake-up (a thread asleep
 * in the futex with nobody left to wake it shows as an invalid end state).
 *
 * The word: st (its low two bits: 0 unlocked, 1 locked, 2 locked and maybe
 * contended) and handoff (bit 2: an entitled waiter asks for the lock).
 *   lock:   CAS 0->1 (a free word with handoff set is not taken here),
 *           else the slow path:
 *     loop: read the word; free -> take it as `take` if handoff is clear or
 *             this thread is entitled (an entitled taker clears handoff);
 *           held and entitled and handoff clear -> set handoff;
 *           held and the budget spent -> mark: CAS (st 1 -> 2) keeping
 *             handoff; futex wait(word == the marked value): sleeps until a
 *             wake, or returns at once (word changed), at its timeout, or
 *             with an injected backend error (then pass_on_wake, withdraw
 *             handoff, give up); woken: take = 2, entitled;
 *           timed and the deadline passed (at any look) -> give up: pass
 *             the wake on if this thread was woken (take == 2), withdraw
 *             handoff if entitled; TIMEOUT.
 *           Being entitled comes after a bounded spin: any look may be the
 *           one after which the thread is entitled.
 *   unlock: st = 0, handoff kept; the old st == 2 -> wake one.
 *   pass_on_wake: st 1 -> 2 (handoff kept), else if st == 0, wake one.
 * The futex: wait checks the whole word and joins the sleepers atomically
 * (the kernel's futex_wait under the hash-bucket lock); wake(1) releases any
 * one sleeper (the order is not the protocol's business).
 *
 * N threads lock (timed or not, chosen nondeterministically), count
 * themselves in and out of the critical section, and unlock; thread 0 does
 * it ROUNDS0 times, so that a thread can take a freed lock before a woken
 * one (which the timeout mutant needs). LOOKS bounds the looks before the
 * budget is spent. N=3, ROUNDS0=2, LOOKS=2: ~21 million states, ~25 s
 * with -DCOLLAPSE, ~1 GB.
 *
 * Mutants (scripts/checks/21-spin-mutex.sh runs them; spin must find each):
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
#define UNLOCKED 0
#define LOCKED 1
#define CONTENDED 2

byte st = UNLOCKED;
bool handoff = false;
bool sleeping[N];
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

inline pass_on_wake() {
  atomic {
    if
    :: st == LOCKED -> st = CONTENDED
    :: st == UNLOCKED -> wake_one()
    :: else -> skip
    fi
  }
}

proctype thread(byte me; byte rounds) {
  byte take, old, looks;
  bool timed, entitled, held, mark_handoff;
again:
  take = LOCKED;
  entitled = false;
  held = false;
  if
  :: timed = true
  :: timed = false
  fi;
  /* fast path: only the word 0 */
  atomic {
    if
    :: st == UNLOCKED && !handoff -> st = LOCKED; held = true
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
      :: st == UNLOCKED && (!handoff || entitled) ->
        st = take;
        if
        :: entitled -> handoff = false
        :: else -> skip
        fi;
        held = true
      :: st != UNLOCKED && entitled && !handoff -> handoff = true
      :: else -> skip
      fi
    };
    if
    :: held -> break
    :: else -> skip
    fi;
    looks++;
    if
    :: !entitled -> entitled = true /* spun WANT_UNITS */
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
      if
      :: entitled -> handoff = false
      :: else -> skip
      fi;
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
    /* mark contended, keeping handoff; only a held word */
    atomic {
      if
      :: st == LOCKED -> st = CONTENDED; mark_handoff = handoff
      :: st == CONTENDED -> mark_handoff = handoff
      :: else -> goto next_look_atomic /* changed: look again */
      fi
    };
    /* futex wait(word == CONTENDED | mark_handoff) */
    atomic {
      if
      :: st == CONTENDED && handoff == mark_handoff -> sleeping[me] = true
      :: else -> skip /* AGAIN */
      fi
    };
    if
    :: atomic { !sleeping[me] -> skip } /* woken (or never slept) */
    /* A timed wait may return at its timeout. Spurious returns of untimed
     * waits are allowed by the futex API but not modelled: they would let
     * every sleeper escape and hide the lost wake-ups this model looks for
     * (a spurious return only retries, which the timed case covers). */
    :: atomic { timed && sleeping[me] -> sleeping[me] = false }
    /* The backend fails after the thread was woken (so it may have consumed
     * a wake meant for nobody else) or without sleeping; not while asleep,
     * which would let a forgotten sleeper escape. */
    :: atomic { errors_left > 0 && !sleeping[me] -> errors_left-- } ->
#ifndef MUTANT_NO_PASS_ON
      pass_on_wake();
#endif
      if
      :: entitled -> handoff = false
      :: else -> skip
      fi;
      goto gave_up
    fi;
#ifndef MUTANT_TAKE_LOCKED_AFTER_WAKE
    take = CONTENDED;
#endif
    entitled = true;
    goto next_look;
next_look_atomic:
    skip;
next_look:
    skip
  od;
  /* critical section */
  in_cs++;
  assert(in_cs == 1);
  in_cs--;
  /* unlock: the held state cleared, handoff kept */
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
