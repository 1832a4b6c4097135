/*
 * mutex.pml - the protocol of src/core/mutex.c (wrt_mutex over any futex),
 * checked with spin: mutual exclusion, and no lost wake-up (a thread asleep
 * in the futex with nobody left to wake it shows as an invalid end state).
 *
 * The word: 0 unlocked, 1 locked, 2 locked and maybe contended.
 *   lock:   CAS 0->1, else the slow path:
 *     loop: spin (reads only; CAS 0->take when it reads 0), bounded here to
 *           SPIN reads (0 reads is the budget-0 case);
 *           if word != 2: old = exchange(word, 2); old == 0 -> held;
 *           timed and the deadline passed -> TIMEOUT (word stays 2);
 *           futex wait(word == 2): sleeps until a wake, or returns at once
 *             (word changed), spuriously, at its timeout, or with an
 *             injected backend error (then pass_on_wake and give up);
 *           take = 2 (a woken thread only ever takes the lock as 2).
 *   unlock: old = exchange(word, 0); old == 2 -> wake one.
 *   pass_on_wake: CAS 1->2, else if the word is 0, wake one.
 * The futex: wait checks the word and joins the sleepers atomically (the
 * kernel's futex_wait under the hash-bucket lock); wake(1) releases any one
 * sleeper (the order is not the protocol's business).
 *
 * N threads each lock once (timed or not, chosen nondeterministically),
 * count themselves in and out of the critical section, and unlock.
 *
 * Mutants (scripts/checks/21-spin-mutex.sh runs them; spin must find each):
 *   MUTANT_TAKE_LOCKED_AFTER_WAKE: a woken thread takes the lock as 1, so
 *     the sleeper whose wake it consumed is never woken;
 *   MUTANT_NO_PASS_ON: a thread that leaves on a backend error does not pass
 *     on the wake it may have consumed.
 */
#ifndef N
#define N 3
#endif
#ifndef SPIN
#define SPIN 2
#endif
#define UNLOCKED 0
#define LOCKED 1
#define CONTENDED 2

byte word = UNLOCKED;
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
    :: else -> skip
    fi
  }
}

proctype thread(byte me) {
  byte take = LOCKED, old, reads;
  bool timed, held = false;
  if
  :: timed = true
  :: timed = false
  fi;
  /* fast path */
  atomic {
    if
    :: word == UNLOCKED -> word = LOCKED; held = true
    :: else -> skip
    fi
  };
  do
  :: held -> break
  :: !held ->
    /* spin: reads only, CAS when the word reads 0 */
    reads = 0;
    do
    :: reads < SPIN ->
      reads++;
      atomic {
        if
        :: word == UNLOCKED -> word = take; held = true
        :: else -> skip
        fi
      };
      if
      :: held -> break
      :: else -> skip
      fi
    :: true -> break /* the budget ran out (any number of reads) */
    od;
    if
    :: held -> break
    :: else -> skip
    fi;
    /* mark contended just before sleeping, only if not already */
    if
    :: word != CONTENDED ->
      atomic { old = word; word = CONTENDED };
      if
      :: old == UNLOCKED -> held = true; break
      :: else -> skip
      fi
    :: else -> skip
    fi;
    if
    :: timed -> goto gave_up /* the deadline has passed: TIMEOUT */
    :: true -> skip
    fi;
    /* futex wait(word == CONTENDED) */
    atomic {
      if
      :: word == CONTENDED -> sleeping[me] = true
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
      /* pass_on_wake */
      atomic {
        if
        :: word == LOCKED -> word = CONTENDED
        :: word == UNLOCKED -> wake_one()
        :: else -> skip
        fi
      };
#endif
      goto done
    fi;
#ifndef MUTANT_TAKE_LOCKED_AFTER_WAKE
    take = CONTENDED
#endif
  od;
  /* critical section */
  in_cs++;
  assert(in_cs == 1);
  in_cs--;
  /* unlock */
  atomic { old = word; word = UNLOCKED };
  assert(old != UNLOCKED);
  if
  :: old == CONTENDED -> wake_one()
  :: else -> skip
  fi;
  goto done;
gave_up:
  skip;
done:
  skip
}

init {
  atomic {
    byte i = 0;
    do
    :: i < N -> run thread(i); i++
    :: else -> break
    od
  }
}
