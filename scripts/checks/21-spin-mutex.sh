#!/usr/bin/env bash
# 21-spin-mutex.sh - model-check the mutex protocol of src/core/mutex.c
# (verify/mutex.pml: read-only spin, the HANDOFF request bit, mark contended
# only to sleep, take as contended after a wake, pass a consumed wake on when
# leaving on an error or a timeout; timed waiters, injected backend errors):
#   1. the model: safety search (mutual exclusion assertions + invalid end
#      states = a sleeper nobody will wake) must find 0 errors, and complete;
#   2. three mutants must each be caught, so that the check cannot be vacuous:
#      MUTANT_TAKE_LOCKED_AFTER_WAKE (Drepper's rule dropped) and
#      MUTANT_NO_PASS_ON (an erroring waiter keeps the wake it consumed) and
#      MUTANT_NO_PASS_ON_TIMEOUT (a woken waiter that times out keeps it);
#   3. the bound of wrt/mutex.h (at most BYPASS_MAX acquisitions in a row
#      pass the waiters that asked; the model's BYPASS_MAX is 1) with two
#      threads, one of them coming back 4 times: the safety search must find
#      0 errors, a non-progress search (weak fairness) 0 cycles (nobody
#      waits forever on a free lock the askers were to take), and the
#      mutants MUTANT_ASK_ON_FREE (the rule before the bound: waiting on a
#      free word made a thread an asker), MUTANT_PASS_UNCOUNTED (a pass not
#      counted), MUTANT_NO_WITHDRAW (an asker that gives up stays
#      registered: non-progress), MUTANT_PARKED_TAKEN_LOCKED (an asker takes
#      a word a thread is parked on without marking it contended: a lost
#      wake-up) and MUTANT_NO_WAKE_PARKED_ON_WITHDRAW (the last asker to give
#      up leaves the parked asleep) must each be caught.
# Prints one summary line; exits non-zero on any unexpected result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
"$root/scripts/ensure-packages.sh" spin gcc
out="$root/build/spin-mutex"
mkdir -p "$out"
cd "$out"

# spin_run NAME MODEL [flags...] (spin-run.sh): prints "errors states seconds"
PAN_CFLAGS=-DCOLLAPSE
PAN_DEPTH=400000
# shellcheck source=scripts/checks/spin-run.sh
. "$root/scripts/checks/spin-run.sh"

fail=0
read -r e1 s1 t1 < <(spin_run design mutex.pml)
if [ "$e1" != "0" ]; then
  echo "21-spin-mutex: mutex.pml: $e1 error(s); trail in build/spin-mutex/design" >&2
  (cd design && spin -t -p mutex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e2 s2 t2 < <(spin_run mutant1 mutex.pml -DMUTANT_TAKE_LOCKED_AFTER_WAKE)
if [ "$e2" = "0" ] || [ "$e2" = "incomplete" ]; then
  echo "21-spin-mutex: the take-locked-after-wake mutant was NOT caught" >&2
  fail=1
fi
read -r e3 s3 t3 < <(spin_run mutant2 mutex.pml -DMUTANT_NO_PASS_ON)
if [ "$e3" = "0" ] || [ "$e3" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on mutant was NOT caught" >&2
  fail=1
fi

read -r e4 s4 t4 < <(spin_run mutant3 mutex.pml -DMUTANT_NO_PASS_ON_TIMEOUT)
if [ "$e4" = "0" ] || [ "$e4" = "incomplete" ]; then
  echo "21-spin-mutex: the no-pass-on-timeout mutant was NOT caught" >&2
  fail=1
fi

# 3. the bound: 2 threads, thread 0 locks 4 times (so it can come back past
# the cap), BYPASS_MAX 1
B="-DN=2 -DROUNDS0=4"
read -r e5 s5 t5 < <(spin_run bound mutex.pml $B)
if [ "$e5" != "0" ]; then
  echo "21-spin-mutex: mutex.pml (bound, 2 threads): $e5 error(s); trail in build/spin-mutex/bound" >&2
  (cd bound && spin -t -p $B mutex.pml | tail -40) >&2 || true
  fail=1
fi
read -r e6 s6 t6 < <(PAN_NP=1 spin_run bound-np mutex.pml $B)
if [ "$e6" != "0" ]; then
  echo "21-spin-mutex: mutex.pml (bound, 2 threads): $e6 non-progress cycle(s); trail in build/spin-mutex/bound-np" >&2
  fail=1
fi
read -r e7 s7 t7 < <(spin_run mutant4 mutex.pml $B -DMUTANT_ASK_ON_FREE)
if [ "$e7" = "0" ] || [ "$e7" = "incomplete" ]; then
  echo "21-spin-mutex: the ask-on-free mutant was NOT caught" >&2
  fail=1
fi
read -r e8 s8 t8 < <(spin_run mutant5 mutex.pml $B -DMUTANT_PASS_UNCOUNTED)
if [ "$e8" = "0" ] || [ "$e8" = "incomplete" ]; then
  echo "21-spin-mutex: the pass-uncounted mutant was NOT caught" >&2
  fail=1
fi
read -r e9 s9 t9 < <(PAN_NP=1 spin_run mutant6 mutex.pml $B -DMUTANT_NO_WITHDRAW)
if [ "$e9" = "0" ] || [ "$e9" = "incomplete" ]; then
  echo "21-spin-mutex: the no-withdraw mutant was NOT caught" >&2
  fail=1
fi
read -r e10 s10 t10 < <(spin_run mutant7 mutex.pml $B -DMUTANT_PARKED_TAKEN_LOCKED)
if [ "$e10" = "0" ] || [ "$e10" = "incomplete" ]; then
  echo "21-spin-mutex: the parked-taken-locked mutant was NOT caught" >&2
  fail=1
fi
read -r e11 s11 t11 < <(spin_run mutant8 mutex.pml $B -DMUTANT_NO_WAKE_PARKED_ON_WITHDRAW)
if [ "$e11" = "0" ] || [ "$e11" = "incomplete" ]; then
  echo "21-spin-mutex: the no-wake-parked-on-withdraw mutant was NOT caught" >&2
  fail=1
fi

status=PASS
[ $fail -eq 0 ] || status=FAIL
echo "21-spin-mutex: $status - mutex.pml N=3: $e1 errors, $s1 states, ${t1}s; mutants caught (take-locked-after-wake: $e2, no-pass-on: $e3, no-pass-on-timeout: $e4); bound N=2: $e5 errors, $s5 states, $e6 non-progress cycles; mutants caught (ask-on-free: $e7, pass-uncounted: $e8, no-withdraw: $e9, parked-taken-locked: $e10, no-wake-parked-on-withdraw: $e11)"
exit $fail
