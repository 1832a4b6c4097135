/*
 * wait_table.pml - Promela model of the wait table of src/core/wait_table.c
 * (one bucket: a lock, a FIFO list of waiter nodes, the atomic waiter count
 * that notify reads without the lock; node states WAITING / SENDING /
 * CHOSEN) over a per-thread parker with tokens (src/linux/linux_parker.c;
 * the QNX parker keeps the same token rules, but its park can also end
 * with OK on a FORGED wake pulse: modelled too). Checked by
 * scripts/checks/20-spin.sh.
 *
 * Scenario (one bucket shared by two addresses):
 *   waiters 0 and 1 wait on A for value 0, each with or without a timeout
 *   (nondeterministic); waiter 2 waits on B (same bucket), timed;
 *   the notifier does notify(A, 1) with the value unchanged, then stores
 *   A = 1, then notify(A, all), again as long as it reports a failure (as
 *   a caller does with the status).
 * Memory: the notifier's store to A goes through a store buffer (committed
 * by the process Mem at any later moment, as on x86-TSO or weaker); a
 * seq_cst fence waits until it is committed. The waiter's count increment is
 * a read-modify-write (committed at once). So the model has the reordering
 * that the fences of wait_any / notify exist to forbid.
 * Notify, per chosen waiter, under the lock: unlink, mark SENDING, then
 * unpark as a separate step, which may fail (at most FAULTS times a run;
 * a failed unpark may or may not have ended the park); on success mark
 * CHOSEN (its last touch of the node), on failure mark WAITING, relink at
 * the same place and stop.
 * The wake: by default as the Linux backend has it, unpark only marks the
 * word (CAS) and a kick (FUTEX_WAKE) wakes a sleeping park; the notifier
 * kicks a chosen waiter after marking it CHOSEN (the last one chosen after
 * the unlock), when the waiter may have returned: a kick names the
 * parker's address only, so it is allowed after gone[] (a kick of a
 * later park of the same parker is a spurious wake: it re-checks). A park
 * checks the word, then sleeps (one step against a kick, as FUTEX_WAIT)
 * until a kick, and re-checks. The kick cannot fail for a real parker
 * (wait_backend.h) and is modelled as not failing. With -DNO_KICK, as the
 * QNX backend: the unpark itself ends the park.
 * Waiter: park ends on its token's unpark (and kick), on a forged wake (OK,
 * at most FORGED times), early (AGAIN, at most SPURIOUS times) or, when
 * timed, by its timeout; after a park that ended with OK it returns WITHOUT the lock
 * if its node is CHOSEN (the C code re-reads a SENDING node a bounded
 * number of times: here any interleaving of that); otherwise it takes the
 * lock: CHOSEN there means woken, else it re-parks with a fresh token or,
 * timed out, unlinks itself.
 * Waiter, first: the probe, a read of the value before the lock and the
 * count (a fault there must hold nothing); a differing value returns
 * not-equal at once, an equal one goes on to the protocol above, whose read
 * after the count decides.
 * Checked:
 *   - no lost wake-up: an untimed waiter on A never stays parked forever
 *     (no invalid end state) although notify(A, all) follows the store;
 *   - a wait returns OK only if a notify counted it; the B waiter is never
 *     woken by a notify of A;
 *   - the notifier never touches a node (relink) or a parker (unpark) of a
 *     waiter that has returned (gone[]);
 *   - under the lock the count always equals the nodes linked (asserted at
 *     every unlock); at the end the count is 0 and the list empty.
 * Mutants (20-spin.sh requires spin to catch each):
 *   MUTANT_NO_FENCE: notify reads the count without first draining its
 *     store (no fence): a lost wake-up.
 *   MUTANT_CHECK_BEFORE_COUNT: the waiter reads the value before raising
 *     the count: a lost wake-up.
 *   MUTANT_PROBE_DECIDES: the probe's equal value alone sends the waiter
 *     to sleep (no read after the count): a lost wake-up.
 *   MUTANT_CHOSEN_BEFORE_UNPARK: the protocol before the review fix: the
 *     node is marked CHOSEN (leavable) before unpark: a waiter whose park
 *     ended early (forged pulse, or a failed unpark's CAS) leaves while its
 *     notifier still uses its parker and node.
 *   MUTANT_LEAVE_ON_SENDING: the waiter returns lock-free on SENDING too:
 *     the same touch of a returned waiter.
 *   MUTANT_KICK_BEFORE_UNPARK: the kick comes before the word is marked: a
 *     park that sleeps between the two is never woken (lost wake-up).
 */

#define N 3
#define A 1
#define B 2
#define NONE 255
#define SPURIOUS 1
#define FAULTS 1
#ifndef FORGED
#define FORGED 1
#endif

#define WAITING 0
#define SENDING 1
#define CHOSEN 2

#define R_NONE 0
#define R_OK 1
#define R_AGAIN 2
#define R_TIMEOUT 3

/* memory */
byte val[3];          /* val[A], val[B] */
bool pending;         /* the notifier's store A = 1 is still in its buffer */

/* the bucket */
bool locked;
byte count;           /* _Atomic waiters */
byte q[N];            /* FIFO of waiter ids, q[0] oldest */
byte qlen;

/* the nodes (on the waiters' stacks) */
byte addr_of[N];
byte state[N];        /* WAITING / SENDING / CHOSEN */
bool gone[N];         /* the waiter returned: its node and parker may go */
byte tok_of[N];       /* node.token */
byte result[N];
bool counted[N];      /* a notify counted this waiter in *woken */

/* the parkers: word 0 idle, t armed, t+1 unparked (t even) */
byte pword[N];
byte seq[N];
byte kicks[N];        /* kicks (FUTEX_WAKEs) of each parker's address */
byte spurious;
byte forged;
byte faults;
byte k_, u_;          /* scratch of the atomic steps, 0 between them */

inline lock() { atomic { !locked -> locked = true } }
inline unlock() {
  assert(count == qlen);
  locked = false
}

inline link(i) {
  q[qlen] = i;
  qlen++
}

/* removes position p from the list */
inline unlink_at(p) {
  k_ = p;
  do
  :: k_ + 1 < qlen -> q[k_] = q[k_ + 1]; k_++
  :: else -> break
  od;
  k_ = 0;
  qlen--;
  q[qlen] = NONE;
  count--
}

/* puts i back at position p (the undo of unlink_at) */
inline relink_at(i, p) {
  k_ = qlen;
  do
  :: k_ > p -> q[k_] = q[k_ - 1]; k_--
  :: else -> break
  od;
  k_ = 0;
  q[p] = i;
  qlen++;
  count++
}

inline unlink_self(i) {
  u_ = 0;
  do
  :: q[u_] == i -> break
  :: else -> u_++; assert(u_ < qlen)
  od;
  unlink_at(u_);
  u_ = 0
}

inline prepare(i) {
  seq[i] = seq[i] + 2;
  pword[i] = seq[i];
  tok_of[i] = seq[i]
}

/* unpark(p, tok): CAS tok -> tok + 1; a stale token does nothing */
inline unpark(j, t) {
  assert(!gone[j]);
  if
  :: pword[j] == t -> pword[j] = t + 1
  :: else -> skip
  fi
}

/* Steps that only touch state under the bucket lock are one atomic step
 * each (nothing else can see their inside); what notify's fast path reads
 * without the lock (count), the value check, the unpark and the claim are
 * separate steps. */
proctype Waiter(byte i; byte a; bool timed) {
  byte tok;
  byte st;
  byte seen;
  /* the probe (issue 26): the value read before any lock or count, so a
   * fault there holds nothing; a differing value is "not-equal" at once */
  if
  :: val[a] != 0 -> result[i] = R_AGAIN; goto done
  :: else -> skip
  fi;
  lock();
#ifdef MUTANT_CHECK_BEFORE_COUNT
  if
  :: val[a] != 0 -> unlock(); result[i] = R_AGAIN; goto done
  :: else -> skip
  fi;
  count++;
#else
  count++;               /* atomic_fetch_add, then the fence */
#ifndef MUTANT_PROBE_DECIDES
  if
  :: val[a] != 0 -> atomic { count--; unlock(); result[i] = R_AGAIN }; goto done
  :: else -> skip
  fi;
#endif
#endif
  atomic {
    addr_of[i] = a;
    state[i] = WAITING;
    prepare(i);
    tok = tok_of[i];
    link(i);
    unlock()
  };
park:
  /* park(tok): OK when unparked with this token (the word checked first,
   * then asleep until woken), AGAIN early, TIMEOUT by the timeout;
   * otherwise the waiter stays blocked here */
#ifdef NO_KICK
  /* the unpark is the wake: the park may end on it at any time */
  if
  :: pword[i] != tok -> st = R_OK
  :: atomic { forged < FORGED -> forged++ }; st = R_OK   /* QNX: a forged WAKE(tok) */
  :: atomic { spurious < SPURIOUS -> spurious++ }; st = R_AGAIN
  :: timed -> st = R_TIMEOUT
  fi;
#else
  if
  :: atomic { pword[i] != tok -> st = R_OK }
  :: atomic { pword[i] == tok -> seen = kicks[i] };
     if
     :: kicks[i] != seen -> seen = 0; goto park   /* woken: re-check the word */
     :: atomic { forged < FORGED -> forged++ }; st = R_OK
     :: atomic { spurious < SPURIOUS -> spurious++ }; st = R_AGAIN
     :: timed -> st = R_TIMEOUT
     fi;
     seen = 0
  fi;
#endif
  /* the lock-free exit: a CHOSEN node (chosen_and_released() in the C code) */
  if
#ifdef MUTANT_LEAVE_ON_SENDING
  :: atomic { st == R_OK && (state[i] == CHOSEN || state[i] == SENDING) -> result[i] = R_OK };
     goto done
#else
  :: atomic { st == R_OK && state[i] == CHOSEN -> result[i] = R_OK };
     goto done
#endif
  :: else -> skip
  fi;
  atomic {
    !locked -> locked = true;
    if
    :: state[i] == CHOSEN -> unlock(); result[i] = R_OK
    :: else ->
       if
       :: st != R_TIMEOUT ->
          /* early, or OK without a choice: fresh token, park again */
          assert(state[i] == WAITING);
          prepare(i);
          tok = tok_of[i];
          unlock()
       :: else ->
          unlink_self(i);
          unlock();
          result[i] = R_TIMEOUT
       fi
    fi
  };
  if
  :: result[i] == R_NONE -> st = 0; goto park
  :: else -> skip
  fi;
done:
  atomic {
    gone[i] = true;
    assert(a != B || result[i] != R_OK)
  }
}

/* notify(A, n): the fast path reads count without the lock */
inline notify(n) {
  if
  :: count == 0 -> skip
  :: else ->
     atomic { !locked -> locked = true; n_ = 0; p_ = 0; stop_ = false };
     do
     :: atomic { !stop_ && p_ < qlen && n_ < n && addr_of[q[p_]] != A -> p_++ }
     :: atomic {
          !stop_ && p_ < qlen && n_ < n && addr_of[q[p_]] == A ->
          j_ = q[p_];
          unlink_at(p_);
#ifdef MUTANT_CHOSEN_BEFORE_UNPARK
          state[j_] = CHOSEN
#else
          state[j_] = SENDING
#endif
        };
        /* unpark: a separate step; the waiter's park may end meanwhile
         * (forged wake, or the unpark itself), but it may not leave */
        if
        :: 
#ifdef MUTANT_KICK_BEFORE_UNPARK
           kicks[j_]++;
#endif
           atomic { unpark(j_, tok_of[j_]) };
           atomic { assert(!gone[j_]); state[j_] = CHOSEN; counted[j_] = true; n_++ };
#if !defined(NO_KICK) && !defined(MUTANT_KICK_BEFORE_UNPARK)
           /* the kick of the one chosen before, still under the lock */
           atomic {
             if
             :: kj_ != NONE -> kicks[kj_]++
             :: else -> skip
             fi;
             kj_ = j_
           }
#endif
        :: atomic {
             faults < FAULTS -> faults++;
             /* failed; it may still have ended the park (Linux: CAS done,
              * FUTEX_WAKE failed) */
             if
             :: assert(!gone[j_]); pword[j_] = tok_of[j_] + 1
             :: skip
             fi
           };
           atomic {
             assert(!gone[j_]);
             state[j_] = WAITING;
             relink_at(j_, p_);
             stop_ = true;
             failed_ = true
           }
        fi
     :: else -> break
     od;
     atomic { unlock(); n_ = 0; p_ = 0; j_ = 0; stop_ = false };
     /* the last one's kick, after the unlock (its waiter may be gone) */
     atomic {
       if
       :: kj_ != NONE -> kicks[kj_]++; kj_ = NONE
       :: else -> skip
       fi
     }
  fi
}

proctype Mem() {
  pending -> atomic { val[A] = 1; pending = false }
}

proctype Notifier() {
  byte n_, p_, j_;
  byte kj_ = NONE;
  bool stop_, failed_;
  notify(1);
  pending = true;        /* the store A = 1, buffered */
#ifndef MUTANT_NO_FENCE
  !pending;              /* atomic_thread_fence(seq_cst) */
#endif
  /* a notify that failed (its status says so) is retried by the caller */
  do
  :: notify(N);
     if
     :: failed_ -> failed_ = false
     :: else -> break
     fi
  od
}

init {
  byte i;
  for (i : 0 .. N - 1) {
    q[i] = NONE
  }
  atomic {
    if
    :: run Waiter(0, A, false)
    :: run Waiter(0, A, true)
    fi;
    if
    :: run Waiter(1, A, false)
    :: run Waiter(1, A, true)
    fi;
    run Waiter(2, B, true);
    run Notifier();
    run Mem()
  }
  _nr_pr == 1;
  assert(count == 0 && qlen == 0 && !locked);
  /* OK exactly when a notify counted it (the count is final only when
   * that notify returns, so it is checked at the end) */
  for (i : 0 .. N - 1) {
    assert((result[i] == R_OK) == counted[i])
  }
}
