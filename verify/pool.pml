/*
 * pool.pml - Promela model of the slot pool's free list (src/core/pool.c):
 * a Treiber stack of slot indices whose head is one word, generation << 32
 * | index, changed only by compare-exchange; a push stores the old head's
 * index in the slot's next, then swings the head; a pop reads the head,
 * then the head slot's next, then swings the head to it. Every successful
 * swing bumps the generation. Checked by scripts/checks/22-spin-pool.sh.
 *
 * Scenario: THREADS threads (2; 3 did not finish in 10 minutes), each
 * twice: acquire one slot, try to acquire a second (the pool may be full:
 * LIMIT), release them in either order. Two threads suffice for ABA: one
 * stalls inside a pop while the other pops two slots and pushes one back.
 * SLOTS slots, all free at the start. Any interleaving of the single
 * atomic steps (each load, each store, each compare-exchange).
 * Checked:
 *   - no slot is ever held by two threads (asserted at each acquire);
 *   - at the end every slot is on the list exactly once (nothing lost,
 *     nothing linked twice, no cycle) and the head is consistent;
 *   - no invalid end state (no thread stuck).
 * The generation is a byte here: no run does 256 operations, so it never
 * wraps (in C it is 32 bits; see pool.c on the wrap).
 * Mutant (must be caught): MUTANT_NO_GENERATION, a compare-exchange on the
 * index alone - the ABA race the tag is there to stop (a pop delayed
 * between reading next and its compare-exchange installs a stale next).
 */
#define SLOTS 3
#ifndef THREADS
#define THREADS 2
#endif
#define NONE 255

byte head_idx = 0;
byte head_gen = 0;
byte next[SLOTS];
byte holders[SLOTS];
byte finished = 0;

#ifdef MUTANT_NO_GENERATION
#define SAME_HEAD(i, g) (head_idx == i)
#else
#define SAME_HEAD(i, g) (head_idx == i && head_gen == g)
#endif

inline pop(r) {
  r = NONE;
  do
  :: atomic { h_i = head_idx; h_g = head_gen };
     if
     :: h_i == NONE -> break
     :: else -> skip
     fi;
     nx = next[h_i];
     atomic {
       if
       :: SAME_HEAD(h_i, h_g) -> head_idx = nx; head_gen = h_g + 1; r = h_i
       :: else -> skip
       fi
     };
     if
     :: r != NONE -> break
     :: else -> skip
     fi
  od
}

inline push(i) {
  done = 0;
  do
  :: atomic { h_i = head_idx; h_g = head_gen };
     next[i] = h_i;
     atomic {
       if
       :: SAME_HEAD(h_i, h_g) -> head_idx = i; head_gen = h_g + 1; done = 1
       :: else -> skip
       fi
     };
     if
     :: done -> break
     :: else -> skip
     fi
  od
}

inline hold(r) {
  atomic { holders[r]++; assert(holders[r] == 1) }
}

inline unhold(r) {
  holders[r]--
}

proctype worker() {
  byte h_i, h_g, nx, done, a, b, round;
  round = 0;
  do
  :: round == 2 -> break
  :: else ->
     pop(a);
     if
     :: a != NONE ->
        hold(a);
        pop(b);
        if
        :: b != NONE -> hold(b)
        :: else -> skip
        fi;
        if
        :: true -> unhold(a); push(a);
                   if :: b != NONE -> unhold(b); push(b) :: else -> skip fi
        :: b != NONE -> unhold(b); push(b); unhold(a); push(a)
        fi
     :: else -> skip
     fi;
     round++
  od;
  atomic { finished++ }
}

init {
  byte i, seen[SLOTS], n;
  atomic {
    i = 0;
    do
    :: i < SLOTS - 1 -> next[i] = i + 1; i++
    :: else -> break
    od;
    next[SLOTS - 1] = NONE;
    i = 0;
    do
    :: i < THREADS -> run worker(); i++
    :: else -> break
    od
  }
  (finished == THREADS);
  /* every slot exactly once on the list */
  i = head_idx;
  n = 0;
  do
  :: i == NONE -> break
  :: else ->
     assert(i < SLOTS);
     assert(seen[i] == 0);
     seen[i] = 1;
     n++;
     i = next[i]
  od;
  assert(n == SLOTS)
}
