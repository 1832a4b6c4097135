/*
 * wait_table.pml - Promela model of the wait table of src/core/wait_table.c
 * (one bucket: a lock, a FIFO list of waiter nodes, the atomic waiter count
 * that notify reads without the lock) over a per-thread parker with tokens
 * (src/linux/linux_parker.c; the QNX parker keeps the same token rules).
 * Checked by scripts/checks/20-spin.sh.
 *
 * Scenario (one bucket shared by two addresses):
 *   waiters 0 and 1 wait on A for value 0, each with or without a timeout
 *   (nondeterministic); waiter 2 waits on B (same bucket), timed;
 *   the notifier does notify(A, 1) with the value unchanged, then stores
 *   A = 1, then notify(A, all).
 * Memory: the notifier's store to A goes through a store buffer (committed
 * by the process Mem at any later moment, as on x86-TSO or weaker); a
 * seq_cst fence waits until it is committed. The waiter's count increment is
 * a read-modify-write (committed at once). So the model has the reordering
 * that the fences of wait_any / notify exist to forbid.
 * Parker: prepare() gives a fresh token; unpark(tok) wakes only the park of
 * that token (a stale one does nothing); park may also end spuriously (at
 * most SPURIOUS times a run) or, when timed, by its timeout at any moment.
 * Checked:
 *   - no lost wake-up: an untimed waiter on A never stays parked forever
 *     (no invalid end state) although notify(A, all) follows the store;
 *   - a wait returns OK only if a notify marked it woken (and counted it);
 *     the B waiter is never woken by a notify of A;
 *   - at the end the count is 0 and the list is empty; under the lock the
 *     count always equals the nodes linked (asserted at every unlock).
 * Mutants (20-spin.sh requires spin to catch each):
 *   MUTANT_NO_FENCE: notify reads the count without first draining its
 *     store (no fence): a lost wake-up.
 *   MUTANT_CHECK_BEFORE_COUNT: the waiter reads the value before raising
 *     the count: a lost wake-up.
 */

#define N 3
#define A 1
#define B 2
#define NONE 255
#define SPURIOUS 1

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
bool woken[N];
byte tok_of[N];       /* node.token */
byte result[N];
bool counted[N];      /* a notify counted this waiter in *woken */

/* the parkers: word 0 idle, t armed, t+1 unparked (t even) */
byte pword[N];
byte seq[N];
byte spurious;
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
  if
  :: pword[j] == t -> pword[j] = t + 1
  :: else -> skip
  fi
}

/* Steps that only touch state under the bucket lock are one atomic step
 * each (nothing else can see their inside); what notify's fast path reads
 * without the lock (count) and the value check are separate steps. */
proctype Waiter(byte i; byte a; bool timed) {
  byte tok;
  byte st;
  lock();
#ifdef MUTANT_CHECK_BEFORE_COUNT
  if
  :: val[a] != 0 -> unlock(); result[i] = R_AGAIN; goto done
  :: else -> skip
  fi;
  count++;
#else
  count++;               /* atomic_fetch_add, then the fence */
  if
  :: val[a] != 0 -> atomic { count--; unlock(); result[i] = R_AGAIN }; goto done
  :: else -> skip
  fi;
#endif
  atomic {
    addr_of[i] = a;
    woken[i] = false;
    prepare(i);
    tok = tok_of[i];
    link(i);
    unlock()
  };
park:
  /* park(tok): ends when unparked with this token, spuriously, or by the
   * timeout; otherwise the waiter stays blocked here */
  if
  :: pword[i] != tok -> st = R_OK
  :: atomic { spurious < SPURIOUS -> spurious++ }; st = R_OK
  :: timed -> st = R_TIMEOUT
  fi;
  atomic {
    !locked -> locked = true;
    if
    :: woken[i] -> unlock(); result[i] = R_OK; st = 0
    :: else ->
       if
       :: st == R_OK ->
          /* spurious: fresh token, park again */
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
  assert(result[i] != R_OK || (woken[i] && counted[i]));
  assert(a != B || result[i] != R_OK)
}

/* notify(A, n): the fast path reads count without the lock; the locked part
 * is one atomic step */
inline notify(n) {
  if
  :: count == 0 -> skip
  :: else ->
     atomic {
       !locked -> locked = true;
       n_ = 0;
       p_ = 0;
       do
       :: p_ < qlen && n_ < n ->
          j_ = q[p_];
          if
          :: addr_of[j_] == A ->
             unpark(j_, tok_of[j_]);
             woken[j_] = true;
             counted[j_] = true;
             unlink_at(p_);
             n_++
          :: else -> p_++
          fi
       :: else -> break
       od;
       unlock();
       n_ = 0;
       p_ = 0;
       j_ = 0
     }
  fi
}

proctype Mem() {
  pending -> atomic { val[A] = 1; pending = false }
}

proctype Notifier() {
  byte n_, p_, j_;
  notify(1);
  pending = true;        /* the store A = 1, buffered */
#ifndef MUTANT_NO_FENCE
  !pending;              /* atomic_thread_fence(seq_cst) */
#endif
  notify(N)
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
  assert(count == 0 && qlen == 0 && !locked)
}
