/*
 * qnx_futex_shared.pml - the REJECTED design: the seed's one shared channel
 * per futex with an atomic count of not-yet-signalled waiters; wake(n) sends
 * min(n, count) pulses; a timed-out waiter whose pulse was already claimed
 * polls for it or records a stale-pulse debt. Same scenario and properties as
 * qnx_futex.pml. scripts/checks/20-spin.sh EXPECTS spin to find a violation
 * here: any blocked receiver may take any pulse, so waiter 2 (waiting for the
 * next round, word == 1) can take a pulse that wake_all sent for waiter 0 or
 * 1, which then misses its wake-up (an invalid end state, or the wake_all
 * assertion). This is why src/qnx/qnx_sync.c gives each wait its own channel.
 */

#define N 3
#define R_NONE 0
#define R_OK 1
#define R_AGAIN 2
#define R_TIMEOUT 3

byte word = 0;
byte unsignalled = 0;  /* waiters registered and not yet claimed by a wake */
byte pulses = 0;       /* queued on the shared channel */
byte stale = 0;        /* pulses claimed for waiters that left without them */
bool blocked[N];
bool present_at_wake_all[N];
byte result[N];

/* the leave path of a waiter that got no pulse */
inline leave_without_pulse() {
  atomic {
    if
    :: unsignalled > 0 -> unsignalled--
    :: else ->
       if
       :: pulses > 0 -> pulses--; result[id] = R_OK  /* poll receive: its pulse */
       :: else -> stale++                           /* pulse not sent yet: debt */
       fi
    fi
  }
}

proctype waiter(byte id; byte expected; byte mode) {
  bool timed;
  if
  :: mode == 2 -> timed = true
  :: mode == 1 -> timed = true
  :: mode == 1 -> timed = false
  fi;
  unsignalled++;                       /* register BEFORE checking the word */
  if
  :: word != expected -> result[id] = R_AGAIN; leave_without_pulse(); goto done
  :: else -> blocked[id] = true
  fi;
receive:
  if
  :: atomic { pulses > 0 -> pulses--;
       if
       :: stale > 0 -> stale--       /* a stale pulse: not ours, block again */
       :: else -> result[id] = R_OK
       fi }
     if
     :: result[id] == R_OK -> skip
     :: else -> goto receive
     fi
  :: timed && pulses == 0 -> result[id] = R_TIMEOUT; leave_without_pulse()
  fi;
  blocked[id] = false;
done:
  /* only untimed waiters: the counterexample must be a real lost wake-up,
   * not a timeout racing the wake */
  assert(timed || !present_at_wake_all[id] || result[id] == R_OK);
  assert(stale <= N && pulses <= N)
}

proctype waker() {
  byte k, i;
  atomic { k = (unsignalled > 0 -> 1 : 0); unsignalled = unsignalled - k };
  do
  :: k > 0 -> pulses++; k--
  :: else -> break
  od;
  word = 1;
  atomic {
    i = 0;
    do
    :: i < N -> present_at_wake_all[i] = blocked[i]; i++
    :: else -> break
    od;
    k = unsignalled;
    unsignalled = 0
  };
  do
  :: k > 0 -> pulses++; k--
  :: else -> break
  od
}

init {
  atomic {
    run waiter(0, 0, 1);
    run waiter(1, 0, 1);
    run waiter(2, 1, 2);
    run waker()
  }
}
